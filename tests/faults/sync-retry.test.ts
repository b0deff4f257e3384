/**
 * How the upload loop retries, against a real server process and the fault proxy: after a failure where
 * the server answered (a 500, a refused register pull) retries follow the backoff and are never hurried
 * by the probe; a captive portal's HTML 403 is retried, never blocks the chain; the backoff deadlines do
 * not stall when the kiosk clock moves back; a kiosk started with no server process at all drains once one
 * starts; and the loop survives a store that throws (disk full). Each ends on the two invariants.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  castVotes,
  drained,
  enrolledTestKiosk,
  journaled,
  jsonResponse,
  openTestKiosk,
  prepareServerData,
  reconcile,
  startServerProcess,
  testElection,
  waitDrained,
  waitFor,
  type ServerData,
  type ServerProcess,
  type TestKiosk,
} from '../integration/sync/harness';
import { startProxy, type FaultProxy } from './proxy';

// Real processes on a shared 2-core machine: generous time, never a timed assertion.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

let data: ServerData;
let server: ServerProcess;
let proxy: FaultProxy;
const election = testElection();
const opened: TestKiosk[] = [];

const enrolledKiosk = (
  name: string,
  options: Parameters<typeof openTestKiosk>[1] = {},
  serverUrl = proxy.url,
): Promise<TestKiosk> => enrolledTestKiosk(data, serverUrl, name, opened, options);

const expectInvariants = async (t: TestKiosk, dataDir = data.dir): Promise<void> => {
  await waitDrained(t, 30_000);
  expect(reconcile(t.kiosk.store, dataDir)).toEqual(drained);
};

beforeAll(async () => {
  data = prepareServerData(election);
  server = await startServerProcess(data.dir, 0, { enrolPerMinute: 1_000 });
  proxy = await startProxy(server.port);
});

afterAll(async () => {
  for (const t of opened) await t.close();
  await proxy?.close();
  await server?.stop();
});

describe('after a failure where the server answered, retries follow the backoff', () => {
  // Every retry waits the full step (random = 1): at least 300 ms apart, however loaded the machine. The
  // probe, every 20 ms, must not hurry them: the server answering it says nothing new.
  const minGapMs = 300;
  const policy = {
    probeMs: 20,
    random: () => 1,
    backoff: { baseMs: minGapMs, capMs: 2 * minGapMs, factor: 2 },
  };

  const cases: Array<{
    name: string;
    code: string;
    /** Which requests fail, and how. */
    fails: (url: string, init: RequestInit | undefined) => Response | null;
    /** Which requests count as a retry. */
    counts: (url: string, init: RequestInit | undefined) => boolean;
  }> = [
    {
      name: 'the server answers 500 to every batch',
      code: 'server_busy',
      fails: (url, init) =>
        init?.method === 'POST' && url.endsWith('/api/v1/batches')
          ? jsonResponse(500, { error: 'internal', message: 'Erreur interne du serveur.' })
          : null,
      counts: (url, init) => init?.method === 'POST' && url.endsWith('/api/v1/batches'),
    },
    {
      // Not a content refusal (an unknown route while the server is being upgraded, say): retried.
      name: 'the server answers 404 not_found to every batch',
      code: 'upload_refused',
      fails: (url, init) =>
        init?.method === 'POST' && url.endsWith('/api/v1/batches')
          ? jsonResponse(404, { error: 'not_found', message: 'Adresse inconnue.' })
          : null,
      counts: (url, init) => init?.method === 'POST' && url.endsWith('/api/v1/batches'),
    },
    {
      name: 'the server refuses the register pull (401)',
      code: 'register_refused',
      fails: (url) =>
        url.includes('/api/v1/participations')
          ? jsonResponse(401, { error: 'unauthorized', message: 'Heure de la demande trop éloignée.' })
          : null,
      counts: (url) => url.includes('/api/v1/participations'),
    },
  ];

  for (const c of cases)
    it(`${c.name}: no retry sooner than the backoff step, no probe; drains once it is fixed`, async () => {
      let failing = false;
      let retries = 0;
      let probes = 0;
      const t = await enrolledKiosk(`backoff-${c.code}`, {
        sync: {
          ...policy,
          fetch: (input, init) => {
            const url = String(input);
            if (failing && c.counts(url, init)) retries += 1;
            if (url.includes('/api/v1/kiosks/') && !url.endsWith('/status')) probes += 1;
            const fake = failing ? c.fails(url, init) : null;
            return fake ? Promise.resolve(fake) : fetch(input, init);
          },
        },
      });
      failing = true;
      castVotes(t.kiosk, election, 20);
      t.engine.kick();
      await waitFor(
        () => retries >= 1,
        10_000,
        () => 'no first attempt',
      );
      const start = performance.now();
      const first = retries;
      await waitFor(
        () => retries >= first + 3,
        30_000,
        () => `${retries - first} retries`,
      );
      const elapsed = performance.now() - start;
      // Each retry came at least `minGapMs` after the previous one: a hot retry (every probe, or no
      // backoff at all) would have made many more in the same time.
      expect(retries - first).toBeLessThanOrEqual(Math.floor(elapsed / minGapMs) + 1);
      expect(probes).toBe(0);
      const status = t.engine.status();
      expect(status.lastError?.code).toBe(c.code);
      expect(status.serverReachable).toBe(true);
      expect(status.blocked).toBe(false);
      failing = false;
      t.engine.kick();
      await expectInvariants(t);
    });
});

describe('a captive portal between the kiosk and the server', () => {
  it('an HTML 403 in place of the server is retried, never blocks; the chain drains once it goes', async () => {
    let portalAnswers = 0;
    const portal = http.createServer((request, response) => {
      portalAnswers += 1;
      request.resume();
      response.writeHead(403, { 'content-type': 'text/html; charset=utf-8' });
      response.end('<!doctype html><title>Wifi</title><p>Connectez-vous pour accéder à Internet.</p>');
    });
    await new Promise<void>((resolve) => portal.listen(0, '127.0.0.1', resolve));
    const portalPort = (portal.address() as { port: number }).port;
    try {
      const t = await enrolledKiosk('portal');
      await proxy.setTarget(portalPort);
      castVotes(t.kiosk, election, 30);
      t.engine.kick();
      await waitFor(
        () => portalAnswers >= 4,
        15_000,
        () => `portal answered ${portalAnswers}`,
      );
      const status = t.engine.status();
      expect(status.blocked).toBe(false);
      expect(status.serverReachable).toBe(false);
      expect(status.lastError?.message).toMatch(/portail wifi/);
      expect(status.batchesWaiting).toBe(2);
      expect(journaled(t.kiosk.store, 'sync_blocked')).toEqual([]);
      await proxy.setTarget(server.port);
      await expectInvariants(t);
    } finally {
      await proxy.setTarget(server.port);
      await new Promise<void>((resolve) => portal.close(() => resolve()));
    }
  });
});

describe('the kiosk clock moved back during a backoff', () => {
  it('does not stall the retry: backoff deadlines are on a monotonic clock', async () => {
    // The server answers 500 (so no probe cuts the wait short), with a 1.5 s step: the loop is nearly
    // always waiting when the clock moves.
    let failing = true;
    let posts = 0;
    const t = await enrolledKiosk('monotonic', {
      sync: {
        random: () => 1,
        backoff: { baseMs: 1_500, capMs: 1_500, factor: 2 },
        fetch: (input, init) => {
          if (init?.method !== 'POST' || !String(input).endsWith('/api/v1/batches'))
            return fetch(input, init);
          posts += 1;
          return failing
            ? Promise.resolve(jsonResponse(500, { error: 'internal', message: 'Erreur interne du serveur.' }))
            : fetch(input, init);
        },
      },
    });
    castVotes(t.kiosk, election, 20);
    t.engine.kick();
    await waitFor(
      () => posts >= 1 && t.engine.status().lastError?.code === 'server_busy',
      10_000,
      () => 'no failed attempt',
    );
    // The wall clock jumps an hour back (NTP, a mediator fixing the date) while the loop waits.
    const realNow = Date.now.bind(Date);
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => realNow() - 3_600_000);
    try {
      failing = false;
      await expectInvariants(t);
    } finally {
      clock.mockRestore();
    }
  });
});

describe('a store that throws outside a round’s guard', () => {
  it('does not end the loop: logged, backed off, and the outbox still drains', async () => {
    const events: string[] = [];
    const t = await enrolledKiosk('disk-full', { log: (event) => events.push(event) });
    // The next two writes of sync state fail as on a full disk: the round's own, then the one recording
    // that failure (which, unguarded, escapes into the loop).
    const store = t.engine.syncStore;
    const setState = store.setState.bind(store);
    let failures = 2;
    const spy = vi.spyOn(store, 'setState').mockImplementation((key, value) => {
      if (failures > 0) {
        failures -= 1;
        throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      }
      setState(key, value);
    });
    try {
      castVotes(t.kiosk, election, 30);
      t.engine.kick();
      await waitFor(
        () => failures === 0,
        10_000,
        () => 'the store never threw',
      );
      await expectInvariants(t);
      expect(events).toContain('sync_loop_error');
      expect(t.engine.looping).toBe(true);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('no server process at all when the kiosk starts', () => {
  // Last in the file: it stops the file's server and starts it again on the same address.
  it('retries until a server starts, then drains', async () => {
    const t = await enrolledKiosk('no-server', {}, server.url);
    await t.close();
    const port = server.port;
    await server.stop();

    // The kiosk starts at the counter; nothing listens at the server's address.
    let attempts = 0;
    const reopened = await openTestKiosk(t.dbPath, {
      sync: {
        fetch: (input, init) => {
          attempts += 1;
          return fetch(input, init);
        },
      },
    });
    opened.push(reopened);
    castVotes(reopened.kiosk, election, 34);
    expect(reopened.engine.closeDay().ok).toBe(true);
    await waitFor(
      () => attempts >= 3 && reopened.engine.status().serverReachable === false,
      15_000,
      () => `${attempts} attempts, ${JSON.stringify(reopened.engine.status())}`,
    );
    expect(reopened.engine.status().lastError?.message).toMatch(/injoignable/);
    server = await startServerProcess(data.dir, port, { enrolPerMinute: 1_000 });
    await expectInvariants(reopened);
  });
});
