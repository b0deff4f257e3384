/**
 * `npm run bench:server`: the central server's figures, as one JSON object on stdout (progress on
 * stderr). Never a timed assertion: each figure stands beside a baseline measured in the same run.
 *   1. ingest over HTTP on 127.0.0.1 (200 kiosks × 50 batches × 20 ballots by default), ballots/s, beside
 *      a bare better-sqlite3 insert of the same rows (same schema, same pragmas, no checks), like for
 *      like: `singleKiosk` (`--single-kiosks` kiosks one after the other, one request at a time: each
 *      batch pays its own commit) against one transaction per batch — the issue's ≥ 0.5 target;
 *      `concurrent` (`--concurrency` kiosks uploading at once: the group commit's case) against the same
 *      rows committed in the very groups the server committed them (from its log) (the
 *      one-transaction-per-batch figure is printed beside it, for reference only). HTTP and bare slices
 *      alternate in `--rounds` rounds so that the machine's load drifts over both alike. The server runs
 *      as `serve` (own process, default log level); the load generator is a keep-alive node:http client
 *      with the bodies serialised before the clock starts (its own work is not the server's), and
 *      `roundTripP50Ms` is the floor of one request with it (a GET, no write);
 *   2. `verifyBundle` on that run's audit bundle, beside a bare JSON parse + Ed25519 verification of the
 *      same bytes: ratio;
 *   3. `GET /api/v1/results` latency with 1,000,000 counted ballots (cold, after a new batch, warm).
 * Options: --kiosks N --batches N --ballots N --million N (ballots of part 3) --concurrency N
 * --single-kiosks N (default 20) --rounds N (default 25) --parts ingest,single,verify,results (default:
 * all four; `verify` runs on the concurrent ingest's bundle) --server-root <checkout> (serve another
 * version's src/server/cli.ts, to compare versions each beside its own baselines). Quick iteration:
 * --kiosks 20 --single-kiosks 10 --million 50000.
 */
import { spawn } from 'node:child_process';
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../../src/shared/node/sqlite';
import { fromBase64url, generateKeyPair, sha256hex } from '../../src/shared/node/crypto';
import { GENESIS_HASH, signatureDomains, type BatchEnvelope, type BatchPayload } from '../../src/shared/wire';
import { DB_FILE, initDataDir, openDataDir } from '../../src/server/datadir';
import { publishElection } from '../../src/server/election';
import { createEnrolmentCode, redeemEnrolmentCode } from '../../src/server/enrolment';
import { auditBundleLines, writeLines } from '../../src/server/exports';
import { serverMigrations } from '../../src/server/migrations';
import { startServer } from '../../src/server/serve';
import { verifyBundle } from '../../src/server/verify/verify';
import { enrolRequest } from '../integration/server/enrol-request';
import { Chain, makePackage, type TestKiosk } from '../integration/server/helpers';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const KIOSKS = arg('kiosks', 200);
const BATCHES = arg('batches', 50);
const BALLOTS = arg('ballots', 20);
const MILLION = arg('million', 1_000_000);
// 16 kiosks uploading at once (of 200): what a morning after an outage looks like; 1 gives the
// single-kiosk latency-bound figure.
const CONCURRENCY = arg('concurrency', 16);
// One kiosk at a time, each request waiting for the previous ack: 20 kiosks × 50 batches by default.
const SINGLE_KIOSKS = arg('single-kiosks', 20);
// HTTP and bare slices alternate this many times (see ingestBench).
const ROUNDS = arg('rounds', 25);
// Another checkout's src/server/cli.ts serves instead (comparing versions, each beside its own baselines).
const serverRootIndex = process.argv.indexOf('--server-root');
const SERVER_ROOT = serverRootIndex >= 0 ? resolve(process.argv[serverRootIndex + 1] ?? '.') : null;
const partsIndex = process.argv.indexOf('--parts');
const PARTS = new Set(
  (partsIndex >= 0 ? (process.argv[partsIndex + 1] ?? '') : 'ingest,single,verify,results').split(','),
);

const log = (text: string) => process.stderr.write(`bench:server ${text}\n`);
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const work = mkdtempSync(join(tmpdir(), 'isoloir-bench-'));
const root = resolve(import.meta.dirname, '../..');

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** Enrols `n` kiosks straight through the enrolment function (the HTTP path is tested elsewhere). */
function enrolMany(dataDir: string, n: number): TestKiosk[] {
  const data = openDataDir(dataDir);
  try {
    return Array.from({ length: n }, (_, i) => {
      const code = createEnrolmentCode(data.store, `Borne ${i}`, 24, new Date());
      if (!code.ok) throw new Error(code.error.message);
      const keys = generateKeyPair();
      const out = redeemEnrolmentCode(
        data.store,
        data.authority,
        enrolRequest(code.value.code, keys, 'x'),
        new Date(),
      );
      if (out.status !== 201) throw new Error(out.message);
      return { ...out.body, keys };
    });
  } finally {
    data.store.close();
  }
}

/** A data folder with the bench's election published; K (the ballots of every batch) is `batchSize`. */
function freshDataDir(name: string, batchSize = BALLOTS) {
  const dir = join(work, name);
  initDataDir(dir);
  const data = openDataDir(dir);
  const pkg = makePackage({ electionId: 'bench-2026', batchSize });
  const published = publishElection(data.store, data.authority, pkg, new Date());
  data.store.close();
  if (!published.ok) throw new Error(published.error.message);
  return { dir, pkg };
}

interface ServeProcess {
  url: string;
  /** CPU time (user + system) the server process has used so far, in ms (Linux /proc). */
  cpuMs(): number;
  /** `<kioskId>:<seq>` → the number of the group commit that stored it, from the server's log. */
  commits: Map<string, number>;
  close(): Promise<void>;
}

async function serveProcess(dataDir: string): Promise<ServeProcess> {
  const serverRoot = SERVER_ROOT ?? root;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(serverRoot, 'src/server/cli.ts'), 'serve', '--data', dataDir, '--port', '0'],
    { cwd: serverRoot, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  // Its JSON log (info, the default) comes to this pipe, as to a log shipper; we keep only which group
  // commit each acknowledged batch was part of, so the bare baseline can commit the very same groups.
  const commits = new Map<string, number>();
  let rest = '';
  const url = await new Promise<string>((ok, ko) => {
    child.stdout.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        const m = /à l’écoute sur (http:\/\/[0-9.:]+)/.exec(line);
        if (m?.[1]) ok(m[1]);
        if (!line.includes('"batch acknowledged"')) continue;
        const entry = JSON.parse(line) as { kioskId?: string; seq?: number; commit?: number };
        if (entry.commit !== undefined) commits.set(`${entry.kioskId}:${entry.seq}`, entry.commit);
      }
    });
    child.once('exit', (code) => ko(new Error(`serve exited (${code})`)));
  });
  return {
    url,
    commits,
    cpuMs: () => {
      // /proc/<pid>/stat: utime and stime (fields 14 and 15) in clock ticks, 100 per second on Linux.
      const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      return (Number(fields[11]) + Number(fields[12])) * 10;
    },
    close: async () => {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

// ---------------------------------------------------------------- 1. ingest over HTTP vs bare insert

/** A bare better-sqlite3 copy of the server's tables (same migrations, same pragmas), no checks at all. */
function bareInserter(file: string, kiosks: TestKiosk[]) {
  const db = openDatabase(join(work, file), serverMigrations());
  db.exec(`INSERT INTO elections VALUES ('bench-2026', '', '', '', '', 1)`);
  const insKiosk = db.prepare(
    `INSERT INTO kiosks (kiosk_id, label, public_key, election_id, enrolled_at, head) VALUES (?, 'x', ?, 'bench-2026', '', ?)`,
  );
  for (const k of kiosks) insKiosk.run(k.kioskId, k.keys.publicKey, GENESIS_HASH);
  const insBatch = db.prepare(
    `INSERT INTO batches (kiosk_id, seq, payload, signature, hash, received_at, status, ballot_count, participation_count, is_final) VALUES (?, ?, ?, ?, ?, ?, 'counted', ?, ?, 0)`,
  );
  const insDocument = db.prepare(
    'INSERT INTO participation_documents (kiosk_id, seq, document) VALUES (?, ?, ?)',
  );
  const insReceipt = db.prepare('INSERT INTO receipts (commitment, kiosk_id, seq) VALUES (?, ?, ?)');
  const insToken = db.prepare('INSERT INTO participations (token) VALUES (?)');
  const advance = db.prepare(
    'UPDATE kiosks SET high_water = ?, head = ?, ballots = ballots + ? WHERE kiosk_id = ?',
  );
  const insertRows = ({ e, payload, tokens }: Item) => {
    const hash = sha256hex(Buffer.from(e.payload, 'base64url'));
    insBatch.run(
      e.kioskId,
      payload.seq,
      e.payload,
      e.signature,
      hash,
      new Date().toISOString(),
      payload.ballots.length,
      payload.participations.count,
    );
    insDocument.run(e.kioskId, payload.seq, e.participations);
    for (const commitment of payload.receipts) insReceipt.run(commitment, e.kioskId, payload.seq);
    for (const token of tokens) insToken.run(token);
    advance.run(payload.seq, hash, payload.ballots.length, e.kioskId);
  };
  /** Each group in one transaction (one commit, one fsync), as the server's group commit does. */
  const insertGroups = (groups: Item[][]): number => {
    const started = performance.now();
    for (const group of groups) db.transaction(() => group.forEach(insertRows))();
    return (performance.now() - started) / 1000;
  };
  return { insertGroups, close: () => db.close() };
}

interface Item {
  e: BatchEnvelope;
  payload: BatchPayload;
  /** The participation document's tokens (read before the clock starts, as the body is serialised). */
  tokens: string[];
  body: string;
}

/** A keep-alive HTTP/1.1 client (node:http), lighter than fetch: the load generator is not the server. */
function httpClient(base: string, sockets: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  const call = (method: string, path: string, body?: string) =>
    new Promise<number>((ok, ko) => {
      const req = request(
        `${base}${path}`,
        {
          method,
          agent,
          headers: body
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
            : {},
        },
        (res) => {
          res.resume();
          res.on('end', () => ok(res.statusCode ?? 0));
        },
      );
      req.on('error', ko);
      req.end(body);
    });
  return { call, close: () => agent.destroy() };
}

/** Groups of one batch per loop: the largest the server can form while each loop awaits its ack. */
const oneBatchPerLoop = (slices: Item[][]): Item[][] =>
  Array.from({ length: Math.max(...slices.map((s) => s.length)) }, (_, i) =>
    slices.flatMap((slice) => (slice[i] ? [slice[i]] : [])),
  );

/**
 * The batches of a round grouped as the server committed them (by the `commit` of its log lines, which
 * can arrive just after the acks); null when the server does not log it (an older version).
 */
async function serverGroups(server: ServeProcess, slices: Item[][]): Promise<Item[][] | null> {
  const items = slices.flat();
  const key = (item: Item) => `${item.e.kioskId}:${item.payload.seq}`;
  for (let waited = 0; items.some((item) => !server.commits.has(key(item))); waited += 10) {
    if (waited > 3000) return null;
    await new Promise((r) => setTimeout(r, 10));
  }
  const byCommit = new Map<number, Item[]>();
  for (const item of items) {
    const commit = server.commits.get(key(item)) as number;
    byCommit.set(commit, [...(byCommit.get(commit) ?? []), item]);
  }
  return [...byCommit.entries()].sort((a, b) => a[0] - b[0]).map(([, group]) => group);
}

/**
 * `concurrency` kiosk sync loops (each its own chains, in order, one request at a time) upload every
 * batch over HTTP, beside bare inserts of the same rows. To keep the machine's load (other jobs, the
 * disk's fsync latency) out of the comparison, the work is cut into ROUNDS that alternate: a slice over
 * HTTP, then the same slice bare. Baselines:
 *   - `bareSeconds`, like for like: the slice's batches committed in the very groups the server
 *     committed them (its log says which group commit stored each batch; with one loop, that is one
 *     transaction per batch);
 *   - `bareOneTransactionPerBatchSeconds` (concurrent only): the old headline baseline, which a group
 *     commit beats by design; printed for reference, not a like-for-like ratio.
 */
async function ingestBench(name: string, kioskCount: number, concurrency: number) {
  const { dir, pkg } = freshDataDir(name);
  const kiosks = enrolMany(dir, kioskCount);
  log(`${name}: signing ${kioskCount * BATCHES} batches…`);
  const chains = kiosks.map((k) => {
    const chain = new Chain(k, pkg);
    for (let b = 0; b < BATCHES; b++) chain.add({ ballots: BALLOTS });
    return chain;
  });
  // Kiosk k is uploaded by loop k % concurrency, kiosk after kiosk; bodies serialised before the clock.
  const queues: Item[][] = Array.from({ length: concurrency }, () => []);
  chains.forEach((c, k) =>
    queues[k % concurrency]?.push(
      ...c.envelopes.map((e, i) => ({
        e,
        payload: c.payloads[i] as BatchPayload,
        tokens: c.participationDocuments[i]?.items.map((p) => p.token) ?? [],
        body: JSON.stringify(e),
      })),
    ),
  );
  // The server runs as `serve` does in production, in its own process and at its default log level.
  const server = await serveProcess(dir);
  const client = httpClient(server.url, concurrency);
  const grouped = bareInserter(`bare-${name}.sqlite`, kiosks);
  const perBatch = concurrency > 1 ? bareInserter(`bare-${name}-per-batch.sqlite`, kiosks) : null;
  const roundTrip = async () => {
    const times: number[] = [];
    for (let i = 0; i < 100; i++) {
      const t = performance.now();
      if ((await client.call('GET', `/api/v1/kiosks/${kiosks[0]?.kioskId}`)) !== 200) throw new Error('GET');
      times.push(performance.now() - t);
    }
    return times;
  };
  const rtt = await roundTrip();
  const total = kioskCount * BATCHES;
  const perRound = Math.ceil(Math.max(...queues.map((q) => q.length)) / ROUNDS);
  let httpSeconds = 0;
  let serverCpuMs = 0;
  let bareCpuMs = 0;
  let bareSeconds = 0;
  let barePerBatchSeconds = 0;
  let done = 0;
  let exactGroups = true;
  let commitsTotal = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const slices = queues.map((q) => q.slice(round * perRound, (round + 1) * perRound));
    const started = performance.now();
    const cpuBefore = server.cpuMs();
    await Promise.all(
      slices.map(async (slice) => {
        for (const { body } of slice) {
          const status = await client.call('POST', '/api/v1/batches', body);
          if (status !== 201) throw new Error(`ingest refused: ${status}`);
        }
      }),
    );
    httpSeconds += (performance.now() - started) / 1000;
    serverCpuMs += server.cpuMs() - cpuBefore;
    const groups = await serverGroups(server, slices);
    if (!groups) exactGroups = false;
    const bareCpuBefore = process.cpuUsage();
    bareSeconds += grouped.insertGroups(groups ?? oneBatchPerLoop(slices));
    const bareCpu = process.cpuUsage(bareCpuBefore);
    bareCpuMs += (bareCpu.user + bareCpu.system) / 1000;
    if (perBatch) barePerBatchSeconds += perBatch.insertGroups(slices.flat().map((item) => [item]));
    done += slices.flat().length;
    commitsTotal += groups ? groups.length : 0;
    log(`${name}: round ${round + 1}/${ROUNDS}, ${done}/${total} batches`);
  }
  rtt.push(...(await roundTrip()));
  client.close();
  await server.close();
  grouped.close();
  perBatch?.close();
  const ballots = total * BALLOTS;
  rtt.sort((a, b) => a - b);
  return {
    dir,
    figures: {
      kiosks: kioskCount,
      batchesPerKiosk: BATCHES,
      ballotsPerBatch: BALLOTS,
      ballots,
      concurrency,
      rounds: ROUNDS,
      httpSeconds: round(httpSeconds, 2),
      httpBallotsPerSecond: Math.round(ballots / httpSeconds),
      msPerRequest: round((httpSeconds * 1000 * concurrency) / total, 2),
      bareSeconds: round(bareSeconds, 2),
      bareGrouping: exactGroups
        ? `the server's own groups (${commitsTotal} commits, ${round(total / commitsTotal, 2)} batches each)`
        : `assumed: one batch per loop per transaction (the server's log does not say its groups)`,
      bareBallotsPerSecond: Math.round(ballots / bareSeconds),
      ratio: round(bareSeconds / httpSeconds, 3),
      target: '≥ 0.5',
      ...(perBatch
        ? {
            bareOneTransactionPerBatchSeconds: round(barePerBatchSeconds, 2),
            ratioVsOneTransactionPerBatch: round(barePerBatchSeconds / httpSeconds, 3),
          }
        : {}),
      // The floor of one request with this client: a GET of a kiosk's state, no write, no fsync.
      roundTripP50Ms: round(percentile(rtt, 50), 2),
      // CPU per batch, less sensitive than wall time to the disk's fsync latency on a shared machine:
      // the server process (everything: HTTP, checks, inserts, logs) beside the bare inserts' process.
      serverCpuMsPerBatch: round(serverCpuMs / total, 3),
      bareCpuMsPerBatch: round(bareCpuMs / total, 3),
    },
  };
}

// ---------------------------------------------------------------- 2. verify vs bare parse + signatures

async function verifyBench(dir: string) {
  const bundle = join(work, 'audit.jsonl');
  const data = openDataDir(dir);
  data.store.close();
  await writeLines(bundle, auditBundleLines(join(dir, DB_FILE), data.authority, new Date()));
  const bytes = readFileSync(bundle).length;

  const started = performance.now();
  const report = await verifyBundle(bundle);
  const verifySeconds = (performance.now() - started) / 1000;
  if (!report.ok) throw new Error(`verify failed: ${report.errors.slice(0, 3).join('; ')}`);

  // Baseline: read the same file, JSON.parse every line, verify every batch signature, parse payloads.
  const bareStart = performance.now();
  const keys = new Map<string, KeyObject>();
  const prefix = Buffer.from(signatureDomains.batch);
  const spki = Buffer.from('302a300506032b6570032100', 'hex');
  let verified = 0;
  for (const text of readFileSync(bundle, 'utf8').split('\n')) {
    if (!text) continue;
    const line = JSON.parse(text) as {
      type: string;
      kioskId?: string;
      publicKey?: string;
    } & Partial<BatchEnvelope>;
    if (line.type === 'kiosk' && line.kioskId && line.publicKey)
      keys.set(
        line.kioskId,
        createPublicKey({
          key: Buffer.concat([spki, fromBase64url(line.publicKey) ?? Buffer.alloc(0)]),
          format: 'der',
          type: 'spki',
        }),
      );
    if (line.type === 'batch' && line.kioskId && line.payload && line.signature) {
      const payload = Buffer.from(line.payload, 'base64url');
      const key = keys.get(line.kioskId);
      if (
        key &&
        verify(null, Buffer.concat([prefix, payload]), key, Buffer.from(line.signature, 'base64url'))
      )
        verified++;
      JSON.parse(payload.toString('utf8'));
    }
  }
  const bareSeconds = (performance.now() - bareStart) / 1000;
  if (verified === 0) throw new Error('baseline verified no batch signature: the bundle format changed');
  return {
    bundleBytes: bytes,
    batches: verified,
    verifySeconds: round(verifySeconds, 2),
    bareParseVerifySeconds: round(bareSeconds, 2),
    ratio: round(bareSeconds / verifySeconds, 3),
  };
}

// ---------------------------------------------------------------- 3. results latency at 1M ballots

async function resultsBench() {
  const perBatch = 20;
  const { dir, pkg } = freshDataDir('million', perBatch);
  const batches = Math.ceil(MILLION / perBatch);
  const kioskCount = Math.min(200, batches);
  const kiosks = enrolMany(dir, kioskCount);
  const chains = kiosks.map((k) => new Chain(k, pkg));
  // Stored through the store's own batch writer in large transactions: the point is the read path.
  const data = openDataDir(dir);
  log(`storing ${MILLION} ballots…`);
  const step = 500;
  for (let from = 0; from < batches; from += step) {
    data.store.immediate(() => {
      for (let i = from; i < Math.min(batches, from + step); i++) {
        const chain = chains[i % kioskCount] as Chain;
        const e = chain.add({ ballots: perBatch });
        const payload = chain.payloads[chain.payloads.length - 1];
        const participation = chain.participationDocuments[chain.participationDocuments.length - 1];
        if (!payload || !participation) continue;
        data.store.storeBatch({
          kioskId: e.kioskId,
          seq: payload.seq,
          payload: e.payload,
          signature: e.signature,
          hash: sha256hex(Buffer.from(e.payload, 'base64url')),
          receivedAt: new Date().toISOString(),
          status: 'counted',
          participationDocument: e.participations,
          receipts: payload.receipts,
          tokens: participation.items.map((p) => p.token),
          ballotCount: payload.ballots.length,
          participationCount: payload.participations.count,
          isFinal: false,
          dayCounts: null,
        });
      }
    });
    for (const c of chains) c.forget(); // keep memory flat: only the heads are needed from now on
    if ((from / step) % 20 === 0) log(`stored ${Math.min(batches, from + step) * perBatch}/${MILLION}`);
  }
  data.store.close();

  const startedAt = performance.now();
  // Rebuilds the tally before listening. The election is still open: the embargo is lifted so that the
  // GET computes the results instead of refusing them.
  const server = await startServer(dir, { port: 0, logger: false, liveResults: true });
  const startupSeconds = (performance.now() - startedAt) / 1000;
  const timeGet = async () => {
    const t = performance.now();
    const res = await fetch(`${server.url}/api/v1/results`);
    const body = (await res.json()) as { ballots: number };
    if (res.status !== 200 || typeof body.ballots !== 'number')
      throw new Error(`results refused ${res.status}`);
    return { ms: performance.now() - t, ballots: body.ballots };
  };
  const cold = await timeGet();
  const warm: number[] = [];
  for (let i = 0; i < 100; i++) warm.push((await timeGet()).ms);
  // One more batch arrives: the next GET pays the incremental load and one recount.
  const chain = chains[0] as Chain;
  const res = await fetch(`${server.url}/api/v1/batches`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(chain.add({ ballots: perBatch })),
  });
  if (res.status !== 201) throw new Error(`extra batch refused ${res.status}`);
  const afterBatch = await timeGet();
  await server.close();
  warm.sort((a, b) => a - b);
  return {
    ballots: afterBatch.ballots,
    startupWithTallyLoadSeconds: round(startupSeconds, 2),
    firstGetMs: round(cold.ms),
    afterNewBatchMs: round(afterBatch.ms),
    warmP50Ms: round(percentile(warm, 50), 2),
    warmP95Ms: round(percentile(warm, 95), 2),
  };
}

try {
  const out: Record<string, unknown> = {};
  if (PARTS.has('ingest') || PARTS.has('single') || PARTS.has('verify')) {
    const ingest: Record<string, unknown> = {};
    out.ingest = ingest;
    if (PARTS.has('ingest') || PARTS.has('verify')) {
      const concurrent = await ingestBench('concurrent', KIOSKS, CONCURRENCY);
      ingest.concurrent = concurrent.figures;
      log(`ingest concurrent: ${JSON.stringify(concurrent.figures)}`);
      if (PARTS.has('verify')) {
        out.verify = await verifyBench(concurrent.dir);
        log(`verify: ${JSON.stringify(out.verify)}`);
      }
    }
    if (PARTS.has('single')) {
      const single = await ingestBench('single', SINGLE_KIOSKS, 1);
      ingest.singleKiosk = single.figures;
      log(`ingest single kiosk: ${JSON.stringify(single.figures)}`);
    }
  }
  if (PARTS.has('results')) out.resultsAtMillion = await resultsBench();
  console.log(JSON.stringify(out, null, 2));
} finally {
  rmSync(work, { recursive: true, force: true });
}
