/**
 * The mediator store run against a real kiosk core on a real SQLite file, through the dispatch/client
 * pair the transports use (roles enforced as in the harness): the login by account (a wrong PIN keeps it
 * with the core's refusal), the space's day (pause, resume, close with its signed report), a session the
 * core closed sending an action back to the login and the polling back to the welcome screen, the
 * accounts and one's own PIN, and the escape hatch: a login over a voter's session ends that session in
 * the core, never before the PIN is accepted; a correction of the election read and applied from the
 * home page.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeReport } from '../../../src/renderer/src/lib/report';
import { createMediatorStore } from '../../../src/renderer/src/stores/mediator';
import { createKioskClient, dispatch } from '../../../src/shared/dispatch';
import {
  makeElection,
  openTestKiosk,
  signElection,
  tempDir,
  TEST_MEDIATOR,
  voter,
  type TestKiosk,
} from '../core/fixtures';

let temp: ReturnType<typeof tempDir>;
let test: TestKiosk;
let changes: number;
let votersEnded: number;

const client = () => createKioskClient(async (method, input) => dispatch(test.kiosk.handlers, method, input));

const makeStore = () =>
  createMediatorStore({
    api: client(),
    onKioskChanged: () => (changes += 1),
    onVoterEnded: () => (votersEnded += 1),
  });

beforeEach(async () => {
  temp = tempDir('isoloir-mediator-');
  test = await openTestKiosk(temp.dir);
  changes = 0;
  votersEnded = 0;
});
afterEach(() => {
  test.close();
  temp.remove();
});

describe('mediator store', () => {
  it('logs in by account: a wrong PIN keeps the login with the core refusal, the right one opens the space', async () => {
    await test.kiosk.handlers.lockMediator({});
    const store = makeStore();
    await store.getState().open();
    expect(store.getState().view).toBe('login');
    expect(store.getState().accounts?.accounts.map((a) => a.name)).toEqual([TEST_MEDIATOR.name]);

    expect(await store.getState().unlock(test.mediatorId, '000000')).toBe(false);
    expect(store.getState()).toMatchObject({
      view: 'login',
      errorAt: 'login',
      error: { code: 'unauthorized', details: { triesLeft: 4 } },
    });
    expect(await store.getState().unlock(test.mediatorId, TEST_MEDIATOR.pin)).toBe(true);
    expect(store.getState()).toMatchObject({
      view: 'space',
      page: 'home',
      accounts: { current: { id: test.mediatorId } },
      kiosk: { day: { state: 'open' } },
    });
    expect(votersEnded).toBe(0);
  });

  it('pauses with the time it resumes, resumes, and closes the day with a signed closing report', async () => {
    const store = makeStore();
    await store.getState().open();
    const reopensAt = new Date(test.clock.now().getTime() + 3_600_000).toISOString();
    expect(await store.getState().pauseDay(reopensAt)).toBe(true);
    expect(store.getState().kiosk?.day).toMatchObject({ state: 'paused' });
    expect(Date.parse(store.getState().kiosk?.day.reopensAt ?? '')).toBe(Date.parse(reopensAt));
    expect(await store.getState().resumeDay()).toBe(true);
    expect(store.getState().kiosk?.day.state).toBe('open');
    expect(await store.getState().closeDay({ note: 'Rien à signaler.' })).toBe(true);
    const report = store.getState().report;
    expect(report?.kind).toBe('closing');
    expect(decodeReport(report?.document ?? { payload: '' })).toMatchObject({
      kind: 'closing',
      note: 'Rien à signaler.',
      mediators: [TEST_MEDIATOR.name],
    });
    expect(store.getState().kiosk?.day.state).toBe('closed');
    expect(changes).toBe(3);
  });

  it('goes back to the login when the core refuses an action, and to welcome when polling finds it closed', async () => {
    const store = makeStore();
    await store.getState().open();
    expect(store.getState().view).toBe('space');
    await test.kiosk.handlers.lockMediator({});
    await store.getState().syncNow();
    expect(store.getState()).toMatchObject({ view: 'login', error: { code: 'unauthorized' } });

    await store.getState().unlock(test.mediatorId, TEST_MEDIATOR.pin);
    expect(store.getState().view).toBe('space');
    await test.kiosk.handlers.lockMediator({});
    await store.getState().refresh();
    expect(store.getState().view).toBe('closed');
    expect(changes).toBe(1);
  });

  it('adds and removes an account; a wrong current PIN when changing mine stays in the space', async () => {
    const store = makeStore();
    await store.getState().open();
    expect(await store.getState().addMediator('Jean-Éric Dupont', '135790')).toBe(true);
    expect(store.getState().notice).toBe('accountAdded');
    const jean = store.getState().accounts?.accounts.find((a) => a.name === 'Jean-Éric Dupont');
    expect(jean).toBeDefined();
    expect(await store.getState().removeMediator(jean?.id ?? '')).toBe(true);
    expect(store.getState().accounts?.accounts.map((a) => a.name)).toEqual([TEST_MEDIATOR.name]);

    expect(await store.getState().changePin('000000', '864209')).toBe(false);
    expect(store.getState()).toMatchObject({
      view: 'space',
      errorAt: 'pin',
      error: { code: 'unauthorized' },
    });
    expect(await store.getState().changePin(TEST_MEDIATOR.pin, '864209')).toBe(true);
    expect(store.getState().notice).toBe('pinChanged');
    await store.getState().close();
    expect(store.getState().view).toBe('closed');
    expect((await test.kiosk.handlers.unlockMediator({ accountId: test.mediatorId, pin: '864209' })).ok).toBe(
      true,
    );
  });

  it('the escape hatch asks for a PIN even with a session open, and only then ends the voter session', async () => {
    const api = client();
    const session = await api.checkEligibility(voter('Martin'));
    if (!session.ok) throw new Error(session.error.message);
    const store = makeStore();

    await store.getState().open({ fromHatch: true });
    expect(store.getState()).toMatchObject({ view: 'login', fromHatch: true });
    // A wrong PIN leaves the voter's session as it was.
    await store.getState().unlock(test.mediatorId, '000000');
    expect((await api.touchSession({ sessionId: session.value.sessionId })).ok).toBe(true);
    expect(votersEnded).toBe(0);

    expect(await store.getState().unlock(test.mediatorId, TEST_MEDIATOR.pin)).toBe(true);
    expect(store.getState()).toMatchObject({ view: 'space', fromHatch: false });
    expect(votersEnded).toBe(1);
    const election = await api.getElection({});
    const first = election.ok ? (election.value.election.projects[0]?.id ?? '') : '';
    const cast = await api.castBallot({ sessionId: session.value.sessionId, choices: [first] });
    expect(cast.ok).toBe(false);
    if (!cast.ok) expect(cast.error.code).toMatch(/^session_/);
  });

  it('reads a correction the server offered, applies it, and the voter screens reload', async () => {
    const election = makeElection();
    const corrected = {
      ...election,
      revision: 2,
      projects: election.projects.map((p, i) => (i === 0 ? { ...p, description: 'Texte corrigé.' } : p)),
    };
    // What a sync round does with the server's answer (the network part is tested in tests/integration/sync).
    test.kiosk.sync.uploader.electionUpdates.offered(
      signElection(corrected, test.authority),
      test.authority.keys.publicKey,
    );
    const store = makeStore();
    await store.getState().open();
    const first = election.projects[0];
    expect(store.getState().sync?.pendingCorrectionRevision).toBe(2);
    expect(store.getState().correction).toEqual({
      electionId: election.electionId,
      fromRevision: 1,
      toRevision: 2,
      changes: [{ projectId: first?.id, projectTitle: first?.title, field: 'description', kind: 'text' }],
    });
    const before = changes;
    await store.getState().applyCorrection();
    expect(store.getState()).toMatchObject({ correction: null, correctionApplied: 2, error: null });
    expect(store.getState().sync?.pendingCorrectionRevision).toBeNull();
    expect(changes).toBe(before + 1);
    const view = await client().getElection({});
    expect(view.ok && view.value.election.projects[0]?.description).toBe('Texte corrigé.');
  });
});
