/**
 * Kiosk sync against a real server process (the server CLI's `serve` on 127.0.0.1): enrolment and each
 * of its refusals, batching on size and on day closing (never on a timer), the batch size in force from
 * the first round, signed acks (tampered, or genuine but for another batch), a content refusal blocking
 * the chain, the participation register, the refreshed election package (applied, or refused and shown),
 * the audited purge, and the mediator's status.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  fromBase64url,
  generateKeyPair,
  keyFingerprint,
  parseJsonBytes,
  signDocument,
} from '../../../src/shared/node/crypto';
import {
  BatchPayload,
  SignedDocument,
  type AckPayload,
  type ElectionPackage,
} from '../../../src/shared/wire';
import { openKiosk } from '../../../src/main/core/kiosk';
import { SyncStore } from '../../../src/main/core/sync/sync-store';
import { openDataDir } from '../../../src/server/datadir';
import { publishElection } from '../../../src/server/election';
import {
  ackPayloadOf,
  authorityPrivateKey,
  kioskChoiceSets,
  serverReceipts,
  TEST_K,
  castVotes,
  drained,
  enrolThroughSetup,
  journaled,
  journaledAcks,
  jsonResponse,
  openTestKiosk,
  prepareServerData,
  reconcile,
  sleep,
  startServerProcess,
  tempDir,
  testElection,
  testSyncOptions,
  waitDrained,
  waitFor,
  type ServerData,
  type ServerProcess,
  type TestKiosk,
} from './harness';
import { countRemoteParticipations, insertBallot } from '../../../src/main/core/store.test-helpers';

// Real processes on a shared 2-core machine: generous time, never a timed assertion.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

let data: ServerData;
let server: ServerProcess;
const election = testElection();
const opened: TestKiosk[] = [];
let goodKiosk: TestKiosk;

const newKiosk = async (
  name: string,
  options: Parameters<typeof openTestKiosk>[1] = {},
): Promise<TestKiosk> => {
  const t = await openTestKiosk(path.join(tempDir('kiosk'), `${name}.sqlite`), options);
  opened.push(t);
  return t;
};

const enrol = async (
  t: Pick<TestKiosk, 'kiosk'>,
  extra: { authorityFingerprint?: string; code?: string; serverUrl?: string } = {},
) =>
  enrolThroughSetup(t.kiosk, {
    serverUrl: extra.serverUrl ?? server.url,
    code: extra.code ?? data.newCode(),
    label: 'Comptoir de Lens',
    authorityFingerprint: extra.authorityFingerprint ?? keyFingerprint(data.authorityPublicKey),
  });

/** The request is a POST of a batch (fetch wrappers fake or alter only those answers). */
const isBatchPost = (input: unknown, init: RequestInit | undefined): boolean =>
  init?.method === 'POST' && String(input).endsWith('/api/v1/batches');
const isElectionGet = (input: unknown): boolean => String(input).endsWith('/api/v1/election');

beforeAll(async () => {
  data = prepareServerData(election);
  // This file enrols a kiosk per test: well above the server's default of ten a minute per address.
  server = await startServerProcess(data.dir, 0, { enrolPerMinute: 1_000 });
});

afterAll(async () => {
  for (const t of opened) await t.close();
  await server?.stop();
});

describe('enrolment, kiosk side', () => {
  it('refuses an unknown code with a clear message, and stores nothing', async () => {
    const t = await newKiosk('bad-code');
    const result = await enrol(t, { code: 'ZZZZ-ZZZZ-ZZZZ' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('enrolment_refused');
      expect(result.error.message).toMatch(/inconnu, déjà utilisé/);
    }
    expect(t.kiosk.context.status().enrolled).toBe(false);
    expect(t.engine.status().serverUrl).toBeNull();
  });

  it('refuses a fingerprint that does not match the authority key', async () => {
    const t = await newKiosk('bad-fingerprint');
    const wrong = keyFingerprint(generateKeyPair().publicKey);
    const result = await enrol(t, { authorityFingerprint: wrong });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toMatch(/empreinte/);
    expect(t.kiosk.context.status().enrolled).toBe(false);
  });

  it('says the server is unreachable when nothing listens', async () => {
    const t = await newKiosk('unreachable');
    const result = await enrolThroughSetup(t.kiosk, {
      serverUrl: 'http://127.0.0.1:9',
      code: data.newCode(),
      label: 'x',
      authorityFingerprint: keyFingerprint(data.authorityPublicKey),
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('server_unreachable');
  });

  it('enrols with the right fingerprint: keys and the verified election stored', async () => {
    const t = await newKiosk('good');
    goodKiosk = t;
    const result = await enrol(t, { authorityFingerprint: keyFingerprint(data.authorityPublicKey) });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(t.kiosk.context.status().enrolled).toBe(true);
    expect(t.kiosk.context.status().election?.electionId).toBe(election.electionId);
    expect(t.kiosk.context.status().state).toBe('open');
    expect(t.engine.status().serverUrl).toBe(server.url);
  });

  it('a code already used by another kiosk is refused', async () => {
    const code = data.newCode();
    expect((await enrol(await newKiosk('first'), { code })).ok).toBe(true);
    const second = await enrol(await newKiosk('second'), { code });
    expect(second.ok).toBe(false);
  });

  it('before any election is published, then after too many attempts (429): each its own message', async () => {
    // A second server, as the central team has it before its first `election publish`, with the
    // enrolment limit lowered to two a minute so the third attempt meets it.
    const blank = prepareServerData(null);
    const early = await startServerProcess(blank.dir, 0, { enrolPerMinute: 2 });
    try {
      const t = await newKiosk('too-early');
      for (let attempt = 1; attempt <= 2; attempt += 1) {
        const refused = await enrol(t, { serverUrl: early.url, code: blank.newCode() });
        expect(refused.ok).toBe(false);
        if (!refused.ok) {
          expect(refused.error.code).toBe('enrolment_refused');
          expect(refused.error.message).toMatch(/pas encore publié de consultation/);
        }
      }
      const limited = await enrol(t, { serverUrl: early.url, code: blank.newCode() });
      expect(limited.ok).toBe(false);
      if (!limited.ok) expect(limited.error.message).toMatch(/Trop de tentatives/);
      expect(t.kiosk.context.status().enrolled).toBe(false);
    } finally {
      await early.stop();
    }
  });

  it('refuses a package that does not verify with the authority key, and stores nothing', async () => {
    const forger = generateKeyPair();
    const t = await newKiosk('forged-package', {
      sync: {
        fetch: async (input, init) => {
          const response = await fetch(input, init);
          if (!isElectionGet(input) || !response.ok) return response;
          // The same package, re-signed by someone who is not the central team.
          const doc = SignedDocument.parse(await response.json());
          return jsonResponse(
            200,
            signDocument(
              'election',
              parseJsonBytes(fromBase64url(doc.payload) ?? Buffer.alloc(0)),
              forger.privateKey,
            ),
          );
        },
      },
    });
    const result = await enrol(t);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('package_refused');
    }
    expect(t.kiosk.context.status().enrolled).toBe(false);
    expect(t.kiosk.context.election()).toBeNull();
    expect(t.engine.status().serverUrl).toBeNull();
  });

  it('refuses to enrol a kiosk already enrolled (here with votes of another election), and keeps that election', async () => {
    // Provisioned at a previous consultation (another authority), with its votes still on board.
    const before = testElection('bc-consultation-precedente');
    const oldAuthority = generateKeyPair();
    const dir = tempDir('other-election');
    const file = path.join(dir, 'election.json');
    fs.writeFileSync(file, JSON.stringify(signDocument('election', before, oldAuthority.privateKey)));
    const kiosk = openKiosk({
      dbPath: path.join(dir, 'kiosk.sqlite'),
      provision: {
        authorityPublicKey: oldAuthority.publicKey,
        participationKey: Buffer.alloc(32, 7).toString('base64url'),
        electionFile: file,
      },
      sync: testSyncOptions,
    });
    try {
      castVotes(kiosk, before, 3);
      const result = await enrol({ kiosk });
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('already_enrolled');
      expect(kiosk.context.election()?.electionId).toBe(before.electionId);
      expect(kiosk.sync.status().serverUrl).toBeNull();
    } finally {
      await kiosk.sync.stop();
      kiosk.close();
    }
  });
});

describe('sealing at start', () => {
  it('a kiosk reopened with a backlog seals it with the hold-back from its first round', async () => {
    const first = await openTestKiosk(path.join(tempDir('kiosk'), 'backlog.sqlite'));
    expect((await enrol(first)).ok).toBe(true);
    await first.engine.stop();
    castVotes(first.kiosk, election, 45);
    await first.close();
    const reopened = await openTestKiosk(first.dbPath);
    opened.push(reopened);
    // 45 open: K taken while 2K are open (45 → 35 → 25 → 15), 15 held back.
    await waitFor(
      () => reopened.engine.status().ballotsNotBatched === 15,
      20_000,
      () => JSON.stringify(reopened.engine.status()),
    );
    expect(new SyncStore(reopened.kiosk.store).allBatches().map((b) => b.ballotCount)).toEqual([
      TEST_K,
      TEST_K,
      TEST_K,
    ]);
  });
});

describe('batches, acks and status', () => {
  let t: TestKiosk;
  beforeAll(async () => {
    t = await newKiosk('main');
    expect((await enrol(t)).ok).toBe(true);
  });

  it('seals K of 2K open, sends them, and holds the rest back', async () => {
    castVotes(t.kiosk, election, 45);
    const status = await t.kiosk.handlers.syncNow({});
    expect(status.ok).toBe(true);
    if (!status.ok) return;
    expect(status.value.batchesWaiting).toBe(0);
    expect(status.value.ballotsNotBatched).toBe(15);
    expect(status.value.serverReachable).toBe(true);
    expect(status.value.lastError).toBeNull();
    expect(status.value.lastSuccessAt).not.toBeNull();
    const batches = new SyncStore(t.kiosk.store).allBatches();
    expect(batches.map((b) => b.ballotCount)).toEqual([TEST_K, TEST_K, TEST_K]);
    expect(batches.every((b) => b.ackedAt !== null)).toBe(true);
    expect(reconcile(t.kiosk.store, data.dir)).toEqual(drained);
  });

  it('closing the day seals nothing: the held-back ballots wait on the kiosk', async () => {
    const closed = t.engine.closeDay();
    expect(closed.ok && closed.value.ballots).toBe(45);
    await t.kiosk.handlers.syncNow({});
    expect(new SyncStore(t.kiosk.store).allBatches()).toHaveLength(3);
    expect(t.engine.status().ballotsNotBatched).toBe(15);
  });

  it('the election’s close seals the rest as the final batch, and everything reaches the server', async () => {
    let now = new Date();
    const closing = await newKiosk('closing', { now: () => now });
    expect((await enrol(closing)).ok).toBe(true);
    castVotes(closing.kiosk, election, 2 * TEST_K + 7);
    await closing.kiosk.handlers.syncNow({});
    expect(closing.engine.status().ballotsNotBatched).toBe(TEST_K + 7);
    // The kiosk clock passes the package's close: the next round seals the final batch and sends it.
    now = new Date(Date.parse(election.closesAt) + 60_000);
    await closing.kiosk.handlers.syncNow({});
    await waitDrained(closing);
    const payloads = new SyncStore(closing.kiosk.store)
      .allBatches()
      .map((b) => BatchPayload.parse(parseJsonBytes(fromBase64url(b.envelope.payload) ?? Buffer.alloc(0))));
    expect(payloads.map((p) => [p.ballots.length, p.final])).toEqual([
      [TEST_K, false],
      [TEST_K + 7, true],
    ]);
    expect(closing.engine.status().ballotsNotBatched).toBe(0);
    expect(reconcile(closing.kiosk.store, data.dir)).toEqual(drained);
    expect(serverReceipts(data.dir, closing.kiosk.kioskId).choiceSets).toEqual(
      kioskChoiceSets(closing.kiosk.store),
    );
  });

  it('pulls the participation register: another kiosk’s voters become known here', async () => {
    const other = await newKiosk('other');
    expect((await enrol(other)).ok).toBe(true);
    castVotes(other.kiosk, election, 20);
    await other.kiosk.handlers.syncNow({});
    await waitDrained(other);
    // Only sealed participations reach the server (the hold-back keeps K open on the other kiosk).
    const theirTokens = other.kiosk.store
      .listParticipations()
      .filter((p) => p.batchSeq !== null)
      .map((p) => p.token);
    expect(theirTokens).toHaveLength(TEST_K);
    await t.kiosk.handlers.syncNow({});
    for (const token of theirTokens) expect(t.kiosk.store.hasRealParticipation(token)).toBe(true);
    expect(countRemoteParticipations(t.kiosk.store)).toBeGreaterThanOrEqual(TEST_K);
  });

  it('never on a timer alone: 5 ballots stay unbatched through many idle rounds', async () => {
    let rounds = 0;
    const idle = await newKiosk('timer-alone', {
      sync: {
        idleMs: 20,
        fetch: (input, init) => {
          if (isElectionGet(input)) rounds += 1; // each good round pulls the package once
          return fetch(input, init);
        },
      },
    });
    expect((await enrol(idle)).ok).toBe(true);
    castVotes(idle.kiosk, election, 5);
    const from = rounds;
    await waitFor(
      () => rounds >= from + 8,
      30_000,
      () => `${rounds - from} rounds`,
    );
    const status = idle.engine.status();
    expect(status.ballotsNotBatched).toBe(5);
    expect(status.lastError).toBeNull();
    expect(new SyncStore(idle.kiosk.store).allBatches()).toEqual([]);
  });

  it('training ballots are never batched nor sent', async () => {
    insertBallot(
      t.kiosk.store,
      {
        id: 'f'.repeat(32),
        choices: ['projet-1'],
        training: true,
        castDay: '2026-01-01',
      },
      t.kiosk.context.keys,
    );
    castVotes(t.kiosk, election, 20);
    await t.kiosk.handlers.syncNow({});
    await waitDrained(t);
    const training = t.kiosk.store.listBallots().find((b) => b.id === 'f'.repeat(32));
    expect(training?.batchSeq).toBeNull();
    expect(reconcile(t.kiosk.store, data.dir)).toEqual(drained);
  });
});

describe('a tampered ack', () => {
  it('is refused: the batch stays waiting until a genuine ack comes', async () => {
    let tamper = true;
    const forger = generateKeyPair();
    const t = await newKiosk('tampered', {
      sync: {
        fetch: async (input, init) => {
          const response = await fetch(input, init);
          if (!tamper || !String(input).endsWith('/api/v1/batches') || !response.ok) return response;
          const ack = SignedDocument.parse(await response.json());
          // Same ack payload, signed by someone else than the authority.
          const forged = signDocument(
            'ack',
            parseJsonBytes(fromBase64url(ack.payload) ?? Buffer.alloc(0)),
            forger.privateKey,
          );
          return new Response(JSON.stringify(forged), { status: response.status, headers: response.headers });
        },
      },
    });
    expect((await enrol(t)).ok).toBe(true);
    castVotes(t.kiosk, election, 20);
    const status = await t.kiosk.handlers.syncNow({});
    expect(status.ok && status.value.batchesWaiting).toBe(1);
    expect(status.ok && status.value.lastError?.code).toBe('ack_invalid');
    expect(new SyncStore(t.kiosk.store).allBatches()[0]?.ackedAt).toBeNull();
    expect(t.kiosk.store.listAuditEvents().some((e) => e.kind === 'ack_refused')).toBe(true);
    tamper = false;
    await waitDrained(t);
    expect(reconcile(t.kiosk.store, data.dir)).toEqual(drained);
  });
});

describe('an ack for another batch', () => {
  it('a genuine ack of batch 1 replayed for batch 2 is refused: batch 2 stays waiting', async () => {
    let firstAck: unknown = null;
    let replay = true;
    const t = await newKiosk('replayed-ack', {
      sync: {
        fetch: async (input, init) => {
          const response = await fetch(input, init);
          if (!isBatchPost(input, init) || !response.ok) return response;
          const body: unknown = await response.json();
          firstAck ??= body;
          // The server stored this batch and signed its ack; the kiosk is shown batch 1's instead.
          return jsonResponse(response.status, replay ? firstAck : body);
        },
      },
    });
    expect((await enrol(t)).ok).toBe(true);
    castVotes(t.kiosk, election, 3 * TEST_K);
    const status = await t.kiosk.handlers.syncNow({});
    expect(status.ok && status.value.lastError?.code).toBe('ack_invalid');
    expect(ackPayloadOf(firstAck).seq).toBe(1);
    const batches = new SyncStore(t.kiosk.store).allBatches();
    expect(batches.map((b) => [b.seq, b.ackedAt !== null])).toEqual([
      [1, true],
      [2, false],
    ]);
    expect(journaled(t.kiosk.store, 'ack_refused')).toContainEqual(
      expect.objectContaining({ seq: 2, reason: 'mismatch' }),
    );
    replay = false;
    await waitDrained(t);
    expect(journaledAcks(t.kiosk.store)).toContainEqual({ seq: 2, status: 'duplicate' });
    expect(reconcile(t.kiosk.store, data.dir)).toEqual(drained);
  });

  it('an ack signed by the authority but naming another kiosk, seq or hash is refused, field by field', async () => {
    const authority = authorityPrivateKey(data.dir);
    let alter: ((ack: AckPayload) => AckPayload) | null = null;
    const t = await newKiosk('mismatched-ack', {
      sync: {
        fetch: async (input, init) => {
          const response = await fetch(input, init);
          if (!alter || !isBatchPost(input, init) || !response.ok) return response;
          return jsonResponse(
            response.status,
            signDocument('ack', alter(ackPayloadOf(await response.json())), authority),
          );
        },
      },
    });
    expect((await enrol(t)).ok).toBe(true);
    const variants: Array<[string, (ack: AckPayload) => AckPayload]> = [
      ['kioskId', (ack) => ({ ...ack, kioskId: '0'.repeat(32) })],
      ['seq', (ack) => ({ ...ack, seq: ack.seq + 1 })],
      ['hash', (ack) => ({ ...ack, hash: 'a'.repeat(64) })],
    ];
    castVotes(t.kiosk, election, 2 * TEST_K);
    for (const [field, change] of variants) {
      alter = change;
      const refusedBefore = journaled(t.kiosk.store, 'ack_refused').length;
      const status = await t.kiosk.handlers.syncNow({});
      expect(status.ok && status.value.lastError?.code, field).toBe('ack_invalid');
      expect(status.ok && status.value.batchesWaiting, field).toBe(1);
      expect(journaled(t.kiosk.store, 'ack_refused').length, field).toBeGreaterThan(refusedBefore);
    }
    expect(new SyncStore(t.kiosk.store).batch(1)?.ackedAt).toBeNull();
    alter = null;
    await waitDrained(t);
    expect(reconcile(t.kiosk.store, data.dir)).toEqual(drained);
  });
});

describe('a content refusal (422)', () => {
  it('blocks the chain, keeps the batch’s bytes, and shows the server’s own French message', async () => {
    let posts = 0;
    const t = await newKiosk('invalid-content', {
      sync: {
        fetch: (input, init) => {
          if (isBatchPost(input, init)) posts += 1;
          return fetch(input, init);
        },
      },
    });
    expect((await enrol(t)).ok).toBe(true);
    // Ballots for projects the server's election does not have: the server refuses the batch (422).
    const stranger: ElectionPackage = {
      ...election,
      projects: election.projects.map((p) => ({ ...p, id: `autre-${p.id}` })),
    };
    castVotes(t.kiosk, stranger, 2 * TEST_K);
    t.engine.sealFull();
    const sealed = new SyncStore(t.kiosk.store).batch(1)?.envelopeText;
    expect(sealed).toBeDefined();
    const status = await t.kiosk.handlers.syncNow({});
    expect(status.ok && status.value.blocked).toBe(true);
    const message = status.ok ? (status.value.lastError?.message ?? '') : '';
    expect(message).toMatch(/Projet inconnu dans un bulletin/); // the server's words
    expect(message).toMatch(/équipe centrale/);
    expect(message).not.toMatch(/422|invalid_content/); // codes are for the journal
    expect(journaled(t.kiosk.store, 'sync_blocked')).toContainEqual({
      code: 'sync_blocked',
      status: 422,
      wire: 'invalid_content',
      seq: 1,
    });
    const kept = new SyncStore(t.kiosk.store).batch(1);
    expect(kept?.envelopeText).toBe(sealed);
    expect(kept?.ackedAt).toBeNull();
    // The loop does not resend a refused chain.
    const sent = posts;
    await sleep(500);
    expect(posts).toBe(sent);
    expect(t.engine.status().blocked).toBe(true);
  });
});

describe('restart', () => {
  it('sealed batches and their acks survive closing and reopening the kiosk', async () => {
    const t = await newKiosk('restart');
    expect((await enrol(t)).ok).toBe(true);
    castVotes(t.kiosk, election, 40);
    t.engine.sealFull();
    const before = new SyncStore(t.kiosk.store).allBatches().map((b) => b.envelopeText);
    await t.close();
    opened.splice(opened.indexOf(t), 1);
    const reopened = await openTestKiosk(t.dbPath);
    opened.push(reopened);
    expect(new SyncStore(reopened.kiosk.store).allBatches().map((b) => b.envelopeText)).toEqual(before);
    await waitDrained(reopened);
    expect(reconcile(reopened.kiosk.store, data.dir)).toEqual(drained);
    expect(fs.existsSync(t.dbPath)).toBe(true);
  });
});

describe('the election package refreshed from the server', () => {
  /** The server's election answer replaced by `serve` when set (a fetch wrapper on the kiosk). */
  let serve: unknown = null;
  let t: TestKiosk;
  const corrected: ElectionPackage = {
    ...election,
    revision: 2,
    title: `${election.title} (texte corrigé)`,
  };
  beforeAll(async () => {
    t = await newKiosk('refresh', {
      sync: {
        fetch: (input, init) =>
          serve !== null && isElectionGet(input)
            ? Promise.resolve(jsonResponse(200, serve))
            : fetch(input, init),
      },
    });
    expect((await enrol(t)).ok).toBe(true);
  });

  it('the same election in a new version signed by the authority waits for a mediator, then is installed', async () => {
    const loaded = journaled(t.kiosk.store, 'package_loaded').length;
    serve = signDocument('election', corrected, authorityPrivateKey(data.dir));
    const status = await t.kiosk.handlers.syncNow({});
    expect(status.ok && status.value.lastError).toBeNull();
    expect(status.ok && status.value.pendingCorrectionRevision).toBe(2);
    expect(t.kiosk.context.election()?.title).toBe(election.title);
    expect((await t.kiosk.handlers.applyCorrection({})).ok).toBe(true);
    expect(t.kiosk.context.election()?.title).toBe(corrected.title);
    expect(journaled(t.kiosk.store, 'package_loaded')).toHaveLength(loaded + 1);
  });

  it('a version that does not verify is refused, shown to the mediator, and journaled once', async () => {
    const forger = generateKeyPair();
    serve = signDocument('election', { ...corrected, title: 'Titre falsifié' }, forger.privateKey);
    for (let round = 0; round < 3; round += 1) {
      const status = await t.kiosk.handlers.syncNow({});
      expect(status.ok && status.value.lastError?.code).toBe('package_refused');
      expect(status.ok && status.value.lastError?.message).toMatch(/pas signée par l’équipe centrale/);
    }
    expect(t.kiosk.context.election()?.title).toBe(corrected.title);
    expect(journaled(t.kiosk.store, 'package_refused')).toHaveLength(1);
    // The batches still go: the refusal does not stop the uploads.
    castVotes(t.kiosk, election, 20);
    await waitDrained(t);
    expect(t.engine.status().lastError?.code).toBe('package_refused');
    // Another bad package is another event; the genuine package clears the warning.
    serve = signDocument('election', { ...corrected, title: 'Autre titre falsifié' }, forger.privateKey);
    await t.kiosk.handlers.syncNow({});
    expect(journaled(t.kiosk.store, 'package_refused')).toHaveLength(2);
    serve = null;
    await t.kiosk.handlers.syncNow({});
    expect(t.engine.status().lastError).toBeNull();
    expect(t.kiosk.context.election()?.electionId).toBe(election.electionId);
  });
});

describe('purging acked batches', () => {
  it('is refused while anything waits or the election is open, then purges (audited) for good', async () => {
    let offset = 0;
    let offline = true;
    const t = await newKiosk('purge', {
      now: () => new Date(Date.now() + offset),
      sync: {
        fetch: (input, init) =>
          offline && !String(input).endsWith('/api/v1/kiosks') && !isElectionGet(input)
            ? Promise.reject(new TypeError('fetch failed'))
            : fetch(input, init),
      },
    });
    expect((await enrol(t)).ok).toBe(true);
    castVotes(t.kiosk, election, 2 * TEST_K + 2);
    await t.kiosk.handlers.syncNow({});
    const notSent = await t.kiosk.handlers.purgeAckedBatches({});
    expect(notSent.ok).toBe(false);
    if (!notSent.ok) expect(notSent.error.message).toMatch(/pas encore reçus/);

    offline = false;
    await waitDrained(t);
    // The held-back ballots still wait on the kiosk: nothing may be purged yet.
    const heldBack = await t.kiosk.handlers.purgeAckedBatches({});
    expect(heldBack.ok).toBe(false);
    expect(new SyncStore(t.kiosk.store).allBatches()).toHaveLength(1);

    offset = 61 * 86_400_000; // the election closed by the kiosk clock: the next round sends the final batch
    await t.kiosk.handlers.syncNow({});
    await waitDrained(t);
    expect(t.engine.status().ballotsNotBatched).toBe(0);
    expect(await t.kiosk.handlers.purgeAckedBatches({})).toEqual({ ok: true, value: { purged: 2 } });
    expect(new SyncStore(t.kiosk.store).allBatches()).toEqual([]);
    expect(journaled(t.kiosk.store, 'batches_purged')).toEqual([{ batches: 2 }]);
    expect(journaled(t.kiosk.store, 'purge_refused').map((e) => e['reason'])).toEqual([
      'not_acked',
      'not_acked',
    ]);
    // The chain's head is gone: nothing starts a new chain at seq 1.
    expect(t.engine.closeDay().ok).toBe(false);
    expect(t.engine.sealFinalIfClosed()).toBe(0);
    expect(new SyncStore(t.kiosk.store).allBatches()).toEqual([]);
  });
});

describe('a new election published on the server', () => {
  it('is kept pending for a mediator’s confirmation, then installed when confirmed', async () => {
    const t = goodKiosk;
    const next = testElection('bc-sync-test-suivante');
    const d = openDataDir(data.dir);
    try {
      const published = publishElection(d.store, d.authority, next, new Date());
      expect(published.ok).toBe(true);
    } finally {
      d.store.close();
    }
    const status = await t.kiosk.handlers.syncNow({});
    expect(status.ok && status.value.pendingElectionId).toBe(next.electionId);
    expect(status.ok && status.value.lastError?.code).toBe('election_pending');
    expect(t.kiosk.context.election()?.electionId).toBe(election.electionId);

    const confirmed = t.engine.confirmPendingElection();
    expect(confirmed).toEqual({ ok: true, value: { electionId: next.electionId } });
    expect(t.kiosk.context.election()?.electionId).toBe(next.electionId);
    expect(t.engine.status().pendingElectionId).toBeNull();
  });
});

describe('closing the kiosk', () => {
  it('ends the upload loop: no request after close()', async () => {
    let requests = 0;
    const t = goodKiosk;
    t.engine.configure({
      idleMs: 20,
      fetch: (input, init) => {
        requests += 1;
        return fetch(input, init);
      },
    });
    castVotes(t.kiosk, election, 20);
    t.engine.kick();
    await waitFor(
      () => requests > 0,
      10_000,
      () => 'no request',
    );
    expect(t.engine.looping).toBe(true);
    t.kiosk.close();
    await waitFor(
      () => !t.engine.looping,
      5_000,
      () => 'loop still running after close()',
    );
    await sleep(50);
    const atClose = requests;
    await sleep(500);
    expect(requests).toBe(atClose);
  });
});
