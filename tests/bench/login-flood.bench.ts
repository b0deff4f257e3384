/**
 * `npm run bench:login-flood`: does a flood of admin logins slow batch ingest down? One real server
 * (Fastify on 127.0.0.1, SQLite file, web pages on, behind a "proxy" so that every login can come from
 * its own address and pass the per-IP limit), kiosks sending signed batches at a steady pace, and the
 * ack latency of each batch measured in alternating periods without and with a flood of 50 logins per
 * second (wrong passwords, valid login form token). Prints JSON: the p50/p99 of each condition, their
 * ratio, and what became of the logins (checked, refused by the global budget). A ratio, measured in
 * one process on one machine, is what the test asserts; absolute times depend on the machine.
 */
import { on } from 'node:events';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { setAdminPassword } from '../../src/server/datadir';
import type { BatchEnvelope } from '../../src/shared/wire';
import { Chain, enrolKiosk, startTestServer } from '../integration/server/helpers';

export interface LoginFloodOptions {
  /** Length of each period in ms; periods alternate quiet, flood, quiet, flood… (default 2500). */
  periodMs?: number;
  /** Periods of each condition (default 2). */
  rounds?: number;
  kiosks?: number;
  /** Batches per second per kiosk (default 20). */
  batchesPerSecond?: number;
  loginsPerSecond?: number;
  /** The server's global budget of password checks per second (its default when absent). */
  serverLoginsPerSecond?: number;
}

export interface LoginFloodReport {
  samples: { quiet: number; flood: number };
  quiet: { p50Ms: number; p99Ms: number };
  flood: { p50Ms: number; p99Ms: number };
  /** p99 with the flood divided by p99 without. */
  p99Ratio: number;
  logins: { sent: number; checked: number; refused: number; other: number };
}

/** The login flood, run in a worker thread: `loginsPerSecond` POSTs, each from its own address. */
const FLOOD_CLIENT = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, csrf, loginCookie, loginsPerSecond, periodMs, first } = workerData;
const counts = { sent: 0, checked: 0, refused: 0, other: 0 };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
async function login(ip) {
  counts.sent += 1;
  const res = await fetch(url + '/admin/connexion', {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: 'isoloir_login=' + loginCookie,
      'x-forwarded-for': '10.' + ((ip >> 16) & 255) + '.' + ((ip >> 8) & 255) + '.' + (ip & 255),
    },
    body: new URLSearchParams({ password: 'faux-' + ip, csrf }).toString(),
  });
  await res.arrayBuffer();
  if (res.status === 401) counts.checked += 1;
  else if (res.status === 429) counts.refused += 1;
  else counts.other += 1;
}
(async () => {
  const pending = [];
  parentPort.postMessage('started');
  const until = Date.now() + periodMs;
  let next = Date.now();
  let ip = first;
  while (Date.now() < until) {
    pending.push(login(++ip));
    next += 1000 / loginsPerSecond;
    const wait = next - Date.now();
    if (wait > 0) await sleep(wait);
  }
  await Promise.all(pending);
  parentPort.postMessage(counts);
})();
`;

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};
const round = (ms: number): number => Math.round(ms * 100) / 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function measureLoginFlood(options: LoginFloodOptions = {}): Promise<LoginFloodReport> {
  const periodMs = options.periodMs ?? 2500;
  const rounds = options.rounds ?? 2;
  const kioskCount = options.kiosks ?? 4;
  const perSecond = options.batchesPerSecond ?? 20;
  const loginsPerSecond = options.loginsPerSecond ?? 50;
  const server = await startTestServer({
    web: true,
    trustProxy: '127.0.0.1',
    logger: false,
    ...(options.serverLoginsPerSecond !== undefined
      ? { loginsPerSecond: options.serverLoginsPerSecond }
      : {}),
  });
  try {
    setAdminPassword(server.data.store, 'le-vrai-mot-de-passe');
    const kiosks = [];
    for (let i = 0; i < kioskCount; i++) kiosks.push(await enrolKiosk(server, `Comptoir ${i + 1}`));
    await server.app.listen({ host: '127.0.0.1', port: 0 });
    const address = server.app.server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

    // Every batch is signed before the clock starts.
    const perKiosk = Math.ceil(((2 * rounds * periodMs) / 1000) * perSecond * 1.2) + 5;
    const queues: BatchEnvelope[][] = kiosks.map((kiosk) => {
      const chain = new Chain(kiosk, server.pkg);
      return Array.from({ length: perKiosk }, () => chain.add());
    });

    const form = await fetch(`${url}/admin/connexion`, { headers: { 'x-forwarded-for': '192.0.2.1' } });
    const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
    const loginCookie = /isoloir_login=([^;]+)/.exec(form.headers.get('set-cookie') ?? '')?.[1] ?? '';

    const latencies = { quiet: [] as number[], flood: [] as number[] };
    const logins = { sent: 0, checked: 0, refused: 0, other: 0 };
    let condition: 'quiet' | 'flood' = 'quiet';
    let running = true;
    let failure: string | null = null;

    const sender = async (queue: BatchEnvelope[], offset: number) => {
      const interval = 1000 / perSecond;
      let next = performance.now() + offset;
      for (const envelope of queue) {
        if (!running) return;
        const wait = next - performance.now();
        if (wait > 0) await sleep(wait);
        const measuredIn = condition;
        const t0 = performance.now();
        const res = await fetch(`${url}/api/v1/batches`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(envelope),
        });
        await res.arrayBuffer();
        const elapsed = performance.now() - t0;
        if (res.status !== 201) failure ??= `batch answered ${res.status}`;
        // A batch sent across a change of condition is counted in neither.
        if (measuredIn === condition) latencies[measuredIn].push(elapsed);
        next = Math.max(next + interval, performance.now());
      }
    };

    // The flood comes from a worker thread: its client work must not sit on the server's event loop,
    // only the server's own handling of each login does.
    // The flood's period starts when the worker is up and sending.
    const flood = async () => {
      const worker = new Worker(FLOOD_CLIENT, {
        eval: true,
        workerData: { url, csrf, loginCookie, loginsPerSecond, periodMs, first: logins.sent },
      });
      const messages = on(worker, 'message');
      await messages.next(); // 'started'
      condition = 'flood';
      const counts = (await messages.next()).value as [typeof logins];
      condition = 'quiet';
      logins.sent += counts[0].sent;
      logins.checked += counts[0].checked;
      logins.refused += counts[0].refused;
      logins.other += counts[0].other;
      await worker.terminate();
    };

    const senders = queues.map((q, i) => sender(q, (i * 1000) / perSecond / kioskCount));
    for (let r = 0; r < rounds; r++) {
      await sleep(periodMs);
      await flood();
    }
    running = false;
    await Promise.all(senders);
    if (failure) throw new Error(failure);

    const quiet = {
      p50Ms: round(percentile(latencies.quiet, 50)),
      p99Ms: round(percentile(latencies.quiet, 99)),
    };
    const flooded = {
      p50Ms: round(percentile(latencies.flood, 50)),
      p99Ms: round(percentile(latencies.flood, 99)),
    };
    return {
      samples: { quiet: latencies.quiet.length, flood: latencies.flood.length },
      quiet,
      flood: flooded,
      p99Ratio: round(percentile(latencies.flood, 99) / percentile(latencies.quiet, 99)),
      logins,
    };
  } finally {
    await server.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const budget = process.env['LOGINS_PER_SECOND'];
  measureLoginFlood(budget === undefined ? {} : { serverLoginsPerSecond: Number(budget) }).then(
    (report) => console.log(JSON.stringify(report, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
