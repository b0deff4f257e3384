/**
 * Starting the server on a data folder: open the store and the authority key, build the app, listen.
 * Used by the CLI's `serve`, by `startDemoServer` and by the tests that need a real listening server.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { buildApp, type AppOptions } from './app';
import { DB_FILE, openDataDir, type DataDir } from './datadir';

export interface ServeOptions extends AppOptions {
  host?: string;
  port?: number;
  tlsCert?: string;
  tlsKey?: string;
}

/** How long `close()` lets requests in flight finish before cutting every connection. */
export const CLOSE_GRACE_MS = 2000;

export interface RunningServer {
  app: FastifyInstance;
  data: DataDir;
  url: string;
  close(): Promise<void>;
}

export async function startServer(dataDir: string, options: ServeOptions = {}): Promise<RunningServer> {
  const data = openDataDir(dataDir);
  const https =
    options.tlsCert && options.tlsKey
      ? { cert: readFileSync(options.tlsCert), key: readFileSync(options.tlsKey) }
      : undefined;
  // A log to stdout is written asynchronously (libuv's thread pool, lines batched while one write is
  // in flight), so a slow reader of the log (a pipe, journald) never holds a request up. The database,
  // not the log, is the record: a crash may lose the last lines, a normal close flushes them.
  const logger = options.logger;
  const stdout =
    typeof logger === 'object' && logger !== null && !('stream' in logger)
      ? pino.destination({ dest: 1, sync: false })
      : null;
  try {
    const app = await buildApp(
      { store: data.store, authority: data.authority, dbPath: join(dataDir, DB_FILE) },
      {
        ...options,
        ...(https ? { https } : {}),
        ...(stdout && typeof logger === 'object' ? { logger: { ...logger, stream: stdout } } : {}),
      },
    );
    const host = options.host ?? '127.0.0.1';
    await app.listen({ host, port: options.port ?? 8080 });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : (options.port ?? 8080);
    const shownHost = host.includes(':') ? `[${host}]` : host;
    return {
      app,
      data,
      url: `${https ? 'https' : 'http'}://${shownHost}:${port}`,
      async close() {
        // Requests in flight get a moment to finish (an upload gets its ack); then every socket is
        // cut: a connection that never sent a request (a browser's preconnect) would otherwise hold
        // the close open until Node's request timeout. A cut upload is simply resent (DESIGN §3.5).
        const force = setTimeout(() => app.server.closeAllConnections(), CLOSE_GRACE_MS);
        try {
          await app.close();
        } finally {
          clearTimeout(force);
        }
        data.store.close();
        try {
          stdout?.flushSync();
        } catch {
          // nothing was pending, or stdout is gone: nothing to flush
        }
      },
    };
  } catch (error) {
    data.store.close();
    throw error;
  }
}
