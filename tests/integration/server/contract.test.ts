/**
 * DESIGN §4, call by call and status code by status code, against the real app on a real SQLite file.
 * Every refusal is checked for its exact body shape (`error`, `message`, and `expectedSeq` only for
 * `out_of_order`) and for changing nothing but the rejection counter.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromBase64url, parseJsonBytes, signBytes, verifyDocument } from '../../../src/shared/node/crypto';
import { Results } from '../../../src/shared/tally';
import {
  AckPayload,
  ElectionPackage,
  EnrolResponse,
  KioskInfo,
  lateDeliveryEnd,
  ParticipationPage,
  ResultsResponse,
  SignedDocument,
  type BatchPayload,
} from '../../../src/shared/wire';
import { PublicKioskState } from '../../../src/server/publication';
import { buildApp } from '../../../src/server/app';
import { DB_FILE, initDataDir, openDataDir, setAdminPassword } from '../../../src/server/datadir';
import { createEnrolmentCode, revokeKiosk } from '../../../src/server/enrolment';
import { generateKeyPair } from '../../../src/shared/node/crypto';
import {
  Chain,
  enrolKiosk,
  envelopeOf,
  kioskState,
  signedHeaders,
  makePackage,
  post,
  randomHex,
  results,
  startTestServer,
  type TestKiosk,
  type TestServer,
} from './helpers';
import { enrolRequest } from './enrol-request';

let server: TestServer;
let kiosk: TestKiosk;
let chain: Chain;

beforeEach(async () => {
  server = await startTestServer();
  kiosk = await enrolKiosk(server);
  chain = new Chain(kiosk, server.pkg);
});
afterEach(async () => server.close());

/** What a refusal must leave untouched: the results, the kiosk's chain, the stored rows. */
async function snapshot() {
  const info = await kioskState(server.app, kiosk);
  return {
    results: await results(server.app),
    kiosk: info.json<unknown>(),
    counts: server.data.store.counts(),
  };
}

function expectErrorBody(body: Record<string, unknown>, error: string, withExpectedSeq = false) {
  expect(body.error).toBe(error);
  expect(typeof body.message).toBe('string');
  expect(Object.keys(body).sort()).toEqual(
    withExpectedSeq ? ['error', 'expectedSeq', 'message'] : ['error', 'message'],
  );
}

const rejections = (code: string) =>
  server.data.store.rejectionTotals().find((r) => r.code === code)?.count ?? 0;

async function expectRefused(envelope: unknown, status: number, error: string) {
  const before = await snapshot();
  const counted = rejections(error);
  const res = await post(server.app, envelope);
  expect(res.status).toBe(status);
  expectErrorBody(res.body, error, error === 'out_of_order');
  expect(await snapshot()).toEqual(before);
  expect(rejections(error)).toBe(counted + 1);
  return res.body;
}

describe('POST /api/v1/kiosks (enrolment)', () => {
  test('201 with the election, the authority key and the participation key, once', async () => {
    const code = createEnrolmentCode(server.data.store, 'Arras', 1, new Date());
    if (!code.ok) throw new Error('code');
    const keys = generateKeyPair();
    const res = await server.app.inject({
      method: 'POST',
      url: '/api/v1/kiosks',
      payload: enrolRequest(code.value.code.toLowerCase(), keys),
    });
    expect(res.statusCode).toBe(201);
    const body = EnrolResponse.parse(res.json());
    expect(body.electionId).toBe(server.pkg.electionId);
    expect(body.authorityPublicKey).toBe(server.data.authority.publicKey);
    // The code is spent: neither the same kiosk (a lost answer needs a new code) nor another gets 201.
    for (const again of [keys, generateKeyPair()]) {
      const refused = await server.app.inject({
        method: 'POST',
        url: '/api/v1/kiosks',
        payload: enrolRequest(code.value.code, again),
      });
      expect(refused.statusCode).toBe(403);
      expectErrorBody(refused.json(), 'enrolment_code_invalid');
    }
  });

  test('400 malformed, 403 unknown or expired code', async () => {
    const bad = await server.app.inject({ method: 'POST', url: '/api/v1/kiosks', payload: { code: 'x' } });
    expect(bad.statusCode).toBe(400);
    expectErrorBody(bad.json(), 'malformed');
    const notJson = await server.app.inject({
      method: 'POST',
      url: '/api/v1/kiosks',
      headers: { 'content-type': 'application/json' },
      payload: '{nope',
    });
    expect(notJson.statusCode).toBe(400);
    expectErrorBody(notJson.json(), 'malformed');
    const unknown = await server.app.inject({
      method: 'POST',
      url: '/api/v1/kiosks',
      payload: enrolRequest('ABCD-EFGH-JKMN', generateKeyPair()),
    });
    expect(unknown.statusCode).toBe(403);
    const expired = createEnrolmentCode(server.data.store, 'Vieux', 1, new Date(Date.now() - 2 * 3_600_000));
    if (!expired.ok) throw new Error('code');
    const late = await server.app.inject({
      method: 'POST',
      url: '/api/v1/kiosks',
      payload: enrolRequest(expired.value.code, generateKeyPair()),
    });
    expect(late.statusCode).toBe(403);
    expectErrorBody(late.json(), 'enrolment_code_invalid');
  });

  test('429 once the per-IP enrolment rate is exceeded', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await server.app.inject({
        method: 'POST',
        url: '/api/v1/kiosks',
        payload: enrolRequest('ABCD-EFGH-JKMN', generateKeyPair()),
      });
      statuses.push(res.statusCode);
      if (res.statusCode === 429) expectErrorBody(res.json(), 'rate_limited');
    }
    // One enrolment was spent in beforeEach: 9 more refusals (403), then 429.
    expect(statuses.filter((s) => s === 403)).toHaveLength(9);
    expect(statuses.slice(9)).toEqual([429, 429, 429]);
  });
});

describe('GET /api/v1/election', () => {
  test('200: the signed package, verifiable with the authority key', async () => {
    const res = await server.app.inject({ method: 'GET', url: '/api/v1/election' });
    expect(res.statusCode).toBe(200);
    const doc = res.json<{ payload: string; signature: string }>();
    expect(Object.keys(doc).sort()).toEqual(['payload', 'signature']);
    const verified = verifyDocument('election', doc, server.data.authority.publicKey);
    expect(verified.ok).toBe(true);
    if (verified.ok) expect(ElectionPackage.parse(parseJsonBytes(verified.bytes))).toEqual(server.pkg);
  });

  test('404 before any election is published', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'isoloir-empty-'));
    initDataDir(dir);
    const data = openDataDir(dir);
    const app = await buildApp({ ...data, dbPath: join(dir, DB_FILE) }, { web: false });
    const res = await app.inject({ method: 'GET', url: '/api/v1/election' });
    expect(res.statusCode).toBe(404);
    expectErrorBody(res.json(), 'no_election');
    expect((await app.inject({ method: 'GET', url: '/api/v1/results' })).statusCode).toBe(404);
    await app.close();
    data.store.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('POST /api/v1/batches', () => {
  test('201 accepted with a signed ack, then 200 duplicate with the same ack for the same bytes', async () => {
    const envelope = chain.add();
    const first = await post(server.app, envelope);
    expect(first.status).toBe(201);
    const verified = verifyDocument(
      'ack',
      first.body as { payload: string; signature: string },
      kiosk.authorityPublicKey,
    );
    expect(verified.ok).toBe(true);
    if (!verified.ok) return;
    const ack = AckPayload.parse(parseJsonBytes(verified.bytes));
    expect(ack).toMatchObject({ kioskId: kiosk.kioskId, seq: 1, status: 'accepted', highWater: 1 });
    expect((await results(server.app)).ballots).toBe(10);

    const again = await post(server.app, envelope);
    expect(again.status).toBe(200);
    const dupBytes = fromBase64url(String(again.body.payload));
    expect(AckPayload.parse(parseJsonBytes(dupBytes ?? Buffer.alloc(0)))).toEqual({
      ...ack,
      status: 'duplicate',
    });
    expect(
      verifyDocument('ack', again.body as { payload: string; signature: string }, kiosk.authorityPublicKey)
        .ok,
    ).toBe(true);
    expect((await results(server.app)).ballots).toBe(10);
  });

  test('a duplicate is answered before any other rule (a lost ack is always recoverable)', async () => {
    const envelope = chain.add();
    expect((await post(server.app, envelope)).status).toBe(201);
    // Even after the late delivery window ended, the resend of a stored batch gets its ack back.
    const closed = await buildApp(
      { ...server.data, dbPath: server.dbPath },
      { web: false, now: () => new Date(lateDeliveryEnd(server.pkg) + 3_600_000) },
    );
    const res = await closed.inject({ method: 'POST', url: '/api/v1/batches', payload: envelope });
    expect(res.statusCode).toBe(200);
    await closed.close();
  });

  test('400 malformed: not JSON, missing fields, bad base64url, payload not JSON', async () => {
    const bad = await server.app.inject({
      method: 'POST',
      url: '/api/v1/batches',
      headers: { 'content-type': 'application/json' },
      payload: '{"kioskId":',
    });
    expect(bad.statusCode).toBe(400);
    expectErrorBody(bad.json(), 'malformed');
    await expectRefused({ kioskId: kiosk.kioskId, payload: 'abc' }, 400, 'malformed');
    await expectRefused({ kioskId: kiosk.kioskId, payload: 'ab=c', signature: 'x' }, 400, 'malformed');
    const notJson = Buffer.from('not json');
    await expectRefused(
      {
        kioskId: kiosk.kioskId,
        payload: notJson.toString('base64url'),
        signature: signBytes('batch', notJson, kiosk.keys.privateKey),
      },
      400,
      'malformed',
    );
  });

  test('401 unknown kiosk, 401 bad signature', async () => {
    const envelope = chain.add();
    await expectRefused({ ...envelope, kioskId: randomHex(16) }, 401, 'unknown_kiosk');
    const stranger = generateKeyPair();
    const forged = envelopeOf(kiosk.kioskId, chain.payloads[0], stranger.privateKey);
    await expectRefused(forged, 401, 'bad_signature');
    // Signed over the wrong domain (an ack signature is not a batch signature).
    const bytes = Buffer.from(envelope.payload, 'base64url');
    await expectRefused(
      { ...envelope, signature: signBytes('ack', bytes, kiosk.keys.privateKey) },
      401,
      'bad_signature',
    );
  });

  test('409 out_of_order with expectedSeq; 409 conflict on another payload at a stored seq', async () => {
    chain.add();
    const second = chain.add();
    const body = await expectRefused(second, 409, 'out_of_order');
    expect(body.expectedSeq).toBe(1);
    expect((await post(server.app, chain.envelopes[0])).status).toBe(201);
    expect((await post(server.app, second)).status).toBe(201);

    const other = new Chain(kiosk, server.pkg);
    const equivocation = other.add();
    const before = await results(server.app);
    const res = await post(server.app, equivocation);
    expect(res.status).toBe(409);
    expectErrorBody(res.body, 'conflict');
    expect(await results(server.app)).toEqual(before);
    const info = PublicKioskState.parse(
      (await server.app.inject({ method: 'GET', url: `/api/v1/kiosks/${kiosk.kioskId}` })).json(),
    );
    expect(info.flagged).toBe(true);
  });

  test('413 too large, with the error shape', async () => {
    const small = await startTestServer({ bodyLimit: 2048 });
    try {
      const k = await enrolKiosk(small);
      const big = new Chain(k, small.pkg).add({ ballots: 40 });
      const res = await small.app.inject({ method: 'POST', url: '/api/v1/batches', payload: big });
      expect(res.statusCode).toBe(413);
      expectErrorBody(res.json(), 'too_large');
      expect((await results(small.app)).ballots).toBe(0);
      expect(small.data.store.rejectionTotals()).toEqual([{ code: 'too_large', count: 1 }]);
    } finally {
      await small.close();
    }
  });

  const all = (choices: string[]) => (p: BatchPayload) => {
    p.ballots = p.ballots.map(() => choices);
  };
  test.each<[string, Parameters<Chain['add']>[0]]>([
    ['wrong election', { tamper: (p) => void (p.electionId = 'autre-2026') }],
    ['too many choices', { tamper: all(['ecole', 'jardin', 'repair', 'velo']) }],
    ['no choice', { tamper: all([]) }],
    ['unknown project', { tamper: all(['piscine']) }],
    ['repeated project', { tamper: all(['ecole', 'ecole']) }],
    ['choices of a ballot not sorted', { tamper: all(['velo', 'ecole']) }],
    [
      'ballots not sorted by content',
      { tamper: (p) => void (p.ballots = [['velo'], ...p.ballots.slice(1).map(() => ['ecole'])]) },
    ],
    ['fewer than K ballots in a batch that is not final', { ballots: 9 }],
    ['more than K ballots in a batch that is not final', { ballots: 11 }],
    ['an empty final batch', { ballots: 0, final: true }],
    [
      'malformed token',
      {
        participations: Array.from({ length: 10 }, () => ({
          token: 'abc',
          communeCode: '62041',
          ageBracket: '26-40' as const,
          assisted: false,
        })),
      },
    ],
    [
      'the same token twice in a batch',
      {
        participations: Array.from({ length: 10 }, () => ({
          token: 'a'.repeat(64),
          communeCode: '62041',
          ageBracket: '26-40' as const,
          assisted: false,
        })),
      },
    ],
    [
      'participation digest not the document',
      { tamper: (p) => void (p.participations.digest = 'a'.repeat(64)) },
    ],
    ['participation count not the ballots', { tamper: (p) => void (p.participations.count = 9) }],
    ['receipts not sorted', { tamper: (p) => void p.receipts.reverse() }],
    ['a receipt missing', { tamper: (p) => void (p.receipts = p.receipts.slice(1)) }],
    ['prevHash not the chain head', { tamper: (p) => void (p.prevHash = 'a'.repeat(64)) }],
    ['payload signed for another kiosk id', { tamper: (p) => void (p.kioskId = randomHex(16)) }],
  ])('422 invalid_content: %s', async (_name, options) => {
    await expectRefused(chain.add(options), 422, 'invalid_content');
    // The same batch untouched is accepted: the refusal above was for the change alone.
    expect((await post(server.app, new Chain(kiosk, server.pkg).add())).status).toBe(201);
  });

  test('422 invalid_content: a participation document of another batch', async () => {
    const first = chain.add();
    const second = chain.add();
    expect((await post(server.app, first)).status).toBe(201);
    await expectRefused({ ...second, participations: first.participations }, 422, 'invalid_content');
    expect((await post(server.app, second)).status).toBe(201);
  });

  test('422 invalid_content: a receipt already counted', async () => {
    expect((await post(server.app, chain.add())).status).toBe(201);
    const counted = chain.payloads[0]?.receipts[0] ?? '';
    const replay = chain.add({ tamper: (p) => void (p.receipts = [counted, ...p.receipts.slice(1)].sort()) });
    const before = await results(server.app);
    const res = await post(server.app, replay);
    expect(res.status).toBe(422);
    expectErrorBody(res.body, 'invalid_content');
    expect(await results(server.app)).toEqual(before);
  });

  test('a final batch holds the rest (any number ≥ 1); nothing real comes after it', async () => {
    expect((await post(server.app, chain.add())).status).toBe(201);
    expect((await post(server.app, chain.add({ ballots: 3, final: true }))).status).toBe(201);
    expect((await results(server.app)).ballots).toBe(13);
    await expectRefused(chain.add(), 422, 'invalid_content');
    await expectRefused(chain.add({ ballots: 1, final: true }), 422, 'invalid_content');
  });

  test('422 invalid_content: election closed and its late delivery over, or not yet open (server clock)', async () => {
    for (const at of [lateDeliveryEnd(server.pkg) + 1, Date.parse(server.pkg.opensAt) - 60_000]) {
      const app = await buildApp(
        { ...server.data, dbPath: server.dbPath },
        { web: false, now: () => new Date(at) },
      );
      const envelope = new Chain(kiosk, server.pkg).add();
      const res = await app.inject({ method: 'POST', url: '/api/v1/batches', payload: envelope });
      expect(res.statusCode).toBe(422);
      expectErrorBody(res.json(), 'invalid_content');
      await app.close();
    }
    // The package's late delivery window accepts what was cast before the close and carried in after it,
    // to its last millisecond.
    const late = await buildApp(
      { ...server.data, dbPath: server.dbPath },
      { web: false, now: () => new Date(lateDeliveryEnd(server.pkg)) },
    );
    const res = await late.inject({
      method: 'POST',
      url: '/api/v1/batches',
      payload: new Chain(kiosk, server.pkg).add(),
    });
    expect(res.statusCode).toBe(201);
    await late.close();
  });

  test('training batches are stored, acknowledged, and never counted', async () => {
    const training = chain.add({ ballots: 5, training: true });
    expect((await post(server.app, training)).status).toBe(201);
    expect((await results(server.app)).ballots).toBe(0);
    const code = chain.receiptCodes[0]?.[0] ?? '';
    expect((await server.app.inject({ method: 'GET', url: `/api/v1/receipts/${code}` })).statusCode).toBe(
      404,
    );
    expect((await post(server.app, chain.add())).status).toBe(201);
    expect((await results(server.app)).ballots).toBe(10);
  });
});

describe('GET /api/v1/kiosks/:kioskId', () => {
  test('200 with the chain state (to the kiosk itself), 404 otherwise', async () => {
    await post(server.app, chain.add({ ballots: 12, final: true }));
    const res = await kioskState(server.app, kiosk);
    expect(res.statusCode).toBe(200);
    const info = KioskInfo.parse(res.json());
    expect(Object.keys(res.json<object>()).sort()).toEqual([
      'ballots',
      'flagged',
      'head',
      'highWater',
      'kioskId',
      'label',
      'lastSeenAt',
    ]);
    expect(info).toMatchObject({ highWater: 1, ballots: 12, flagged: false });
    expect(info.head).toMatch(/^[0-9a-f]{64}$/);
    for (const url of [`/api/v1/kiosks/${randomHex(16)}`, '/api/v1/kiosks/nope']) {
      const missing = await server.app.inject({ method: 'GET', url });
      expect(missing.statusCode).toBe(404);
      expectErrorBody(missing.json(), 'not_found');
    }
  });

  test('below the subtotal threshold the count is hidden from the public, exact for the kiosk itself', async () => {
    await post(server.app, chain.add({ ballots: 3, final: true }));
    const results = await server.app.inject({ method: 'GET', url: '/api/v1/results' });
    expect(results.json<{ byKiosk: { ballots: number | null }[] }>().byKiosk).toMatchObject([
      { ballots: null },
    ]);
    // Anyone: no seq, head or time, and no count during the vote (src/server/publication.ts).
    const open = PublicKioskState.parse((await kioskState(server.app, kiosk, false)).json());
    expect(open).toMatchObject({ ballots: null });
    // The kiosk itself, signed as its register pulls are (domain ISOLOIR/v1/state).
    const own = await kioskState(server.app, kiosk);
    expect(own.statusCode).toBe(200);
    expect(KioskInfo.parse(own.json())).toMatchObject({ highWater: 1, ballots: 3 });
    expect(own.headers['cache-control']).toBe('no-store');
  });

  test('401 for a signature that does not prove the kiosk itself', async () => {
    await post(server.app, chain.add({ ballots: 3, final: true }));
    const other = await enrolKiosk(server, 'Autre borne');
    const time = new Date().toISOString();
    const get = (headers: Record<string, string>) =>
      server.app.inject({ method: 'GET', url: `/api/v1/kiosks/${kiosk.kioskId}`, headers });
    const cases: [Record<string, string>, string][] = [
      // Another kiosk, validly signed for itself, may not read this one's exact count.
      [signedHeaders(other, 'state', `${other.kioskId}\n${time}`, time), 'unauthorized'],
      [
        signedHeaders(kiosk, 'state', `${kiosk.kioskId}\n${time}`, time, generateKeyPair().privateKey),
        'bad_signature',
      ],
      // A register signature is not a state signature (another domain).
      [signedHeaders(kiosk, 'register', `${kiosk.kioskId}\n${time}`, time), 'bad_signature'],
      [{ 'x-isoloir-kiosk': kiosk.kioskId }, 'unauthorized'],
      [
        signedHeaders(
          kiosk,
          'state',
          `${kiosk.kioskId}\n${new Date(Date.now() - 600_000).toISOString()}`,
          new Date(Date.now() - 600_000).toISOString(),
        ),
        'unauthorized',
      ],
    ];
    for (const [headers, error] of cases) {
      const res = await get(headers);
      expect(res.statusCode, error).toBe(401);
      expectErrorBody(res.json(), error);
    }
  });

  test('an admin session sees the exact count', async () => {
    const web = await startTestServer({ web: true });
    try {
      const small = await enrolKiosk(web);
      expect((await post(web.app, new Chain(small, web.pkg).add({ ballots: 2, final: true }))).status).toBe(
        201,
      );
      setAdminPassword(web.data.store, 'mot-de-passe-de-test');
      const form = await web.app.inject({ method: 'GET', url: '/admin/connexion' });
      const loginToken = /name="csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
      const loginCookie = form.cookies.find((c) => c.name === 'isoloir_login')?.value ?? '';
      const login = await web.app.inject({
        method: 'POST',
        url: '/admin/connexion',
        headers: { cookie: `isoloir_login=${loginCookie}` },
        payload: { password: 'mot-de-passe-de-test', csrf: loginToken },
      });
      expect(login.statusCode).toBe(303);
      const session = login.cookies.find((c) => c.name === 'isoloir_admin')?.value ?? '';
      const url = `/api/v1/kiosks/${small.kioskId}`;
      const asAdmin = await web.app.inject({
        method: 'GET',
        url,
        headers: { cookie: `isoloir_admin=${session}` },
      });
      expect(asAdmin.json<{ ballots: number | null }>().ballots).toBe(2);
      const forged = await web.app.inject({
        method: 'GET',
        url,
        headers: { cookie: 'isoloir_admin=forged' },
      });
      expect(forged.json<{ ballots: number | null }>().ballots).toBeNull();
    } finally {
      await web.close();
    }
  });
});

describe('revocation (kiosk revoke, or the dashboard)', () => {
  test('a revoked kiosk gets 401 unknown_kiosk for its batches and its register pull; nothing changes', async () => {
    const first = chain.add();
    expect((await post(server.app, first)).status).toBe(201);
    const revoked = revokeKiosk(server.data.store, kiosk.kioskId);
    expect(revoked).toMatchObject({ ok: true, value: { kioskId: kiosk.kioskId, alreadyRevoked: false } });
    const before = {
      results: await results(server.app),
      kiosk: (await kioskState(server.app, kiosk, false)).json<unknown>(),
      counts: server.data.store.counts(),
    };
    // The next batch, and even a resend of the stored one (its ack cannot be recovered any more).
    for (const envelope of [chain.add(), first]) {
      const res = await post(server.app, envelope);
      expect(res.status).toBe(401);
      expectErrorBody(res.body, 'unknown_kiosk');
    }
    const time = new Date().toISOString();
    const pull = await server.app.inject({
      method: 'GET',
      url: '/api/v1/participations',
      headers: signedHeaders(kiosk, 'register', `${kiosk.kioskId}\n\n${time}`, time),
    });
    expect(pull.statusCode).toBe(401);
    expectErrorBody(pull.json(), 'unknown_kiosk');
    const state = await kioskState(server.app, kiosk);
    expect(state.statusCode).toBe(401);
    expectErrorBody(state.json(), 'unknown_kiosk');
    // Its counted ballots stay counted; nothing else moved.
    expect({
      results: await results(server.app),
      kiosk: (await kioskState(server.app, kiosk, false)).json<unknown>(),
      counts: server.data.store.counts(),
    }).toEqual(before);
    expect(before.results.ballots).toBe(10);
    expect(revokeKiosk(server.data.store, kiosk.kioskId)).toMatchObject({
      ok: true,
      value: { alreadyRevoked: true },
    });
    expect(revokeKiosk(server.data.store, randomHex(16))).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });
});

describe('GET /api/v1/participations (register, signed by the kiosk)', () => {
  const signedGet = (after: string, time = new Date().toISOString(), key = kiosk.keys.privateKey) => {
    const challenge = Buffer.from(`${kiosk.kioskId}\n${after}\n${time}`, 'utf8');
    return server.app.inject({
      method: 'GET',
      url: `/api/v1/participations${after ? `?after=${after}` : ''}`,
      headers: {
        'x-isoloir-kiosk': kiosk.kioskId,
        'x-isoloir-time': time,
        'x-isoloir-signature': signBytes('register', challenge, key),
      },
    });
  };

  /** A register page, checked as a kiosk checks it: the authority's signature over its bytes. */
  const pageOf = (body: unknown) => {
    const verified = verifyDocument('registerPage', SignedDocument.parse(body), kiosk.authorityPublicKey);
    if (!verified.ok) throw new Error('register page not signed by the authority');
    return ParticipationPage.parse(parseJsonBytes(verified.bytes));
  };

  test('200 signed pages of tokens with a cursor; training tokens are not in the register', async () => {
    await post(server.app, chain.add());
    await post(server.app, chain.add({ ballots: 2, training: true }));
    await post(server.app, chain.add());
    const res = await signedGet('');
    expect(res.statusCode).toBe(200);
    const page = pageOf(res.json());
    const expected = [0, 2].flatMap((i) => chain.participationDocuments[i]?.items.map((p) => p.token) ?? []);
    expect(page).toMatchObject({
      v: 2,
      electionId: server.pkg.electionId,
      kioskId: kiosk.kioskId,
      after: '',
    });
    expect(page.tokens).toEqual(expected);
    const next = pageOf((await signedGet(page.next)).json());
    expect(next).toMatchObject({ after: page.next, tokens: [], next: page.next });
    // Signed by the kiosk's key instead of the authority's: refused by the check above.
    expect(() =>
      pageOf({
        ...SignedDocument.parse(res.json()),
        signature: signBytes('registerPage', Buffer.from(page.next), kiosk.keys.privateKey),
      }),
    ).toThrow(/authority/);
  });

  test('401 unsigned, badly signed or stale; 400 bad cursor', async () => {
    const unsigned = await server.app.inject({ method: 'GET', url: '/api/v1/participations' });
    expect(unsigned.statusCode).toBe(401);
    expectErrorBody(unsigned.json(), 'unauthorized');
    const forged = await signedGet('', new Date().toISOString(), generateKeyPair().privateKey);
    expect(forged.statusCode).toBe(401);
    expectErrorBody(forged.json(), 'bad_signature');
    const stale = await signedGet('', new Date(Date.now() - 10 * 60_000).toISOString());
    expect(stale.statusCode).toBe(401);
    const cursor = await signedGet('abc');
    expect(cursor.statusCode).toBe(400);
    expectErrorBody(cursor.json(), 'malformed');
  });
});

describe('GET /api/v1/results and /api/v1/receipts/:code', () => {
  test('results follow DESIGN and the shared Results schema', async () => {
    await post(server.app, chain.add({ ballots: 12, final: true }));
    const res = await server.app.inject({ method: 'GET', url: '/api/v1/results' });
    expect(res.statusCode).toBe(200);
    // The counting tests' server lifts the embargo (helpers.ts): the full results, marked as such.
    const { embargoed, liveResults, ...full } = res.json<Record<string, unknown>>();
    expect({ embargoed, liveResults }).toEqual({ embargoed: false, liveResults: true });
    ResultsResponse.parse(full);
    const r = Results.parse(full);
    expect(r.ballots).toBe(12);
    expect(r.byKiosk).toEqual([{ kioskId: kiosk.kioskId, label: 'Comptoir de test', ballots: 12 }]);
    const votes = r.projects.reduce((s, p) => s + p.votes, 0);
    expect(votes).toBe(chain.payloads[0]?.ballots.reduce((s, b) => s + b.length, 0));
  });

  test('a receipt code names its kiosk and batch (any case, look-alikes, with or without the kiosk), never a ballot', async () => {
    const other = await enrolKiosk(server, 'Autre borne');
    expect((await post(server.app, chain.add())).status).toBe(201);
    expect((await post(server.app, chain.add())).status).toBe(201);
    const code = chain.receiptCodes[1]?.[4] ?? '';
    const typed = code.toLowerCase().replace(/1/g, 'l').replace(/0/g, 'o').replace('-', ' ');
    for (const key of [code, typed, code.replace('-', '')])
      for (const query of ['', `?kiosk=${kiosk.kioskId}`]) {
        const res = await server.app.inject({
          method: 'GET',
          url: `/api/v1/receipts/${encodeURIComponent(key)}${query}`,
        });
        expect(res.statusCode, key + query).toBe(200);
        expect(res.json()).toEqual({ included: true, kiosk: 'Comptoir de test', batch: 2 });
      }
    // Another kiosk's id: its commitment differs, so the code is not found there.
    const elsewhere = await server.app.inject({
      method: 'GET',
      url: `/api/v1/receipts/${code}?kiosk=${other.kioskId}`,
    });
    expect(elsewhere.statusCode).toBe(404);
    for (const key of ['ZZZZ-ZZZZ', 'nope', randomHex(16)]) {
      const res = await server.app.inject({ method: 'GET', url: `/api/v1/receipts/${key}` });
      expect(res.statusCode).toBe(404);
      expectErrorBody(res.json(), 'not_found');
    }
    const badKiosk = await server.app.inject({ method: 'GET', url: `/api/v1/receipts/${code}?kiosk=x` });
    expect(badKiosk.statusCode).toBe(400);
    // The old per-ballot route is gone.
    expect(
      (await server.app.inject({ method: 'GET', url: `/api/v1/ballots/${randomHex(16)}` })).statusCode,
    ).toBe(404);
  });

  test('the error shape on a path the router refuses (a parameter too long, a broken escape)', async () => {
    for (const url of [
      `/api/v1/receipts/${'X'.repeat(101)}`,
      `/api/v1/kiosks/${'a'.repeat(200)}`,
      '/api/v1/receipts/%E0%A4%A',
      '/api/v1/kiosks/%zz',
    ]) {
      const res = await server.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(400);
      expectErrorBody(res.json(), 'malformed');
    }
  });

  test('security headers and the error shape on unknown routes', async () => {
    const res = await server.app.inject({ method: 'GET', url: '/api/v1/nothing' });
    expect(res.statusCode).toBe(404);
    expectErrorBody(res.json(), 'not_found');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    // Plain HTTP: upgrading the pages' requests to https:// would break them (nothing listens there).
    expect(csp).not.toContain('upgrade-insecure-requests');
  });
});

test('a fresh package for another election is a different chain of trust', () => {
  // Guard for the helpers: the two packages differ only where the replay test relies on it.
  expect(makePackage({ electionId: 'autre-2026' }).electionId).not.toBe(makePackage().electionId);
});
