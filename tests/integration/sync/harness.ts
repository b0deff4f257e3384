/**
 * Shared by the sync integration, fault and bench files: a real central server process (the server's
 * own CLI, `serve`, on 127.0.0.1 over a temp data folder prepared with the server's own functions), a
 * real kiosk (openKiosk on a temp SQLite file), ballots written the way the core writes them (ballot and
 * participation and receipt in one transaction), and the two invariants every fault test ends on:
 * the kiosk's outbox drains (no batch waits, no more than the hold-back's 2K − 1 ballots stay open), and
 * the server's receipt commitments equal those of the kiosk's sealed batches exactly (wire v2 ballots
 * have no id: a receipt commitment is the one unique mark of each ballot in a batch).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import {
  fromBase64url,
  keyFingerprint,
  kioskIdFromPublicKey,
  parseJsonBytes,
} from '../../../src/shared/node/crypto';
import { AckPayload, BatchPayload, SignedDocument, type ElectionPackage } from '../../../src/shared/wire';
import type { Result } from '../../../src/shared/result';
import { openKiosk, type Kiosk, type KioskLog } from '../../../src/main/core/kiosk';
import { localDay } from '../../../src/main/core/eligibility';
import type { SyncEngine, SyncOptions } from '../../../src/main/core/sync/engine';
import { SyncStore } from '../../../src/main/core/sync/sync-store';
import { settingKeys, type KioskStore } from '../../../src/main/core/store';
import { DB_FILE, initDataDir, openDataDir } from '../../../src/server/datadir';
import { publishElection } from '../../../src/server/election';
import { createEnrolmentCode } from '../../../src/server/enrolment';
import { insertBallots, insertParticipations } from '../../../src/main/core/store.test-helpers';
import { unlockTestMediator } from '../../unit/core/fixtures';

export const repoRoot = path.resolve(import.meta.dirname, '../../..');

export const tempDir = (prefix: string): string =>
  fs.mkdtempSync(path.join(os.tmpdir(), `isoloir-${prefix}-`));

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** K of the test election: the smallest the schema allows, so tests fill batches with few casts. */
export const TEST_K = 10;

/**
 * A small election open from 60 days ago to 60 days ahead, so kiosk clock shifts stay inside it; K =
 * TEST_K and the cheapest token KDF.
 */
export function testElection(electionId = 'bc-sync-test'): ElectionPackage {
  const day = 86_400_000;
  const territories = [
    { id: 'arrageois', name: 'Arrageois' },
    { id: 'calaisis', name: 'Calaisis' },
  ];
  return {
    v: 2,
    electionId,
    title: 'Budget citoyen — essai de synchronisation',
    opensAt: new Date(Date.now() - 60 * day).toISOString(),
    closesAt: new Date(Date.now() + 60 * day).toISOString(),
    lateDeliveryHours: 48,
    minChoices: 1,
    maxChoices: 3,
    minAge: 11,
    department: '62',
    budget: 1_000_000,
    territories,
    projects: Array.from({ length: 8 }, (_, i) => ({
      id: `projet-${i + 1}`,
      title: `Projet ${i + 1}`,
      summary: 'Résumé.',
      description: 'Description.',
      territoryId: territories[i % 2]?.id ?? 'arrageois',
      theme: 'Solidarité',
      carrier: 'Association',
      cost: 10_000,
      image: 'projet.webp',
    })),
    batchSize: TEST_K,
    tokenKdf: { salt: 'aXNvbG9pci10ZXN0LWtkZg', logN: 10, r: 8, p: 1 },
  };
}

export interface ServerData {
  dir: string;
  authorityPublicKey: string;
  /** Fresh one-time enrolment codes. */
  newCode(label?: string): string;
}

/**
 * Initialises a server data folder and publishes the test election (none when `null`: a server before
 * its first publication), with the server's own code.
 */
export function prepareServerData(election: ElectionPackage | null = testElection()): ServerData {
  const dir = path.join(tempDir('server'), 'data');
  const { authorityPublicKey } = initDataDir(dir);
  const data = openDataDir(dir);
  try {
    const published = election ? publishElection(data.store, data.authority, election, new Date()) : null;
    if (published && !published.ok) throw new Error(published.error.message);
  } finally {
    data.store.close();
  }
  return {
    dir,
    authorityPublicKey,
    newCode(label = 'Comptoir test') {
      const d = openDataDir(dir);
      try {
        const created = createEnrolmentCode(d.store, label, 24, new Date());
        if (!created.ok) throw new Error(created.error.message);
        return created.value.code;
      } finally {
        d.store.close();
      }
    },
  };
}

/** The authority's private key of a server data folder: tests sign acks and packages the server could. */
export function authorityPrivateKey(dataDir: string): KeyObject {
  const d = openDataDir(dataDir);
  try {
    return d.authority.privateKey;
  } finally {
    d.store.close();
  }
}

const tsxArgs = (script: string, args: string[]): string[] => [
  '--import',
  'tsx',
  path.join(repoRoot, script),
  ...args,
];

export interface ServerProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** SIGTERM (graceful) or SIGKILL (a crash), then waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts `npm run server -- serve` (the real CLI) on 127.0.0.1 and waits for its address. Enrolments
 * are limited per address (10 a minute by default), and every test kiosk enrols from 127.0.0.1: a suite
 * that enrols many kiosks passes a higher `enrolPerMinute`. `bundle`: a bundled CLI to run instead of the
 * source under tsx.
 */
export async function startServerProcess(
  dataDir: string,
  port = 0,
  options: { enrolPerMinute?: number; bundle?: string } = {},
): Promise<ServerProcess> {
  const args = ['serve', '--data', dataDir, '--host', '127.0.0.1', '--port', String(port)];
  if (options.enrolPerMinute !== undefined) args.push('--enrol-per-minute', String(options.enrolPerMinute));
  // A bundle of the CLI (tests/faults/bundle.ts) starts without tsx: tests that restart it often.
  const command = options.bundle ? [options.bundle, ...args] : tsxArgs('src/server/cli.ts', args);
  const child = spawn(process.execPath, command, {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    // It prints its address or exits; the deadline only catches a hang, under the callers' 120 s test
    // timeout (starting tsx and the server took over 30 s on a 2-core machine at load 25).
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), 90_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(
        output.split('\n').find((l) => l.includes('écoute')) ?? '',
      );
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}):\n${output}`));
    });
  });
  // Keep draining the pipes so the server never blocks on a full stdout.
  child.stdout?.resume();
  child.stderr?.resume();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    port: Number(new URL(url).port),
    child,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      // A graceful stop that hangs must not hang the suite: SIGKILL after 5 s, and say so.
      const timer = setTimeout(() => {
        console.error(`server pid ${child.pid} ignored ${signal} for 5 s: SIGKILL`);
        child.kill('SIGKILL');
      }, 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

// ---------------------------------------------------------------- kiosk side

export interface TestKiosk {
  kiosk: Kiosk;
  engine: SyncEngine;
  dbPath: string;
  close(): Promise<void>;
}

/**
 * Test-friendly tunables: fast idle rounds, short backoff. The request timeout is patient: a request the
 * server answers must never time out because the machine is busy (a retry would then change what a
 * test sees); a test of the timeout itself sets a short one while its fault lasts.
 */
export const testSyncOptions: SyncOptions = {
  idleMs: 100,
  requestTimeoutMs: 30_000,
  backoff: { baseMs: 50, capMs: 400, factor: 2 },
};

/**
 * Opens a real kiosk on `dbPath`; its sync loop runs with test-friendly tunables, passed through
 * `openKiosk` as a shell passes its configuration (so they hold from the loop's first round). The
 * mediator "Test" is created (first open) or unlocked (a reopen) through the API, as in the core's
 * fixture (tests/unit/core/fixtures.ts), so the keys are open.
 */
export async function openTestKiosk(
  dbPath: string,
  options: { now?: () => Date; sync?: SyncOptions; log?: KioskLog; communesPath?: string } = {},
): Promise<TestKiosk> {
  const kiosk = openKiosk({
    dbPath,
    ...(options.now ? { now: options.now } : {}),
    // Voters' communes are looked up in it (the default is a generated file, absent from a fresh tree).
    ...(options.communesPath ? { communesPath: options.communesPath } : {}),
    ...(options.log ? { log: options.log } : {}),
    sync: { ...testSyncOptions, ...options.sync },
    // A cheap PIN KDF: the tests set mediators up, they do not measure them.
    pinKdfLogN: 10,
  });
  try {
    await unlockTestMediator(kiosk);
  } catch (error) {
    kiosk.close();
    throw error;
  }
  const engine = kiosk.sync;
  return {
    kiosk,
    engine,
    dbPath,
    async close() {
      await engine.stop();
      kiosk.close();
    },
  };
}

/**
 * A test kiosk on a fresh file (K of its election, TEST_K for the test election), enrolled at
 * `serverUrl` with a fresh code of `data`; pushed on `opened` so the test file can close them all.
 */
export async function enrolledTestKiosk(
  data: ServerData,
  serverUrl: string,
  name: string,
  opened: TestKiosk[],
  options: Parameters<typeof openTestKiosk>[1] = {},
): Promise<TestKiosk> {
  const t = await openTestKiosk(path.join(tempDir('fault-kiosk'), `${name}.sqlite`), options);
  opened.push(t);
  const enrolled = await enrolThroughSetup(t.kiosk, {
    serverUrl,
    code: data.newCode(),
    label: name,
    authorityFingerprint: keyFingerprint(data.authorityPublicKey),
  });
  if (!enrolled.ok) throw new Error(enrolled.error.message);
  return t;
}

/** The mediator the sync tests' kiosks are set up by. */
export const SETUP_MEDIATOR = { name: 'Camille', pin: '482915' } as const;

/**
 * Sets a kiosk up as a mediator does on its setup screens: the first account (unless one exists), online
 * enrolment pinned to the authority's fingerprint, then the check screen confirmed.
 */
export async function enrolThroughSetup(
  kiosk: Kiosk,
  input: { serverUrl: string; code: string; label: string; authorityFingerprint: string },
): Promise<Result<unknown>> {
  const mediators = await kiosk.handlers.mediatorStatus({});
  if (mediators.ok && mediators.value.accounts.length === 0) {
    const created = await kiosk.handlers.createFirstMediator({ ...SETUP_MEDIATOR });
    if (!created.ok) return created;
  }
  const enrolled = await kiosk.handlers.enrolOnline(input);
  if (!enrolled.ok) return enrolled;
  return kiosk.handlers.finishSetup({});
}

/**
 * Writes `n` votes as the core does: one participation, one ballot and one receipt commitment per voter,
 * into the open sets, in one transaction (one rewrite of each set however many votes: a backlog is
 * written in one go). Returns the ballots' local keys. Nothing is sealed here: the next round (or cast)
 * applies the hold-back.
 */
export function castVotes(
  kiosk: Pick<Kiosk, 'store' | 'context'>,
  election: ElectionPackage,
  n: number,
  at = new Date(),
): string[] {
  const projects = election.projects.map((p) => p.id);
  const brackets = ['11-17', '18-25', '26-40', '41-60', '61-75', '76+'] as const;
  const castDay = localDay(at);
  const { store } = kiosk;
  const ballots = Array.from({ length: n }, () => {
    const count = 1 + ((randomBytes(1)[0] ?? 0) % election.maxChoices);
    const shuffled = [...projects].sort(() => ((randomBytes(1)[0] ?? 0) < 128 ? -1 : 1));
    return {
      id: randomBytes(16).toString('hex'),
      choices: shuffled.slice(0, count).sort(),
      training: false,
      castDay,
    };
  });
  store.transaction(() => {
    insertParticipations(
      store,
      ballots.map((_, i) => ({
        token: randomBytes(32).toString('hex'),
        communeCode: '62041',
        ageBracket: brackets[i % brackets.length] ?? '26-40',
        assisted: i % 5 === 0,
        training: false,
        castDay,
      })),
    );
    insertBallots(store, ballots, kiosk.context.keys);
  });
  return ballots.map((b) => b.id);
}

/** The receipt commitments of the kiosk's sealed real batches: the unique mark of each sealed ballot. */
export function kioskSealedReceipts(store: KioskStore): string[] {
  return new SyncStore(store)
    .allBatches()
    .map((b) => BatchPayload.parse(parseJsonBytes(fromBase64url(b.envelope.payload) ?? Buffer.alloc(0))))
    .filter((p) => !p.training)
    .flatMap((p) => p.receipts);
}

/** The choice sets of every real ballot on the kiosk (open and sealed), each as "a,b,c", sorted. */
export const kioskChoiceSets = (store: KioskStore): string[] =>
  store
    .listBallots()
    .filter((b) => !b.training)
    .map((b) => b.choices.join(','))
    .sort();

/**
 * Every receipt commitment in the server's counted batches of this kiosk, read from its SQLite file
 * (read-only), one entry per occurrence (a ballot stored twice would appear twice), and the server's
 * receipt index (its lookup table) restricted to them.
 */
export function serverReceipts(
  dataDir: string,
  kioskId: string,
): { fromBatches: string[]; fromIndex: string[]; choiceSets: string[] } {
  const db = new Database(path.join(dataDir, DB_FILE), { readonly: true, fileMustExist: true });
  try {
    const fromBatches: string[] = [];
    const choiceSets: string[] = [];
    for (const row of db
      .prepare<[string], { payload: string }>(
        "SELECT payload FROM batches WHERE status = 'counted' AND kiosk_id = ?",
      )
      .all(kioskId)) {
      const payload = BatchPayload.parse(parseJsonBytes(fromBase64url(row.payload) ?? Buffer.alloc(0)));
      fromBatches.push(...payload.receipts);
      choiceSets.push(...payload.ballots.map((c) => c.join(',')));
    }
    const fromIndex = db
      .prepare<[string], { commitment: string }>('SELECT commitment FROM receipts WHERE kiosk_id = ?')
      .all(kioskId)
      .map((r) => r.commitment);
    return { fromBatches, fromIndex, choiceSets: choiceSets.sort() };
  } finally {
    db.close();
  }
}

/** The server's stored batches of one kiosk (any status), seq → payload hash, read-only. */
export function serverBatchHashes(dataDir: string, kioskId: string): Map<number, string> {
  const db = new Database(path.join(dataDir, DB_FILE), { readonly: true, fileMustExist: true });
  try {
    return new Map(
      db
        .prepare<[string], { seq: number; hash: string }>('SELECT seq, hash FROM batches WHERE kiosk_id = ?')
        .all(kioskId)
        .map((r) => [r.seq, r.hash]),
    );
  } finally {
    db.close();
  }
}

export interface Reconciliation {
  /** Open ballots the hold-back should have sealed (beyond 2K − 1): 0 once the rounds caught up. */
  outboxBallots: number;
  batchesWaiting: number;
  lost: number;
  duplicated: number;
  unexpected: number;
}

/**
 * The two invariants: outbox drained (down to the hold-back), and the server's receipt commitments =
 * those of the kiosk's sealed batches exactly (lost, duplicated, unexpected).
 */
export function reconcile(store: KioskStore, dataDir: string, k = TEST_K): Reconciliation {
  const sync = new SyncStore(store);
  const expected = new Set(kioskSealedReceipts(store));
  const kioskId = kioskIdFromPublicKey(store.getSetting(settingKeys.kioskPublicKey) ?? '');
  const server = [serverReceipts(dataDir, kioskId)];
  const occurrences = server.flatMap((s) => s.fromBatches);
  const index = server.flatMap((s) => s.fromIndex);
  const seen = new Set(occurrences);
  return {
    outboxBallots: Math.max(0, sync.countOutbox().ballots - (2 * k - 1)),
    batchesWaiting: sync.countWaiting(),
    lost: [...expected].filter((id) => !seen.has(id) || !index.includes(id)).length,
    duplicated: occurrences.length - seen.size + (index.length - new Set(index).size),
    unexpected: [...seen].filter((id) => !expected.has(id)).length,
  };
}

export const drained: Reconciliation = {
  outboxBallots: 0,
  batchesWaiting: 0,
  lost: 0,
  duplicated: 0,
  unexpected: 0,
};

/** The kiosk's journaled acks, in order: which seq was acked, and whether `accepted` or `duplicate`. */
export const journaledAcks = (store: KioskStore): Array<{ seq: number; status: string }> =>
  store
    .listAuditEvents()
    .filter((e) => e.kind === 'batch_acked')
    .map((e) => JSON.parse(e.detail) as { seq: number; status: string });

/** Journal events of one kind, with their detail parsed. */
export const journaled = (store: KioskStore, kind: string): Array<Record<string, unknown>> =>
  store
    .listAuditEvents()
    .filter((e) => e.kind === kind)
    .map((e) => JSON.parse(e.detail) as Record<string, unknown>);

/** A signed ack's payload, parsed (a test reads what the server said). */
export const ackPayloadOf = (body: unknown): AckPayload =>
  AckPayload.parse(parseJsonBytes(fromBase64url(SignedDocument.parse(body).payload) ?? Buffer.alloc(0)));

/** A JSON answer as a fetch wrapper fakes it (a server error, a replayed ack, a portal's page…). */
export const jsonResponse = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', date: new Date().toUTCString() },
  });

/** Waits until `check` is true, polling; throws with `describe()` after `timeoutMs`. */
export async function waitFor(
  check: () => boolean,
  timeoutMs: number,
  describe: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out: ${describe()}`);
    await sleep(50);
  }
}

/**
 * Waits for the kiosk's outbox to drain: no batch waits, and no more ballots stay open than the
 * hold-back keeps (2K − 1 at most; all of them are sealed once the election is closed).
 */
export const waitDrained = (t: TestKiosk, timeoutMs = 20_000): Promise<void> =>
  waitFor(
    () => {
      const s = t.engine.status();
      const k = t.kiosk.context.election()?.batchSize ?? TEST_K;
      return s.batchesWaiting === 0 && s.ballotsNotBatched < 2 * k;
    },
    timeoutMs,
    () => JSON.stringify(t.engine.status()),
  );
