/**
 * What the server's Fastify app is built from: the store, the authority key and the database path
 * (`AppContext`), and its tuning (`AppOptions`). Below both the app and the web pages' adapter, so
 * neither imports the other for them.
 */
import type { FastifyServerOptions } from 'fastify';
import type { Authority } from './datadir';
import type { HealthOptions } from './health';
import type { ServerStore } from './store';

export interface AppOptions extends HealthOptions {
  /** The reverse proxy's address: its X-Forwarded-For and X-Forwarded-Proto are believed, no one else's. */
  trustProxy?: string;
  /** Largest accepted request body in bytes (default 1 MiB). */
  bodyLimit?: number;
  /** Enrolment attempts allowed per IP per minute (default 10). */
  enrolPerMinute?: number;
  /**
   * The addresses kiosks reach this server at: an online enrolment whose proof names another address
   * is refused. Unset: any address (the proof still shows the kiosk holds its key).
   */
  serverUrls?: string[];
  /** A kiosk whose day is open and that has not been heard of for this long is flagged (default 60). */
  silentAfterMinutes?: number;
  /** Admin password checks running at once, all addresses together (default 2; more get 429). */
  loginsInFlight?: number;
  /** Admin password checks started per second, all addresses together (default 2; more get 429). */
  loginsPerSecond?: number;
  /** Refused batches allowed per minute per IP and per kiosk before 429 (default 30). */
  refusalsPerMinute?: number;
  /** How often refusals counted in memory are written (default 5 s; also at each group commit). */
  rejectionFlushMs?: number;
  /** Below this many counted ballots a kiosk's subtotal is hidden (default 10). */
  kioskSubtotalThreshold?: number;
  /** Largest clock difference accepted on a signed register request (default 5 minutes). */
  registerSkewMs?: number;
  /** Tokens per page of `GET /api/v1/participations` (default 5000). */
  registerPageSize?: number;
  /** pino logger options, or false for none (tests). */
  logger?: FastifyServerOptions['logger'];
  /** Serve the web pages (default true). */
  web?: boolean;
  /** Serve over TLS (PEM certificate and key); HSTS is then sent too. */
  https?: { cert: Buffer; key: Buffer };
  /**
   * Lift the results embargo before the close, for a demonstration only: every page then says so in a
   * banner and the results API carries `liveResults: true` (docs/server.md "Embargo").
   */
  liveResults?: boolean;
  /** Clock, injectable for the tests of the election window. */
  now?: () => Date;
}

export interface AppContext {
  store: ServerStore;
  authority: Authority;
  /** Path of the database file: the exports open their own read connection on it. */
  dbPath: string;
}
