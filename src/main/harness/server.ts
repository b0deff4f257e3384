/**
 * The browser harness (DESIGN §2): the same kiosk core served to any Chromium over a local HTTP transport
 * of the typed API, plus the built renderer as static files. Used by the e2e tests (no Electron binary can
 * be downloaded here) and deployable as a browser-in-kiosk-mode box. It listens on 127.0.0.1 only; every
 * API call needs the per-launch secret in a header (constant-time compare), the Host header must name
 * this very listener (DNS-rebinding guard), bodies are small, and every payload is parsed by `dispatch()`.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyError, type FastifyReply, type FastifyRequest } from 'fastify';
import { HARNESS_TOKEN_HEADER, type KioskHandlers } from '../../shared/api';
import { contentSecurityPolicy } from '../../shared/csp';
import { dispatch } from '../../shared/dispatch';
import { err } from '../../shared/result';

export const HARNESS_BODY_LIMIT = 64 * 1024;

export interface HarnessOptions {
  kiosk: { handlers: KioskHandlers };
  /** The built renderer (`out/renderer`); null or missing folder: API only. */
  rendererDir?: string | null;
  /** Extra static folders, URL prefix → folder (e.g. `/images/` for project pictures). */
  extraStatic?: Record<string, string>;
  /** Only loopback addresses make sense: the token travels in clear over HTTP. */
  host?: '127.0.0.1' | 'localhost';
  /** 0 (default) picks a free port. */
  port?: number;
  /** Fixed secret for a known URL (tests pass none: a random one per launch is the norm). */
  token?: string;
}

export interface Harness {
  /** Where to point the browser: carries the secret in the fragment, which is never sent to a server. */
  url: string;
  origin: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** Constant-time: hashing first makes both sides the same length, so the length leaks nothing either. */
export function tokenMatches(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  return timingSafeEqual(digest(given), digest(expected));
}

export const newHarnessToken = (): string => randomBytes(32).toString('base64url');

export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? newHarnessToken();
  const csp = contentSecurityPolicy();
  // Filled once the port is known; until then no Host is acceptable.
  const allowedHosts = new Set<string>();

  // forceCloseConnections: closing the kiosk cuts every socket, idle or not. A connection that never
  // sent a request (Chromium preconnects) would otherwise hold close() open until Node's request timeout.
  const app = Fastify({
    logger: false,
    bodyLimit: HARNESS_BODY_LIMIT,
    return503OnClosing: true,
    forceCloseConnections: true,
    // The router refuses a method name over 100 characters or a broken %-escape before any hook runs:
    // the answer keeps the contract's shape instead of Fastify's own. No core is reached.
    frameworkErrors: (_error: FastifyError, _request: FastifyRequest, reply: FastifyReply) =>
      reply.code(400).send(err('invalid_input', 'Adresse inconnue.')),
  });

  app.addHook('onRequest', async (request, reply) => {
    if (!allowedHosts.has(request.headers.host ?? '')) {
      return reply.code(403).send(err('unauthorized', 'Adresse non reconnue.'));
    }
    return undefined;
  });

  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('Content-Security-Policy', csp);
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('X-Frame-Options', 'DENY');
    reply.header('Referrer-Policy', 'no-referrer');
    reply.header('Cross-Origin-Opener-Policy', 'same-origin');
    reply.header('Cross-Origin-Resource-Policy', 'same-origin');
    if (request.url.startsWith('/api/')) reply.header('Cache-Control', 'no-store');
    return payload;
  });

  app.setErrorHandler((error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
    const status = error.statusCode ?? 500;
    if (status === 413) {
      return reply.code(413).send(err('invalid_input', 'Les informations envoyées sont trop volumineuses.'));
    }
    if (status >= 400 && status < 500) {
      return reply.code(status).send(err('invalid_input', 'Les informations envoyées ne sont pas valides.'));
    }
    return reply.code(500).send(err('internal', 'Une erreur inattendue est survenue.'));
  });

  app.setNotFoundHandler((_request, reply) =>
    reply.code(404).send(err('invalid_input', 'Adresse inconnue.')),
  );

  app.post<{ Params: { method: string } }>(
    // httpPath(m) is '/api/kiosk/' + m; the tests call it through httpPath, so the two cannot drift.
    '/api/kiosk/:method',
    {
      bodyLimit: HARNESS_BODY_LIMIT,
      // Before the body is even read: a caller without the secret costs no parsing.
      onRequest: async (request, reply) => {
        // Browsers name the calling page's origin: only our own pages may call (a second lock beside
        // the secret, which a foreign page cannot read anyway).
        const origin = request.headers.origin;
        if (origin !== undefined && !allowedHosts.has(origin.replace(/^http:\/\//, ''))) {
          return reply.code(403).send(err('unauthorized', 'Accès refusé.'));
        }
        if (!tokenMatches(request.headers[HARNESS_TOKEN_HEADER], token)) {
          return reply.code(401).send(err('unauthorized', 'Accès refusé.'));
        }
        return undefined;
      },
    },
    async (request) => dispatch(options.kiosk.handlers, request.params.method, request.body),
  );

  const rendererDir = options.rendererDir;
  if (rendererDir && existsSync(rendererDir)) {
    await app.register(fastifyStatic, {
      root: rendererDir,
      prefix: '/',
      index: ['index.html'],
      wildcard: true,
    });
  }
  for (const [prefix, dir] of Object.entries(options.extraStatic ?? {})) {
    await app.register(fastifyStatic, { root: dir, prefix, decorateReply: false, wildcard: true });
  }

  await app.listen({ host, port: options.port ?? 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('harness: no TCP address');
  const port = address.port;
  allowedHosts.add(`127.0.0.1:${port}`);
  allowedHosts.add(`localhost:${port}`);
  const origin = `http://${host}:${port}`;
  return {
    url: `${origin}/#token=${token}`,
    origin,
    token,
    port,
    close: () => app.close(),
  };
}
