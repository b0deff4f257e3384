/**
 * Attacks on the ingest path, against the real app: any flipped byte of a payload or a signature is
 * refused and leaves the tally unchanged; another kiosk's batch or another election's cannot be
 * replayed; an equivocating kiosk is refused with 409, flagged, its later batches held (stored, not
 * counted) and the evidence lands in the audit bundle.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import fc from 'fast-check';
import { parseBundleLine } from '../../../src/shared/audit-bundle';
import { fromBase64url, toBase64url } from '../../../src/shared/node/crypto';
import { auditBundleLines } from '../../../src/server/exports';
import { enrolRequest } from './enrol-request';
import { Chain, enrolKiosk, makePackage, post, results, startTestServer, type TestServer } from './helpers';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => server.close());

const flipByte = (b64: string, index: number, mask: number): string => {
  const bytes = Buffer.from(fromBase64url(b64) ?? Buffer.alloc(0));
  const i = index % bytes.length;
  bytes[i] = (bytes[i] ?? 0) ^ mask;
  return toBase64url(bytes);
};

describe('tampering', () => {
  test('flipping any byte of the payload or the signature is refused and changes nothing', async () => {
    // Every attempt is refused on its merits: the refusal rate limit (429) is raised above the runs.
    await server.close();
    server = await startTestServer({ refusalsPerMinute: 10_000 });
    const kiosk = await enrolKiosk(server);
    const chain = new Chain(kiosk, server.pkg);
    expect((await post(server.app, chain.add())).status).toBe(201);
    const target = chain.add();
    const before = await results(server.app);
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        async (inPayload, index, mask) => {
          const tampered = inPayload
            ? { ...target, payload: flipByte(target.payload, index, mask) }
            : { ...target, signature: flipByte(target.signature, index, mask) };
          const res = await post(server.app, tampered);
          expect([400, 401]).toContain(res.status);
          expect(await results(server.app)).toEqual(before);
        },
      ),
      { numRuns: 60 },
    );
    // The genuine batch still goes through afterwards: nothing of the attempts was stored.
    expect((await post(server.app, target)).status).toBe(201);
    expect((await results(server.app)).ballots).toBe(20);
  });
});

describe('replay', () => {
  test("another kiosk's batch, re-addressed, fails its signature; sent as is, it is only its own", async () => {
    const a = await enrolKiosk(server, 'A');
    const b = await enrolKiosk(server, 'B');
    const chainA = new Chain(a, server.pkg);
    const envelope = chainA.add();
    expect((await post(server.app, envelope)).status).toBe(201);
    const before = await results(server.app);
    const replayed = await post(server.app, { ...envelope, kioskId: b.kioskId });
    expect(replayed.status).toBe(401);
    expect(replayed.body.error).toBe('bad_signature');
    // Sent again under its own kiosk, it is a duplicate: counted once.
    expect((await post(server.app, envelope)).status).toBe(200);
    expect(await results(server.app)).toEqual(before);
  });

  test("another election's batch is refused (422) even with the same kiosk key", async () => {
    const other = await startTestServer({ pkg: makePackage({ electionId: 'autre-2026' }) });
    try {
      const kiosk = await enrolKiosk(other);
      // The same kiosk key enrolled here too (same kioskId).
      const here = await enrolKioskWithKeys(server, kiosk.keys);
      expect(here).toBe(kiosk.kioskId);
      const foreign = new Chain(kiosk, other.pkg).add();
      expect((await post(other.app, foreign)).status).toBe(201);
      const res = await post(server.app, foreign);
      expect(res.status).toBe(422);
      expect(res.body.error).toBe('invalid_content');
      expect((await results(server.app)).ballots).toBe(0);
    } finally {
      await other.close();
    }
  });
});

async function enrolKioskWithKeys(s: TestServer, keys: { publicKey: string; privateKey: string }) {
  const { createEnrolmentCode } = await import('../../../src/server/enrolment');
  const code = createEnrolmentCode(s.data.store, 'Même clé', 1, new Date());
  if (!code.ok) throw new Error('code');
  const res = await s.app.inject({
    method: 'POST',
    url: '/api/v1/kiosks',
    payload: enrolRequest(code.value.code, keys, 'x'),
  });
  if (res.statusCode !== 201) throw new Error(`enrol failed ${res.statusCode} ${res.body}`);
  return res.json<{ kioskId: string }>().kioskId;
}

describe('equivocation', () => {
  test('409 conflict, kiosk flagged, later batches held not counted, evidence in the audit bundle', async () => {
    const kiosk = await enrolKiosk(server);
    const honest = new Chain(kiosk, server.pkg);
    const evil = new Chain(kiosk, server.pkg);
    expect((await post(server.app, honest.add())).status).toBe(201);
    const equivocation = evil.add();
    const res = await post(server.app, equivocation);
    expect(res.status).toBe(409);
    expect(res.body.error).toBe('conflict');
    expect((await results(server.app)).ballots).toBe(10);

    // The kiosk's next batch is stored and acknowledged (201) but held for review: not counted.
    const next = honest.add();
    expect((await post(server.app, next)).status).toBe(201);
    expect((await results(server.app)).ballots).toBe(10);
    const heldCode = honest.receiptCodes[1]?.[0] ?? '';
    expect((await server.app.inject({ method: 'GET', url: `/api/v1/receipts/${heldCode}` })).statusCode).toBe(
      404,
    );

    const lines = [...auditBundleLines(server.dbPath, server.data.authority, new Date())].map((l) => {
      const parsed = parseBundleLine(l.trimEnd());
      if (!parsed.ok) throw new Error(parsed.reason);
      return parsed.line;
    });
    expect(lines.find((l) => l.type === 'kiosk')).toMatchObject({ kioskId: kiosk.kioskId, flagged: true });
    expect(lines.filter((l) => l.type === 'batch').map((l) => (l.type === 'batch' ? l.status : ''))).toEqual([
      'counted',
      'held',
    ]);
    expect(lines.find((l) => l.type === 'conflict')).toMatchObject({ seq: 1, payload: equivocation.payload });
    const last = lines.find((l) => l.type === 'results');
    expect(last?.type === 'results' ? last.results.ballots : -1).toBe(10);
    expect(lines.at(-1)?.type).toBe('seal');
  });
});
