import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ageBracketFor, ageOn, localDay, parseCalendarDate } from '../../../src/main/core/eligibility';
import { participationToken, participationTokenAsync, toBase64url } from '../../../src/shared/node/crypto';
import { normaliseName } from '../../../src/shared/text';
import {
  makeAuthority,
  makeElection,
  openTestKiosk,
  TEST_TOKEN_KDF,
  tempDir,
  unwrap,
  voter,
  type TestKiosk,
} from './fixtures';
import { countParticipations } from '../../../src/main/core/store.test-helpers';

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

const code = async (p: ReturnType<TestKiosk['kiosk']['handlers']['checkEligibility']>): Promise<string> => {
  const r = await p;
  return r.ok ? 'ok' : r.error.code;
};

describe('age on the day of the vote', () => {
  it('counts the 11th birthday today as 11, tomorrow as 10', async () => {
    t.clock.set(new Date('2026-09-05T10:00:00+02:00'));
    expect(await code(t.kiosk.handlers.checkEligibility(voter('Petit', 'Léo', '2015-09-05')))).toBe('ok');
    expect(await code(t.kiosk.handlers.checkEligibility(voter('Petit', 'Lou', '2015-09-06')))).toBe(
      'too_young',
    );
  });

  it('uses the local date in Europe/Paris, not UTC: 23:30 UTC on 4 September is already the 5th', async () => {
    t.clock.set(new Date('2026-09-04T23:30:00Z'));
    expect(localDay(t.clock.now())).toBe('2026-09-05');
    expect(await code(t.kiosk.handlers.checkEligibility(voter('Petit', 'Léo', '2015-09-05')))).toBe('ok');
    t.clock.set(new Date('2026-09-04T21:30:00Z'));
    expect(await code(t.kiosk.handlers.checkEligibility(voter('Petit', 'Léa', '2015-09-05')))).toBe(
      'too_young',
    );
  });

  it('makes people born on 29 February one year older on 1 March in years without a 29 February', () => {
    const birth = { year: 2012, month: 2, day: 29 };
    expect(ageOn(birth, { year: 2023, month: 2, day: 28 })).toBe(10);
    expect(ageOn(birth, { year: 2023, month: 3, day: 1 })).toBe(11);
    expect(ageOn(birth, { year: 2024, month: 2, day: 28 })).toBe(11);
    expect(ageOn(birth, { year: 2024, month: 2, day: 29 })).toBe(12);
  });

  it('applies the 29 February rule through the API too', async () => {
    const election = makeElection({}, new Date('2023-02-01T00:00:00+01:00'));
    const k = await openTestKiosk(tmp.dir, {
      election,
      at: new Date('2023-02-28T12:00:00+01:00'),
      dbName: 'leap.sqlite',
    });
    expect(await code(k.kiosk.handlers.checkEligibility(voter('Bissextile', 'Jo', '2012-02-29')))).toBe(
      'too_young',
    );
    k.clock.set(new Date('2023-03-01T12:00:00+01:00'));
    expect(await code(k.kiosk.handlers.checkEligibility(voter('Bissextile', 'Jo', '2012-02-29')))).toBe('ok');
    k.close();
  });

  it('refuses birth dates in the future, before 1900, or not on the calendar', async () => {
    for (const birthDate of [
      '2026-09-06',
      '2030-01-01',
      '1899-12-31',
      '2001-02-29',
      '2000-13-01',
      '1990-04-31',
    ]) {
      expect(await code(t.kiosk.handlers.checkEligibility(voter('Date', 'Bad', birthDate))), birthDate).toBe(
        'birth_date_invalid',
      );
    }
    expect(await code(t.kiosk.handlers.checkEligibility(voter('Date', 'Old', '1900-01-01')))).toBe('ok');
    expect(parseCalendarDate('2024-02-29')).toEqual({ year: 2024, month: 2, day: 29 });
  });

  it('puts each age in its statistics bracket', () => {
    expect([11, 17, 18, 25, 26, 40, 41, 60, 61, 75, 76, 104].map(ageBracketFor)).toEqual([
      '11-17',
      '11-17',
      '18-25',
      '18-25',
      '26-40',
      '26-40',
      '41-60',
      '41-60',
      '61-75',
      '61-75',
      '76+',
      '76+',
    ]);
  });
});

describe('commune and names', () => {
  it('refuses a commune of another département, and an unknown code of the Pas-de-Calais', async () => {
    expect(await code(t.kiosk.handlers.checkEligibility(voter('X', 'Y', '1980-01-01', '59350')))).toBe(
      'commune_outside_department',
    );
    expect(await code(t.kiosk.handlers.checkEligibility(voter('X', 'Y', '1980-01-01', '62999')))).toBe(
      'commune_unknown',
    );
  });

  it('asks for both names', async () => {
    expect(await code(t.kiosk.handlers.checkEligibility(voter('', 'Anne')))).toBe('name_missing');
    expect(await code(t.kiosk.handlers.checkEligibility(voter('Martin', '  - ')))).toBe('name_missing');
  });

  it('gives the same person the same token however the name is typed (accents, hyphens, apostrophes, case)', async () => {
    const h = t.kiosk.handlers;
    const session = await unwrap(
      h.checkEligibility(voter("D'Artagnan-Lefèvre", 'Hélène-Françoise', '1975-03-02')),
    );
    await unwrap(h.castBallot({ sessionId: session.sessionId, choices: ['jardin'] }));
    for (const [family, first] of [
      ['d artagnan lefevre', 'helene francoise'],
      ['D’ARTAGNAN LEFÈVRE', 'HÉLÈNE FRANÇOISE'],
      ['d-artagnan--lefevre ', ' Helene-Francoise'],
    ] as const) {
      const again = await h.checkEligibility(voter(family, first, '1975-03-02'));
      expect(!again.ok && again.error.code, `${family} ${first}`).toBe('already_voted');
      expect(!again.ok && again.error.message).toMatch(/existe déjà.*médiateur/);
    }
    // Another birth date or another first name is another person.
    expect(
      await code(h.checkEligibility(voter("D'Artagnan-Lefèvre", 'Hélène-Françoise', '1975-03-03'))),
    ).toBe('ok');
    expect(await code(h.checkEligibility(voter("D'Artagnan-Lefèvre", 'Hélène', '1975-03-02')))).toBe('ok');
  });

  it('refuses a person found in the register pulled from the server', async () => {
    const h = t.kiosk.handlers;
    const session = await unwrap(h.checkEligibility(voter('Remote', 'Ada')));
    await unwrap(h.castBallot({ sessionId: session.sessionId, choices: ['velo'] }));
    const token = t.kiosk.store.listParticipations()[0]?.token ?? '';
    // The same register on a second kiosk, as sync would have merged it.
    const other = await openTestKiosk(tmp.dir, { dbName: 'other.sqlite', authority: t.authority });
    other.kiosk.store.addRemoteParticipations([token]);
    expect(await code(other.kiosk.handlers.checkEligibility(voter('Remote', 'Ada')))).toBe('already_voted');
    other.close();
  });

  it('returns the voter’s territory from the package, and opens a session without keeping any name', async () => {
    const session = await unwrap(
      t.kiosk.handlers.checkEligibility(voter('Nom', 'Prénom', '1950-01-01', '62193')),
    );
    expect(session).toMatchObject({ ageBracket: '76+', territoryId: 'calaisis' });
    expect(session.sessionId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('refuses before and after the voting window', async () => {
    const election = makeElection();
    t.clock.set(new Date(Date.parse(election.opensAt) - 1000));
    expect(await code(t.kiosk.handlers.checkEligibility(voter('Tôt', 'Ana')))).toBe('election_not_open');
    t.clock.set(new Date(Date.parse(election.closesAt)));
    expect(await code(t.kiosk.handlers.checkEligibility(voter('Tard', 'Ana')))).toBe('election_closed');
  });
});

describe('training mode', () => {
  it('never blocks a real vote later, nor another practice vote', async () => {
    const h = t.kiosk.handlers;
    await unwrap(h.setTraining({ training: true }));
    for (let i = 0; i < 2; i++) {
      const s = await unwrap(h.checkEligibility(voter('Formation', 'Médiatrice')));
      const receipt = await unwrap(h.castBallot({ sessionId: s.sessionId, choices: ['velo'] }));
      expect(receipt.training).toBe(true);
    }
    await unwrap(h.setTraining({ training: false }));
    const real = await unwrap(h.checkEligibility(voter('Formation', 'Médiatrice')));
    const receipt = await unwrap(h.castBallot({ sessionId: real.sessionId, choices: ['velo'] }));
    expect(receipt.training).toBe(false);
    expect(t.kiosk.store.countBallots(true)).toBe(2);
    expect(countParticipations(t.kiosk.store, true)).toBe(2);
    expect(t.kiosk.store.countBallots(false)).toBe(1);
    expect((await unwrap(h.getStatus({}))).ballotsCast).toBe(1);
    // And the real vote blocks the next real attempt.
    expect(await code(h.checkEligibility(voter('Formation', 'Médiatrice')))).toBe('already_voted');
  });

  it('is kept across restarts and journaled', async () => {
    await unwrap(t.kiosk.handlers.setTraining({ training: true }));
    t.close();
    const again = await openTestKiosk(tmp.dir, { authority: t.authority });
    expect((await unwrap(again.kiosk.handlers.getStatus({}))).training).toBe(true);
    expect(again.kiosk.store.listAuditEvents().filter((e) => e.kind === 'training_changed')).toHaveLength(1);
    again.close();
  });
});

describe('the participation token (docs/secrecy.md §5)', () => {
  // Computed outside this code base, with Python's hashlib and hmac modules:
  //   s = hashlib.scrypt(b'v2|lefevre d argent|marie helene|1954-02-28', salt=b'test-token-salt-16b',
  //                      n=1024, r=8, p=1, dklen=32)
  //   hmac.new(bytes(range(1, 33)), s, hashlib.sha256)
  const key = toBase64url(Buffer.from(Array.from({ length: 32 }, (_, i) => i + 1)));
  const expected = '8e050f202984b447a570bbb535a528ad64438a0ff25dc8d1d4531a583fb2c811';

  it('is HMAC-SHA256(key, scrypt("v2|family|first|YYYY-MM-DD", the package\'s tokenKdf)), sync and async alike', async () => {
    expect(normaliseName('Lefèvre-D’Argent')).toBe('lefevre d argent');
    expect(normaliseName('  MARIE  Hélène ')).toBe('marie helene');
    expect(participationToken(key, 'lefevre d argent', 'marie helene', '1954-02-28', TEST_TOKEN_KDF)).toBe(
      expected,
    );
    expect(
      await participationTokenAsync(key, 'lefevre d argent', 'marie helene', '1954-02-28', TEST_TOKEN_KDF),
    ).toBe(expected);
  });

  it('is what the kiosk stores for that person, and nothing of the name', async () => {
    t.close();
    const fixed = await openTestKiosk(tmp.dir, {
      dbName: 'fixed-key.sqlite',
      authority: { ...makeAuthority(), participationKey: key },
    });
    try {
      const s = await unwrap(
        fixed.kiosk.handlers.checkEligibility(voter("LEFEVRE-d'argent", 'Marie Hélène', '1954-02-28')),
      );
      await unwrap(fixed.kiosk.handlers.castBallot({ sessionId: s.sessionId, choices: ['velo'] }));
      expect(fixed.kiosk.store.listParticipations().map((p) => p.token)).toEqual([expected]);
    } finally {
      fixed.close();
    }
  });
});
