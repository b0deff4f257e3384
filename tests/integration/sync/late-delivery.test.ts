/**
 * A kiosk's final batch against the signed package's late delivery window. A kiosk seals its held-back
 * rest only once its clock is past `closesAt`, so that batch always reaches the server after the close:
 * the server must still take it until `closesAt` + `lateDeliveryHours` (its own clock), and refuse it
 * after. The real server app on 127.0.0.1 and real kiosk cores share one clock, so the close and the
 * days after it are a clock moved, not a wait.
 */
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { BatchPayload, lateDeliveryEnd, type ElectionPackage } from '../../../src/shared/wire';
import { fromBase64url, parseJsonBytes } from '../../../src/shared/node/crypto';
import { createEnrolmentCode } from '../../../src/server/enrolment';
import { SyncStore } from '../../../src/main/core/sync/sync-store';
import { testClock, unwrap } from '../../unit/core/fixtures';
import { startTestServer, type TestServer } from '../server/helpers';
import {
  castVotes,
  enrolledTestKiosk,
  TEST_K,
  testElection,
  type ServerData,
  type TestKiosk,
} from './harness';

// Real kiosks and a real server on a shared 2-core machine: generous time, never a timed assertion.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const K = TEST_K;
const HOUR = 3_600_000;
const election: ElectionPackage = testElection('bc-livraison-tardive');
const clock = testClock(new Date());
let server: TestServer;
const opened: TestKiosk[] = [];
/** Kiosks that voted during the vote and stayed offline since: each connects at its own time after. */
const kiosks = new Map<string, TestKiosk>();

/** What the server counted: ballots in total, and its stored batches of one kiosk. */
async function counted(kioskId: string): Promise<{ ballots: number; batches: BatchPayload[] }> {
  const res = await server.app.inject({ method: 'GET', url: '/api/v1/results' });
  const batches = [...server.data.store.allBatches()]
    .filter((b) => b.kioskId === kioskId && b.status === 'counted')
    .map((b) => BatchPayload.parse(parseJsonBytes(fromBase64url(b.payload) ?? Buffer.alloc(0))));
  return { ballots: res.json<{ ballots: number }>().ballots, batches };
}

/** The kiosk's final batch as it sealed it (the server may not have it). */
function sealedFinal(t: TestKiosk): BatchPayload | undefined {
  return new SyncStore(t.kiosk.store)
    .allBatches()
    .map((b) => BatchPayload.parse(parseJsonBytes(fromBase64url(b.envelope.payload) ?? Buffer.alloc(0))))
    .find((p) => p.final);
}

beforeAll(async () => {
  expect(election.lateDeliveryHours).toBe(48);
  server = await startTestServer({ pkg: election, now: clock.now });
  await server.app.listen({ host: '127.0.0.1', port: 0 });
  const address = server.app.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  const data: ServerData = {
    dir: server.dir,
    authorityPublicKey: server.data.authority.publicKey,
    newCode: (label = 'Comptoir test') => {
      const made = createEnrolmentCode(server.data.store, label, 24, clock.now());
      if (!made.ok) throw new Error(made.error.message);
      return made.value.code;
    },
  };
  // During the vote: every kiosk enrols and takes K + 3 votes, which the hold-back keeps unsealed.
  for (const name of ['au-soir', 'deux-jours-apres', 'trop-tard']) {
    const t = await enrolledTestKiosk(data, `http://127.0.0.1:${address.port}`, name, opened, {
      now: clock.now,
      // The loop wakes only when the test syncs: a kiosk stays "offline" until then.
      sync: { idleMs: 3_600_000 },
    });
    castVotes(t.kiosk, election, K + 3, clock.now());
    const status = await unwrap(t.kiosk.handlers.syncNow({}));
    expect(status).toMatchObject({ batchesWaiting: 0, ballotsNotBatched: K + 3 });
    kiosks.set(name, t);
  }
});

afterAll(async () => {
  for (const t of opened) await t.close();
  await server?.close();
});

const kiosk = (name: string): TestKiosk => {
  const t = kiosks.get(name);
  if (!t) throw new Error(`no kiosk ${name}`);
  return t;
};

describe('the final batch, sealed at the close', () => {
  test('the evening of the close: sealed and accepted, its ballots counted', async () => {
    clock.set(new Date(Date.parse(election.closesAt) + 60_000));
    const t = kiosk('au-soir');
    const status = await unwrap(t.kiosk.handlers.syncNow({}));
    expect(status).toMatchObject({ batchesWaiting: 0, ballotsNotBatched: 0, blocked: false });
    const stored = await counted(t.kiosk.kioskId);
    expect(stored.batches.map((b) => [b.ballots.length, b.final])).toEqual([[K + 3, true]]);
    expect(stored.ballots).toBe(K + 3);
  });

  test('carried in two days later, still inside lateDeliveryHours: accepted and counted', async () => {
    clock.set(new Date(lateDeliveryEnd(election) - HOUR));
    const t = kiosk('deux-jours-apres');
    const status = await unwrap(t.kiosk.handlers.syncNow({}));
    expect(status).toMatchObject({ batchesWaiting: 0, ballotsNotBatched: 0, blocked: false });
    const stored = await counted(t.kiosk.kioskId);
    expect(stored.batches.map((b) => [b.ballots.length, b.final])).toEqual([[K + 3, true]]);
    expect(stored.ballots).toBe(2 * (K + 3));
  });

  test('past the window: refused with the server’s reason, nothing counted, the batch kept on the kiosk', async () => {
    clock.set(new Date(lateDeliveryEnd(election) + 60_000));
    const t = kiosk('trop-tard');
    const status = await unwrap(t.kiosk.handlers.syncNow({}));
    expect(sealedFinal(t)?.ballots).toHaveLength(K + 3);
    expect(status).toMatchObject({ batchesWaiting: 1, ballotsNotBatched: 0, blocked: true });
    expect(status.lastError?.message).toContain('Le scrutin est clos.');
    const stored = await counted(t.kiosk.kioskId);
    expect(stored.batches).toEqual([]);
    expect(stored.ballots).toBe(2 * (K + 3));
  });
});
