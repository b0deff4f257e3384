/**
 * Group commit (src/server/ingest-queue.ts): requests arriving together are ingested in one transaction,
 * in arrival order, each with its own checks and its own answer — a refused one does not affect its
 * neighbours, a later batch of the same chain sees the earlier one, a resend in the same group is a
 * duplicate — and the acks come only after the commit.
 */
import { afterEach, beforeEach, expect, test } from 'vitest';
import { generateKeyPair } from '../../../src/shared/node/crypto';
import { Chain, enrolKiosk, post, results, startTestServer, type TestServer } from './helpers';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => server.close());

test('one group, independent answers in arrival order', async () => {
  const a = await enrolKiosk(server, 'A');
  const b = await enrolKiosk(server, 'B');
  const chainA = new Chain(a, server.pkg);
  const chainB = new Chain(b, server.pkg);
  const forged = new Chain({ ...a, keys: generateKeyPair() }, server.pkg);
  const a1 = chainA.add();
  const a2 = chainA.add({ ballots: 3, final: true });
  const b1 = chainB.add();
  const b3 = (chainB.add(), chainB.add());
  const sent = await Promise.all([
    post(server.app, a1),
    post(server.app, forged.add()),
    post(server.app, b1),
    post(server.app, a2),
    post(server.app, a1),
    post(server.app, b3),
  ]);
  expect(sent.map((r) => r.status)).toEqual([201, 401, 201, 201, 200, 409]);
  expect(sent[5]?.body).toMatchObject({ error: 'out_of_order', expectedSeq: 2 });
  expect((await results(server.app)).ballots).toBe(23);
  expect(server.data.store.counts()).toEqual({ batches: 3, ballots: 23 });
});
