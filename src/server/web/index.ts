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
import type { FastifyInstance } from 'fastify';
import { parseLang } from './i18n';
import { withLiveBanner } from './layout';
import { LoginGate } from './login-gate';
import { HTML, PageError } from './page-error';
import { errorPage } from './pages/error';
import { tooManyAttemptsPage } from './pages/admin/login';
import type { WebDeps } from './ports';
import { adminRoutes } from './routes/admin';
import { assetRoutes } from './routes/assets';
import { publicRoutes } from './routes/public';
import { trustRoutes } from './routes/admin-trust';
import { ADMIN_SESSION_TTL_MS, AdminSessions } from './sessions';

export type { WebDeps } from './ports';

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

    // A demo that lifted the embargo says so on every page, public or admin, whatever route drew it.
    scope.addHook('onSend', async (request, reply, payload) => {
      if (typeof payload !== 'string' || !String(reply.getHeader('content-type')).startsWith('text/html'))
        return payload;
      if ((await deps.publication())?.phase !== 'live') return payload;
      const query = request.query as { lang?: unknown } | undefined;
      return withLiveBanner(payload, parseLang(query?.lang));
    });

    assetRoutes(scope);
    publicRoutes(scope, deps, threshold);
    adminRoutes(
      scope,
      deps,
      sessions,
      loginAttempts,
      new LoginGate({ maxInFlight: options.loginsInFlight, perSecond: options.loginsPerSecond }),
    );
    if (deps.trust) trustRoutes(scope, deps.trust, () => deps.election(), sessions, loginAttempts);
  });
}
