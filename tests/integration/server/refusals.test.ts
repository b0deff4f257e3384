/**
 * Refused batches on a real server and SQLite file: they are rate-limited per IP, and per kiosk only when
 * the kiosk signed them, and a flood of them commits nothing to the file (seen from a second connection
 * through `PRAGMA data_version`, which moves on every commit of another connection): their counts are
 * written with the next group commit.
 */
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Chain, enrolKiosk, startTestServer, type TestKiosk, type TestServer } from './helpers';

let server: TestServer;
let kiosk: TestKiosk;
let chain: Chain;
let observer: Database.Database;
const PER_MINUTE = 30;

beforeAll(async () => {
  // The periodic flush is pushed past the test: only a group commit may write the counts.
  server = await startTestServer({ refusalsPerMinute: PER_MINUTE, rejectionFlushMs: 3_600_000 });
  kiosk = await enrolKiosk(server);
  chain = new Chain(kiosk, server.pkg);
  observer = new Database(server.dbPath, { readonly: true });
});

afterAll(async () => {
  observer.close();
  await server.close();
});

const dataVersion = (): number => Number(observer.pragma('data_version', { simple: true }));

const send = (envelope: unknown, remoteAddress: string) =>
  server.app.inject({ method: 'POST', url: '/api/v1/batches', payload: envelope as object, remoteAddress });

describe('refused batches', () => {
  test('a flood from one address is cut at the budget and commits nothing', async () => {
    const before = dataVersion();
    const statuses: number[] = [];
    for (let i = 0; i < 100; i++)
      statuses.push((await send({ kioskId: 'x', payload: i }, '10.0.0.1')).statusCode);
    expect(statuses.slice(0, PER_MINUTE).every((s) => s === 400)).toBe(true);
    expect(statuses.slice(PER_MINUTE).every((s) => s === 429)).toBe(true);
    expect(dataVersion()).toBe(before);
    // Counted all the same (in memory), and shown as such on the anomalies page.
    const totals = Object.fromEntries(server.data.store.rejectionTotals().map((r) => [r.code, r.count]));
    expect(totals).toMatchObject({ malformed: PER_MINUTE, rate_limited: 100 - PER_MINUTE });

    // Another address is not affected; its accepted batch's commit carries the counts to the file.
    expect((await send(chain.add(), '10.0.0.2')).statusCode).toBe(201);
    expect(dataVersion()).toBe(before + 1);
    const written = observer
      .prepare<[], { code: string; n: number }>('SELECT code, sum(count) AS n FROM rejections GROUP BY code')
      .all();
    expect(Object.fromEntries(written.map((r) => [r.code, r.n]))).toMatchObject(totals);
  });

  test('envelopes forged in a kiosk’s name do not silence it', async () => {
    const next = chain.add(); // seq 2: seq 1 was sent by the previous test
    for (let i = 0; i < 2 * PER_MINUTE; i++) {
      const forged = { ...next, signature: next.signature.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) };
      expect((await send(forged, `10.1.0.${i + 1}`)).statusCode).toBe(401);
    }
    expect((await send(next, '10.1.1.1')).statusCode).toBe(201);
  });

  test('a kiosk whose own signed batches keep being refused is held for the minute', async () => {
    const other = await enrolKiosk(server, 'Comptoir pressé');
    const chain = new Chain(other, server.pkg);
    const first = chain.add();
    const second = chain.add(); // out of order while seq 1 is not stored
    for (let i = 0; i < PER_MINUTE; i++) expect((await send(second, `10.2.0.${i + 1}`)).statusCode).toBe(409);
    expect((await send(second, '10.2.1.1')).statusCode).toBe(429);
    expect((await send(first, '10.2.1.2')).statusCode).toBe(429);
  });
});

describe('an envelope whose kiosk id is not a string', () => {
  test('is refused as malformed, never a 500 (its value is never turned into a string)', async () => {
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    for (const [i, body] of ['{"kioskId":{"toString":1}}', `{"kioskId":${deep}}`].entries()) {
      const res = await server.app.inject({
        method: 'POST',
        url: '/api/v1/batches',
        payload: body,
        headers: { 'content-type': 'application/json' },
        remoteAddress: `10.3.0.${i + 1}`,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ error: 'malformed', message: expect.any(String) });
    }
  });
});
