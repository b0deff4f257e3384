/**
 * Enrolment (proof of possession, a code spent once), offline enrolment by USB, mediator resets and
 * kiosk status, against a real data folder (SQLite file, authority key) and the real Fastify app.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  generateKeyPair,
  parseJsonBytes,
  signBytes,
  signDocument,
  verifyDocument,
  type KeyPair,
} from '../../../src/shared/node/crypto';
import { EnrolAnswer, EnrolResponse, KioskStatusReport, MediatorReset } from '../../../src/shared/wire';
import { main } from '../../../src/server/cli';
import { answerUsbEnrolment } from '../../../src/server/enrol-usb';
import { createEnrolmentCode, revokeKiosk, withdrawEnrolmentCode } from '../../../src/server/enrolment';
import { kioskStatusCsv, kioskStatusRows } from '../../../src/server/kiosk-status';
import { createMediatorReset, mediatorResets } from '../../../src/server/mediator-reset';
import { enrolRequest } from './enrol-request';
import { packageV2 } from './package-v2';
import { startTestServer, type TestServer } from './helpers';

const DAY = 86_400_000;

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer({ pkg: packageV2(), serverUrls: ['http://127.0.0.1/'] });
});
afterEach(async () => server.close());

const newCode = (label = 'Comptoir d’Arras', hours = 24, now = new Date()) => {
  const code = createEnrolmentCode(server.data.store, label, hours, now);
  if (!code.ok) throw new Error(code.error.message);
  return code.value;
};

const post = (payload: object) => server.app.inject({ method: 'POST', url: '/api/v1/kiosks', payload });

async function enrolled(keys: KeyPair = generateKeyPair()) {
  const res = await post(enrolRequest(newCode().code, keys));
  expect(res.statusCode).toBe(201);
  return { keys, body: EnrolResponse.parse(res.json()) };
}

describe('POST /api/v1/kiosks', () => {
  test('201 once with a recovery key; the same code never gives the keys again, not even to the same key', async () => {
    const code = newCode();
    const keys = generateKeyPair();
    const first = await post(enrolRequest(code.code.toLowerCase(), keys));
    expect(first.statusCode).toBe(201);
    const body = EnrolResponse.parse(first.json());
    expect(body.recoveryKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    for (const again of [enrolRequest(code.code, keys), enrolRequest(code.code, generateKeyPair())]) {
      const res = await post(again);
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ error: 'enrolment_code_invalid' });
      expect(res.body).not.toContain(body.participationKey);
    }
  });

  test('403 bad_signature when the proof is not made by the presented key, or for another code', async () => {
    const code = newCode();
    const keys = generateKeyPair();
    const forged = { ...enrolRequest(code.code, generateKeyPair()), publicKey: keys.publicKey };
    const otherCode = { ...enrolRequest('ABCD-EFGH-JKMN', keys), code: code.code };
    for (const body of [forged, otherCode]) {
      const res = await post(body);
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ error: 'bad_signature' });
    }
    // The code was not spent by the refusals.
    expect((await post(enrolRequest(code.code, keys))).statusCode).toBe(201);
  });

  test('400 without a proof; 403 for another server address, a withdrawn or expired code, a revoked kiosk', async () => {
    const keys = generateKeyPair();
    const { proof: _proof, ...noProof } = enrolRequest(newCode().code, keys);
    expect((await post(noProof)).statusCode).toBe(400);

    const elsewhere = await post(enrolRequest(newCode().code, keys, 'Borne', 'https://faux.example'));
    expect(elsewhere.statusCode).toBe(403);

    const withdrawn = newCode();
    expect(withdrawEnrolmentCode(server.data.store, withdrawn.id, new Date()).ok).toBe(true);
    expect((await post(enrolRequest(withdrawn.code, keys))).statusCode).toBe(403);

    const expired = newCode('Vieux', 1, new Date(Date.now() - 2 * 3_600_000));
    expect((await post(enrolRequest(expired.code, keys))).statusCode).toBe(403);

    const kiosk = await enrolled();
    expect(revokeKiosk(server.data.store, kiosk.body.kioskId).ok).toBe(true);
    const again = await post(enrolRequest(newCode().code, kiosk.keys));
    expect(again.statusCode).toBe(403);
    expect(again.json()).toMatchObject({ error: 'enrolment_code_invalid' });
  });
});

describe('offline enrolment by USB', () => {
  test('the request file becomes an answer signed by the authority, once', async () => {
    const keys = generateKeyPair();
    const request = enrolRequest(newCode().code, keys, 'Borne', 'usb:');
    const bytes = Buffer.from(JSON.stringify(request));
    const answer = answerUsbEnrolment(server.data.store, server.data.authority, bytes, new Date());
    if (!answer.ok) throw new Error(answer.error.message);
    expect(answer.value.fileName).toBe(`isoloir-enrol-answer-${answer.value.kioskId}.json`);
    const verified = verifyDocument('enrolAnswer', answer.value.document, server.data.authority.publicKey);
    if (!verified.ok) throw new Error('answer not signed by the authority');
    const content = EnrolAnswer.parse(parseJsonBytes(verified.bytes));
    const election = await server.app.inject({ method: 'GET', url: '/api/v1/election' });
    expect(content.election).toEqual(election.json());
    expect(content.authorityPublicKey).toBe(server.data.authority.publicKey);
    expect(server.data.store.kiosk(content.kioskId)?.label).toBe('Comptoir d’Arras');

    const twice = answerUsbEnrolment(server.data.store, server.data.authority, bytes, new Date());
    expect(twice.ok ? null : twice.error.code).toBe('enrolment_code_invalid');
    // An online request's proof is not valid for USB, and the reverse.
    const online = enrolRequest(newCode().code, generateKeyPair());
    const refused = answerUsbEnrolment(
      server.data.store,
      server.data.authority,
      Buffer.from(JSON.stringify(online)),
      new Date(),
    );
    expect(refused.ok).toBe(false);
    expect((await post(enrolRequest(newCode().code, generateKeyPair(), 'Borne', 'usb:'))).statusCode).toBe(
      403,
    );
  });

  test('CLI enrol-usb writes the answer beside the request', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'isoloir-usb-'));
    try {
      const keys = generateKeyPair();
      const requestPath = join(folder, 'isoloir-enrol-request-x.json');
      writeFileSync(requestPath, JSON.stringify(enrolRequest(newCode().code, keys, 'Borne', 'usb:')));
      // The CLI opens the data folder itself: the test's store is a second connection on the same file.
      expect(await main(['node', 'cli', 'enrol-usb', requestPath, '--data', server.dir])).toBe(0);
      const kioskId = server.data.store.kiosks()[0]?.kioskId ?? '';
      const written = JSON.parse(
        readFileSync(join(folder, `isoloir-enrol-answer-${kioskId}.json`), 'utf8'),
      ) as { payload: string; signature: string };
      expect(verifyDocument('enrolAnswer', written, server.data.authority.publicKey).ok).toBe(true);
      // Spent: a second run fails.
      expect(await main(['node', 'cli', 'enrol-usb', requestPath, '--data', server.dir])).not.toBe(0);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('mediator reset', () => {
  const resetRequest = (kioskId: string, keys: KeyPair, time = new Date().toISOString(), as = kioskId) =>
    server.app.inject({
      method: 'GET',
      url: `/api/v1/kiosks/${kioskId}/reset`,
      headers: {
        'x-isoloir-kiosk': as,
        'x-isoloir-time': time,
        'x-isoloir-signature': signBytes('state', Buffer.from(`${as}\nreset\n${time}`), keys.privateKey),
      },
    });

  test('signed by the authority with the enrolment recovery key, served online once, journaled', async () => {
    const kiosk = await enrolled();
    const other = await enrolled();
    expect((await resetRequest(kiosk.body.kioskId, kiosk.keys)).statusCode).toBe(404);

    const created = createMediatorReset(
      server.data.store,
      server.data.authority,
      kiosk.body.kioskId.toUpperCase(),
      48,
      new Date(),
    );
    if (!created.ok) throw new Error(created.error.message);
    const verified = verifyDocument('mediatorReset', created.value.document, server.data.authority.publicKey);
    if (!verified.ok) throw new Error('reset not signed');
    const reset = MediatorReset.parse(parseJsonBytes(verified.bytes));
    expect(reset).toMatchObject({ kioskId: kiosk.body.kioskId, recoveryKey: kiosk.body.recoveryKey });
    expect(Date.parse(reset.expiresAt) - Date.now()).toBeGreaterThan(47 * 3_600_000);

    const unsigned = await server.app.inject({
      method: 'GET',
      url: `/api/v1/kiosks/${kiosk.body.kioskId}/reset`,
    });
    expect(unsigned.statusCode).toBe(401);
    // Another kiosk cannot take it, nor a request signed with the wrong key.
    expect(
      (await resetRequest(kiosk.body.kioskId, other.keys, undefined, other.body.kioskId)).statusCode,
    ).toBe(401);
    expect((await resetRequest(kiosk.body.kioskId, other.keys)).statusCode).toBe(401);

    const served = await resetRequest(kiosk.body.kioskId, kiosk.keys);
    expect(served.statusCode).toBe(200);
    expect(served.json()).toEqual(created.value.document);
    expect((await resetRequest(kiosk.body.kioskId, kiosk.keys)).statusCode).toBe(404);
    const journal = mediatorResets(server.data.store);
    expect(journal).toHaveLength(1);
    expect(journal[0]).toMatchObject({ kioskId: kiosk.body.kioskId, nonce: reset.nonce });
    expect(journal[0]?.servedAt).not.toBeNull();
  });

  test('an expired reset is not served; a revoked or unknown kiosk gets none', async () => {
    const kiosk = await enrolled();
    const past = new Date(Date.now() - 3 * 3_600_000);
    const created = createMediatorReset(
      server.data.store,
      server.data.authority,
      kiosk.body.kioskId,
      1,
      past,
    );
    expect(created.ok).toBe(true);
    expect((await resetRequest(kiosk.body.kioskId, kiosk.keys)).statusCode).toBe(404);
    revokeKiosk(server.data.store, kiosk.body.kioskId);
    const refused = createMediatorReset(
      server.data.store,
      server.data.authority,
      kiosk.body.kioskId,
      1,
      new Date(),
    );
    expect(refused.ok).toBe(false);
    const unknown = createMediatorReset(
      server.data.store,
      server.data.authority,
      'f'.repeat(32),
      1,
      new Date(),
    );
    expect(unknown.ok ? null : unknown.error.code).toBe('not_found');
  });
});

describe('kiosk status', () => {
  const status = (kioskId: string, overrides: Partial<KioskStatusReport> = {}): KioskStatusReport => ({
    v: 2,
    kioskId,
    appVersion: '2.0.0',
    clock: new Date().toISOString(),
    freeDiskBytes: 20 * 1024 ** 3,
    pendingBallots: 3,
    day: 'open',
    training: false,
    ...overrides,
  });
  const send = (kioskId: string, body: unknown) =>
    server.app.inject({ method: 'POST', url: `/api/v1/kiosks/${kioskId}/status`, payload: body as object });

  test('204 for a signed status; the last one is kept with the receipt time and flags', async () => {
    const kiosk = await enrolled();
    const id = kiosk.body.kioskId;
    expect((await send(id, signDocument('kioskStatus', status(id), kiosk.keys.privateKey))).statusCode).toBe(
      204,
    );
    let [row] = kioskStatusRows(server.data.store, new Date());
    expect(row?.status).toMatchObject({ appVersion: '2.0.0', pendingBallots: 3, day: 'open' });
    expect(Math.abs(row?.status?.clockOffsetMs ?? Infinity)).toBeLessThan(60_000);
    expect(row?.flags).toEqual([]);
    // Silent for more than the set time while open.
    expect(kioskStatusRows(server.data.store, new Date(Date.now() + 61 * 60_000), 60)[0]?.flags).toEqual([
      'silent',
    ]);
    expect(kioskStatusRows(server.data.store, new Date(Date.now() + 59 * 60_000), 60)[0]?.flags).toEqual([]);

    const skewed = status(id, {
      clock: new Date(Date.now() - 6 * 60_000).toISOString(),
      freeDiskBytes: 1024 ** 3 - 1,
      day: 'closed',
    });
    expect((await send(id, signDocument('kioskStatus', skewed, kiosk.keys.privateKey))).statusCode).toBe(204);
    [row] = kioskStatusRows(server.data.store, new Date(Date.now() + 10 * DAY), 60);
    // Closed: never "silent"; the clock and the disk are flagged.
    expect(row?.flags).toEqual(['clock', 'disk']);
    expect(row?.status?.day).toBe('closed');
    const csv = kioskStatusCsv(kioskStatusRows(server.data.store, new Date()));
    expect(csv.split('\r\n')[1]).toContain(`${id},Comptoir d’Arras,false,`);
    expect(csv).toContain(',clock disk\r\n');
  });

  test('401 for a wrong key, another kiosk’s id or a revoked kiosk; 400 malformed', async () => {
    const kiosk = await enrolled();
    const other = await enrolled();
    const id = kiosk.body.kioskId;
    const wrongKey = await send(id, signDocument('kioskStatus', status(id), other.keys.privateKey));
    expect(wrongKey.statusCode).toBe(401);
    expect(wrongKey.json()).toMatchObject({ error: 'bad_signature' });
    const otherId = await send(
      id,
      signDocument('kioskStatus', status(other.body.kioskId), kiosk.keys.privateKey),
    );
    expect(otherId.statusCode).toBe(401);
    const wrongDomain = await send(id, signDocument('report', status(id), kiosk.keys.privateKey));
    expect(wrongDomain.statusCode).toBe(401);
    expect((await send(id, { payload: 'x' })).statusCode).toBe(400);
    const notStatus = await send(
      id,
      signDocument('kioskStatus', { v: 2, kioskId: id }, kiosk.keys.privateKey),
    );
    expect(notStatus.statusCode).toBe(400);
    revokeKiosk(server.data.store, id);
    const revoked = await send(id, signDocument('kioskStatus', status(id), kiosk.keys.privateKey));
    expect(revoked.statusCode).toBe(401);
    expect(kioskStatusRows(server.data.store, new Date()).every((r) => r.status === null)).toBe(true);
  });
});
