/**
 * Durability of the ack: the real server CLI (`serve`) runs on a temp data folder while three kiosks
 * stream signed batches over HTTP; it is killed with SIGKILL three times, each time after a random
 * number of acks (5 to 70) and within 3 ms of a request being sent, so batches are in flight, and
 * restarted. Every batch whose ack the kiosk received must be stored and counted exactly once, with no
 * gap in any chain, and the audit bundle of the survivor must recount clean.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { generateKeyPair, parseJsonBytes, signBytes, verifyDocument } from '../../src/shared/node/crypto';
import { AckPayload, KioskInfo } from '../../src/shared/wire';
import { DB_FILE, initDataDir, openDataDir } from '../../src/server/datadir';
import { publishElection } from '../../src/server/election';
import { createEnrolmentCode } from '../../src/server/enrolment';
import { auditBundleLines, writeLines } from '../../src/server/exports';
import { verifyBundle } from '../../src/server/verify/verify';
import { enrolRequest } from '../integration/server/enrol-request';
import { Chain, makePackage } from '../integration/server/helpers';

const root = resolve(__dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'isoloir-kill-'));
const data = join(work, 'data');
afterAll(() => rmSync(work, { recursive: true, force: true }));

function serve(): Promise<{ child: ChildProcess; url: string }> {
  // One process (node with the tsx loader), not the `tsx` wrapper: SIGKILL must hit the server itself.
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(root, 'src/server/cli.ts'),
      'serve',
      '--data',
      data,
      '--port',
      '0',
      '--live-results',
    ],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((ok, ko) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /à l’écoute sur (http:\/\/\S+)/.exec(out);
      if (m?.[1]) ok({ child, url: m[1] });
    });
    child.once('exit', (code) => ko(new Error(`serve exited early (${code})`)));
  });
}

/** The headers of the kiosk's signed request for its own state (docs/protocol.md). */
function stateHeaders(chain: Chain): Record<string, string> {
  const time = new Date().toISOString();
  const { kioskId, keys } = chain.kiosk;
  return {
    'x-isoloir-kiosk': kioskId,
    'x-isoloir-time': time,
    'x-isoloir-signature': signBytes('state', Buffer.from(`${kioskId}\n${time}`, 'utf8'), keys.privateKey),
  };
}

test('SIGKILL during a stream of uploads loses no acknowledged batch', async () => {
  initDataDir(data);
  const pkg = makePackage();
  const setup = openDataDir(data);
  const published = publishElection(setup.store, setup.authority, pkg, new Date());
  expect(published.ok).toBe(true);
  const codes = [0, 1, 2].map(() => {
    const c = createEnrolmentCode(setup.store, 'Borne', 1, new Date());
    if (!c.ok) throw new Error('code');
    return c.value.code;
  });
  setup.store.close();

  let server = await serve();
  const chains: Chain[] = [];
  for (const code of codes) {
    const keys = generateKeyPair();
    const res = await fetch(`${server.url}/api/v1/kiosks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(enrolRequest(code, keys, 'Borne', server.url)),
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as {
      kioskId: string;
      participationKey: string;
      authorityPublicKey: string;
    };
    const chain = new Chain({ ...body, keys }, pkg);
    for (let i = 0; i < 80; i++) chain.add();
    chains.push(chain);
  }
  const acked = chains.map(() => new Set<number>());
  const totalBatches = chains.reduce((n, c) => n + c.envelopes.length, 0);

  /**
   * The kill is placed by acks, not by time (a loaded CI machine may be slow or fast): once this cycle
   * has `killAfter` acks, the next request any kiosk starts is followed within 0-3 ms by SIGKILL, so at
   * least that batch is in flight (sent, no ack yet) when the server dies.
   */
  let killer: {
    killAfter: number;
    acks: number;
    pending: number;
    inFlightAtKill: number;
    fire: () => void;
  } | null = null;

  /** A kiosk's sync loop: resume after the server's high water, send in order, keep the acks. */
  async function stream(k: number, url: string, stop: { now: boolean }) {
    const chain = chains[k] as Chain;
    try {
      const info = KioskInfo.parse(
        await (
          await fetch(`${url}/api/v1/kiosks/${chain.kiosk.kioskId}`, { headers: stateHeaders(chain) })
        ).json(),
      );
      for (let seq = info.highWater + 1; seq <= chain.envelopes.length && !stop.now; seq++) {
        const sending = fetch(`${url}/api/v1/batches`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(chain.envelopes[seq - 1]),
        });
        const kill = killer;
        if (kill) {
          kill.pending += 1;
          if (kill.acks >= kill.killAfter && kill.inFlightAtKill === 0) {
            kill.inFlightAtKill = kill.pending;
            setTimeout(kill.fire, Math.random() * 3);
          }
        }
        let res: Response;
        try {
          res = await sending;
        } finally {
          if (kill) kill.pending -= 1;
        }
        const ack = (await res.json()) as { payload: string; signature: string };
        expect([200, 201]).toContain(res.status);
        const verified = verifyDocument('ack', ack, chain.kiosk.authorityPublicKey);
        expect(verified.ok).toBe(true);
        if (verified.ok) acked[k]?.add(AckPayload.parse(parseJsonBytes(verified.bytes)).seq);
        if (kill) kill.acks += 1;
      }
    } catch (error) {
      // The server died under us: only a network failure is expected here.
      if (!(error instanceof TypeError)) throw error;
    }
  }

  const inFlightAtKills: number[] = [];
  for (let cycle = 0; cycle < 3; cycle++) {
    const stop = { now: false };
    const dead = new Promise((r) => server.child.once('exit', r));
    const victim = server.child;
    killer = {
      killAfter: 5 + Math.floor(Math.random() * 66), // 5..70 acks into this cycle
      acks: 0,
      pending: 0,
      inFlightAtKill: 0,
      fire: () => victim.kill('SIGKILL'),
    };
    const loops = Promise.all(chains.map((_, k) => stream(k, server.url, stop)));
    // 3 × (70 acks + a few in flight) stays well below the 240 batches: every cycle ends by a kill.
    await Promise.race([dead, loops]);
    expect(killer.inFlightAtKill, 'the kill fired before every batch was sent').toBeGreaterThan(0);
    await dead;
    stop.now = true;
    await loops;
    inFlightAtKills.push(killer.inFlightAtKill);
    killer = null;
    server = await serve();
    if (cycle === 0) {
      // The first kill came in the middle of the stream: the chains are not all stored yet.
      const check = openDataDir(data);
      try {
        const stored = chains.reduce((n, c) => n + (check.store.kiosk(c.kiosk.kioskId)?.highWater ?? 0), 0);
        expect(stored).toBeLessThan(totalBatches);
        for (const [k, chain] of chains.entries())
          for (const seq of acked[k] ?? [])
            expect(check.store.batch(chain.kiosk.kioskId, seq)).not.toBeNull();
      } finally {
        check.store.close();
      }
    }
  }
  // Every kill found at least one batch sent and not yet acknowledged.
  expect(inFlightAtKills.every((n) => n >= 1)).toBe(true);
  // Finish every chain on the last server, then check.
  await Promise.all(chains.map((_, k) => stream(k, server.url, { now: false })));
  const results = (await (await fetch(`${server.url}/api/v1/results`)).json()) as { ballots: number };
  server.child.kill('SIGTERM');
  await new Promise((r) => server.child.once('exit', r));

  const after = openDataDir(data);
  try {
    let total = 0;
    chains.forEach((chain, k) => {
      const kiosk = after.store.kiosk(chain.kiosk.kioskId);
      expect(kiosk?.highWater).toBe(chain.envelopes.length);
      for (const seq of acked[k] ?? [])
        expect(after.store.batch(chain.kiosk.kioskId, seq)?.status).toBe('counted');
      for (const payload of chain.payloads) {
        total += payload.ballots.length;
        expect(after.store.batch(chain.kiosk.kioskId, payload.seq)?.ballotCount).toBe(payload.ballots.length);
        // Every printed receipt is findable, in the batch that carried it.
        for (const commitment of payload.receipts)
          expect(after.store.receipt(commitment)).toEqual({ kioskId: chain.kiosk.kioskId, seq: payload.seq });
      }
    });
    expect(acked.every((s) => s.size > 0)).toBe(true);
    expect(after.store.counts()).toEqual({ batches: chains.length * 80, ballots: total });
    expect(results.ballots).toBe(total);
    const bundle = join(work, 'audit.jsonl');
    await writeLines(bundle, auditBundleLines(join(data, DB_FILE), after.authority, new Date()));
    const report = await verifyBundle(bundle);
    expect(report.errors).toEqual([]);
  } finally {
    after.store.close();
  }
}, 180_000);
