/**
 * Mediator accounts on a real kiosk file: PIN length, adding and removing accounts, the lockout that
 * doubles and survives a restart (wall clock) and cannot be shortened within a run (monotonic clock),
 * the session's idle expiry, the keys that a session opens and its end drops, the account id in the
 * journal, and the central team's signed reset.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KEYS_LOCKED_MESSAGE } from '../../../src/main/core/keys';
import {
  FIRST_LOCKOUT_MS,
  lockoutMs,
  MAX_WRONG_TRIES,
  MEDIATOR_IDLE_MS,
} from '../../../src/main/core/mediator';
import { dispatch } from '../../../src/shared/dispatch';
import { generateKeyPair, signDocument, toBase64url } from '../../../src/shared/node/crypto';
import { mediatorResetFileName } from '../../../src/shared/wire';
import {
  IN_WINDOW,
  makeAuthority,
  openTestKiosk,
  TEST_MEDIATOR,
  tempDir,
  unwrap,
  voter,
  type Authority,
  type TestKiosk,
} from './fixtures';

let tmp: ReturnType<typeof tempDir>;
let t: TestKiosk;
let mono = 1_000;
const monotonicMs = (): number => mono;
const recoveryKey = toBase64url(randomBytes(32));
let authority: Authority;

beforeEach(async () => {
  tmp = tempDir();
  mono = 1_000;
  authority = makeAuthority();
  t = await openTestKiosk(tmp.dir, { monotonicMs, authority, recoveryKey, dayClosed: true });
});
afterEach(() => {
  t.close();
  tmp.remove();
});

/** Closes and reopens the same file without unlocking anyone (the lockout must hold without a session). */
const reopen = async (): Promise<void> => {
  const { mediatorId } = t;
  t.close();
  const again = await openTestKiosk(tmp.dir, {
    monotonicMs,
    authority,
    recoveryKey,
    noMediator: true,
    at: t.clock.now(),
  });
  t = { ...again, mediatorId };
};

const wrongPins = async (accountId: string, n: number): Promise<unknown> => {
  let last: unknown = null;
  for (let i = 0; i < n; i++) last = await t.kiosk.handlers.unlockMediator({ accountId, pin: '000000' });
  return last;
};

describe('accounts', () => {
  it('refuses a PIN shorter than 6 digits at the contract', async () => {
    const answer = await dispatch(t.kiosk.handlers, 'addMediator', { name: 'Bea', pin: '12345' });
    expect(answer).toMatchObject({ ok: false, error: { code: 'invalid_input', details: { field: 'pin' } } });
  });

  it('adds an account that unlocks with its own PIN; removes another, never oneself', async () => {
    const h = t.kiosk.handlers;
    const added = await unwrap(h.addMediator({ name: 'Bea', pin: '246810' }));
    expect(added.accounts.map((a) => a.name)).toEqual(['Test', 'Bea']);
    const bea = added.accounts.find((a) => a.name === 'Bea')?.id ?? '';
    expect(await h.removeMediator({ accountId: t.mediatorId })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    await unwrap(h.lockMediator({}));
    const asBea = await unwrap(h.unlockMediator({ accountId: bea, pin: '246810' }));
    expect(asBea.current).toEqual({ id: bea, name: 'Bea' });
    expect((await unwrap(h.getStatus({}))).keysUnlocked).toBe(true);
    const left = await unwrap(h.removeMediator({ accountId: t.mediatorId }));
    expect(left.accounts.map((a) => a.name)).toEqual(['Bea']);
    expect(await h.removeMediator({ accountId: 'ffffffffffffffff' })).toMatchObject({
      error: { code: 'account_unknown' },
    });
  });

  it('changes a PIN after checking the current one; the old PIN no longer opens', async () => {
    const h = t.kiosk.handlers;
    expect(await h.changeMediatorPin({ currentPin: '999999', pin: '135792' })).toMatchObject({
      error: { code: 'unauthorized' },
    });
    await unwrap(h.changeMediatorPin({ currentPin: TEST_MEDIATOR.pin, pin: '135792' }));
    await unwrap(h.lockMediator({}));
    expect(await h.unlockMediator({ accountId: t.mediatorId, pin: TEST_MEDIATOR.pin })).toMatchObject({
      error: { code: 'unauthorized' },
    });
    await unwrap(h.unlockMediator({ accountId: t.mediatorId, pin: '135792' }));
    expect((await unwrap(h.getStatus({}))).keysUnlocked).toBe(true);
  });

  it('journals mediator actions with the account id, never a name', async () => {
    await unwrap(t.kiosk.handlers.setTraining({ training: true }));
    const events = t.kiosk.store.listAuditEvents();
    const training = events.find((e) => e.kind === 'training_changed');
    expect(JSON.parse(training?.detail ?? '{}')).toMatchObject({ accountId: t.mediatorId });
    expect(events.map((e) => e.detail).join('\n')).not.toContain('Test');
  });
});

describe('lockout', () => {
  it(`locks after ${MAX_WRONG_TRIES} wrong PINs, doubles each time, and survives a restart`, async () => {
    await unwrap(t.kiosk.handlers.lockMediator({}));
    for (let i = 1; i < MAX_WRONG_TRIES; i++)
      expect(await t.kiosk.handlers.unlockMediator({ accountId: t.mediatorId, pin: '000000' })).toMatchObject(
        {
          error: { code: 'unauthorized', details: { triesLeft: MAX_WRONG_TRIES - i } },
        },
      );
    const first = await t.kiosk.handlers.unlockMediator({ accountId: t.mediatorId, pin: '000000' });
    expect(first).toMatchObject({
      error: {
        code: 'pin_locked',
        details: { until: new Date(IN_WINDOW.getTime() + FIRST_LOCKOUT_MS).toISOString() },
      },
    });

    // A restart keeps it: even the right PIN is refused.
    await reopen();
    expect(
      await t.kiosk.handlers.unlockMediator({ accountId: t.mediatorId, pin: TEST_MEDIATOR.pin }),
    ).toMatchObject({
      error: { code: 'pin_locked' },
    });

    // Once over, five more wrong PINs lock for twice as long, and that too survives a restart.
    t.clock.advance(FIRST_LOCKOUT_MS + 1);
    await wrongPins(t.mediatorId, MAX_WRONG_TRIES);
    const expected = new Date(t.clock.now().getTime() + lockoutMs(2)).toISOString();
    expect(lockoutMs(2)).toBe(2 * FIRST_LOCKOUT_MS);
    await reopen();
    const status = await unwrap(t.kiosk.handlers.mediatorStatus({}));
    expect(status.accounts[0]?.lockedOutUntil).toBe(expected);
    expect(lockoutMs(40)).toBe(24 * 3_600_000);
  });

  it('within a run, moving the wall clock forward does not shorten a lockout', async () => {
    await unwrap(t.kiosk.handlers.lockMediator({}));
    await wrongPins(t.mediatorId, MAX_WRONG_TRIES);
    t.clock.advance(FIRST_LOCKOUT_MS * 10);
    expect(
      await t.kiosk.handlers.unlockMediator({ accountId: t.mediatorId, pin: TEST_MEDIATOR.pin }),
    ).toMatchObject({
      error: { code: 'pin_locked' },
    });
    mono += FIRST_LOCKOUT_MS + 1;
    await unwrap(t.kiosk.handlers.unlockMediator({ accountId: t.mediatorId, pin: TEST_MEDIATOR.pin }));
  });
});

describe('session and keys', () => {
  it('ends the session after 10 idle minutes (monotonic) and drops the keys with the day closed', async () => {
    mono += MEDIATOR_IDLE_MS - 1;
    expect(await dispatch(t.kiosk.handlers, 'setTraining', { training: false })).toMatchObject({ ok: true });
    mono += MEDIATOR_IDLE_MS;
    expect(await dispatch(t.kiosk.handlers, 'setTraining', { training: false })).toMatchObject({
      error: { code: 'unauthorized' },
    });
    expect((await unwrap(t.kiosk.handlers.mediatorStatus({}))).current).toBeNull();
    expect((await unwrap(t.kiosk.handlers.getStatus({}))).keysUnlocked).toBe(false);
  });

  it('refuses eligibility and casting while the keys are locked', async () => {
    // A restart with the day open: the day's state is on disk, the keys are not in memory.
    await unwrap(t.kiosk.handlers.openDay({}));
    await reopen();
    expect((await unwrap(t.kiosk.handlers.getStatus({}))).day.state).toBe('open');
    expect((await unwrap(t.kiosk.handlers.getStatus({}))).keysUnlocked).toBe(false);
    expect(await t.kiosk.handlers.checkEligibility(voter('Durand'))).toEqual({
      ok: false,
      error: { code: 'not_ready', message: KEYS_LOCKED_MESSAGE },
    });
    expect(await t.kiosk.handlers.castBallot({ sessionId: 'a'.repeat(32), choices: ['velo'] })).toEqual({
      ok: false,
      error: { code: 'not_ready', message: KEYS_LOCKED_MESSAGE },
    });
    expect(() => t.kiosk.context.identity.signDocument('batch', { seq: 1 })).toThrow(KEYS_LOCKED_MESSAGE);
  });

  it('keeps the keys after the session while training is on', async () => {
    await unwrap(t.kiosk.handlers.setTraining({ training: true }));
    await unwrap(t.kiosk.handlers.lockMediator({}));
    expect((await unwrap(t.kiosk.handlers.getStatus({}))).keysUnlocked).toBe(true);
  });
});

describe('the central team’s reset', () => {
  const drive = (): string => {
    const dir = tmp.path('stick');
    mkdirSync(dir, { recursive: true });
    return dir;
  };
  const writeReset = (
    overrides: Record<string, unknown> = {},
    signer: string = authority.keys.privateKey,
  ): { driveId: string; nonce: string } => {
    const nonce = randomBytes(16).toString('hex');
    const reset = {
      v: 2,
      kioskId: t.kiosk.kioskId,
      nonce,
      expiresAt: new Date(t.clock.now().getTime() + 86_400_000).toISOString(),
      recoveryKey,
      ...overrides,
    };
    const driveId = drive();
    writeFileSync(
      `${driveId}/${mediatorResetFileName(t.kiosk.kioskId)}`,
      JSON.stringify(signDocument('mediatorReset', reset, signer)),
    );
    return { driveId, nonce };
  };
  const recover = (driveId: string): ReturnType<TestKiosk['kiosk']['handlers']['recoverMediators']> =>
    t.kiosk.handlers.recoverMediators({ source: 'usb', driveId, name: 'Nouveau', pin: '864202' });

  it('replaces every account by a new one that opens the keys, after a restart with all PINs lost', async () => {
    await unwrap(t.kiosk.handlers.addMediator({ name: 'Bea', pin: '246810' }));
    const { driveId } = writeReset();
    await reopen();
    expect((await unwrap(t.kiosk.handlers.getStatus({}))).keysUnlocked).toBe(false);
    const after = await unwrap(recover(driveId));
    expect(after.accounts.map((a) => a.name)).toEqual(['Nouveau']);
    expect(after.current?.name).toBe('Nouveau');
    expect((await unwrap(t.kiosk.handlers.getStatus({}))).keysUnlocked).toBe(true);
    expect(t.kiosk.store.listAuditEvents().some((e) => e.kind === 'mediator_accounts_reset')).toBe(true);
  });

  it('refuses a reset not signed by the pinned authority', async () => {
    const { driveId } = writeReset({}, generateKeyPair().privateKey);
    expect(await recover(driveId)).toMatchObject({ error: { code: 'reset_invalid' } });
    expect((await unwrap(t.kiosk.handlers.mediatorStatus({}))).accounts.map((a) => a.name)).toEqual(['Test']);
  });

  it('refuses an expired reset, and one for another kiosk', async () => {
    const expired = writeReset({ expiresAt: new Date(t.clock.now().getTime() - 1).toISOString() });
    expect(await recover(expired.driveId)).toMatchObject({ error: { code: 'reset_expired' } });
    const other = writeReset({ kioskId: 'f'.repeat(32) });
    expect(await recover(other.driveId)).toMatchObject({ error: { code: 'reset_invalid' } });
  });

  it('refuses a reset used before', async () => {
    const { driveId } = writeReset();
    await unwrap(recover(driveId));
    expect(await recover(driveId)).toMatchObject({ error: { code: 'reset_used' } });
  });
});
