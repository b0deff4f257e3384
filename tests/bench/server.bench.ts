/**
 * `npm run bench:server`: the central server's figures, as one JSON object on stdout (progress on
 * stderr). Never a timed assertion: each figure stands beside a baseline measured in the same run.
 *   1. ingest over HTTP on 127.0.0.1 (200 kiosks × 50 batches × 20 ballots by default), ballots/s, beside
 *      a bare better-sqlite3 insert of the same rows (one transaction per batch, same pragmas): ratio.
 *      Twice: `concurrent` (`--concurrency` kiosks uploading at once: the group commit's case) and
 *      `singleKiosk` (`--single-kiosks` kiosks one after the other, one request at a time: the
 *      latency-bound case, where each batch pays its own commit). Request bodies are serialised before
 *      the clock starts: the load generator's own JSON work is not the server's;
 *   2. `verifyBundle` on that run's audit bundle, beside a bare JSON parse + Ed25519 verification of the
 *      same bytes: ratio;
 *   3. `GET /api/v1/results` latency with 1,000,000 counted ballots (cold, after a new batch, warm).
 * Options: --kiosks N --batches N --ballots N --million N (ballots of part 3) --concurrency N
 * --single-kiosks N (default 20) --parts ingest,single,verify,results (default: all four; `verify` runs
 * on the concurrent ingest's bundle). Quick iteration: --kiosks 20 --single-kiosks 10 --million 50000.
 */
import { spawn } from 'node:child_process';
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../../src/main/core/db';
import { fromBase64url, generateKeyPair, sha256hex } from '../../src/shared/node/crypto';
import { receiptKeyFromBallotId } from '../../src/shared/receipt';
import { GENESIS_HASH, type BatchEnvelope } from '../../src/shared/wire';
import { DB_FILE, initDataDir, openDataDir } from '../../src/server/datadir';
import { createEnrolmentCode, enrolKiosk, publishElection } from '../../src/server/election';
import { auditBundleLines, writeLines } from '../../src/server/exports';
import { serverMigrations } from '../../src/server/migrations';
import { startServer } from '../../src/server/serve';
import { verifyBundle } from '../../src/server/verify/verify';
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
      const out = enrolKiosk(
        data.store,
        data.authority,
        { code: code.value.code, publicKey: keys.publicKey, label: 'x' },
        new Date(),
      );
      if (out.status !== 201) throw new Error(out.message);
      return { ...out.body, keys };
    });
  } finally {
    data.store.close();
  }
}

function freshDataDir(name: string) {
  const dir = join(work, name);
  initDataDir(dir);
  const data = openDataDir(dir);
  const pkg = makePackage({ electionId: 'bench-2026' });
  const published = publishElection(data.store, data.authority, pkg, new Date());
  data.store.close();
  if (!published.ok) throw new Error(published.error.message);
  return { dir, pkg };
}

async function serveProcess(dataDir: string): Promise<{ url: string; close(): Promise<void> }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(root, 'src/server/cli.ts'),
      'serve',
      '--data',
      dataDir,
      '--port',
      '0',
      '--log-level',
      'warn',
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const url = await new Promise<string>((ok, ko) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /à l’écoute sur (http:\/\/\S+)/.exec(out);
      if (m?.[1]) ok(m[1]);
    });
    child.once('exit', (code) => ko(new Error(`serve exited (${code})`)));
  });
  return {
    url,
    close: async () => {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

// ---------------------------------------------------------------- 1. ingest over HTTP vs bare insert

async function ingestBench(name: string, kioskCount: number, concurrency: number) {
  const { dir, pkg } = freshDataDir(name);
  const kiosks = enrolMany(dir, kioskCount);
  log(`${name}: signing ${kioskCount * BATCHES} batches…`);
  const chains = kiosks.map((k) => {
    const chain = new Chain(k, pkg);
    for (let b = 0; b < BATCHES; b++) chain.add({ ballots: BALLOTS });
    return chain;
  });
  const bodies = chains.map((c) => c.envelopes.map((e) => JSON.stringify(e)));
  // The server runs as `serve` does in production, in its own process: the load generator (this
  // process) must not share its event loop.
  const server = await serveProcess(dir);
  const total = kioskCount * BATCHES;
  let done = 0;
  const started = performance.now();
  // Kiosks upload in parallel (each its own chain, in order), `concurrency` at a time.
  let next = 0;
  const worker = async () => {
    for (let k = next++; k < bodies.length; k = next++) {
      for (const body of bodies[k] ?? []) {
        const res = await fetch(`${server.url}/api/v1/batches`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        await res.arrayBuffer();
        if (res.status !== 201) throw new Error(`ingest refused: ${res.status}`);
        if (++done % 1000 === 0) log(`${name}: ingest ${done}/${total}`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const httpSeconds = (performance.now() - started) / 1000;
  await server.close();
  const envelopes = chains.flatMap((c) => c.envelopes.map((e, i) => ({ e, payload: c.payloads[i] })));

  // The baseline: the same rows in the same schema, one transaction per batch, same pragmas, no checks.
  const bareDb = openDatabase(join(work, `bare-${name}.sqlite`), serverMigrations());
  bareDb.exec(`INSERT INTO elections VALUES ('bench-2026', '', '', '', '', 1)`);
  const insKiosk = bareDb.prepare(
    `INSERT INTO kiosks (kiosk_id, label, public_key, election_id, enrolled_at, head) VALUES (?, 'x', ?, 'bench-2026', '', ?)`,
  );
  for (const k of kiosks) insKiosk.run(k.kioskId, k.keys.publicKey, GENESIS_HASH);
  const insBatch = bareDb.prepare(
    `INSERT INTO batches (kiosk_id, seq, payload, signature, hash, received_at, status, ballot_count, participation_count, is_final) VALUES (?, ?, ?, ?, ?, ?, 'counted', ?, ?, 0)`,
  );
  const insBallot = bareDb.prepare('INSERT INTO ballots (ballot_id, receipt_key) VALUES (?, ?)');
  const insToken = bareDb.prepare('INSERT INTO participations (token) VALUES (?)');
  const advance = bareDb.prepare(
    'UPDATE kiosks SET high_water = ?, head = ?, ballots = ballots + ? WHERE kiosk_id = ?',
  );
  const bareStart = performance.now();
  for (const { e, payload } of envelopes) {
    if (!payload) continue;
    bareDb.transaction(() => {
      const hash = sha256hex(Buffer.from(e.payload, 'base64url'));
      insBatch.run(
        e.kioskId,
        payload.seq,
        e.payload,
        e.signature,
        hash,
        new Date().toISOString(),
        payload.ballots.length,
        payload.participations.length,
      );
      for (const b of payload.ballots) insBallot.run(b.id, receiptKeyFromBallotId(b.id));
      for (const p of payload.participations) insToken.run(p.token);
      advance.run(payload.seq, hash, payload.ballots.length, e.kioskId);
    })();
  }
  const bareSeconds = (performance.now() - bareStart) / 1000;
  bareDb.close();
  const ballots = total * BALLOTS;
  return {
    dir,
    figures: {
      kiosks: kioskCount,
      batchesPerKiosk: BATCHES,
      ballotsPerBatch: BALLOTS,
      ballots,
      concurrency,
      httpSeconds: round(httpSeconds, 2),
      httpBallotsPerSecond: Math.round(ballots / httpSeconds),
      bareInsertSeconds: round(bareSeconds, 2),
      bareBallotsPerSecond: Math.round(ballots / bareSeconds),
      ratio: round(bareSeconds / httpSeconds, 3),
      target: '≥ 0.5',
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
  const prefix = Buffer.from('ISOLOIR/v1/batch\n');
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
  const { dir, pkg } = freshDataDir('million');
  const perBatch = 20;
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
        if (!payload) continue;
        data.store.storeBatch({
          kioskId: e.kioskId,
          seq: payload.seq,
          payload: e.payload,
          signature: e.signature,
          hash: sha256hex(Buffer.from(e.payload, 'base64url')),
          receivedAt: new Date().toISOString(),
          status: 'counted',
          ballots: payload.ballots.map((b) => ({ id: b.id, receiptKey: receiptKeyFromBallotId(b.id) })),
          tokens: payload.participations.map((p) => p.token),
          ballotCount: payload.ballots.length,
          participationCount: payload.participations.length,
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
  const server = await startServer(dir, { port: 0, logger: false }); // rebuilds the tally before listening
  const startupSeconds = (performance.now() - startedAt) / 1000;
  const timeGet = async () => {
    const t = performance.now();
    const res = await fetch(`${server.url}/api/v1/results`);
    const body = (await res.json()) as { ballots: number };
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
