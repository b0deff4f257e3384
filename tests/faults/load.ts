/**
 * Many kiosks uploading to one central server at once: the real server CLI (`serve`, its own process, so
 * its memory is its own resident set) on 127.0.0.1, and N simulated kiosks in this process, each
 * enrolled over HTTP with a code, a fresh Ed25519 key and its proof of possession, then uploading its
 * own chain of signed v2 batches of K ballots (the server tests' `Chain`) in a closed loop: wait a
 * random pause, send the next batch on the kiosk's own kept-alive connection, verify the signed ack.
 *
 * Run by `load.test.ts` (short in CI, long with ISOLOIR_LONG=1) and `npm run bench:load`. The run
 * counts and returns; the callers judge. What it measures:
 * - ack latency of each upload, from its first byte sent to its verified ack (retries included);
 * - the server's resident memory: VmRSS sampled twice a second and VmHWM (the kernel's peak) at the end;
 * - errors: any answer that is not an ack and not one of the retryable answers of docs/sync.md
 *   (429, 5xx), a request the server did not answer within the timeout, an ack that does not verify or
 *   names another batch; retryable answers are retried with the same bytes and counted apart;
 * - after the server stopped, its SQLite file read back: per kiosk, the stored chain is exactly the
 *   acked seqs 1..n with the ballots sent; receipt commitments and participation tokens one per ballot;
 *   no refusal counted.
 */
import { randomInt } from 'node:crypto';
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { generateKeyPair, parseJsonBytes, sha256hex, verifyDocument } from '../../src/shared/node/crypto';
import { AckPayload, type ElectionPackage } from '../../src/shared/wire';
import { DB_FILE, initDataDir, openDataDir } from '../../src/server/datadir';
import { publishElection } from '../../src/server/election';
import { createEnrolmentCode } from '../../src/server/enrolment';
import { enrolRequest } from '../integration/server/enrol-request';
import { Chain, makePackage, type TestKiosk } from '../integration/server/helpers';
import { sleep, startServerProcess, tempDir } from '../integration/sync/harness';

export interface LoadOptions {
  kiosks: number;
  seconds: number;
  /** Mean pause between a kiosk's ack and its next upload; each pause is uniform in [0, 2 × mean]. */
  meanPauseMs: number;
  /** K: ballots per batch (the package's `batchSize`). */
  batchSize: number;
  /** Enrolments in flight at once. */
  enrolConcurrency: number;
  /** A request unanswered for this long is an error. */
  timeoutMs: number;
  /** A progress line on stderr this often (0: none). */
  progressEveryMs: number;
}

export const defaultLoadOptions: LoadOptions = {
  kiosks: 500,
  seconds: 30,
  meanPauseMs: 1000,
  batchSize: 20,
  enrolConcurrency: 8,
  timeoutMs: 60_000,
  progressEveryMs: 10_000,
};

export interface LoadReport {
  options: LoadOptions;
  startedAt: string;
  enrolSeconds: number;
  uploadSeconds: number;
  uploads: number;
  ballots: number;
  uploadsPerSecond: number;
  ackLatencyMs: { p50: number; p90: number; p99: number; max: number };
  /** Retryable answers (429, 5xx) met and retried, by status. */
  retries: Record<string, number>;
  errors: string[];
  /**
   * CPU seconds per second of upload time: the server process, and this process (the kiosks' signing,
   * ack checks and HTTP). One Node process cannot use more than about 1 (one event loop); near 1 it is
   * the bottleneck, and the latency is queueing.
   */
  cpuShare: { server: number; loadGenerator: number; serverWaitingForCpu: number };
  server: {
    peakRssMiB: number;
    /** VmHWM: the kernel's own peak of the resident set, over the whole life of the process. */
    hwmRssMiB: number;
    rssAfterEnrolMiB: number;
  };
  /** Read from the server's SQLite file after it stopped. */
  stored: {
    batches: number;
    ballots: number;
    receipts: number;
    tokens: number;
    rejections: number;
    /** Kiosks whose stored chain is not exactly their acked seqs 1..n with the ballots sent. */
    chainMismatches: string[];
  };
}

/** CPU time (user + system) a process has used so far, in seconds (Linux /proc, 100 ticks a second). */
function procCpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Seconds the process's main thread (its event loop) has spent runnable but waiting for a CPU (Linux
 * /proc/<pid>/schedstat, second field, ns): on a shared machine, time the server was ready to work and
 * could not.
 */
function procRunQueueSeconds(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e9;
}

/** A line of /proc/<pid>/status in MiB (Linux), e.g. `VmRSS`. */
function procStatusMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m?.[1] ? Number(m[1]) / 1024 : NaN;
}

const percentile = (sorted: Float64Array, p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

const round1 = (n: number): number => Math.round(n * 10) / 10;

interface Answer {
  status: number;
  body: string;
}

/** One request on the kiosk's own kept-alive connection; rejects on a network error or the timeout. */
function call(
  agent: Agent,
  url: string,
  method: string,
  body: string | undefined,
  timeoutMs: number,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        agent,
        timeout: timeoutMs,
        headers: body
          ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
          : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** The retryable answers of docs/sync.md that the server itself gives: busy (5xx) or rate limited. */
const retryable = (status: number): boolean => status === 429 || status >= 500;

/** Runs `task` over `items` with at most `width` in flight. */
async function pool<T>(
  items: T[],
  width: number,
  task: (item: T, i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await task(items[i] as T, i);
      }
    }),
  );
}

export async function runLoad(partial: Partial<LoadOptions> = {}): Promise<LoadReport> {
  const options: LoadOptions = { ...defaultLoadOptions, ...partial };
  const log = (text: string): void => {
    if (options.progressEveryMs > 0) process.stderr.write(`load: ${text}\n`);
  };
  const startedAt = new Date().toISOString();
  const pkg: ElectionPackage = makePackage({ electionId: 'load-2026', batchSize: options.batchSize });

  // The server's data folder, its election and one code per kiosk, made with the server's own code.
  const workDir = tempDir('load');
  const dataDir = path.join(workDir, 'data');
  initDataDir(dataDir);
  const codes: string[] = [];
  {
    const data = openDataDir(dataDir);
    try {
      const published = publishElection(data.store, data.authority, pkg, new Date());
      if (!published.ok) throw new Error(published.error.message);
      for (let i = 0; i < options.kiosks; i++) {
        const created = createEnrolmentCode(data.store, `Comptoir ${i + 1}`, 24, new Date());
        if (!created.ok) throw new Error(created.error.message);
        codes.push(created.value.code);
      }
    } finally {
      data.store.close();
    }
  }

  // Every kiosk enrols from 127.0.0.1: the per-address enrolment limit is raised for this one run,
  // as an operator enrolling a fleet from one office would.
  const server = await startServerProcess(dataDir, 0, { enrolPerMinute: options.kiosks + 10 });
  const pid = server.child.pid ?? 0;
  let peakRss = procStatusMiB(pid, 'VmRSS');
  const sampler = setInterval(() => {
    const rss = procStatusMiB(pid, 'VmRSS');
    if (rss > peakRss) peakRss = rss;
  }, 500);

  const errors: string[] = [];
  const retries: Record<string, number> = {};
  const agents: Agent[] = [];
  try {
    // ------------------------------------------------------------ enrolment, as a kiosk does it
    const enrolStart = performance.now();
    const kiosks: TestKiosk[] = new Array<TestKiosk>(options.kiosks);
    await pool(codes, options.enrolConcurrency, async (code, i) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      agents[i] = agent;
      const keys = generateKeyPair();
      const body = JSON.stringify(enrolRequest(code, keys, `Comptoir ${i + 1}`, server.url));
      const enrolled = await call(agent, `${server.url}/api/v1/kiosks`, 'POST', body, options.timeoutMs);
      if (enrolled.status !== 201) throw new Error(`enrolment ${i}: ${enrolled.status} ${enrolled.body}`);
      const answer = JSON.parse(enrolled.body) as Omit<TestKiosk, 'keys'>;
      // The package, checked with the authority key of the answer, as the kiosk's enrolment does.
      const election = await call(
        agent,
        `${server.url}/api/v1/election`,
        'GET',
        undefined,
        options.timeoutMs,
      );
      const signed = JSON.parse(election.body) as { payload: string; signature: string };
      if (election.status !== 200 || !verifyDocument('election', signed, answer.authorityPublicKey).ok)
        throw new Error(`election package ${i}: ${election.status}`);
      kiosks[i] = { ...answer, keys };
      if ((i + 1) % 100 === 0) log(`${i + 1}/${options.kiosks} kiosks enrolled`);
    });
    const enrolSeconds = (performance.now() - enrolStart) / 1000;
    const rssAfterEnrol = procStatusMiB(pid, 'VmRSS');
    log(`${options.kiosks} kiosks enrolled in ${round1(enrolSeconds)} s; uploading for ${options.seconds} s`);

    // ------------------------------------------------------------ uploads
    const latencies: number[] = [];
    const acked = kiosks.map(() => [] as number[]);
    let ballots = 0;
    const uploadStart = performance.now();
    const serverCpuStart = procCpuSeconds(pid);
    const serverWaitStart = procRunQueueSeconds(pid);
    const ownCpuStart = process.cpuUsage();
    const deadline = uploadStart + options.seconds * 1000;
    const batchesUrl = `${server.url}/api/v1/batches`;

    const uploadLoop = async (k: number): Promise<void> => {
      const kiosk = kiosks[k] as TestKiosk;
      const agent = agents[k] as Agent;
      const chain = new Chain(kiosk, pkg);
      // Kiosks do not start in step: the first pause is drawn like the others.
      for (;;) {
        await sleep(randomInt(0, 2 * options.meanPauseMs + 1));
        if (performance.now() >= deadline) return;
        const envelope = chain.add();
        const payload = chain.payloads[0];
        chain.forget();
        if (!payload) throw new Error('no payload');
        const body = JSON.stringify(envelope);
        const hash = sha256hex(Buffer.from(envelope.payload, 'base64url'));
        const sent = performance.now();
        for (let attempt = 0; ; attempt++) {
          let answer: Answer;
          try {
            answer = await call(agent, batchesUrl, 'POST', body, options.timeoutMs);
          } catch (error) {
            errors.push(
              `kiosk ${k} seq ${payload.seq}: ${error instanceof Error ? error.message : String(error)}`,
            );
            return;
          }
          if (retryable(answer.status)) {
            retries[answer.status] = (retries[answer.status] ?? 0) + 1;
            await sleep(Math.min(5000, 250 * 2 ** attempt));
            continue;
          }
          const ack = answer.status === 200 || answer.status === 201 ? parseAck(answer.body, kiosk) : null;
          // A first send is `accepted`; `duplicate` only answers a resend after a retryable answer.
          const expected = attempt === 0 ? ['accepted'] : ['accepted', 'duplicate'];
          if (
            !ack ||
            ack.kioskId !== kiosk.kioskId ||
            ack.seq !== payload.seq ||
            ack.hash !== hash ||
            !expected.includes(ack.status)
          ) {
            errors.push(`kiosk ${k} seq ${payload.seq}: ${answer.status} ${answer.body.slice(0, 200)}`);
            return;
          }
          break;
        }
        latencies.push(performance.now() - sent);
        acked[k]?.push(payload.seq);
        ballots += payload.ballots.length;
      }
    };

    const progress =
      options.progressEveryMs > 0
        ? setInterval(() => {
            const elapsed = (performance.now() - uploadStart) / 1000;
            const sorted = Float64Array.from(latencies).sort();
            log(
              `${Math.round(elapsed)}/${options.seconds} s: ${latencies.length} uploads ` +
                `(${Math.round(latencies.length / elapsed)}/s), p99 ${round1(percentile(sorted, 99))} ms, ` +
                `server RSS ${round1(procStatusMiB(pid, 'VmRSS'))} MiB (peak ${round1(peakRss)}), ` +
                `${errors.length} errors`,
            );
          }, options.progressEveryMs)
        : null;
    await Promise.all(kiosks.map((_, k) => uploadLoop(k)));
    if (progress) clearInterval(progress);
    const uploadSeconds = (performance.now() - uploadStart) / 1000;
    const serverCpu = procCpuSeconds(pid) - serverCpuStart;
    const serverWait = procRunQueueSeconds(pid) - serverWaitStart;
    const ownCpu = process.cpuUsage(ownCpuStart);
    const hwm = procStatusMiB(pid, 'VmHWM');
    clearInterval(sampler);
    await server.stop();

    const sorted = Float64Array.from(latencies).sort();
    return {
      options,
      startedAt,
      enrolSeconds: round1(enrolSeconds),
      uploadSeconds: round1(uploadSeconds),
      uploads: latencies.length,
      ballots,
      uploadsPerSecond: round1(latencies.length / uploadSeconds),
      ackLatencyMs: {
        p50: round1(percentile(sorted, 50)),
        p90: round1(percentile(sorted, 90)),
        p99: round1(percentile(sorted, 99)),
        max: round1(sorted[sorted.length - 1] ?? NaN),
      },
      retries,
      errors,
      cpuShare: {
        server: Math.round((serverCpu / uploadSeconds) * 100) / 100,
        loadGenerator: Math.round(((ownCpu.user + ownCpu.system) / 1e6 / uploadSeconds) * 100) / 100,
        serverWaitingForCpu: Math.round((serverWait / uploadSeconds) * 100) / 100,
      },
      server: {
        peakRssMiB: round1(Math.max(peakRss, hwm)),
        hwmRssMiB: round1(hwm),
        rssAfterEnrolMiB: round1(rssAfterEnrol),
      },
      stored: readBack(dataDir, kiosks, acked, options.batchSize),
    };
  } finally {
    clearInterval(sampler);
    for (const agent of agents) agent?.destroy();
    if (server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGKILL');
      await once(server.child, 'exit');
    }
    rmSync(workDir, { recursive: true, force: true });
  }
}

function parseAck(body: string, kiosk: TestKiosk): AckPayload | null {
  try {
    const verified = verifyDocument('ack', JSON.parse(body) as never, kiosk.authorityPublicKey);
    return verified.ok ? AckPayload.parse(parseJsonBytes(verified.bytes)) : null;
  } catch {
    return null;
  }
}

/** What the server stored, read-only from its file: each kiosk's chain against the seqs it had acked. */
function readBack(dataDir: string, kiosks: TestKiosk[], acked: number[][], k: number): LoadReport['stored'] {
  const db = new Database(path.join(dataDir, DB_FILE), { readonly: true, fileMustExist: true });
  try {
    const one = (sql: string): number => db.prepare<[], { n: number }>(sql).get()?.n ?? NaN;
    const perKiosk = db.prepare<
      [string],
      { high_water: number; ballots: number; batches: number; stored: number; seqs: number }
    >(
      `SELECT k.high_water, k.ballots,
              (SELECT count(*) FROM batches b WHERE b.kiosk_id = k.kiosk_id) AS batches,
              (SELECT coalesce(sum(ballot_count), 0) FROM batches b WHERE b.kiosk_id = k.kiosk_id) AS stored,
              (SELECT coalesce(sum(seq), 0) FROM batches b WHERE b.kiosk_id = k.kiosk_id) AS seqs
         FROM kiosks k WHERE k.kiosk_id = ?`,
    );
    const chainMismatches: string[] = [];
    kiosks.forEach((kiosk, i) => {
      const seqs = [...(acked[i] ?? [])].sort((a, b) => a - b);
      const n = seqs.length;
      // Acked exactly once each, 1..n, and the server holds exactly those n batches of K ballots.
      const exact = seqs.every((s, j) => s === j + 1);
      const row = perKiosk.get(kiosk.kioskId);
      if (
        !exact ||
        !row ||
        row.high_water !== n ||
        row.batches !== n ||
        row.seqs !== (n * (n + 1)) / 2 ||
        row.ballots !== n * k ||
        row.stored !== n * k
      )
        chainMismatches.push(
          `${kiosk.kioskId}: acked ${n} ${exact ? '' : '(not 1..n)'} stored ${JSON.stringify(row)}`,
        );
    });
    return {
      batches: one('SELECT count(*) AS n FROM batches'),
      ballots: one("SELECT coalesce(sum(ballot_count), 0) AS n FROM batches WHERE status = 'counted'"),
      receipts: one('SELECT count(*) AS n FROM receipts'),
      tokens: one('SELECT count(*) AS n FROM participations'),
      rejections: one('SELECT coalesce(sum(count), 0) AS n FROM rejections'),
      chainMismatches,
    };
  } finally {
    db.close();
  }
}
