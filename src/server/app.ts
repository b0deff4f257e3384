/**
 * The central server's Fastify application: the API of DESIGN §4 under `/api/v1/` (every status code as
 * written there), security headers, the body limit, rate limits, and the web pages plugin under `/`.
 * Every refused request answers `{"error", "message"}` only (plus `expectedSeq` for `out_of_order`) and
 * changes nothing but a counted rejection record. Logs never carry a choice, a token, a code, a password
 * or a key: requests are logged by route pattern, not by URL, and bodies are never logged.
 */
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import { fastifyCookie } from '@fastify/cookie';
import Fastify, {
  LogController,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import { dirname } from 'node:path';
import type { WireErrorCode } from '../shared/errors';
import { kioskId as KioskIdSchema, type ParticipationPage, type SignatureDomain } from '../shared/wire';
import { signDocument, verifyDocument } from '../shared/node/crypto';
import { isDiskFull } from '../shared/node/sqlite';
import type { AppContext, AppOptions } from './app-context';
import { findReceipt } from './receipt-lookup';
import { applyCountingSettings } from './datadir';
import { currentElection } from './election';
import { redeemEnrolmentCode } from './enrolment';
import { healthRoutes } from './health';
import { recordKioskStatus } from './kiosk-status';
import { takeMediatorReset } from './mediator-reset';
import { DISK_FULL, IngestQueue } from './ingest-queue';
import { publicKioskState, publicationOf, servedResults, type Publication } from './publication';
import { RefusalLimiter, signedRefusal } from './refusal-limit';
import type { StoredKiosk } from './store';
import { TallyCache } from './tally-cache';
import { buildWebDeps } from './web-adapter';
import { webPlugin } from './web/index';
import { ADMIN_SESSION_TTL_MS, AdminSessions, SESSION_COOKIE } from './web/sessions';

export type { AppContext, AppOptions } from './app-context';

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** Errors the transport raises before our handlers run, mapped to DESIGN §4's shape. */
function transportError(error: { code?: string; statusCode?: number }): {
  status: number;
  code: WireErrorCode;
  message: string;
} {
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || error.statusCode === 413)
    return { status: 413, code: 'too_large', message: 'Requête trop volumineuse.' };
  if (error.statusCode === 429)
    return { status: 429, code: 'rate_limited', message: 'Trop de tentatives : réessayez dans une minute.' };
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500)
    return { status: 400, code: 'malformed', message: 'Requête mal formée.' };
  return { status: 500, code: 'internal', message: 'Erreur interne du serveur.' };
}

/**
 * What a handler wants in its request's single log line (message and fields), written with it when the
 * answer has gone.
 */
const completionNotes = new WeakMap<FastifyRequest, { msg: string; fields: Record<string, unknown> }>();

/**
 * One log line per request, when it completes (route, status, time and the handler's note), instead of
 * Fastify's "incoming request" and "request completed" plus the handler's own line: at a few hundred
 * batches a second, each synchronous line is a write on the request's path (docs/server.md).
 */
class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (this.isLogDisabled(request)) return;
    const note = completionNotes.get(request);
    const fields = {
      req: request,
      res: reply,
      responseTime: Math.round(reply.elapsedTime * 10) / 10,
      ...note?.fields,
    };
    if (error) reply.log.error({ ...fields, err: error }, 'request errored');
    else reply.log.info(fields, note?.msg ?? 'request completed');
  }
}

const sendError = (reply: FastifyReply, status: number, code: WireErrorCode, message: string) =>
  reply.code(status).send({ error: code, message });

export async function buildApp(ctx: AppContext, options: AppOptions = {}): Promise<FastifyInstance> {
  const now = options.now ?? (() => new Date());
  const app = Fastify({
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    logger:
      options.logger === undefined
        ? false
        : options.logger === false
          ? false
          : {
              ...(typeof options.logger === 'object' ? options.logger : {}),
              serializers: {
                // The route pattern, never the URL: it may hold a ballot id or a register cursor.
                req: (req: { method?: string; routeOptions?: { url?: string } }) => ({
                  method: req.method,
                  route: req.routeOptions?.url ?? 'unknown',
                }),
              },
            },
    logController: new OneLinePerRequest(),
    // The router refuses a path parameter over 100 characters or a broken %-escape before any handler
    // runs; without this it would answer in Fastify's own shape, not `{error, message}`.
    frameworkErrors: (
      error: { code?: string; statusCode?: number },
      _request: FastifyRequest,
      reply: FastifyReply,
    ) => {
      const mapped = transportError(error);
      return sendError(reply, mapped.status, mapped.code, mapped.message);
    },
    ...(options.https ? { https: options.https } : {}),
    ...(options.trustProxy ? { trustProxy: options.trustProxy } : {}),
  } as FastifyServerOptions);
  const { store, authority } = ctx;
  // The threshold given is recorded in the data folder, else read from it (docs/server.md), so the
  // exports and `results` publish exactly as this server does.
  const settings = applyCountingSettings(store, { kioskSubtotalThreshold: options.kioskSubtotalThreshold });
  options = { ...options, ...settings };
  const tally = new TallyCache(store, { kioskSubtotalThreshold: settings.kioskSubtotalThreshold });
  // Shared with the web pages' login, so the API also knows an admin session (exact kiosk counts).
  const adminSessions = new AdminSessions(ADMIN_SESSION_TTL_MS);
  const isAdmin = (request: FastifyRequest): boolean => {
    const header = request.headers.cookie;
    return header !== undefined && adminSessions.get(fastifyCookie.parse(header)[SESSION_COOKIE]) !== null;
  };
  /** Embargoed, closed or lifted for a demo, by the server's clock; null without an election. */
  const publication = (): Publication | null => {
    const election = currentElection(store);
    return election ? publicationOf(election.pkg.closesAt, now(), options.liveResults ?? false) : null;
  };
  // The tally is rebuilt from the store before the first request, not during it.
  tally.warm();

  // Without TLS, helmet's default `upgrade-insecure-requests` would send the pages' stylesheet and
  // forms to https:// (a browser applies it on any non-loopback address), where nothing listens.
  await app.register(helmet, {
    hsts: options.https ? undefined : false,
    contentSecurityPolicy: options.https ? undefined : { directives: { upgradeInsecureRequests: null } },
  });
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => ({
      statusCode: context.statusCode,
      error: 'rate_limited',
      message: 'Trop de tentatives : réessayez dans une minute.',
    }),
  });

  const refusals = new RefusalLimiter(options.refusalsPerMinute ?? 30);
  // Refusals are counted in memory (no disk sync each); they are written with the next group commit,
  // every few seconds, and at close.
  const rejectionFlush = setInterval(() => {
    try {
      store.flushRejections();
    } catch (error) {
      app.log.error({ err: error }, 'rejection counts not written');
    }
  }, options.rejectionFlushMs ?? 5000);
  rejectionFlush.unref();
  app.addHook('onClose', async () => {
    clearInterval(rejectionFlush);
    store.flushRejections();
  });

  app.setErrorHandler((error: { code?: string; statusCode?: number }, request, reply) => {
    if (isDiskFull(error, store.path)) {
      request.log.error(
        { err: error, dataDir: dirname(store.path) },
        'disk full: request not stored, answered 503',
      );
      return sendError(reply, 503, 'disk_full', DISK_FULL.message);
    }
    const mapped = transportError(error);
    if (mapped.status === 500) request.log.error({ err: error }, 'unexpected error');
    else if (request.routeOptions.url === '/api/v1/batches') {
      store.recordRejection('', mapped.code, now().toISOString());
      refusals.note(`ip:${request.ip}`);
    }
    return sendError(reply, mapped.status, mapped.code, mapped.message);
  });
  app.setNotFoundHandler((_request, reply) => sendError(reply, 404, 'not_found', 'Adresse inconnue.'));

  // ---------------------------------------------------------------- enrolment
  app.post(
    '/api/v1/kiosks',
    { config: { rateLimit: { max: options.enrolPerMinute ?? 10, timeWindow: 60_000 } } },
    async (request, reply) => {
      const outcome = redeemEnrolmentCode(store, authority, request.body, now(), {
        ...(options.serverUrls ? { serverUrls: options.serverUrls } : {}),
      });
      if (outcome.status !== 201) return sendError(reply, outcome.status, outcome.error, outcome.message);
      tally.markDirty();
      request.log.info({ kioskId: outcome.body.kioskId }, 'kiosk enrolled');
      return reply.code(201).send(outcome.body);
    },
  );

  // ---------------------------------------------------------------- election package
  app.get('/api/v1/election', async (_request, reply) => {
    const election = store.currentElection();
    if (!election) return sendError(reply, 404, 'no_election', 'Aucune élection n’est publiée.');
    return reply.send({ payload: election.payload, signature: election.signature });
  });

  // ---------------------------------------------------------------- batches
  const queue = new IngestQueue(store, authority, now, () => tally.markDirty());
  app.post('/api/v1/batches', async (request, reply) => {
    const named =
      typeof request.body === 'object' && request.body !== null && 'kioskId' in request.body
        ? KioskIdSchema.safeParse(request.body.kioskId)
        : null;
    const kioskKey = named?.success ? `kiosk:${named.data}` : null;
    const ipKey = `ip:${request.ip}`;
    if (refusals.blocked(kioskKey ? [ipKey, kioskKey] : [ipKey])) {
      store.recordRejection('', 'rate_limited', now().toISOString());
      completionNotes.set(request, { msg: 'batch refused', fields: { error: 'rate_limited' } });
      return sendError(reply, 429, 'rate_limited', 'Trop de lots refusés : réessayez dans une minute.');
    }
    const outcome = await queue.submit(request.body);
    if ('error' in outcome && outcome.error === 'disk_full')
      request.log.error(
        { kioskId: named?.success ? named.data : undefined, dataDir: dirname(store.path) },
        'disk full: batch not stored, answered 503 (the kiosk keeps it and sends it again); free space in the data folder',
      );
    if ('error' in outcome) {
      // A full disk is the server's fault, not the kiosk's: its retries must not earn it a 429.
      if (outcome.error !== 'disk_full') {
        refusals.note(ipKey);
        if (kioskKey && signedRefusal(outcome.error)) refusals.note(kioskKey);
      }
      completionNotes.set(request, {
        msg: 'batch refused',
        fields: { error: outcome.error, commit: outcome.commit },
      });
      return reply
        .code(outcome.status)
        .send(
          outcome.expectedSeq === undefined
            ? { error: outcome.error, message: outcome.message }
            : { error: outcome.error, message: outcome.message, expectedSeq: outcome.expectedSeq },
        );
    }
    const { kioskId, seq, status } = outcome.ackPayload;
    // `commit` numbers the group commits: the batches of one number shared one transaction and fsync.
    completionNotes.set(request, {
      msg: 'batch acknowledged',
      fields: { kioskId, seq, status, commit: outcome.commit },
    });
    return reply.code(outcome.status).send(outcome.ack);
  });

  // ---------------------------------------------------------------- requests signed by a kiosk
  const skewMs = options.registerSkewMs ?? 5 * 60_000;
  /**
   * The three headers of docs/protocol.md: the kiosk id, its time, and its Ed25519 signature with
   * `domain` over `challenge(kioskId, time)`. `null` when none of them is there.
   */
  const signedBy = (
    request: FastifyRequest,
    domain: SignatureDomain,
    challenge: (kioskId: string, time: string) => string,
  ): { ok: true; kiosk: StoredKiosk } | { ok: false; code: WireErrorCode; message: string } | null => {
    const kioskHeader = request.headers['x-isoloir-kiosk'];
    const timeHeader = request.headers['x-isoloir-time'];
    const signatureHeader = request.headers['x-isoloir-signature'];
    if (kioskHeader === undefined && timeHeader === undefined && signatureHeader === undefined) return null;
    if (
      typeof kioskHeader !== 'string' ||
      typeof timeHeader !== 'string' ||
      typeof signatureHeader !== 'string'
    )
      return { ok: false, code: 'unauthorized', message: 'Requête non signée par une borne.' };
    const kiosk = store.kiosk(kioskHeader);
    if (!kiosk || kiosk.revoked)
      return { ok: false, code: 'unknown_kiosk', message: 'Borne inconnue ou révoquée.' };
    const skew = Math.abs(now().getTime() - Date.parse(timeHeader));
    if (!(skew <= skewMs))
      return { ok: false, code: 'unauthorized', message: 'Horodatage de la requête hors délai.' };
    const bytes = Buffer.from(challenge(kiosk.kioskId, timeHeader), 'utf8');
    const verified = verifyDocument(
      domain,
      { payload: bytes.toString('base64url'), signature: signatureHeader },
      kiosk.publicKey,
    );
    if (!verified.ok)
      return { ok: false, code: 'bad_signature', message: 'Signature de la requête invalide.' };
    return { ok: true, kiosk };
  };

  // ---------------------------------------------------------------- kiosk state
  const threshold = settings.kioskSubtotalThreshold;
  app.get<{ Params: { kioskId: string } }>('/api/v1/kiosks/:kioskId', async (request, reply) => {
    const id = KioskIdSchema.safeParse(request.params.kioskId);
    const kiosk = id.success ? store.kiosk(id.data) : null;
    if (!kiosk) return sendError(reply, 404, 'not_found', 'Borne inconnue.');
    // The exact state only to the kiosk itself or the central team. To anyone else no seq, head or
    // time (polled, they would tie each move of the participation to one kiosk's batch), and the count
    // only after the close, hidden below the threshold as in the results (src/server/publication.ts).
    const signed = signedBy(request, 'state', (kioskId, time) => `${kioskId}\n${time}`);
    if (signed && !signed.ok) return sendError(reply, 401, signed.code, signed.message);
    if (signed && signed.kiosk.kioskId !== kiosk.kioskId)
      return sendError(reply, 401, 'unauthorized', 'Une borne ne lit que son propre état.');
    const exact = signed !== null || isAdmin(request);
    const state = {
      kioskId: kiosk.kioskId,
      label: kiosk.label,
      highWater: kiosk.highWater,
      head: kiosk.head,
      lastSeenAt: kiosk.lastSeenAt,
      ballots: kiosk.ballots,
      flagged: kiosk.flagged,
    };
    const shown: Publication = publication() ?? { phase: 'embargoed', closesAt: '' };
    const body = exact ? state : publicKioskState(state, shown, threshold);
    return reply.header('cache-control', 'no-store').send(body);
  });

  // ---------------------------------------------------------------- kiosk status and mediator reset
  app.post<{ Params: { kioskId: string } }>('/api/v1/kiosks/:kioskId/status', async (request, reply) => {
    const id = KioskIdSchema.safeParse(request.params.kioskId);
    if (!id.success) return sendError(reply, 404, 'not_found', 'Borne inconnue.');
    const outcome = recordKioskStatus(store, id.data, request.body, now());
    if (outcome.status !== 204) return sendError(reply, outcome.status, outcome.error, outcome.message);
    return reply.code(204).send();
  });

  app.get<{ Params: { kioskId: string } }>('/api/v1/kiosks/:kioskId/reset', async (request, reply) => {
    const id = KioskIdSchema.safeParse(request.params.kioskId);
    if (!id.success) return sendError(reply, 404, 'not_found', 'Borne inconnue.');
    const signed = signedBy(request, 'state', (kioskId, time) => `${kioskId}\nreset\n${time}`);
    if (!signed) return sendError(reply, 401, 'unauthorized', 'Requête non signée par une borne.');
    if (!signed.ok) return sendError(reply, 401, signed.code, signed.message);
    if (signed.kiosk.kioskId !== id.data)
      return sendError(reply, 401, 'unauthorized', 'Une borne ne lit que sa propre réinitialisation.');
    const reset = takeMediatorReset(store, id.data, now());
    if (!reset)
      return sendError(reply, 404, 'not_found', 'Aucune réinitialisation en attente pour cette borne.');
    request.log.info({ kioskId: id.data }, 'mediator reset served');
    return reply.header('cache-control', 'no-store').send(reset);
  });

  // ---------------------------------------------------------------- participation register
  app.get<{ Querystring: { after?: string } }>('/api/v1/participations', async (request, reply) => {
    const after = request.query.after ?? '';
    if (!/^(0|[1-9]\d{0,15})?$/.test(after)) return sendError(reply, 400, 'malformed', 'Curseur invalide.');
    const signed = signedBy(request, 'register', (kioskId, time) => `${kioskId}\n${after}\n${time}`);
    if (!signed) return sendError(reply, 401, 'unauthorized', 'Requête non signée par une borne.');
    if (!signed.ok) return sendError(reply, 401, signed.code, signed.message);
    const cursor = after === '' ? 0 : Number(after);
    const page = store.tokensAfter(cursor, options.registerPageSize ?? 5000);
    store.touchKiosk(signed.kiosk.kioskId, now().toISOString());
    const last = page[page.length - 1];
    const election = currentElection(store);
    if (!election) return sendError(reply, 404, 'no_election', 'Aucune élection n’est publiée.');
    // Signed by the authority: a kiosk trusts no register page it cannot check against its pinned key.
    const registerPage: ParticipationPage = {
      v: 2,
      electionId: election.electionId,
      kioskId: signed.kiosk.kioskId,
      after,
      tokens: page.map((p) => p.token),
      next: String(last ? last.id : cursor),
    };
    return reply.send(signDocument('registerPage', registerPage, authority.privateKey));
  });

  // ---------------------------------------------------------------- results and receipts
  app.get('/api/v1/results', async (_request, reply) => {
    const results = tally.results();
    const shown = publication();
    if (!results || !shown) return sendError(reply, 404, 'no_election', 'Aucune élection n’est publiée.');
    return reply.header('cache-control', 'no-store').send(servedResults(results, shown));
  });

  // The code is in the path: the request log names the route pattern, never the URL.
  app.get<{ Params: { code: string }; Querystring: { kiosk?: string } }>(
    '/api/v1/receipts/:code',
    async (request, reply) => {
      const kiosk = request.query.kiosk;
      if (kiosk !== undefined && !/^[0-9a-f]{32}$/.test(kiosk))
        return sendError(reply, 400, 'malformed', 'Identifiant de borne invalide.');
      const found = findReceipt(store, request.params.code, kiosk);
      if (!found)
        return sendError(reply, 404, 'not_found', 'Ce code ne figure (pas encore) parmi les lots comptés.');
      return reply
        .header('cache-control', 'no-store')
        .send({ included: true, kiosk: found.kiosk, batch: found.batch });
    },
  );

  await app.register(healthRoutes, { ctx, readyMinFreeBytes: options.readyMinFreeBytes });
  if (options.web ?? true) {
    const deps = buildWebDeps(ctx, tally, options, now, publication);
    await app.register(async (web) => webPlugin(web, deps, adminSessions));
  }
  return app;
}
