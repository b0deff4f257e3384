/**
 * Shared by the disk fault tests: a tiny tmpfs mounted on a folder (root only: the tests skip with the
 * reason when `mount` is refused), a filler file that takes every free byte of it, the real central
 * server in this process on 127.0.0.1 (its data folder wherever the test puts it), and a real kiosk
 * core enrolled with it that votes through its own handlers as the screens do.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { openKiosk, type Kiosk } from '../../src/main/core/kiosk';
import { buildApp } from '../../src/server/app';
import { DB_FILE, initDataDir, openDataDir, type DataDir } from '../../src/server/datadir';
import { publishElection } from '../../src/server/election';
import { createEnrolmentCode } from '../../src/server/enrolment';
import { readRecoveryKey } from '../../src/server/recovery-key';
import { keyFingerprint } from '../../src/shared/node/crypto';
import type { Result } from '../../src/shared/result';
import { enrolThroughSetup, testElection, testSyncOptions } from '../integration/sync/harness';
import { writeCommunesFile } from '../unit/core/fixtures';

/** Mounts a tmpfs of `size` (e.g. '2m') on `dir`; returns null, or why it could not (not root…). */
export function mountTmpfs(dir: string, size: string): string | null {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0700`, 'tmpfs', dir], { stdio: 'pipe' });
    return null;
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    return `mount -t tmpfs refused (${stderr || String(error)}): this test needs root`;
  }
}

export function unmount(dir: string): void {
  execFileSync('umount', [dir], { stdio: 'pipe' });
}

export const freeBytes = (dir: string): number => {
  const fs = statfsSync(dir);
  return fs.bavail * fs.bsize;
};

/** Writes zeros into `file` until the file system refuses (ENOSPC); returns the bytes written. */
export function fillDisk(file: string): number {
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(4096);
  let written = 0;
  try {
    for (;;) {
      try {
        written += writeSync(fd, chunk, 0, chunk.length);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOSPC') return written;
        throw error;
      }
    }
  } finally {
    closeSync(fd);
  }
}

/** `PRAGMA integrity_check` of a database file, read-only, from a connection of its own. */
export function integrityOf(file: string): string {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return String(db.pragma('integrity_check', { simple: true }));
  } finally {
    db.close();
  }
}

export interface Central {
  dir: string;
  data: DataDir;
  app: FastifyInstance;
  url: string;
  dbPath: string;
  /** The operator's log lines (pino JSON), as `serve` writes them to stdout. */
  logLines: string[];
  newCode(): string;
  authorityFingerprint: string;
  /** The counted ballots of the published tally (liveResults: counted during the vote). */
  countedBallots(): Promise<number>;
  close(): Promise<void>;
}

/**
 * The real server in this process, listening on 127.0.0.1, its data folder at `dir` (created there),
 * the test election published with the central team's kiosk-backup key in it.
 */
export async function startCentral(dir: string): Promise<Central> {
  const { authorityPublicKey } = initDataDir(dir);
  const data = openDataDir(dir);
  const backupPublicKey = readRecoveryKey(dir).publicKey;
  const published = publishElection(
    data.store,
    data.authority,
    { ...testElection(), backupPublicKey },
    new Date(),
  );
  if (!published.ok) throw new Error(published.error.message);
  const logLines: string[] = [];
  const app = await buildApp(
    { store: data.store, authority: data.authority, dbPath: path.join(dir, DB_FILE) },
    {
      web: false,
      liveResults: true,
      // A floor this small: `/readyz` then says "not ready" only when the disk takes no write at all.
      readyMinFreeBytes: 16 * 1024,
      logger: { level: 'info', stream: { write: (line: string) => void logLines.push(line) } },
    },
  );
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    dir,
    data,
    app,
    url,
    dbPath: path.join(dir, DB_FILE),
    logLines,
    authorityFingerprint: keyFingerprint(authorityPublicKey),
    newCode() {
      const created = createEnrolmentCode(data.store, 'Comptoir disque', 24, new Date());
      if (!created.ok) throw new Error(created.error.message);
      return created.value.code;
    },
    async countedBallots() {
      const res = await app.inject({ method: 'GET', url: '/api/v1/results' });
      return res.json<{ ballots: number }>().ballots;
    },
    async close() {
      // As `serve` closes: a moment for requests in flight, then every socket is cut (a kiosk's
      // keep-alive connection would otherwise hold the close open).
      const force = setTimeout(() => app.server.closeAllConnections(), 1000);
      try {
        await app.close();
      } finally {
        clearTimeout(force);
      }
      data.store.close();
    },
  };
}

export interface VotingKiosk {
  kiosk: Kiosk;
  dbPath: string;
  /** Opens a voter session for a new person (a distinct name each time). */
  openSession(): Promise<string>;
  cast(sessionId: string): Promise<Result<unknown>>;
  close(): Promise<void>;
}

let voters = 0;

/**
 * A real kiosk core on `dbPath` (communes beside it in `communesDir`), set up and enrolled with
 * `central` as a mediator does, its day open: it votes through its handlers.
 */
export async function votingKiosk(
  dbPath: string,
  communesDir: string,
  central: Central,
): Promise<VotingKiosk> {
  const kiosk = openKiosk({
    dbPath,
    communesPath: writeCommunesFile(communesDir),
    sync: testSyncOptions,
    pinKdfLogN: 10,
  });
  const check = <T>(r: Result<T>): T => {
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
    return r.value;
  };
  try {
    check(
      await enrolThroughSetup(kiosk, {
        serverUrl: central.url,
        code: central.newCode(),
        label: 'Comptoir disque',
        authorityFingerprint: central.authorityFingerprint,
      }),
    );
    check(await kiosk.handlers.openDay({}));
  } catch (error) {
    kiosk.close();
    throw error;
  }
  return {
    kiosk,
    dbPath,
    async openSession() {
      voters++;
      const session = check(
        await kiosk.handlers.checkEligibility({
          familyName: `Votant${voters}`,
          firstName: 'Camille',
          birthDate: '1980-06-15',
          communeCode: '62041',
          assisted: false,
        }),
      );
      return session.sessionId;
    },
    cast: (sessionId) =>
      Promise.resolve(kiosk.handlers.castBallot({ sessionId, choices: [`projet-${1 + (voters % 8)}`] })),
    async close() {
      await kiosk.sync.stop();
      kiosk.close();
    },
  };
}

export const removeFiller = (file: string): void => rmSync(file, { force: true });
