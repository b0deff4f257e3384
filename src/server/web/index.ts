/**
 * The central server's web pages as one Fastify plugin: public results (`/`), receipt check (`/recu`)
 * and the admin dashboard (`/admin/…`). The server core registers it beside the API (`/api/v1/…`) and
 * hands it a `WebDeps` over its store; the pages own no data, only rendering, the admin session, CSRF
 * and the login rate limit. Everything runs in its own encapsulated context so the plugins it needs
 * (cookies, form bodies, rate limit) and its HTML error handler do not leak into the JSON API.
 */
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { FONT_PREFIX, STYLESHEET, STYLESHEET_PATH, isFontFile, readFont } from './assets';
import type { WebDeps, WebExport } from './ports';
import {
  anomaliesPage,
  codesPage,
  errorPage,
  exportsPage,
  kiosksPage,
  loginPage,
  revokePage,
  tooManyAttemptsPage,
  type CodesForm,
  type LoginNotice,
} from './pages/admin';
import { parseLang } from './i18n';
import { receiptDisplay, receiptLookupKey, receiptPage } from './pages/receipt';
import { resultsPage } from './pages/results';
import {
  ADMIN_SESSION_TTL_MS,
  AdminSessions,
  LOGIN_COOKIE,
  SESSION_COOKIE,
  newLoginToken,
  sameToken,
  type AdminSession,
} from './sessions';

export type { WebDeps } from './ports';

const HTML = 'text/html; charset=utf-8';
const LOGIN_PATH = '/admin/connexion';

const LoginBody = z.object({ password: z.string().max(1024), csrf: z.string().max(100) });
const CsrfBody = z.object({ csrf: z.string().max(100) });
const RevokeBody = z.object({ csrf: z.string().max(100), kioskId: z.string().max(64) });
const RevokeQuery = z.object({ borne: z.string().max(64).optional() });
const KiosksQuery = z.object({ revoquee: z.string().max(64).optional(), deja: z.string().max(5).optional() });
const CodeBody = z.object({
  csrf: z.string().max(100),
  label: z.string().max(1000),
  hours: z.string().max(20),
});
const ReceiptQuery = z.object({ code: z.string().max(200).optional(), lang: z.string().max(10).optional() });
const LangQuery = z.object({ lang: z.string().max(10).optional() });

/** An HTTP error thrown to the pages' error handler, which renders it as a French HTML page. */
class PageError extends Error {
  constructor(
    readonly statusCode: number,
    readonly title: string,
    message: string,
  ) {
    super(message);
  }
}

/** File names we put in Content-Disposition: no quote, slash or control character can get through. */
const safeFileName = (name: string): string =>
  name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 120) || 'export';

/** `sessions`: the server's admin sessions when the API shares them (exact kiosk counts for admins). */
export async function webPlugin(
  app: FastifyInstance,
  deps: WebDeps,
  sessions = new AdminSessions(deps.options?.sessionTtlMs ?? ADMIN_SESSION_TTL_MS),
): Promise<void> {
  const options = deps.options ?? {};
  const loginAttempts = options.loginAttemptsPerMinute ?? 5;
  const threshold = options.kioskSubtotalThreshold ?? 10;

  await app.register(async (scope) => {
    // Reuse the server's own registrations when it has them (registering twice throws).
    if (!scope.hasReplyDecorator('setCookie')) await scope.register(cookie);
    if (!scope.hasContentTypeParser('application/x-www-form-urlencoded')) await scope.register(formbody);
    if (!scope.hasDecorator('rateLimit')) await scope.register(rateLimit, { global: false });

    scope.setErrorHandler((error, request, reply) => {
      const status =
        typeof (error as { statusCode?: unknown }).statusCode === 'number'
          ? (error as { statusCode: number }).statusCode
          : 500;
      if (status === 429) return reply.code(429).type(HTML).send(tooManyAttemptsPage());
      if (error instanceof PageError)
        return reply
          .code(error.statusCode)
          .type(HTML)
          .send(errorPage(error.statusCode, error.title, error.message));
      // Only the status and the error's code: a message could carry a request's content.
      request.log.error({ statusCode: status, code: (error as { code?: unknown }).code }, 'web page error');
      if (status >= 400 && status < 500)
        return reply
          .code(status)
          .type(HTML)
          .send(errorPage(status, 'Requête refusée', 'Cette requête n’est pas valide.'));
      return reply
        .code(500)
        .type(HTML)
        .send(
          errorPage(500, 'Erreur interne', 'Le serveur a rencontré un problème. Réessayez dans un instant.'),
        );
    });

    // ------------------------------------------------------------ static files

    scope.get(STYLESHEET_PATH, async (_request, reply) =>
      reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(STYLESHEET),
    );

    scope.get<{ Params: { file: string } }>(`${FONT_PREFIX}:file`, async (request, reply) => {
      const { file } = request.params;
      if (!isFontFile(file)) throw new PageError(404, 'Page introuvable', 'Ce fichier n’existe pas.');
      return reply
        .type('font/woff2')
        .header('cache-control', 'public, max-age=31536000, immutable')
        .send(readFont(file));
    });

    // ------------------------------------------------------------ public pages

    scope.get('/', async (request, reply) => {
      const query = LangQuery.safeParse(request.query);
      const lang = parseLang(query.success ? query.data.lang : undefined);
      const [election, results] = await Promise.all([deps.election(), deps.results()]);
      return reply
        .type(HTML)
        .header('cache-control', 'no-cache')
        .send(resultsPage(election, results, new Date(), threshold, lang));
    });

    // The receipt code or ballot id is in the query string; a ballot id leads to its choices in the
    // public audit bundle, so this route must not write its URL in the request log.
    scope.get('/recu', { logLevel: 'warn' }, async (request, reply) => {
      const query = ReceiptQuery.safeParse(request.query);
      const typed = query.success ? (query.data.code ?? '').trim() : '';
      const lang = parseLang(query.success ? query.data.lang : undefined);
      reply.type(HTML).header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
      if (typed === '') return reply.send(receiptPage({ kind: 'form' }, lang));
      const key = receiptLookupKey(typed);
      if (key === null)
        return reply.code(400).send(receiptPage({ kind: 'invalid', typed: typed.slice(0, 64) }, lang));
      const included = await deps.ballotIncluded(key);
      return reply.send(
        receiptPage({ kind: included ? 'counted' : 'not_yet', typed: receiptDisplay(key) }, lang),
      );
    });

    // ------------------------------------------------------------ admin: session helpers

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

    // ------------------------------------------------------------ admin: login and logout

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
        if (!(await deps.verifyAdminPassword(body.data.password)))
          return showLogin(request, reply, 'wrong_password', 401);
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

    // ------------------------------------------------------------ admin pages

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
        .send(
          codesPage(session.csrf, await deps.enrolmentCodes(), emptyCodeForm, { ...created.value, label }),
        );
    });

    scope.get('/admin/exports', async (request, reply) => {
      const session = requireSession(request, reply);
      if (!session) return reply;
      return reply.type(HTML).send(exportsPage(session.csrf, null));
    });

    async function sendExport(
      request: FastifyRequest,
      reply: FastifyReply,
      make: () => ReturnType<WebDeps['exportAudit']>,
    ): Promise<FastifyReply> {
      const session = requireSession(request, reply);
      if (!session) return reply;
      const result = await make();
      if (!result.ok) return reply.code(409).type(HTML).send(exportsPage(session.csrf, result.error.message));
      const file: WebExport = result.value;
      return reply
        .type(file.contentType)
        .header('content-disposition', `attachment; filename="${safeFileName(file.fileName)}"`)
        .send(file.body);
    }

    scope.get('/admin/exports/audit', (request, reply) =>
      sendExport(request, reply, () => deps.exportAudit()),
    );
    scope.get('/admin/exports/pabulib', (request, reply) =>
      sendExport(request, reply, () => deps.exportPabulib()),
    );
  });
}
