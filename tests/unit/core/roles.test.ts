/**
 * Who may call each method is part of the contract: every method declares a role, and `dispatch` refuses
 * a mediator method with `unauthorized` unless the kiosk allows it (no PIN yet, or an unlocked session),
 * before parsing its input and without reaching the core. Errors a handler throws are answered honestly:
 * only a cast says the vote was not recorded.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  kioskContract,
  kioskMethods,
  mediatorGate,
  methodRole,
  type KioskHandlers,
  type KioskMethod,
} from '../../../src/shared/api';
import { dispatch } from '../../../src/shared/dispatch';
import { ok } from '../../../src/shared/result';
import { openTestKiosk, tempDir, unwrap, type TestKiosk } from './fixtures';

const MEDIATOR_ONLY = 'Espace réservé au médiateur : saisissez le code.';

/** A core that records which methods were reached, and whose mediator gate says `allowed`. */
function recordingCore(allowed: () => boolean): { core: KioskHandlers; reached: KioskMethod[] } {
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
  it('each method of kioskContract is either voter or mediator', () => {
    for (const method of Object.keys(kioskContract) as KioskMethod[]) {
      const entry = kioskContract[method] as { role?: unknown };
      expect(['voter', 'mediator'], `${method} has no role`).toContain(entry.role);
    }
  });

  it('the mediator methods are exactly the ones a voter must never reach', () => {
    expect(kioskMethods.filter((m) => methodRole(m) === 'mediator').sort()).toEqual(
      [
        'closeDay',
        'confirmElection',
        'enrol',
        'exportUsb',
        'purgeAckedBatches',
        'setTraining',
        'syncNow',
      ].sort(),
    );
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
      else expect(answer, method).not.toMatchObject({ error: { code: 'unauthorized' } });
    }
    expect(reached.filter((m) => methodRole(m) === 'mediator')).toEqual([]);
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
  beforeEach(() => {
    tmp = tempDir();
    t = openTestKiosk(tmp.dir);
  });
  afterEach(() => {
    t.close();
    tmp.remove();
  });

  it('mediator methods stay open before any PIN, and need an unlocked session after', async () => {
    const h = t.kiosk.handlers;
    expect(await dispatch(h, 'setTraining', { training: true })).toMatchObject({ ok: true });
    await unwrap(h.setMediatorPin({ pin: '482913' }));
    await unwrap(h.lockMediator({}));
    expect(await dispatch(h, 'setTraining', { training: false })).toEqual({
      ok: false,
      error: { code: 'unauthorized', message: MEDIATOR_ONLY },
    });
    expect((await unwrap(h.getStatus({}))).training).toBe(true);
    await unwrap(h.unlockMediator({ pin: '482913' }));
    expect(await dispatch(h, 'setTraining', { training: false })).toMatchObject({
      ok: true,
      value: { training: false },
    });
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
