/**
 * The server half of `npm run demo` a central server on an embedded data folder,
 * with the sample election (resources/generated/sample-election.json, opening today) signed by that
 * folder's authority key, a fresh enrolment code for the demo kiosk, and a fresh admin password. The demo
 * script (scripts/demo.ts) calls `startDemoServer()` and enrols its kiosk with the code.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { initDataDir, isInitialised, openDataDir, setAdminPassword } from './datadir';
import { publishElection } from './election';
import { createEnrolmentCode } from './enrolment';
import { startServer, type RunningServer } from './serve';

export interface DemoServerOptions {
  /** Default `.demo/server` under the current directory. Holds demo votes only. */
  dataDir?: string;
  /** Default resources/generated/sample-election.json (run `npm run build:data` first). */
  packagePath?: string;
  host?: string;
  /**
   * Lift the results embargo so that the demo shows results move during the vote (every page then
   * says it is a demonstration). Default false.
   */
  liveResults?: boolean;
  /** Default 8080; 0 picks a free port. */
  port?: number;
  kioskLabel?: string;
}

export interface DemoServer {
  server: RunningServer;
  url: string;
  /** One-time code the demo kiosk enrols with (`POST /api/v1/kiosks`). */
  enrolmentCode: string;
  /** Admin password of this demo run (the dashboard's login). */
  adminPassword: string;
  authorityPublicKey: string;
  electionId: string;
  close(): Promise<void>;
}

/** Publishes the sample package on the demo folder; a stale demo folder (other package) is recreated. */
function prepare(dataDir: string, pkg: unknown): string {
  if (!isInitialised(dataDir)) initDataDir(dataDir);
  let data = openDataDir(dataDir);
  let published = publishElection(data.store, data.authority, pkg, new Date());
  if (!published.ok) {
    // Yesterday's demo election, with kiosks enrolled on it: this folder only ever holds demo votes.
    data.store.close();
    rmSync(dataDir, { recursive: true, force: true });
    initDataDir(dataDir);
    data = openDataDir(dataDir);
    published = publishElection(data.store, data.authority, pkg, new Date());
  }
  data.store.close();
  if (!published.ok) throw new Error(published.error.message);
  return published.value.electionId;
}

export async function startDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  const dataDir = resolve(options.dataDir ?? join('.demo', 'server'));
  const packagePath = resolve(options.packagePath ?? join('resources', 'generated', 'sample-election.json'));
  const pkg = JSON.parse(readFileSync(packagePath, 'utf8')) as unknown;
  const electionId = prepare(dataDir, pkg);

  const data = openDataDir(dataDir);
  const adminPassword = randomBytes(9).toString('base64url');
  let enrolmentCode: string;
  try {
    setAdminPassword(data.store, adminPassword);
    const code = createEnrolmentCode(
      data.store,
      options.kioskLabel ?? 'Borne de démonstration',
      24,
      new Date(),
    );
    if (!code.ok) throw new Error(code.error.message);
    enrolmentCode = code.value.code;
  } finally {
    data.store.close();
  }
  const server = await startServer(dataDir, {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 8080,
    liveResults: options.liveResults ?? false,
    logger: false,
  });
  return {
    server,
    url: server.url,
    enrolmentCode,
    adminPassword,
    authorityPublicKey: server.data.authority.publicKey,
    electionId,
    close: () => server.close(),
  };
}
