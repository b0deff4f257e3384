import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { receiptCheckUrl, validateChoices } from '../../../src/main/core/ballots';
import { receiptCommitment } from '../../../src/shared/node/crypto';
import { receiptCodeFromBytes } from '../../../src/shared/receipt';
import { makeElection, openTestKiosk, tempDir, unwrap, voter, type TestKiosk } from './fixtures';
import { countParticipations, openReceiptCommitments } from '../../../src/main/core/store.test-helpers';

let tmp: ReturnType<typeof tempDir>;
let t: TestKiosk;
beforeEach(async () => {
  tmp = tempDir();
  t = await openTestKiosk(tmp.dir);
});
afterEach(() => {
  t.close();
  tmp.remove();
});

const counts = (k: TestKiosk): { ballots: number; participations: number; audit: number } => ({
  ballots: k.kiosk.store.countBallots(false) + k.kiosk.store.countBallots(true),
  participations: countParticipations(k.kiosk.store, false) + countParticipations(k.kiosk.store, true),
  audit: k.kiosk.store.listAuditEvents().length,
});

describe('choice validation', () => {
  const election = makeElection();
  const codeOf = (choices: string[]): string => {
    const r = validateChoices(election, choices);
    return r.ok ? 'ok' : r.error.code;
  };

  it('accepts 1 to 3 distinct known projects and sorts them', () => {
    expect(validateChoices(election, ['velo', 'jardin', 'epicerie'])).toEqual({
      ok: true,
      value: ['epicerie', 'jardin', 'velo'],
    });
    expect(codeOf(['velo'])).toBe('ok');
  });

  it('refuses 0 and 4 choices, repeats and unknown ids', () => {
    expect(codeOf([])).toBe('choices_too_few');
    expect(codeOf(['velo', 'jardin', 'epicerie', 'tiers-lieu'])).toBe('choices_too_many');
    expect(codeOf(['velo', 'velo'])).toBe('choice_repeated');
    expect(codeOf(['velo', 'piscine'])).toBe('choice_unknown');
  });
});

describe('receipt', () => {
  it('is 40 random bits in Crockford base32, XXXX-XXXX', () => {
    expect(receiptCodeFromBytes(new Uint8Array(5))).toBe('0000-0000');
    expect(receiptCodeFromBytes(new Uint8Array(5).fill(255))).toBe('ZZZZ-ZZZZ');
    // 0x0842108421 = 00001 00001 00001 … (eight groups of 5 bits equal to 1)
    expect(receiptCodeFromBytes(Uint8Array.from([0x08, 0x42, 0x10, 0x84, 0x21]))).toBe('1111-1111');
  });

  it('links to the package’s check address with the code and the kiosk id, or null', () => {
    const kiosk = 'c'.repeat(32);
    expect(receiptCheckUrl(makeElection(), '7K3F-Q9XM', kiosk)).toBe(
      `https://budget.example.fr/recu/?code=7K3F-Q9XM&kiosk=${kiosk}`,
    );
    expect(
      receiptCheckUrl(makeElection({ receiptCheckUrl: 'https://x.fr/recu?lang=fr' }), 'AAAA-0000', kiosk),
    ).toBe(`https://x.fr/recu?lang=fr&code=AAAA-0000&kiosk=${kiosk}`);
    const { receiptCheckUrl: _none, ...without } = makeElection();
    expect(receiptCheckUrl({ ...without }, '7K3F-Q9XM', kiosk)).toBeNull();
  });
});

describe('castBallot', () => {
  it('writes the ballot, the participation, the receipt commitment (never the code) and one audit event', async () => {
    const h = t.kiosk.handlers;
    const before = counts(t);
    const session = await unwrap(
      h.checkEligibility({ ...voter('Bernard', 'Luc', '1990-01-01', '62193'), assisted: true }),
    );
    const receipt = await unwrap(
      h.castBallot({ sessionId: session.sessionId, choices: ['velo', 'epicerie'] }),
    );
    expect(counts(t)).toEqual({ ballots: 1, participations: 1, audit: before.audit + 1 });
    const [ballot] = t.kiosk.store.listBallots();
    expect(ballot).toMatchObject({
      choices: ['epicerie', 'velo'],
      training: false,
      castDay: '2026-09-05',
      batchSeq: null,
    });
    expect(ballot?.id).toMatch(/^[0-9a-f]{32}$/);
    expect(receipt.receiptCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(receipt).toEqual({
      receiptCode: receipt.receiptCode,
      checkUrl: `https://budget.example.fr/recu/?code=${receipt.receiptCode}&kiosk=${t.kiosk.kioskId}`,
      training: false,
    });
    expect(openReceiptCommitments(t.kiosk.store, t.kiosk.context.keys, false)).toEqual([
      receiptCommitment(t.kiosk.kioskId, receipt.receiptCode),
    ]);
    expect(t.kiosk.store.listParticipations()[0]).toMatchObject({
      communeCode: '62193',
      ageBracket: '26-40',
      assisted: true,
      training: false,
    });
  });

  it('refuses invalid choices and writes nothing', async () => {
    const h = t.kiosk.handlers;
    const session = await unwrap(h.checkEligibility(voter('Invalide')));
    const before = counts(t);
    for (const [choices, expected] of [
      [[], 'choices_too_few'],
      [['velo', 'jardin', 'epicerie', 'tiers-lieu'], 'choices_too_many'],
      [['jardin', 'jardin'], 'choice_repeated'],
      [['inconnu'], 'choice_unknown'],
    ] as const) {
      const r = await h.castBallot({ sessionId: session.sessionId, choices: [...choices] });
      expect(!r.ok && r.error.code).toBe(expected);
    }
    expect(counts(t)).toEqual(before);
    // The session is still usable after a refused choice.
    await unwrap(h.castBallot({ sessionId: session.sessionId, choices: ['jardin'] }));
  });

  it('casts once per session: a second ballot in the same session returns the same receipt and writes nothing', async () => {
    const h = t.kiosk.handlers;
    const session = await unwrap(h.checkEligibility(voter('Double')));
    const first = await unwrap(h.castBallot({ sessionId: session.sessionId, choices: ['velo'] }));
    const after = counts(t);
    const second = await unwrap(
      h.castBallot({ sessionId: session.sessionId, choices: ['jardin', 'epicerie'] }),
    );
    expect(second).toEqual(first);
    expect(counts(t)).toEqual(after);
    expect(t.kiosk.store.listBallots().map((b) => b.choices)).toEqual([['velo']]);
  });

  it('casts once for concurrent calls of the same session (double tap)', async () => {
    const h = t.kiosk.handlers;
    const session = await unwrap(h.checkEligibility(voter('Concurrent')));
    const calls = Array.from({ length: 5 }, () =>
      Promise.resolve().then(() => h.castBallot({ sessionId: session.sessionId, choices: ['velo'] })),
    );
    const receipts = await Promise.all(calls.map((c) => unwrap(c)));
    expect(new Set(receipts.map((r) => r.receiptCode)).size).toBe(1);
    expect(counts(t).ballots).toBe(1);
    expect(counts(t).participations).toBe(1);
  });

  it('refuses the second of two sessions of the same person (already_voted) and writes nothing', async () => {
    const h = t.kiosk.handlers;
    const a = await unwrap(h.checkEligibility(voter('Jumeau', 'Sam')));
    const b = await unwrap(h.checkEligibility(voter('JUMEAU', 'sam')));
    await unwrap(h.castBallot({ sessionId: a.sessionId, choices: ['velo'] }));
    const before = counts(t);
    const r = await h.castBallot({ sessionId: b.sessionId, choices: ['jardin'] });
    expect(!r.ok && r.error.code).toBe('already_voted');
    expect(counts(t)).toEqual(before);
  });

  it('refuses an unknown session, an ended session and an expired session', async () => {
    const h = t.kiosk.handlers;
    const unknown = await h.castBallot({ sessionId: '0'.repeat(32), choices: ['velo'] });
    expect(!unknown.ok && unknown.error.code).toBe('session_unknown');
    const ended = await unwrap(h.checkEligibility(voter('Fin')));
    await unwrap(h.endSession({ sessionId: ended.sessionId }));
    const afterEnd = await h.castBallot({ sessionId: ended.sessionId, choices: ['velo'] });
    expect(!afterEnd.ok && afterEnd.error.code).toBe('session_unknown');
    const slow = await unwrap(h.checkEligibility(voter('Lent')));
    t.clock.advance(15 * 60 * 1000);
    const expired = await h.castBallot({ sessionId: slow.sessionId, choices: ['velo'] });
    expect(!expired.ok && expired.error.code).toBe('session_expired');
    expect(counts(t).ballots).toBe(0);
  });

  it('honours a configured session time', async () => {
    const k = await openTestKiosk(tmp.dir, { dbName: 'ttl.sqlite', sessionTtlMs: 60_000 });
    const s = await unwrap(k.kiosk.handlers.checkEligibility(voter('Rapide')));
    k.clock.advance(59_000);
    await unwrap(k.kiosk.handlers.castBallot({ sessionId: s.sessionId, choices: ['velo'] }));
    const s2 = await unwrap(k.kiosk.handlers.checkEligibility(voter('Lente')));
    k.clock.advance(60_000);
    const r = await k.kiosk.handlers.castBallot({ sessionId: s2.sessionId, choices: ['velo'] });
    expect(!r.ok && r.error.code).toBe('session_expired');
    k.close();
  });

  it('refuses to cast once the election has closed, even with an open session', async () => {
    const h = t.kiosk.handlers;
    const s = await unwrap(h.checkEligibility(voter('Dernière', 'Minute')));
    t.clock.set(new Date(makeElection().closesAt));
    const r = await h.castBallot({ sessionId: s.sessionId, choices: ['velo'] });
    expect(!r.ok && r.error.code).toBe('election_closed');
    expect(counts(t).ballots).toBe(0);
  });

  it('writes training votes apart, marked training', async () => {
    const h = t.kiosk.handlers;
    await unwrap(h.setTraining({ training: true }));
    const s = await unwrap(h.checkEligibility(voter('Essai')));
    const receipt = await unwrap(h.castBallot({ sessionId: s.sessionId, choices: ['velo'] }));
    expect(receipt.training).toBe(true);
    expect(t.kiosk.store.listBallots()[0]?.training).toBe(true);
    expect(t.kiosk.store.listParticipations()[0]?.training).toBe(true);
  });

  it('drops open sessions when the mode changes, so no session casts in the other mode', async () => {
    const h = t.kiosk.handlers;
    const s = await unwrap(h.checkEligibility(voter('Bascule')));
    await unwrap(h.setTraining({ training: true }));
    const r = await h.castBallot({ sessionId: s.sessionId, choices: ['velo'] });
    expect(!r.ok && r.error.code).toBe('session_unknown');
  });

  it('answers storage_failed and keeps nothing when the disk refuses the write', async () => {
    const h = t.kiosk.handlers;
    const s = await unwrap(h.checkEligibility(voter('Disque', 'Plein')));
    // Another process holds the write lock (as a full or locked disk would refuse us).
    const other = new Database(t.dbPath, { timeout: 0 });
    t.kiosk.store.db.pragma('busy_timeout = 0');
    other.exec('BEGIN IMMEDIATE');
    const r = await h.castBallot({ sessionId: s.sessionId, choices: ['velo'] });
    other.exec('ROLLBACK');
    other.close();
    expect(!r.ok && r.error.code).toBe('storage_failed');
    expect(counts(t).ballots).toBe(0);
    // The same session can try again once the disk is back.
    await unwrap(h.castBallot({ sessionId: s.sessionId, choices: ['velo'] }));
    expect(counts(t).ballots).toBe(1);
  });
});
