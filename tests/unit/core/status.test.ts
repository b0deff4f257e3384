/**
 * The status's `ballotsCast` is the current election's real ballots: training ballots and ballots of an
 * earlier election kept on the same kiosk are not in it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { insertBallot } from '../../../src/main/core/store.test-helpers';
import { openTestKiosk, tempDir, unwrap, voter, type TestKiosk } from './fixtures';

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

describe('status ballotsCast', () => {
  it('counts the current election’s real ballots only', async () => {
    const h = t.kiosk.handlers;
    const session = await unwrap(h.checkEligibility(voter('Martin')));
    await unwrap(h.castBallot({ sessionId: session.sessionId, choices: ['velo'] }));
    // A year earlier, another election's ballot; and a training ballot during this one.
    insertBallot(
      t.kiosk.store,
      {
        id: 'a'.repeat(32),
        choices: ['jardin'],
        training: false,
        castDay: '2025-09-10',
      },
      t.kiosk.context.keys,
    );
    insertBallot(
      t.kiosk.store,
      {
        id: 'b'.repeat(32),
        choices: ['jardin'],
        training: true,
        castDay: '2026-09-05',
      },
      t.kiosk.context.keys,
    );
    expect(t.kiosk.store.countBallots(false)).toBe(2);
    expect((await unwrap(h.getStatus({}))).ballotsCast).toBe(1);
  });
});
