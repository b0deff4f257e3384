/**
 * The admin session as the admin routes see it: the cookies' attributes, the current session (or a
 * redirect to the login page), the CSRF check of a form, and the login page with a fresh login token.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { HTML, PageError } from '../page-error';
import { loginPage, type LoginNotice } from '../pages/admin/login';
import {
  LOGIN_COOKIE,
  SESSION_COOKIE,
  newLoginToken,
  sameToken,
  type AdminSession,
  type AdminSessions,
} from '../sessions';

export const LOGIN_PATH = '/admin/connexion';

const CsrfBody = z.object({ csrf: z.string().max(100) });

/** `loginAttempts`: login attempts allowed per IP per minute (the login page says so). */
export function adminSessionHelpers(sessions: AdminSessions, loginAttempts: number) {
  const cookieBase = (request: FastifyRequest) =>
    ({ path: '/admin', httpOnly: true, sameSite: 'strict', secure: request.protocol === 'https' }) as const;

  const currentSession = (request: FastifyRequest): AdminSession | null =>
    sessions.get(request.cookies[SESSION_COOKIE]);

  /** The session, or a redirect to the login page (and null). */
  function requireSession(request: FastifyRequest, reply: FastifyReply): AdminSession | null {
    const session = currentSession(request);
    if (session) {
      reply.header('cache-control', 'no-store');
      return session;
    }
    void reply.redirect(`${LOGIN_PATH}?raison=session`, 303);
    return null;
  }

  function checkCsrf(session: AdminSession, body: unknown): void {
    const parsed = CsrfBody.safeParse(body);
    if (!parsed.success || !sameToken(parsed.data.csrf, session.csrf))
      throw new PageError(
        403,
        'Formulaire refusé',
        'Le formulaire a expiré ou ne vient pas de ce site. Rechargez la page et recommencez.',
      );
  }

  function showLogin(request: FastifyRequest, reply: FastifyReply, notice: LoginNotice, status = 200) {
    const token = newLoginToken();
    void reply.setCookie(LOGIN_COOKIE, token, { ...cookieBase(request), maxAge: 30 * 60 });
    return reply
      .code(status)
      .type(HTML)
      .header('cache-control', 'no-store')
      .send(loginPage(token, notice, loginAttempts));
  }

  return { cookieBase, currentSession, requireSession, checkCsrf, showLogin };
}
