/**
 * The voter's session store run against a real kiosk core on a real SQLite file, through the same
 * dispatch/client pair the transports use: eligibility opens a session and shuffles the projects, a
 * refusal is kept for the screen, the cast happens once however often it is asked, a cast the core
 * could not store never reaches "Merci", and ending the voter wipes the session and calls the other
 * stores' reset.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKioskClient, dispatch } from '../../../src/shared/dispatch';
import { err } from '../../../src/shared/result';
import { createSessionStore } from '../../../src/renderer/src/stores/session';
import { openTestKiosk, tempDir, voter, type TestKiosk } from '../core/fixtures';

let temp: ReturnType<typeof tempDir>;
let test: TestKiosk;
let resets: number;

const makeStore = (castFails = false) => {
  const api = createKioskClient(async (method, input) =>
    // The core as a failing disk would make it answer: the cast is refused, nothing is committed.
    castFails && method === 'castBallot'
      ? err('storage_failed', 'Le vote n’a pas pu être enregistré.')
      : dispatch(test.kiosk.handlers, method, input),
  );
  return createSessionStore({ api, onVoterEnd: () => (resets += 1) });
};

beforeEach(async () => {
  temp = tempDir('isoloir-renderer-');
  test = await openTestKiosk(temp.dir);
  resets = 0;
});
afterEach(() => {
  test.close();
  temp.remove();
});

/** Ballots stored by the core (training excluded), read through its store. */
const ballotCount = (): number => test.kiosk.store.countBallots(false);

describe('session store', () => {
  it('loads the election, opens a session on eligibility and shuffles every project once', async () => {
    const store = makeStore();
    await store.getState().load();
    expect(store.getState().status?.state).toBe('open');
    expect(store.getState().election?.election.projects).toHaveLength(5);
    store.getState().start();
    expect(store.getState().screen).toBe('eligibility');
    expect(await store.getState().checkEligibility(voter('Durand'))).toBe(true);
    const { voter: session, order, screen } = store.getState();
    expect(screen).toBe('browse');
    expect(session?.territoryId).toBe('arrageois');
    expect([...order].sort()).toEqual(['epicerie', 'jardin', 'repair-cafe', 'tiers-lieu', 'velo']);
  });

  it('keeps a refusal for the screen and stays on eligibility', async () => {
    const store = makeStore();
    await store.getState().load();
    store.getState().start();
    const young = voter('Petit', 'Léo', '2022-01-01');
    expect(await store.getState().checkEligibility(young)).toBe(false);
    expect(store.getState().refusal?.code).toBe('too_young');
    expect(store.getState().screen).toBe('eligibility');
    store.getState().clearRefusal();
    expect(store.getState().refusal).toBeNull();
  });

  it('casts once, even when asked twice at the same time, and shows the receipt', async () => {
    const store = makeStore();
    await store.getState().load();
    store.getState().start();
    await store.getState().checkEligibility(voter('Martin'));
    await Promise.all([store.getState().cast(['jardin', 'velo']), store.getState().cast(['jardin', 'velo'])]);
    await store.getState().cast(['jardin']);
    expect(store.getState().screen).toBe('thanks');
    expect(store.getState().receipt?.receiptCode).toMatch(/\S{4,}/);
    expect(store.getState().receipt?.checkUrl).toMatch(/^https:\/\/budget\.example\.fr\/recu\//);
    expect(ballotCount()).toBe(1);
  });

  it('a cast the core could not store keeps the voter on the review screen with the error, never "Merci"', async () => {
    const store = makeStore(true);
    await store.getState().load();
    store.getState().start();
    await store.getState().checkEligibility(voter('Lefebvre'));
    store.getState().goTo('review');
    await store.getState().cast(['jardin', 'velo']);
    expect(store.getState()).toMatchObject({
      screen: 'review',
      receipt: null,
      casting: false,
      castError: { code: 'storage_failed' },
    });
    expect(ballotCount()).toBe(0);
    // The voter's session is still there, so "Valider mon vote" may be tried again.
    expect(store.getState().voter).not.toBeNull();
  });

  it('ending the voter wipes the session and resets the other stores; the core forgets the session', async () => {
    const store = makeStore();
    await store.getState().load();
    store.getState().start();
    await store.getState().checkEligibility(voter('Bernard'));
    const sessionId = store.getState().voter?.sessionId ?? '';
    await store.getState().endVoter();
    expect(store.getState()).toMatchObject({ screen: 'welcome', voter: null, order: [], receipt: null });
    expect(resets).toBe(1);
    // The election stays loaded for the next voter.
    expect(store.getState().election).not.toBeNull();
    const late = await test.kiosk.handlers.castBallot({ sessionId, choices: ['jardin'] });
    expect(late.ok).toBe(false);
    expect(ballotCount()).toBe(0);
  });
});
