/**
 * Sync under network and server faults: a real server process (the server CLI), a real kiosk, and the
 * fault proxy between them. Every test injects its fault while the upload loop runs, proves the fault
 * actually fired, stops it, and then checks the two invariants: the kiosk's outbox drains to zero, and
 * the server's set of ballot ids equals the kiosk's exactly (lost = 0, duplicated = 0, unexpected = 0).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GENESIS_HASH } from '../../src/shared/wire';
import { buildBatch } from '../../src/main/core/sync/batch-builder';
import { SyncStore } from '../../src/main/core/sync/sync-store';
import {
  ackPayloadOf,
  castVotes,
  drained,
  enrolledTestKiosk,
  journaledAcks,
  openTestKiosk,
  prepareServerData,
  reconcile,
  serverBatchHashes,
  sleep,
  startServerProcess,
  tempDir,
  testElection,
  waitDrained,
  waitFor,
  type ServerData,
  type ServerProcess,
  type TestKiosk,
  TEST_K,
} from '../integration/sync/harness';
import { startProxy, type FaultProxy } from './proxy';
import { countRemoteParticipations } from '../../src/main/core/store.test-helpers';

// Real processes on a shared 2-core machine: generous time, never a timed assertion.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

/**
 * The kiosk's request timeout outside the tests that need a short one: no request the server answers
 * may time out, whatever the machine's load (a timeout there would test the machine, not the kiosk).
 */
const patientMs = 30_000;

let data: ServerData;
let server: ServerProcess;
let proxy: FaultProxy;
const election = testElection();
const opened: TestKiosk[] = [];

const enrolledKiosk = (name: string, options: Parameters<typeof openTestKiosk>[1] = {}): Promise<TestKiosk> =>
  enrolledTestKiosk(data, proxy.url, name, opened, {
    ...options,
    sync: { requestTimeoutMs: patientMs, ...options.sync },
  });

const ackStatuses = (t: TestKiosk): string[] =>
  t.kiosk.store
    .listAuditEvents()
    .filter((e) => e.kind === 'batch_acked')
    .map((e) => String((JSON.parse(e.detail) as { status?: string }).status));

const expectInvariants = async (t: TestKiosk): Promise<void> => {
  await waitDrained(t, 60_000);
  expect(reconcile(t.kiosk.store, data.dir)).toEqual(drained);
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

describe('network faults', () => {
  // One kiosk for the whole block: a chain that lives through every fault in turn is the harder case.
  // Invariants are checked after each.
  let t: TestKiosk;
  beforeAll(async () => {
    t = await enrolledKiosk('network');
  });

  it('server down at start, then up: retries with backoff until it drains', async () => {
    await proxy.setMode({ kind: 'refuse' });
    castVotes(t.kiosk, election, 90);
    const status = await t.kiosk.handlers.syncNow({});
    expect(status.ok && status.value.serverReachable).toBe(false);
    expect(status.ok && status.value.lastError?.message).toMatch(/injoignable/);
    await waitFor(
      () => proxy.stats().fired.refuse >= 4,
      60_000,
      () => 'no retries',
    );
    expect(t.engine.status().batchesWaiting).toBe(8);
    await proxy.setMode({ kind: 'pass' });
    await expectInvariants(t);
    await waitFor(
      () => t.engine.status().serverReachable === true,
      60_000,
      () => 'still unreachable',
    );
    await waitFor(
      () => t.engine.status().lastError === null,
      60_000,
      () => 'error not cleared',
    );
  });

  it('network back in the middle of a long backoff: the probe notices and the retry comes at once', async () => {
    // A backoff of at least half an hour after a failure: only the probe (every 100 ms) can bring the
    // retry, so draining at all proves it did, however long a loaded machine takes.
    t.engine.configure({ backoff: { baseMs: 3_600_000, capMs: 3_600_000, factor: 2 }, probeMs: 100 });
    await proxy.setMode({ kind: 'refuse' });
    castVotes(t.kiosk, election, 30);
    await t.kiosk.handlers.syncNow({});
    const refused = proxy.stats().fired.refuse;
    await waitFor(
      () => proxy.stats().fired.refuse >= refused + 3,
      60_000,
      () => 'no probe',
    );
    await proxy.setMode({ kind: 'pass' });
    await waitDrained(t, 60_000);
    expect(reconcile(t.kiosk.store, data.dir)).toEqual(drained);
    t.engine.configure({ backoff: { baseMs: 50, capMs: 400, factor: 2 }, probeMs: 10_000 });
  });

  it('connections cut mid-request', async () => {
    const before = proxy.stats().fired.cutRequest;
    await proxy.setMode({ kind: 'cutRequest', bytes: 200 }, 6);
    castVotes(t.kiosk, election, 70);
    t.engine.kick();
    await waitFor(
      () => proxy.stats().fired.cutRequest >= before + 6,
      60_000,
      () => 'cut not fired',
    );
    await expectInvariants(t);
  });

  it('connections cut mid-response', async () => {
    const before = proxy.stats().fired.cutResponse;
    await proxy.setMode({ kind: 'cutResponse', bytes: 40 }, 6);
    castVotes(t.kiosk, election, 70);
    t.engine.kick();
    await waitFor(
      () => proxy.stats().fired.cutResponse >= before + 6,
      60_000,
      () => 'cut not fired',
    );
    await expectInvariants(t);
  });

  it('responses dropped after the server committed: recovered through duplicate acks', async () => {
    await proxy.setMode({ kind: 'dropResponse' });
    castVotes(t.kiosk, election, 60);
    t.engine.kick();
    // The server stores the batches while the kiosk never hears back.
    await waitFor(
      () => proxy.stats().fired.dropResponse >= 3,
      60_000,
      () => 'drop not fired',
    );
    expect(t.engine.status().batchesWaiting).toBeGreaterThan(0);
    await proxy.setMode({ kind: 'pass' });
    await expectInvariants(t);
    expect(ackStatuses(t)).toContain('duplicate');
  });

  it('delays, including answers slower than the kiosk’s timeout', async () => {
    // A short timeout only while the fault lasts: the delayed connections are the only ones that must
    // time out. The requests after them are answered at the machine's own pace, however loaded.
    t.engine.configure({ requestTimeoutMs: 600 });
    const delayed = proxy.stats().fired.delay;
    await proxy.setMode({ kind: 'delay', ms: 800 }, 4);
    // Counted once the mode is set: four connections from here on means the four delayed ones are used.
    const connections = proxy.stats().connections;
    castVotes(t.kiosk, election, 50);
    t.engine.kick();
    await waitFor(
      () => proxy.stats().connections >= connections + 4 && proxy.stats().fired.delay > delayed,
      60_000,
      () => 'delayed connections not used',
    );
    t.engine.configure({ requestTimeoutMs: patientMs });
    await expectInvariants(t);
  });

  it('a dead link that accepts and never answers (blackhole)', async () => {
    // Only the kiosk's own timeout ends a blackholed request: short while the fault lasts, then patient
    // again once every blackholed connection is gone (closed by that timeout), so that recovery never
    // hangs on whether a loaded machine answers within 400 ms.
    t.engine.configure({ requestTimeoutMs: 400 });
    const fired = proxy.stats().fired.blackhole;
    const closed = proxy.stats().blackholesClosed;
    await proxy.setMode({ kind: 'blackhole' }, 3);
    castVotes(t.kiosk, election, 30);
    t.engine.kick();
    await waitFor(
      () => proxy.stats().fired.blackhole >= fired + 3 && proxy.stats().blackholesClosed >= closed + 3,
      60_000,
      () => `blackhole: ${JSON.stringify(proxy.stats())}`,
    );
    t.engine.configure({ requestTimeoutMs: patientMs });
    await expectInvariants(t);
  });

  it('duplicated requests: every request replayed, some racing the original; each batch accepted once', async () => {
    const twinsBefore = proxy.twins().length;
    const sentBefore = proxy.stats().fired.duplicate;
    const ackedBefore = journaledAcks(t.kiosk.store).length;
    const headBefore = new SyncStore(t.kiosk.store).head()?.seq ?? 0;
    // Batches an earlier test left waiting (it failed) are acked here too: counted, not a second failure.
    const waitingBefore = new SyncStore(t.kiosk.store).waitingBatches().map((b) => b.seq);
    // Ballots the hold-back kept open from earlier tests join these 70 before K are sealed at each 2K.
    const open = t.engine.status().ballotsNotBatched + 70;
    const expectedBatches = open >= 2 * TEST_K ? Math.floor((open - 2 * TEST_K) / TEST_K) + 1 : 0;
    await proxy.setMode({ kind: 'duplicate' });
    castVotes(t.kiosk, election, 70);
    await t.kiosk.handlers.syncNow({});
    await waitDrained(t);
    // Every twin sent has its answer (switching mode would cut those still in flight).
    await waitFor(
      () => proxy.twins().length - twinsBefore === proxy.stats().fired.duplicate - sentBefore,
      60_000,
      () => 'twins still in flight',
    );
    await proxy.setMode({ kind: 'pass' });
    const twins = proxy.twins().slice(twinsBefore);
    const batchTwins = twins.filter((tw) => tw.requestLine.startsWith('POST /api/v1/batches '));
    const kioskAcks = journaledAcks(t.kiosk.store).slice(ackedBefore);
    // Each batch sent here is acked, and journaled once, whatever the number of resends the machine's
    // pace caused.
    const sealed = new SyncStore(t.kiosk.store).allBatches().filter((b) => b.seq > headBefore);
    expect(sealed.map((b) => b.seq)).toHaveLength(expectedBatches);
    const sent = [...waitingBefore, ...sealed.map((b) => b.seq)];
    expect(kioskAcks.map((a) => a.seq).sort((a, b) => a - b)).toEqual(sent);
    expect(sealed.every((b) => b.ackedAt !== null)).toBe(true);
    // Each is stored once at the server, under the kiosk's hash.
    const onServer = serverBatchHashes(data.dir, t.kiosk.kioskId);
    for (const b of sealed) expect(onServer.get(b.seq), `seq ${b.seq}`).toBe(b.hash);
    // Every upload was replayed (not only a connection's first request), some racing, some after.
    const twinAcks = batchTwins.map((tw) => ({ twin: tw, ack: ackPayloadOf(JSON.parse(tw.body)) }));
    expect(new Set(twinAcks.map((a) => a.ack.seq))).toEqual(new Set(kioskAcks.map((a) => a.seq)));
    expect(batchTwins.some((tw) => tw.concurrent)).toBe(true);
    expect(batchTwins.some((tw) => !tw.concurrent)).toBe(true);
    // The pulls were replayed too, and answered.
    expect(twins.filter((tw) => tw.requestLine.startsWith('GET ')).every((tw) => tw.status === 200)).toBe(
      true,
    );
    for (const { twin, ack } of twinAcks) {
      // Every twin got a signed ack; one sent after its original's answer is always a duplicate.
      expect(twin.status).toBe(ack.status === 'accepted' ? 201 : 200);
      if (!twin.concurrent) expect(ack.status, `seq ${ack.seq}`).toBe('duplicate');
      // The server never said "accepted" twice for a batch, to the kiosk and its twin together.
      const answers = [
        ...twinAcks.filter((a) => a.ack.seq === ack.seq).map((a) => a.ack.status),
        ...kioskAcks.filter((a) => a.seq === ack.seq).map((a) => a.status),
      ];
      expect(answers.filter((status) => status === 'accepted').length, `seq ${ack.seq}`).toBeLessThanOrEqual(
        1,
      );
    }
    await expectInvariants(t);
  });
});

describe('server faults', () => {
  it('server killed (SIGKILL) mid-upload and restarted on the same data', async () => {
    const t = await enrolledKiosk('server-restart');
    await proxy.setMode({ kind: 'delay', ms: 30 });
    castVotes(t.kiosk, election, 410);
    t.engine.kick();
    await waitFor(
      () => new SyncStore(t.kiosk.store).allBatches().some((b) => b.ackedAt),
      60_000,
      () => 'no ack',
    );
    await server.stop('SIGKILL');
    await sleep(300);
    expect(t.engine.status().batchesWaiting).toBeGreaterThan(0);
    server = await startServerProcess(data.dir, 0, { enrolPerMinute: 1_000 });
    await proxy.setTarget(server.port);
    await proxy.setMode({ kind: 'pass' });
    await expectInvariants(t);
  });

  it('server restored from an older copy: 409 out_of_order, the kiosk resends from expectedSeq', async () => {
    const t = await enrolledKiosk('restored');
    castVotes(t.kiosk, election, 30);
    await t.kiosk.handlers.syncNow({});
    await waitDrained(t);
    // Snapshot of the server's data after batches 1-2, taken with the server stopped.
    await server.stop();
    const snapshot = tempDir('snapshot');
    fs.cpSync(data.dir, snapshot, { recursive: true });
    server = await startServerProcess(data.dir, 0, { enrolPerMinute: 1_000 });
    await proxy.setTarget(server.port);
    castVotes(t.kiosk, election, 30);
    await t.kiosk.handlers.syncNow({});
    await waitDrained(t);
    expect(new SyncStore(t.kiosk.store).head()?.seq).toBe(5);
    // Restore the old copy: the server has forgotten batches 3-5, which the kiosk holds as acked.
    await server.stop();
    fs.rmSync(data.dir, { recursive: true, force: true });
    fs.cpSync(snapshot, data.dir, { recursive: true });
    server = await startServerProcess(data.dir, 0, { enrolPerMinute: 1_000 });
    await proxy.setTarget(server.port);
    castVotes(t.kiosk, election, 20);
    await t.kiosk.handlers.syncNow({});
    await expectInvariants(t);
    expect(t.kiosk.store.listAuditEvents().some((e) => e.kind === 'sync_rewind')).toBe(true);
  });

  it('an equivocation (409 conflict) stops the chain, keeps every byte and alarms the mediator', async () => {
    const t = await enrolledKiosk('conflict');
    castVotes(t.kiosk, election, 20);
    // Someone holding this kiosk's key sends a different batch 1 first.
    const forged = buildBatch(
      {
        electionId: election.electionId,
        kioskId: t.kiosk.kioskId,
        seq: 1,
        prevHash: GENESIS_HASH,
        training: false,
        // A whole batch of K, well formed: only its bytes differ from the kiosk's own batch 1.
        ballots: Array.from({ length: TEST_K }, () => ['projet-1']),
        receipts: Array.from({ length: TEST_K }, () => randomBytes(32).toString('hex')),
        participations: Array.from({ length: TEST_K }, () => ({
          token: randomBytes(32).toString('hex'),
          communeCode: '62041',
          ageBracket: '26-40' as const,
          assisted: false,
        })),
        final: false,
      },
      (domain, value) => t.kiosk.context.identity.signDocument(domain, value),
    );
    const posted = await fetch(`${server.url}/api/v1/batches`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(forged.envelope),
    });
    expect(posted.status).toBe(201);
    const status = await t.kiosk.handlers.syncNow({});
    expect(status.ok && status.value.blocked).toBe(true);
    expect(status.ok && status.value.lastError?.message).toMatch(/équipe centrale/);
    const sync = new SyncStore(t.kiosk.store);
    expect(sync.allBatches()).toHaveLength(1);
    expect(sync.allBatches()[0]?.ackedAt).toBeNull();
    // The loop does not hammer a refused chain.
    const before = t.kiosk.store.listAuditEvents().length;
    await sleep(400);
    expect(t.engine.status().blocked).toBe(true);
    expect(t.kiosk.store.listAuditEvents().length).toBe(before);
  });
});

describe('kiosk clock', () => {
  it('moved days forward and back: batches still chain and drain, the register is still pulled', async () => {
    let offset = 0;
    const day = 86_400_000;
    const t = await enrolledKiosk('clock', { now: () => new Date(Date.now() + offset) });
    offset = 12 * day;
    castVotes(t.kiosk, election, 34, new Date(Date.now() + offset));
    expect(t.engine.closeDay().ok).toBe(true);
    await waitDrained(t);
    offset = -20 * day;
    castVotes(t.kiosk, election, 34, new Date(Date.now() + offset));
    expect(t.engine.closeDay().ok).toBe(true);
    const status = await t.kiosk.handlers.syncNow({});
    expect(status.ok && status.value.lastError).toBeNull();
    await expectInvariants(t);
    // The register is signed with the server's time, not the wrong kiosk clock.
    expect(countRemoteParticipations(t.kiosk.store)).toBeGreaterThanOrEqual(24);
  });
});
