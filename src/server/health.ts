/**
 * What a supervisor asks the central server (docs/deploy.md): `GET /healthz`, the process answers
 * (liveness: restart it when this fails), and `GET /readyz`, it can do its work (readiness: send it
 * traffic only when this says yes): the database answers a query, the authority key signs, and the data
 * folder takes a write with free space above a floor. Neither route is logged per request (a probe
 * every few seconds would drown the log); a failed readiness check is, once per change of state.
 */
import { randomBytes, sign, verify } from 'node:crypto';
import { closeSync, fsyncSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { publicKeyObject } from '../shared/node/crypto';
import type { Authority } from './datadir';
import type { ServerStore } from './store';

/** Below this many free bytes in the data folder the server says it is not ready (default 256 MiB). */
export const DEFAULT_READY_MIN_FREE_BYTES = 256 * 1024 * 1024;

/** The probe file written and removed by each readiness check, in the data folder. */
export const READY_PROBE_FILE = '.readyz-probe';

export interface HealthOptions {
  /** Free bytes the data folder must keep for `/readyz` to answer 200. */
  readyMinFreeBytes?: number;
}

export interface HealthContext {
  store: ServerStore;
  authority: Authority;
  /** The database file: its folder is the one that must stay writable. */
  dbPath: string;
}

export type CheckName = 'database' | 'authority' | 'disk';

export interface Readiness {
  ready: boolean;
  /** Each check's outcome; a failed one says why in French, for the operator. */
  checks: Record<CheckName, true | string>;
}

function checkDatabase(store: ServerStore): true | string {
  try {
    store.setting('readyz'); // one indexed read: the file is open and answers
    return true;
  } catch (error) {
    return `la base de données ne répond pas (${error instanceof Error ? error.message : String(error)})`;
  }
}

function checkAuthority(authority: Authority): true | string {
  try {
    const probe = randomBytes(16);
    const publicKey = publicKeyObject(authority.publicKey);
    if (!publicKey) return 'clé publique d’autorité illisible';
    const signature = sign(null, probe, authority.privateKey);
    return verify(null, probe, publicKey, signature)
      ? true
      : 'la clé d’autorité ne correspond pas à sa clé publique';
  } catch {
    return 'clé d’autorité inutilisable';
  }
}

function checkDisk(dir: string, minFreeBytes: number): true | string {
  const probe = join(dir, READY_PROBE_FILE);
  try {
    const fd = openSync(probe, 'w', 0o600);
    try {
      writeSync(fd, 'ok');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    rmSync(probe, { force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'erreur';
    return `le dossier de données refuse l’écriture (${code})`;
  }
  try {
    const fs = statfsSync(dir);
    const free = fs.bavail * fs.bsize;
    if (free < minFreeBytes)
      return `espace libre insuffisant : ${Math.floor(free / 1048576)} Mio (minimum ${Math.ceil(minFreeBytes / 1048576)} Mio)`;
  } catch (error) {
    return `espace libre illisible (${(error as NodeJS.ErrnoException).code ?? 'erreur'})`;
  }
  return true;
}

export function readiness(ctx: HealthContext, options: HealthOptions = {}): Readiness {
  const checks: Readiness['checks'] = {
    database: checkDatabase(ctx.store),
    authority: checkAuthority(ctx.authority),
    disk: checkDisk(dirname(ctx.dbPath), options.readyMinFreeBytes ?? DEFAULT_READY_MIN_FREE_BYTES),
  };
  return { ready: Object.values(checks).every((c) => c === true), checks };
}

/** Registers `/healthz` and `/readyz` (registered with `app.register(healthRoutes, { ctx, ...options })`). */
export async function healthRoutes(
  app: FastifyInstance,
  opts: { ctx: HealthContext } & HealthOptions,
): Promise<void> {
  const { ctx, ...options } = opts;
  let lastFailure = '';
  // `warn`: the one-line-per-request log is written at `info`, so probes leave no line.
  app.get('/healthz', { logLevel: 'warn' }, async (_request, reply) =>
    reply.header('cache-control', 'no-store').send({ status: 'ok' }),
  );
  app.get('/readyz', { logLevel: 'warn' }, async (request, reply) => {
    const { ready, checks } = readiness(ctx, options);
    const failures = (Object.entries(checks) as [CheckName, true | string][])
      .filter(([, outcome]) => outcome !== true)
      .map(([name, outcome]) => `${name} : ${String(outcome)}`)
      .join(' ; ');
    if (failures !== lastFailure) {
      if (failures) request.log.warn({ checks }, `not ready: ${failures}`);
      else request.log.warn('ready again');
      lastFailure = failures;
    }
    const summary = Object.fromEntries(Object.entries(checks).map(([k, v]) => [k, v === true]));
    void reply.header('cache-control', 'no-store');
    if (ready) return reply.send({ status: 'ready', checks: summary });
    return reply
      .code(503)
      .send({ error: 'not_ready', message: `Serveur pas prêt : ${failures}.`, checks: summary });
  });
}
