/**
 * What the admin dashboard's anomalies page gets from the server core (web-adapter.ts): refusals counted by
 * code, equivocations, held batches, and `final` batches whose declared day counts do not match what
 * the server received for that day (training batches left out of the day).
 */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { anomalies } from '../../../src/server/web-adapter';
import { Chain, enrolKiosk, envelopeOf, post, startTestServer, type TestServer } from './helpers';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => server.close());

test('rejections, equivocations, held batches and day-count mismatches', async () => {
  const kiosk = await enrolKiosk(server);
  const chain = new Chain(kiosk, server.pkg);
  expect((await post(server.app, chain.add({ ballots: 3 }))).status).toBe(201);
  expect((await post(server.app, chain.add({ ballots: 2, training: true }))).status).toBe(201);
  // Day 1 closes with a final batch declaring 6 ballots; the server received 3 + 2 = 5 real ones.
  const closing = chain.add({ ballots: 2 });
  const payload = {
    ...chain.payloads[2],
    final: true,
    dayCounts: { day: '2026-09-01', ballots: 6, participations: 5 },
  };
  // Re-sign the modified last batch in place (same seq and prevHash).
  const finalEnvelope = envelopeOf(kiosk.kioskId, payload, kiosk.keys.privateKey);
  expect(closing.kioskId).toBe(finalEnvelope.kioskId);
  expect((await post(server.app, finalEnvelope)).status).toBe(201);
  expect((await post(server.app, { ...finalEnvelope, signature: 'A'.repeat(86) })).status).toBe(401);

  const other = new Chain(kiosk, server.pkg);
  expect((await post(server.app, other.add({ ballots: 1 }))).status).toBe(409); // equivocation at seq 1
  // The honest chain goes on: seq 4 after the final batch, held because the kiosk is now flagged.
  const next = {
    v: 1,
    electionId: server.pkg.electionId,
    kioskId: kiosk.kioskId,
    seq: 4,
    prevHash: server.data.store.kiosk(kiosk.kioskId)?.head,
    createdAt: new Date().toISOString(),
    training: false,
    ballots: [{ id: 'a'.repeat(32), choices: ['ecole'] }],
    participations: [],
    final: false,
  };
  expect((await post(server.app, envelopeOf(kiosk.kioskId, next, kiosk.keys.privateKey))).status).toBe(201);

  const report = anomalies(server.data.store, 0);
  expect(report.rejections).toEqual([
    { code: 'bad_signature', count: 1 },
    { code: 'conflict', count: 1 },
  ]);
  expect(report.equivocations).toEqual([{ kioskId: kiosk.kioskId, seq: 1, receivedAt: expect.any(String) }]);
  expect(report.heldBatches).toEqual([
    { kioskId: kiosk.kioskId, seq: 4, receivedAt: expect.any(String), ballots: 1 },
  ]);
  expect(report.dayCountMismatches).toEqual([
    {
      kioskId: kiosk.kioskId,
      day: '2026-09-01',
      declaredBallots: 6,
      receivedBallots: 5,
      declaredParticipations: 5,
      receivedParticipations: 5,
    },
  ]);
});
