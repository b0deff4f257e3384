/**
 * The audit bundle as the real server exports it, recounted by the independent verify: the counting
 * settings it was served with travel in the header (so the bundle's results are those of the API), and a
 * database edited behind the server's back (kiosk flagged and batches held without an equivocation,
 * a batch received outside the voting window) is caught even though the exporter recomputes matching
 * results from it.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { join } from 'node:path';
import { parseBundleLine, type BundleLine } from '../../../src/shared/audit-bundle';
import { auditBundleLines, writeLines } from '../../../src/server/exports';
import { ServerStore } from '../../../src/server/store';
import { verifyBundle } from '../../../src/server/verify/verify';
import { Chain, enrolKiosk, post, startTestServer, type TestServer } from './helpers';

let server: TestServer;
afterEach(async () => server.close());

const short = (id: string): string => `${id.slice(0, 8)}…`;

async function exportAndVerify(dbPath: string) {
  const file = join(server.dir, `audit-${Math.random().toString(36).slice(2)}.jsonl`);
  await writeLines(file, auditBundleLines(dbPath, server.data.authority, new Date()));
  const lines: BundleLine[] = [...auditBundleLines(dbPath, server.data.authority, new Date())].map((l) => {
    const parsed = parseBundleLine(l.trimEnd());
    if (!parsed.ok) throw new Error(parsed.reason);
    return parsed.line;
  });
  return { lines, report: await verifyBundle(file, { authorityPublicKey: server.data.authority.publicKey }) };
}

/** A copy of the server's database (SQLite online backup), edited by `sql`: what an insider could do. */
async function editedCopy(sql: string): Promise<string> {
  const copy = join(server.dir, `copy-${Math.random().toString(36).slice(2)}.sqlite`);
  await server.data.store.db.backup(copy);
  const store = new ServerStore(copy);
  try {
    store.db.exec(sql);
  } finally {
    store.close();
  }
  return copy;
}

describe('held batches and the equivocation evidence', () => {
  let kioskId: string;
  beforeEach(async () => {
    server = await startTestServer();
    const kiosk = await enrolKiosk(server);
    kioskId = kiosk.kioskId;
    const chain = new Chain(kiosk, server.pkg);
    for (let i = 0; i < 3; i++) expect((await post(server.app, chain.add())).status).toBe(201);
  });

  test("the server's own bundle with an equivocation recounts clean", async () => {
    const kiosk = await enrolKiosk(server, 'Borne double');
    const honest = new Chain(kiosk, server.pkg);
    const evil = new Chain(kiosk, server.pkg);
    expect((await post(server.app, honest.add())).status).toBe(201);
    expect((await post(server.app, evil.add())).status).toBe(409);
    expect((await post(server.app, honest.add())).status).toBe(201); // held
    const { lines, report } = await exportAndVerify(server.dbPath);
    expect(report.errors).toEqual([]);
    expect(report.batches).toEqual({ counted: 4, training: 0, held: 1 });
    expect(lines.find((l) => l.type === 'kiosk' && l.kioskId === kiosk.kioskId)).toMatchObject({
      flagged: true,
      highWater: 2,
      revoked: false,
    });
  });

  test('a kiosk flagged and its batches held in the database, without a conflict, fails verify', async () => {
    const copy = await editedCopy(
      `UPDATE kiosks SET flagged = 1; UPDATE batches SET status = 'held' WHERE seq >= 2;`,
    );
    const { lines, report } = await exportAndVerify(copy);
    // The exporter recounted the edited database, so the published results agree with the recount…
    expect(report.differences).toEqual([]);
    expect(lines.filter((l) => l.type === 'batch').map((l) => (l.type === 'batch' ? l.status : ''))).toEqual([
      'counted',
      'held',
      'held',
    ]);
    // …but the ballots set aside are named.
    expect(report.ok).toBe(false);
    expect(report.errors).toEqual(
      [2, 3].map(
        (seq) =>
          `batch kiosque ${short(kioskId)} seq ${seq} : retenu (held) sans preuve de conflit reçue avant lui, il aurait dû être compté`,
      ),
    );
  });

  test('a batch received outside the voting window, by the database, fails verify', async () => {
    const copy = await editedCopy(
      `UPDATE batches SET received_at = '2020-01-01T00:00:00.000Z' WHERE seq = 2;`,
    );
    const { report } = await exportAndVerify(copy);
    expect(report.differences).toEqual([]);
    expect(report.errors).toHaveLength(1);
    expect(report.errors[0]).toMatch(
      new RegExp(
        `^batch kiosque ${short(kioskId)} seq 2 : reçu le 2020-01-01T00:00:00.000Z, hors de la période de vote`,
      ),
    );
  });
});

test('the bundle carries the served threshold: its results are those of GET /api/v1/results', async () => {
  server = await startTestServer({ kioskSubtotalThreshold: 20 });
  const kiosk = await enrolKiosk(server);
  const chain = new Chain(kiosk, server.pkg);
  expect((await post(server.app, chain.add({ ballots: 12, final: true }))).status).toBe(201);
  const served = (await server.app.inject({ method: 'GET', url: '/api/v1/results' })).json<{
    byKiosk: { ballots: number | null }[];
    embargoed?: boolean;
    liveResults?: boolean;
  }>();
  expect(served.byKiosk).toMatchObject([{ ballots: null }]); // 12 < 20: hidden
  // The API adds how the results are published (embargo lifted for the test server); the bundle's
  // results line carries the results themselves.
  expect(served).toMatchObject({ embargoed: false, liveResults: true });
  const { embargoed: _embargoed, liveResults: _live, ...api } = served;
  const { lines, report } = await exportAndVerify(server.dbPath);
  expect(lines[0]).toMatchObject({ type: 'header', v: 4, kioskSubtotalThreshold: 20 });
  expect(lines.find((l) => l.type === 'results')).toEqual({ type: 'results', results: api });
  expect(report.errors).toEqual([]);
});
