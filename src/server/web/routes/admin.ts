/**
 * The admin routes (`/admin/…`): login and logout, then, behind the session, the kiosks and their
 * revocation, the anomalies, the enrolment codes and the exports. Every form carries the session's CSRF
 * token; the login is rate limited per IP.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { HTML, PageError } from '../page-error';
import { anomaliesPage } from '../pages/admin/anomalies';
import { codesPage, type CodesForm } from '../pages/admin/codes';
import { exportsPage } from '../pages/admin/exports';
import { kiosksPage, revokePage } from '../pages/admin/kiosks';
import { LoginGate } from '../login-gate';
import type { WebDeps, WebExport } from '../ports';
import { LOGIN_COOKIE, SESSION_COOKIE, sameToken, type AdminSessions } from '../sessions';
import { LOGIN_PATH, adminSessionHelpers } from './admin-session';

const LoginBody = z.object({ password: z.string().max(1024), csrf: z.string().max(100) });
const RevokeBody = z.object({ csrf: z.string().max(100), kioskId: z.string().max(64) });
const RevokeQuery = z.object({ borne: z.string().max(64).optional() });
const KiosksQuery = z.object({ revoquee: z.string().max(64).optional(), deja: z.string().max(5).optional() });
const CodeBody = z.object({
  csrf: z.string().max(100),
  label: z.string().max(1000),
  hours: z.string().max(20),
});

/** File names we put in Content-Disposition: no quote, slash or control character can get through. */
const safeFileName = (name: string): string =>
  name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 120) || 'export';

export function adminRoutes(
  scope: FastifyInstance,
  deps: WebDeps,
  sessions: AdminSessions,
  loginAttempts: number,
  loginGate: LoginGate = new LoginGate(),
): void {
  const { cookieBase, currentSession, requireSession, checkCsrf, showLogin } = adminSessionHelpers(
    sessions,
    loginAttempts,
  );

  scope.get('/admin', async (request, reply) =>
    reply.redirect(currentSession(request) ? '/admin/bornes' : LOGIN_PATH, 303),
  );

  scope.get<{ Querystring: { raison?: string } }>(LOGIN_PATH, async (request, reply) => {
    if (currentSession(request)) return reply.redirect('/admin/bornes', 303);
    const reason = request.query.raison;
    return showLogin(
      request,
      reply,
      reason === 'sortie' ? 'logged_out' : reason === 'session' ? 'expired' : 'none',
    );
  });

  scope.post(
    LOGIN_PATH,
    {
      config: {
        rateLimit: {
          max: loginAttempts,
          timeWindow: 60_000,
          errorResponseBuilder: () => new PageError(429, 'Trop de tentatives', 'Trop de tentatives.'),
        },
      },
    },
    async (request, reply) => {
      const body = LoginBody.safeParse(request.body);
      if (!body.success) return showLogin(request, reply, 'wrong_password', 400);
      const expected = request.cookies[LOGIN_COOKIE];
      if (expected === undefined || !sameToken(body.data.csrf, expected))
        return showLogin(request, reply, 'csrf', 403);
      const verified = await loginGate.run(() => deps.verifyAdminPassword(body.data.password));
      if (verified === null) throw new PageError(429, 'Trop de tentatives', 'Trop de tentatives.');
      if (!verified) return showLogin(request, reply, 'wrong_password', 401);
      const session = sessions.create();
      void reply.clearCookie(LOGIN_COOKIE, cookieBase(request));
      void reply.setCookie(SESSION_COOKIE, session.id, {
        ...cookieBase(request),
        maxAge: Math.floor((session.expiresAt - Date.now()) / 1000),
      });
      return reply.redirect('/admin/bornes', 303);
    },
  );

  scope.post('/admin/deconnexion', async (request, reply) => {
    const session = currentSession(request);
    if (session) {
      checkCsrf(session, request.body);
      sessions.destroy(session.id);
    }
    void reply.clearCookie(SESSION_COOKIE, cookieBase(request));
    return reply.redirect(`${LOGIN_PATH}?raison=sortie`, 303);
  });

  scope.get('/admin/bornes', async (request, reply) => {
    const session = requireSession(request, reply);
    if (!session) return reply;
    const kiosks = await deps.kiosks();
    const query = KiosksQuery.safeParse(request.query);
    const revoked = query.success ? kiosks.find((k) => k.kioskId === query.data.revoquee) : undefined;
    const notice = revoked
      ? ({ kind: 'revoked', label: revoked.label, already: query.data?.deja === '1' } as const)
      : null;
    return reply.type(HTML).send(kiosksPage(session.csrf, kiosks, notice));
  });

  scope.get('/admin/bornes/revoquer', async (request, reply) => {
    const session = requireSession(request, reply);
    if (!session) return reply;
    const query = RevokeQuery.safeParse(request.query);
    const kiosk = query.success ? (await deps.kiosks()).find((k) => k.kioskId === query.data.borne) : null;
    if (!kiosk) throw new PageError(404, 'Borne inconnue', 'Aucune borne inscrite sous cet identifiant.');
    return reply.type(HTML).send(revokePage(session.csrf, kiosk));
  });

  scope.post('/admin/bornes/revoquer', async (request, reply) => {
    const session = requireSession(request, reply);
    if (!session) return reply;
    checkCsrf(session, request.body);
    const body = RevokeBody.safeParse(request.body);
    const revoked = body.success ? await deps.revokeKiosk(body.data.kioskId) : null;
    if (!revoked?.ok)
      throw new PageError(404, 'Borne inconnue', 'Aucune borne inscrite sous cet identifiant.');
    // The kiosk id only: who revoked is the admin session, whose id is a secret.
    request.log.info(
      { kioskId: revoked.value.kioskId, alreadyRevoked: revoked.value.alreadyRevoked },
      'kiosk revoked',
    );
    const already = revoked.value.alreadyRevoked ? '&deja=1' : '';
    return reply.redirect(`/admin/bornes?revoquee=${revoked.value.kioskId}${already}`, 303);
  });

  scope.get('/admin/anomalies', async (request, reply) => {
    const session = requireSession(request, reply);
    if (!session) return reply;
    const [anomalies, kiosks] = await Promise.all([deps.anomalies(), deps.kiosks()]);
    const labels = new Map(kiosks.map((k) => [k.kioskId, k.label]));
    return reply.type(HTML).send(anomaliesPage(session.csrf, anomalies, labels));
  });

  const emptyCodeForm: CodesForm = { label: '', hours: '48', errors: {} };

  scope.get('/admin/codes', async (request, reply) => {
    const session = requireSession(request, reply);
    if (!session) return reply;
    return reply.type(HTML).send(codesPage(session.csrf, await deps.enrolmentCodes(), emptyCodeForm, null));
  });

  scope.post('/admin/codes', async (request, reply) => {
    const session = requireSession(request, reply);
    if (!session) return reply;
    checkCsrf(session, request.body);
    const body = CodeBody.safeParse(request.body);
    const label = body.success ? body.data.label.trim() : '';
    const hoursText = body.success ? body.data.hours.trim() : '';
    const hours = /^\d{1,4}$/.test(hoursText) ? Number(hoursText) : NaN;
    const form: CodesForm = { label, hours: hoursText, errors: {} };
    if (label.length === 0) form.errors.label = 'Donnez un nom à la borne.';
    else if (label.length > 200) form.errors.label = 'Le nom ne doit pas dépasser 200 caractères.';
    if (!(hours >= 1 && hours <= 720))
      form.errors.hours = 'Indiquez un nombre entier d’heures entre 1 et 720.';
    if (form.errors.label || form.errors.hours)
      return reply
        .code(400)
        .type(HTML)
        .send(codesPage(session.csrf, await deps.enrolmentCodes(), form, null));
    const created = await deps.createEnrolmentCode({ label, expiresInHours: hours });
    if (!created.ok) {
      form.errors.general = created.error.message;
      return reply
        .code(422)
        .type(HTML)
        .send(codesPage(session.csrf, await deps.enrolmentCodes(), form, null));
    }
    return reply
      .type(HTML)
      .send(codesPage(session.csrf, await deps.enrolmentCodes(), emptyCodeForm, { ...created.value, label }));
  });

  scope.get('/admin/exports', async (request, reply) => {
    const session = requireSession(request, reply);
    if (!session) return reply;
    return reply.type(HTML).send(exportsPage(session.csrf, null, await deps.publication()));
  });

  async function sendExport(
    request: FastifyRequest,
    reply: FastifyReply,
    make: () => ReturnType<WebDeps['exportAudit']>,
  ): Promise<FastifyReply> {
    const session = requireSession(request, reply);
    if (!session) return reply;
    const result = await make();
    if (!result.ok)
      return reply
        .code(result.error.code === 'embargoed' ? 403 : 409)
        .type(HTML)
        .header('x-isoloir-error', result.error.code)
        .send(exportsPage(session.csrf, result.error.message, await deps.publication()));
    const file: WebExport = result.value;
    return reply
      .type(file.contentType)
      .header('content-disposition', `attachment; filename="${safeFileName(file.fileName)}"`)
      .send(file.body);
  }

  scope.get('/admin/exports/audit', (request, reply) => sendExport(request, reply, () => deps.exportAudit()));
  scope.get('/admin/exports/pabulib', (request, reply) =>
    sendExport(request, reply, () => deps.exportPabulib()),
  );
}
