/**
 * What the admin dashboard's anomalies page gets from the server core (web-adapter.ts): refusals counted by
 * code, equivocations and held batches. Wire v2 batches carry no day counts (a day's counts are in its
 * signed closing report), so no batch-level day reconciliation is listed.
 */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { anomalies } from '../../../src/server/web-adapter';
import { Chain, enrolKiosk, post, startTestServer, type TestServer } from './helpers';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => server.close());

test('rejections, equivocations and held batches', async () => {
  const kiosk = await enrolKiosk(server);
  const chain = new Chain(kiosk, server.pkg);
  expect((await post(server.app, chain.add())).status).toBe(201);
  expect((await post(server.app, chain.add({ ballots: 2, training: true }))).status).toBe(201);
  const third = chain.add();
  expect((await post(server.app, third)).status).toBe(201);
  expect((await post(server.app, { ...third, signature: 'A'.repeat(86) })).status).toBe(401);

  const other = new Chain(kiosk, server.pkg);
  expect((await post(server.app, other.add())).status).toBe(409); // equivocation at seq 1
  // The honest chain goes on: its final batch, held because the kiosk is now flagged.
  expect((await post(server.app, chain.add({ ballots: 1, final: true }))).status).toBe(201);

  const report = anomalies(server.data.store, 0);
  expect(report.rejections).toEqual([
    { code: 'bad_signature', count: 1 },
    { code: 'conflict', count: 1 },
  ]);
  expect(report.equivocations).toEqual([{ kioskId: kiosk.kioskId, seq: 1, receivedAt: expect.any(String) }]);
  expect(report.heldBatches).toEqual([
    { kioskId: kiosk.kioskId, seq: 4, receivedAt: expect.any(String), ballots: 1 },
  ]);
  expect(report.dayCountMismatches).toEqual([]);
});
