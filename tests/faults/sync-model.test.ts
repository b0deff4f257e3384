/**
 * Model test (fast-check): random sequences of votes, upload rounds, dropped and cut answers, refused
 * connections, duplicated requests, kiosk restarts (closed and reopened), kiosk crashes (a round left in
 * flight and the database handle closed under it after a random delay, without stop(): what a power cut
 * leaves, the request possibly still reaching the server) and server restarts, against a real in-process
 * server on 127.0.0.1 behind the fault proxy. After every step, each batch the kiosk holds as acked is on
 * the server under the same hash; whatever the sequence, once the faults stop the kiosk's outbox drains
 * and the server holds exactly the kiosk's ballots, each once.
 */
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/server/serve';
import { SyncStore } from '../../src/main/core/sync/sync-store';
import {
  castVotes,
  drained,
  enrolThroughSetup,
  openTestKiosk,
  prepareServerData,
  reconcile,
  serverBatchHashes,
  sleep,
  tempDir,
  testElection,
  type ServerData,
  type TestKiosk,
} from '../integration/sync/harness';
import { keyFingerprint } from '../../src/shared/node/crypto';
import { startProxy, type FaultProxy } from './proxy';

type Step =
  | { kind: 'cast'; n: number }
  | { kind: 'round' }
  | { kind: 'drop' }
  | { kind: 'cutRequest'; bytes: number }
  | { kind: 'cutResponse'; bytes: number }
  | { kind: 'refuse' }
  | { kind: 'duplicate' }
  | { kind: 'restartKiosk' }
  | { kind: 'crashKiosk'; afterMs: number }
  | { kind: 'restartServer' }
  | { kind: 'closeDay' };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('cast' as const), n: fc.integer({ min: 1, max: 12 }) }),
  },
  { weight: 4, arbitrary: fc.constant({ kind: 'round' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'drop' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('cutRequest' as const),
      bytes: fc.integer({ min: 1, max: 900 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('cutResponse' as const),
      bytes: fc.integer({ min: 1, max: 400 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'refuse' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'duplicate' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'restartKiosk' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('crashKiosk' as const),
      afterMs: fc.integer({ min: 0, max: 40 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'restartServer' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'closeDay' as const }) },
);

const election = testElection();
let data: ServerData;
let server: RunningServer;
let proxy: FaultProxy;

/**
 * Only the test drives rounds: the background loop is parked. No fault here needs the kiosk's timeout
 * (each one cuts or answers), so it is patient: a round must not fail because a loaded machine took
 * more than a second or two to answer, or the last rounds would not drain.
 */
const parked = {
  idleMs: 1e9,
  backoff: { baseMs: 1e9, capMs: 1e9, factor: 2 },
  requestTimeoutMs: 30_000,
};

beforeAll(async () => {
  data = prepareServerData(election);
  server = await startServer(data.dir, { port: 0, logger: false, web: false, enrolPerMinute: 100_000 });
  proxy = await startProxy(Number(new URL(server.url).port));
});

afterAll(async () => {
  await proxy?.close();
  await server?.close();
});

it('send / drop / retry / crash / restart: always drains to exactly the kiosk’s ballots', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 14 }), async (steps) => {
      await proxy.setMode({ kind: 'pass' });
      const dbPath = path.join(tempDir('model-kiosk'), 'kiosk.sqlite');
      let t: TestKiosk = await openTestKiosk(dbPath, { sync: parked });
      /** Kiosks crashed mid-round: their loops are stopped at the end (the process would be gone). */
      const crashed: TestKiosk[] = [];
      /** An acked batch must be on the server, under the same hash: the ack is never stored for less. */
      const expectAckedOnServer = (): void => {
        const onServer = serverBatchHashes(data.dir, t.kiosk.kioskId);
        for (const b of new SyncStore(t.kiosk.store).allBatches())
          if (b.ackedAt !== null) expect(onServer.get(b.seq), `batch ${b.seq}`).toBe(b.hash);
      };
      try {
        const enrolled = await enrolThroughSetup(t.kiosk, {
          serverUrl: proxy.url,
          code: data.newCode(),
          label: 'model',
          authorityFingerprint: keyFingerprint(data.authorityPublicKey),
        });
        expect(enrolled.ok).toBe(true);
        for (const s of steps) {
          switch (s.kind) {
            case 'cast':
              castVotes(t.kiosk, election, s.n);
              break;
            case 'round':
              await t.engine.runRound();
              break;
            case 'drop':
              await proxy.setMode({ kind: 'dropResponse' }, 1);
              await t.engine.runRound();
              break;
            case 'cutRequest':
            case 'cutResponse':
              await proxy.setMode(s, 1);
              await t.engine.runRound();
              break;
            case 'refuse':
              await proxy.setMode({ kind: 'refuse' }, 2);
              await t.engine.runRound();
              break;
            case 'duplicate':
              await proxy.setMode({ kind: 'duplicate' }, 3);
              await t.engine.runRound();
              break;
            case 'restartKiosk':
              await t.close();
              t = await openTestKiosk(dbPath, { sync: parked });
              break;
            case 'crashKiosk': {
              // A round starts (seal, send, store acks…); after a random delay the database handle is
              // closed under it, without stop(): its later writes fail, what it sent may still arrive.
              void t.engine.runRound();
              await sleep(s.afterMs);
              t.kiosk.store.close();
              crashed.push(t);
              t = await openTestKiosk(dbPath, { sync: parked });
              break;
            }
            case 'restartServer':
              await server.close();
              server = await startServer(data.dir, {
                port: 0,
                logger: false,
                web: false,
                enrolPerMinute: 100_000,
              });
              await proxy.setTarget(Number(new URL(server.url).port));
              break;
            case 'closeDay':
              expect(t.engine.closeDay().ok).toBe(true);
              break;
          }
          expectAckedOnServer();
        }
        // Faults stop; the day closes; rounds until nothing waits. Each round first seals what the
        // hold-back allows (K of every 2K open, castVotes writing past the cast path's own sealing), so
        // at least one round runs, and "drained" leaves fewer than 2K ballots open.
        await proxy.setMode({ kind: 'pass' });
        expect(t.engine.closeDay().ok).toBe(true);
        for (let i = 0; i < 5; i += 1) {
          await t.engine.runRound();
          if (t.engine.status().batchesWaiting === 0) break;
        }
        expect(t.engine.status().blocked).toBe(false);
        expect(reconcile(t.kiosk.store, data.dir)).toEqual(drained);
        expectAckedOnServer();
      } finally {
        await t.close();
        for (const gone of crashed) await gone.engine.stop();
      }
    }),
    { numRuns: 25 },
  );
}, 240_000);
