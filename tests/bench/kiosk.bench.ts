/**
 * `npm run bench:kiosk`: what a voter waits for, beside what the disk alone costs, measured in the same
 * run on the same disk (never an absolute threshold: this machine is shared).
 *
 * 1. Cast latency over 2,000 ballots through the core API (checkEligibility untimed, castBallot timed),
 *    interleaved one for one with a bare better-sqlite3 INSERT of a ballot row of the same size, with
 *    the same pragmas (WAL, synchronous=FULL), each in its own transaction: p50/p99 of both and the
 *    ratio (target: cast p50 ≤ 1.5 × bare p50). A cast writes the open sets, the journal and the day
 *    counts, and every 20th seals its batch. The WAL scrub that follows each cast (docs/secrecy.md)
 *    runs after the receipt, off the voter's path: it is timed on its own, beside the cast.
 * 2. Start-up of openKiosk on a database holding 100,000 ballots (sealed 20 at a time as they came, as
 *    on a kiosk), beside a bare open + quick_check of the same file.
 * Progress on stderr, JSON result on stdout.
 */
import Database from 'better-sqlite3';
import { SingleBar } from 'cli-progress';
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { openKiosk } from '../../src/main/core/kiosk';
import { loadIdentity } from '../../src/main/core/identity';
import { KioskStore } from '../../src/main/core/store';
import { sealHeldBack, type BatcherDeps } from '../../src/main/core/sync/batcher';
import { DEFAULT_BATCH_SIZE } from '../../src/shared/wire';
import { SyncStore } from '../../src/main/core/sync/sync-store';
import {
  IN_WINDOW,
  makeAuthority,
  makeElection,
  tempDir,
  writeCommunesFile,
  writeElectionFile,
} from '../unit/core/fixtures';
import { insertBallots, insertParticipations } from '../../src/main/core/store.test-helpers';

const CASTS = Number(process.env['BENCH_CASTS'] ?? 2000);
const STARTUP_BALLOTS = Number(process.env['BENCH_STARTUP_BALLOTS'] ?? 100_000);
const STARTUP_RUNS = 5;

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
const median = (values: number[]): number => percentile(values, 50);
const round = (n: number, digits = 3): number => Number(n.toFixed(digits));

function progress(label: string, total: number): SingleBar {
  const bar = new SingleBar({
    format: `${label.padEnd(28)} [{bar}] {value}/{total}`,
    stream: process.stderr,
    hideCursor: true,
    // Also when stderr is a file or a pipe (CI logs): a line every 2 s instead of a redrawn bar.
    noTTYOutput: true,
    notTTYSchedule: 2000,
  });
  bar.start(total, 0);
  return bar;
}

async function castLatency(dir: string): Promise<Record<string, unknown>> {
  const authority = makeAuthority();
  const election = makeElection();
  const kiosk = openKiosk({
    dbPath: `${dir}/cast.sqlite`,
    communesPath: writeCommunesFile(dir),
    now: () => IN_WINDOW,
    provision: {
      authorityPublicKey: authority.keys.publicKey,
      participationKey: authority.participationKey,
      electionFile: writeElectionFile(dir, election, authority),
    },
    pinKdfLogN: 10,
  });
  // As at a counter: the first mediator opens the day (the keys open) and leaves.
  for (const step of [
    () => kiosk.handlers.createFirstMediator({ name: 'Banc', pin: '246810' }),
    () => kiosk.handlers.openDay({}),
    () => kiosk.handlers.lockMediator({}),
  ]) {
    const done = await step();
    if (!done.ok) throw new Error(done.error.message);
  }
  const bare = new Database(`${dir}/bare.sqlite`);
  bare.pragma('journal_mode = WAL');
  bare.pragma('synchronous = FULL');
  bare.exec(
    `CREATE TABLE ballots (id TEXT PRIMARY KEY, choices TEXT NOT NULL, training INTEGER NOT NULL,
       cast_day TEXT NOT NULL, batch_seq INTEGER) STRICT, WITHOUT ROWID`,
  );
  const bareInsert = bare.prepare('INSERT INTO ballots VALUES (?, ?, 0, ?, NULL)');
  const projects = election.projects.map((p) => p.id);

  const castMs: number[] = [];
  const scrubMs: number[] = [];
  const bareMs: number[] = [];
  const bar = progress('cast vs bare insert', CASTS);
  for (let i = 0; i < CASTS; i++) {
    const choices = [projects[i % 5], projects[(i + 1) % 5], projects[(i + 2) % 5]].filter(
      (x): x is string => x !== undefined,
    );
    const session = await kiosk.handlers.checkEligibility({
      communeCode: '62041',
      birthDate: '1980-01-01',
      familyName: `bench-${i}`,
      firstName: 'Voter',
      assisted: false,
    });
    if (!session.ok) throw new Error(session.error.message);
    let t0 = performance.now();
    const receipt = await kiosk.handlers.castBallot({ sessionId: session.value.sessionId, choices });
    castMs.push(performance.now() - t0);
    if (!receipt.ok) throw new Error(receipt.error.message);
    // The kiosk scheduled its WAL scrub with setImmediate: this resolves right after it has run.
    t0 = performance.now();
    await new Promise((resolve) => setImmediate(resolve));
    scrubMs.push(performance.now() - t0);

    t0 = performance.now();
    bareInsert.run(randomBytes(16).toString('hex'), JSON.stringify([...choices].sort()), '2026-09-05');
    bareMs.push(performance.now() - t0);
    if (i % 20 === 0) bar.update(i + 1);
  }
  bar.update(CASTS);
  bar.stop();
  const stored = kiosk.store.countBallots(false);
  kiosk.close();
  bare.close();
  if (stored !== CASTS) throw new Error(`expected ${CASTS} ballots, found ${stored}`);
  const castP50 = median(castMs);
  const bareP50 = median(bareMs);
  return {
    ballots: CASTS,
    castMs: { p50: round(castP50), p99: round(percentile(castMs, 99)), max: round(Math.max(...castMs)) },
    // After the receipt, before the next voter: the WAL truncation (not on the voter's path).
    postCastScrubMs: { p50: round(median(scrubMs)), p99: round(percentile(scrubMs, 99)) },
    bareInsertMs: {
      p50: round(bareP50),
      p99: round(percentile(bareMs, 99)),
      max: round(Math.max(...bareMs)),
    },
    ratioP50: round(castP50 / bareP50, 2),
    ratioP99: round(percentile(castMs, 99) / percentile(bareMs, 99), 2),
    targetRatioP50: 1.5,
    withinTarget: castP50 / bareP50 <= 1.5,
  };
}

function fillDatabase(path: string, dir: string): void {
  const authority = makeAuthority();
  // First open provisions the election and makes the keys, as a real kiosk would have.
  openKiosk({
    dbPath: path,
    communesPath: writeCommunesFile(dir),
    now: () => IN_WINDOW,
    provision: {
      authorityPublicKey: authority.keys.publicKey,
      participationKey: authority.participationKey,
      electionFile: writeElectionFile(dir, makeElection(), authority, 'startup-election.json'),
    },
  }).close();
  const store = KioskStore.open(path);
  const { identity, keys } = loadIdentity(store);
  const deps: BatcherDeps = {
    syncStore: new SyncStore(store),
    kioskId: identity.kioskId,
    sign: (domain, value) => identity.signDocument(domain, value),
    openReceipt: (sealed) => keys.openReceiptLink(sealed),
    election: () => {
      const id = store.getElectionPackage()?.electionId;
      return id ? { electionId: id, batchSize: DEFAULT_BATCH_SIZE } : null;
    },
  };
  // As a kiosk that cast 100,000 ballots: 20 at a time into the open sets, each batch sealed as it
  // fills (one transaction per 5,000 ballots here, so the fill does not take minutes of fsyncs).
  const bar = progress(`filling ${STARTUP_BALLOTS} ballots`, STARTUP_BALLOTS);
  const chunk = 5000;
  for (let done = 0; done < STARTUP_BALLOTS; done += chunk) {
    store.transaction(() => {
      for (let i = done; i < Math.min(done + chunk, STARTUP_BALLOTS); i += DEFAULT_BATCH_SIZE) {
        const n = Math.min(DEFAULT_BATCH_SIZE, STARTUP_BALLOTS - i);
        insertBallots(
          store,
          Array.from({ length: n }, () => ({
            id: randomBytes(16).toString('hex'),
            choices: ['epicerie', 'jardin', 'velo'],
            training: false,
            castDay: '2026-09-05',
          })),
          keys,
        );
        insertParticipations(
          store,
          Array.from({ length: n }, () => ({
            token: randomBytes(32).toString('hex'),
            communeCode: '62041',
            ageBracket: '26-40',
            assisted: false,
            training: false,
            castDay: '2026-09-05',
          })),
        );
        sealHeldBack(deps, false);
      }
    });
    bar.update(Math.min(done + chunk, STARTUP_BALLOTS));
  }
  bar.stop();
  store.scrubJournal();
  store.close();
}

function startup(dir: string): Record<string, unknown> {
  const path = `${dir}/startup.sqlite`;
  fillDatabase(path, dir);
  const kioskMs: number[] = [];
  const bareMs: number[] = [];
  const bar = progress('start-up runs', STARTUP_RUNS * 2);
  for (let run = 0; run < STARTUP_RUNS; run++) {
    // Alternate, so that the page cache and the machine's load weigh the same on both.
    let t0 = performance.now();
    const db = new Database(path);
    const check = db.pragma('quick_check', { simple: true });
    db.close();
    bareMs.push(performance.now() - t0);
    if (check !== 'ok') throw new Error('bare quick_check failed');
    bar.increment();

    t0 = performance.now();
    const kiosk = openKiosk({ dbPath: path, communesPath: `${dir}/communes-62.json`, now: () => IN_WINDOW });
    kioskMs.push(performance.now() - t0);
    const ballots = kiosk.store.countBallots(false);
    kiosk.close();
    if (ballots !== STARTUP_BALLOTS) throw new Error(`expected ${STARTUP_BALLOTS} ballots, found ${ballots}`);
    bar.increment();
  }
  bar.stop();
  return {
    ballots: STARTUP_BALLOTS,
    fileMiB: round(statSync(path).size / 2 ** 20, 1),
    runs: STARTUP_RUNS,
    openKioskMs: { median: round(median(kioskMs), 1), max: round(Math.max(...kioskMs), 1) },
    bareOpenQuickCheckMs: { median: round(median(bareMs), 1), max: round(Math.max(...bareMs), 1) },
    ratio: round(median(kioskMs) / median(bareMs), 2),
  };
}

async function main(): Promise<void> {
  const tmp = tempDir('isoloir-bench-');
  try {
    const cast = await castLatency(tmp.dir);
    const start = startup(tmp.dir);
    process.stdout.write(
      `${JSON.stringify({ bench: 'kiosk', node: process.version, cast, startup: start }, null, 2)}\n`,
    );
  } finally {
    tmp.remove();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
