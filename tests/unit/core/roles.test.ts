/**
 * Who may call each method is part of the contract: every method declares a role, and `dispatch` refuses
 * a mediator method with `unauthorized` unless the kiosk has an unlocked session, and a setup method with
 * `setup_done` once the kiosk has a mediator account, before parsing its input and without reaching the
 * core. Errors a handler throws are answered honestly: only a cast says the vote was not recorded.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  kioskContract,
  kioskMethods,
  mediatorGate,
  methodRole,
  type GatedRole,
  type KioskHandlers,
  type KioskMethod,
} from '../../../src/shared/api';
import { dispatch } from '../../../src/shared/dispatch';
import { ok } from '../../../src/shared/result';
import { openTestKiosk, TEST_MEDIATOR, tempDir, unwrap, type TestKiosk } from './fixtures';

const MEDIATOR_ONLY = 'Espace réservé au médiateur : saisissez le code.';

/** A core that records which methods were reached, and whose gate says `allowed` for every role. */
function recordingCore(allowed: (role: GatedRole) => boolean): {
  core: KioskHandlers;
  reached: KioskMethod[];
} {
  const reached: KioskMethod[] = [];
  const core = Object.fromEntries(
    kioskMethods.map((m) => [
      m,
      () => {
        reached.push(m);
        return ok({});
      },
    ]),
  ) as unknown as KioskHandlers;
  return { core: Object.assign(core, { [mediatorGate]: allowed }), reached };
}

describe('the contract declares a role for every method', () => {
  it('each method of kioskContract is voter, mediator or setup', () => {
    for (const method of Object.keys(kioskContract) as KioskMethod[]) {
      const entry = kioskContract[method] as { role?: unknown };
      expect(['voter', 'mediator', 'setup'], `${method} has no role`).toContain(entry.role);
    }
  });

  it('the mediator methods are exactly the ones a voter must never reach', () => {
    expect(kioskMethods.filter((m) => methodRole(m) === 'mediator').sort()).toEqual(
      [
        'addIncident',
        'addMediator',
        'applyCorrection',
        'changeMediatorPin',
        'closeDay',
        'confirmElection',
        'endVoterSession',
        'enrolOnline',
        'exportUsb',
        'finishSetup',
        'getCorrection',
        'getSetupCheck',
        'listDrives',
        'listReports',
        'openDay',
        'pauseDay',
        'purgeAckedBatches',
        'readEnrolmentAnswer',
        'removeMediator',
        'resumeDay',
        'setTraining',
        'syncNow',
        'writeEnrolmentRequest',
      ].sort(),
    );
  });

  it('the setup methods are only the first account', () => {
    expect(kioskMethods.filter((m) => methodRole(m) === 'setup')).toEqual(['createFirstMediator']);
  });
});

describe('dispatch enforces the roles', () => {
  it('refuses every mediator method while the gate is closed, without parsing or reaching the core', async () => {
    const { core, reached } = recordingCore(() => false);
    for (const method of kioskMethods) {
      // A malformed input: a voter method answers invalid_input, a mediator one is refused before parsing.
      const answer = await dispatch(core, method, { notAField: true });
      if (methodRole(method) === 'mediator')
        expect(answer, method).toEqual({
          ok: false,
          error: { code: 'unauthorized', message: MEDIATOR_ONLY },
        });
      else if (methodRole(method) === 'setup')
        expect(answer, method).toMatchObject({ ok: false, error: { code: 'setup_done' } });
      else expect(answer, method).not.toMatchObject({ error: { code: 'unauthorized' } });
    }
    expect(reached.filter((m) => methodRole(m) !== 'voter')).toEqual([]);
  });

  it('lets the mediator methods through when the gate is open', async () => {
    const { core, reached } = recordingCore(() => true);
    expect(await dispatch(core, 'setTraining', { training: true })).toEqual({ ok: true, value: {} });
    expect(reached).toEqual(['setTraining']);
  });
});

describe('a real kiosk through dispatch', () => {
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

  it('mediator methods need an unlocked session, whatever the kiosk', async () => {
    const h = t.kiosk.handlers;
    expect(await dispatch(h, 'setTraining', { training: true })).toMatchObject({ ok: true });
    await unwrap(h.lockMediator({}));
    expect(await dispatch(h, 'setTraining', { training: false })).toEqual({
      ok: false,
      error: { code: 'unauthorized', message: MEDIATOR_ONLY },
    });
    expect((await unwrap(h.getStatus({}))).training).toBe(true);
    await unwrap(h.unlockMediator({ accountId: t.mediatorId, pin: TEST_MEDIATOR.pin }));
    expect(await dispatch(h, 'setTraining', { training: false })).toMatchObject({
      ok: true,
      value: { training: false },
    });
  });

  it('a first start has no session: mediator methods are closed, and the setup opens one', async () => {
    const fresh = await openTestKiosk(tmp.dir, { dbName: 'fresh.sqlite', noMediator: true });
    try {
      const h = fresh.kiosk.handlers;
      expect(await dispatch(h, 'setTraining', { training: true })).toMatchObject({
        error: { code: 'unauthorized' },
      });
      expect(await dispatch(h, 'createFirstMediator', { name: 'Alex', pin: '246810' })).toMatchObject({
        ok: true,
        value: { current: { name: 'Alex' } },
      });
      expect(await dispatch(h, 'setTraining', { training: true })).toMatchObject({ ok: true });
    } finally {
      fresh.close();
    }
  });

  it('refuses every setup method once the kiosk has an account, even with a session open', async () => {
    const answer = await dispatch(t.kiosk.handlers, 'createFirstMediator', { name: 'Intrus', pin: '999999' });
    expect(answer).toEqual({
      ok: false,
      error: {
        code: 'setup_done',
        message: 'Ce kiosque est déjà installé : un médiateur doit se connecter.',
      },
    });
    // The gate carried by the handlers refuses it too when called directly (no transport).
    expect(await t.kiosk.handlers.createFirstMediator({ name: 'Intrus', pin: '999999' })).toMatchObject({
      error: { code: 'setup_done' },
    });
    expect((await unwrap(t.kiosk.handlers.mediatorStatus({}))).accounts.map((a) => a.name)).toEqual(['Test']);
  });
});

describe('an unexpected error says what it means', () => {
  const throwing = Object.fromEntries(
    kioskMethods.map((m) => [
      m,
      () => {
        throw new Error('disk on fire');
      },
    ]),
  ) as unknown as KioskHandlers;

  it('only castBallot says the vote was not recorded', async () => {
    expect(await dispatch(throwing, 'castBallot', { sessionId: 'a'.repeat(32), choices: ['velo'] })).toEqual({
      ok: false,
      error: {
        code: 'internal',
        message: 'Une erreur inattendue est survenue. Le vote n’a pas été enregistré.',
      },
    });
    for (const method of ['getStatus', 'closeDay', 'endSession'] as const) {
      const input = method === 'endSession' ? { sessionId: 'x' } : {};
      expect(await dispatch(throwing, method, input), method).toEqual({
        ok: false,
        error: {
          code: 'internal',
          message: 'Une erreur inattendue est survenue. Réessayez ou appelez le médiateur.',
        },
      });
    }
  });
});
