/**
 * `npm run bench:sync`: kiosk → server throughput over loopback, JSON on stdout, progress on stderr.
 * - end to end: 10,000 ballots cast on one kiosk, sealed, signed, uploaded and acked (ack verified and
 *   stored) by the real upload path, against the real server CLI process;
 * - server ingest baseline, same run, same server: another kiosk's pre-signed batches of the same size
 *   POSTed directly, one after the other, as fast as the server answers; and the ratio of the two;
 * - backlog: 50,000 ballots sealed while offline (a week at a busy counter), time to drain once the
 *   network is back.
 * No timed assertion: figures are reported, the ratio is the comparable one.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import cliProgress from 'cli-progress';
import { keyFingerprint } from '../../src/shared/node/crypto';
import { enrolKiosk } from '../../src/main/core/sync/enrol';
import { SyncStore } from '../../src/main/core/sync/sync-store';
import {
  castVotes,
  openTestKiosk,
  prepareServerData,
  reconcile,
  startServerProcess,
  tempDir,
  testElection,
  type ServerData,
  type ServerProcess,
  type TestKiosk,
} from '../integration/sync/harness';
import { ackedBallots as ackedInStore } from '../../src/main/core/store.test-helpers';

const BALLOTS = Number(process.env.BENCH_SYNC_BALLOTS ?? 10_000);
const BACKLOG = Number(process.env.BENCH_SYNC_BACKLOG ?? 50_000);
/** K of the bench's election (the harness's test election). */
const BATCH_SIZE = 10;
const election = testElection('bc-sync-bench');

/** The upload loop is parked: the bench drives rounds itself, so nothing runs before the clock starts. */
const parked = { idleMs: 1e9, backoff: { baseMs: 1e9, capMs: 1e9, factor: 2 } };

async function enrolledKiosk(data: ServerData, server: ServerProcess, name: string): Promise<TestKiosk> {
  const t = await openTestKiosk(path.join(tempDir(`bench-${name}`), 'kiosk.sqlite'), { sync: parked });
  const enrolled = await enrolKiosk(
    { context: t.kiosk.context },
    {
      serverUrl: server.url,
      code: data.newCode(name),
      label: name,
      authorityFingerprint: keyFingerprint(data.authorityPublicKey),
    },
  );
  if (!enrolled.ok) throw new Error(enrolled.error.message);
  return t;
}

/** Runs `work` while a bar on stderr follows `progress()` (0..total). */
async function withProgress<T>(
  label: string,
  total: number,
  progress: () => number,
  work: () => Promise<T>,
): Promise<T> {
  const bar = new cliProgress.SingleBar(
    {
      format: `${label.padEnd(28)} [{bar}] {value}/{total}`,
      stream: process.stderr,
      // Progress also when stderr is a log file or a CI pipe, one line every 2 s.
      noTTYOutput: true,
      notTTYSchedule: 2_000,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  const timer = setInterval(() => bar.update(progress()), 200);
  try {
    return await work();
  } finally {
    clearInterval(timer);
    bar.update(progress());
    bar.stop();
  }
}

const ackedBallots = (t: TestKiosk): number => ackedInStore(t.kiosk.store);

async function drain(t: TestKiosk, label: string, total: number): Promise<number> {
  const start = performance.now();
  await withProgress(
    label,
    total,
    () => ackedBallots(t),
    async () => {
      while (t.engine.status().batchesWaiting > 0 || t.engine.status().ballotsNotBatched >= 2 * BATCH_SIZE) {
        const status = await t.engine.syncNow();
        if (status.blocked) throw new Error(`blocked: ${status.lastError?.message ?? ''}`);
      }
    },
  );
  return (performance.now() - start) / 1000;
}

async function main(): Promise<void> {
  const data = prepareServerData(election);
  const server = await startServerProcess(data.dir);
  const opened: TestKiosk[] = [];
  try {
    // Warm-up (not timed): the server's JIT and SQLite caches, so neither measured leg runs cold.
    const warmKiosk = await enrolledKiosk(data, server, 'warm-up');
    opened.push(warmKiosk);
    castVotes(warmKiosk.kiosk, election, Math.min(2_000, BALLOTS));
    await drain(warmKiosk, 'warm-up', Math.min(2_000, BALLOTS));

    // Server ingest baseline: the same kind of batches, pre-signed, POSTed straight to the server.
    const baselineKiosk = await enrolledKiosk(data, server, 'baseline');
    opened.push(baselineKiosk);
    castVotes(baselineKiosk.kiosk, election, BALLOTS);
    baselineKiosk.engine.sealFull();
    const envelopes = new SyncStore(baselineKiosk.kiosk.store).allBatches().map((b) => b.envelopeText);
    let posted = 0;
    const ingestStart = performance.now();
    await withProgress(
      'server ingest (direct POST)',
      envelopes.length,
      () => posted,
      async () => {
        for (const body of envelopes) {
          const res = await fetch(`${server.url}/api/v1/batches`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
          });
          await res.arrayBuffer();
          if (res.status !== 201) throw new Error(`ingest refused: ${res.status}`);
          posted += 1;
        }
      },
    );
    const ingestSeconds = (performance.now() - ingestStart) / 1000;

    // End to end: cast → seal → sign → upload → verified ack stored.
    const e2eKiosk = await enrolledKiosk(data, server, 'end-to-end');
    opened.push(e2eKiosk);
    castVotes(e2eKiosk.kiosk, election, BALLOTS);
    const e2eSeconds = await drain(e2eKiosk, 'kiosk → server (end to end)', BALLOTS);
    const e2eCheck = reconcile(e2eKiosk.kiosk.store, data.dir);

    // A week offline: the backlog was sealed batch by batch while offline; the network comes back.
    const backlogKiosk = await enrolledKiosk(data, server, 'backlog');
    opened.push(backlogKiosk);
    castVotes(backlogKiosk.kiosk, election, BACKLOG);
    backlogKiosk.engine.sealFull();
    const backlogSeconds = await drain(backlogKiosk, 'backlog drain', BACKLOG);
    const backlogCheck = reconcile(backlogKiosk.kiosk.store, data.dir);

    const ingestRate = BALLOTS / ingestSeconds;
    const e2eRate = BALLOTS / e2eSeconds;
    const result = {
      bench: 'sync',
      node: process.version,
      batchSize: BATCH_SIZE,
      endToEnd: {
        ballots: BALLOTS,
        batches: Math.ceil(BALLOTS / BATCH_SIZE),
        seconds: Number(e2eSeconds.toFixed(3)),
        ballotsPerSecond: Math.round(e2eRate),
        check: e2eCheck,
      },
      serverIngest: {
        ballots: BALLOTS,
        batches: envelopes.length,
        seconds: Number(ingestSeconds.toFixed(3)),
        ballotsPerSecond: Math.round(ingestRate),
      },
      ratioEndToEndOverIngest: Number((e2eRate / ingestRate).toFixed(3)),
      backlog: {
        ballots: BACKLOG,
        batches: Math.ceil(BACKLOG / BATCH_SIZE),
        drainSeconds: Number(backlogSeconds.toFixed(3)),
        ballotsPerSecond: Math.round(BACKLOG / backlogSeconds),
        check: backlogCheck,
      },
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    for (const t of opened) await t.close();
    await server.stop();
  }
}

await main();
