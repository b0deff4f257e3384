/**
 * The hold-back through the kiosk's own API (docs/secrecy.md, "Secrecy once published" §1), on a real
 * SQLite file with a K = 10 package: casts seal K of 2K in their own commit, closing the day seals
 * nothing, the election's close (kiosk clock past `closesAt`, seen at a sync round or at start) seals
 * the rest as the final batch, and after it nothing more is cast or sealed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fromBase64url, parseJsonBytes } from '../../../src/shared/node/crypto';
import { BatchPayload } from '../../../src/shared/wire';
import { openKiosk } from '../../../src/main/core/kiosk';
import {
  DAY_MS,
  IN_WINDOW,
  TEST_K as K,
  makeElection,
  openTestKiosk,
  tempDir,
  unwrap,
  voter,
  type TestKiosk,
} from './fixtures';
import { unlockTestMediator } from './fixtures';

let tmp: ReturnType<typeof tempDir>;
let t: TestKiosk;
const election = makeElection();
const AFTER_CLOSE = new Date(Date.parse(election.closesAt) + 60_000);

beforeEach(async () => {
  tmp = tempDir();
  t = await openTestKiosk(tmp.dir, { election });
  t.kiosk.sync.configure({ idleMs: 1e9, probeMs: 1e9 });
});
afterEach(() => {
  t.close();
  tmp.remove();
});

let voters = 0;
async function castVotes(n: number, kiosk = t.kiosk): Promise<void> {
  for (let i = 0; i < n; i += 1) {
    voters += 1;
    const s = await unwrap(kiosk.handlers.checkEligibility(voter(`Retenue${voters}`)));
    await unwrap(kiosk.handlers.castBallot({ sessionId: s.sessionId, choices: ['velo'] }));
  }
}

const payloads = (kiosk = t.kiosk): BatchPayload[] =>
  kiosk.sync.syncStore
    .allBatches()
    .map((b) => BatchPayload.parse(parseJsonBytes(fromBase64url(b.envelope.payload) ?? Buffer.alloc(0))));

describe('the hold-back on the kiosk', () => {
  it('seals K when a cast brings 2K open, never before', async () => {
    await castVotes(2 * K - 1);
    expect(payloads()).toEqual([]);
    await castVotes(1);
    expect(payloads().map((p) => [p.ballots.length, p.receipts.length, p.participations.count])).toEqual([
      [K, K, K],
    ]);
    expect(t.kiosk.sync.status().ballotsNotBatched).toBe(K);
  });

  it('closing the day seals nothing: the open ballots wait for the next day', async () => {
    await castVotes(3);
    const closed = t.kiosk.sync.closeDay();
    expect(closed).toEqual({ ok: true, value: { day: '2026-09-05', ballots: 3, participations: 3 } });
    expect(payloads()).toEqual([]);
    expect(t.kiosk.sync.status().ballotsNotBatched).toBe(3);
    // Next day: the carried-over ballots count toward the next 2K.
    t.clock.advance(DAY_MS);
    await castVotes(2 * K - 3);
    expect(payloads().map((p) => p.ballots.length)).toEqual([K]);
  });

  it('the election’s close seals the rest as the final batch at the next round; then nothing more is cast', async () => {
    await castVotes(2 * K + 4);
    expect(t.kiosk.sync.sealFinalIfClosed()).toBe(0);
    t.clock.set(AFTER_CLOSE);
    // The round seals before it looks for a server (this kiosk has none).
    await t.kiosk.sync.runRound();
    expect(payloads().map((p) => [p.ballots.length, p.final])).toEqual([
      [K, false],
      [K + 4, true],
    ]);
    expect(t.kiosk.sync.status().ballotsNotBatched).toBe(0);
    expect(t.kiosk.sync.finalSealed()).toBe(true);
    // A kiosk clock set back into the window does not reopen the election.
    t.clock.set(IN_WINDOW);
    const s = await unwrap(t.kiosk.handlers.checkEligibility(voter('Trop-Tard')));
    const late = await t.kiosk.handlers.castBallot({ sessionId: s.sessionId, choices: ['velo'] });
    expect(!late.ok && late.error.code).toBe('election_closed');
    expect(t.kiosk.sync.sealFinalIfClosed()).toBe(0);
    expect(payloads()).toHaveLength(2);
  });

  it('a kiosk started after the close seals its final batch, training apart, once a mediator unlocks its keys', async () => {
    await castVotes(4);
    await unwrap(t.kiosk.handlers.setTraining({ training: true }));
    await castVotes(2);
    t.close();
    const reopened = openKiosk({ dbPath: t.dbPath, now: () => AFTER_CLOSE, communesPath: tmp.path('none') });
    try {
      // Sealing signs: nothing can be sealed while the keys are locked.
      expect(reopened.sync.sealFinalIfClosed()).toBe(0);
      expect(payloads(reopened)).toEqual([]);
      await unlockTestMediator(reopened);
      expect(reopened.sync.sealFinalIfClosed()).toBe(2);
      expect(payloads(reopened).map((p) => [p.training, p.ballots.length, p.final])).toEqual([
        [false, 4, true],
        [true, 2, true],
      ]);
    } finally {
      reopened.close();
    }
  });
});
