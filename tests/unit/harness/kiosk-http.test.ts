/**
 * The browser harness in front of the REAL kiosk core on a temporary SQLite file: a voter's eligibility
 * check and cast over HTTP land rows in the file; a request without the right secret, or with a bad
 * payload, changes nothing in it.
 */
import { readKioskVotes } from '../../kiosk-file';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HARNESS_TOKEN_HEADER, httpPath, type KioskMethod } from '../../../src/shared/api';
import { startHarness, type Harness } from '../../../src/main/harness/server';
import { openTestKiosk, tempDir, voter, type TestKiosk } from '../core/fixtures';
import { call } from './http';

const temp = tempDir('isoloir-harness-core-');
let kiosk: TestKiosk;
let harness: Harness;

beforeAll(async () => {
  kiosk = await openTestKiosk(temp.dir);
  harness = await startHarness({ kiosk: kiosk.kiosk, rendererDir: null });
});
afterAll(async () => {
  await harness.close();
  kiosk.close();
  temp.remove();
});

/** What the file holds, read by another connection (what a crash would leave). */
function rows(): { ballots: number; participations: number } {
  const { ballots, participations } = readKioskVotes(kiosk.dbPath);
  return { ballots: ballots.length, participations: participations.length };
}

const api = (method: KioskMethod, input: unknown, token: string | null = harness.token) =>
  call(harness.origin, httpPath(method), input, token === null ? {} : { [HARNESS_TOKEN_HEADER]: token });

describe('harness + real core', () => {
  it('refuses eligibility and cast without the secret, and nothing changes in the file', async () => {
    const before = rows();
    for (const token of [null, 'wrong', `${harness.token}x`]) {
      const eligibility = await api('checkEligibility', voter('Martin'), token);
      expect(eligibility.status).toBe(401);
      expect(eligibility.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
      const cast = await api('castBallot', { sessionId: 'a'.repeat(32), choices: ['jardin'] }, token);
      expect(cast.status).toBe(401);
    }
    expect(rows()).toEqual(before);
    // The refused eligibility did not register the voter: the same person can still vote.
    const allowed = await api('checkEligibility', voter('Martin'));
    expect(allowed.json()).toMatchObject({ ok: true });
    await api('endSession', {
      sessionId: (allowed.json() as { value: { sessionId: string } }).value.sessionId,
    });
  });

  it('answers invalid_input to bad payloads, and nothing changes in the file', async () => {
    const before = rows();
    for (const [method, input] of [
      ['checkEligibility', { ...voter('Bernard'), communeCode: 'Arras' }],
      ['checkEligibility', { ...voter('Bernard'), birthDate: '15/06/1980' }],
      ['checkEligibility', { ...voter('Bernard'), admin: true }],
      ['castBallot', { sessionId: 'not-hex', choices: ['jardin'] }],
      ['castBallot', { sessionId: 'a'.repeat(32), choices: ['Jardin!'] }],
      ['castBallot', { sessionId: 'a'.repeat(32), choices: 'jardin' }],
    ] as const) {
      const res = await api(method, input);
      expect(res.status).toBe(200);
      expect(res.json(), `${method} ${JSON.stringify(input)}`).toMatchObject({
        ok: false,
        error: { code: 'invalid_input' },
      });
    }
    expect(rows()).toEqual(before);
  });

  it('lands a ballot and a participation in the SQLite file for a full eligibility + cast', async () => {
    const before = rows();
    const status = await api('getStatus', {});
    expect(status.json()).toMatchObject({ ok: true, value: { state: 'open', kioskId: kiosk.kiosk.kioskId } });

    const session = await api('checkEligibility', voter('Lefebvre', 'Jeanne', '1950-02-28', '62193'));
    const sessionBody = session.json() as { ok: boolean; value: { sessionId: string; ageBracket: string } };
    expect(sessionBody).toMatchObject({ ok: true, value: { ageBracket: '76+' } });

    const cast = await api('castBallot', {
      sessionId: sessionBody.value.sessionId,
      choices: ['velo', 'jardin'],
    });
    expect(cast.json()).toMatchObject({
      ok: true,
      value: { training: false, receiptCode: expect.any(String) },
    });
    expect(rows()).toEqual({ ballots: before.ballots + 1, participations: before.participations + 1 });

    // The same person cannot vote twice through the harness either.
    const again = await api('checkEligibility', voter('Lefebvre', 'Jeanne', '1950-02-28', '62193'));
    expect(again.json()).toMatchObject({ ok: false, error: { code: 'already_voted' } });
    expect(rows()).toEqual({ ballots: before.ballots + 1, participations: before.participations + 1 });
  });
});
