import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openKiosk, type Kiosk } from '../../../src/main/core/kiosk';
import { LOCKOUT_MS, MAX_WRONG_TRIES, MEDIATOR_IDLE_MS } from '../../../src/main/core/mediator';
import {
  IN_WINDOW,
  makeAuthority,
  makeElection,
  tempDir,
  testClock,
  unwrap,
  writeCommunesFile,
  writeElectionFile,
} from './fixtures';

let tmp: ReturnType<typeof tempDir>;
let kiosk: Kiosk;
let dbPath: string;
let mono = 0;

beforeEach(() => {
  tmp = tempDir();
  mono = 1_000;
  const authority = makeAuthority();
  dbPath = tmp.path('kiosk.sqlite');
  kiosk = openKiosk({
    dbPath,
    communesPath: writeCommunesFile(tmp.dir),
    now: testClock(IN_WINDOW).now,
    monotonicMs: () => mono,
    provision: {
      authorityPublicKey: authority.keys.publicKey,
      participationKey: authority.participationKey,
      electionFile: writeElectionFile(tmp.dir, makeElection(), authority),
      label: 'Kiosque de test',
    },
  });
});
afterEach(() => {
  kiosk.close();
  tmp.remove();
});

const settingsRows = (): Array<{ key: string; value: string }> => {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare('SELECT key, value FROM settings').all() as Array<{ key: string; value: string }>;
  } finally {
    db.close();
  }
};

const auditRows = (): Array<{ kind: string; detail: string }> => {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare('SELECT kind, detail FROM audit_events ORDER BY seq').all() as Array<{
      kind: string;
      detail: string;
    }>;
  } finally {
    db.close();
  }
};

const setTraining = (training: boolean) => kiosk.handlers.setTraining({ training });

describe('mediator PIN and session', () => {
  it('with no PIN set, the mediator methods work as before', async () => {
    expect(await unwrap(kiosk.handlers.mediatorStatus({}))).toEqual({
      pinSet: false,
      unlocked: false,
      lockedOutUntil: null,
    });
    expect((await unwrap(setTraining(true))).training).toBe(true);
    const unlock = await kiosk.handlers.unlockMediator({ pin: '1234' });
    expect(!unlock.ok && unlock.error.code).toBe('not_ready');
  });

  it('stores the PIN hashed with a salt, never the PIN itself', async () => {
    await unwrap(kiosk.handlers.setMediatorPin({ pin: '482913' }));
    const row = settingsRows().find((r) => r.key === 'mediator.pin');
    expect(row?.value).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    for (const r of settingsRows()) expect(r.value).not.toContain('482913');
    for (const e of auditRows()) expect(e.detail).not.toContain('482913');
  });

  it('the first PIN opens a session; after lock the mediator methods refuse, unlock allows them', async () => {
    const set = await unwrap(kiosk.handlers.setMediatorPin({ pin: '2468' }));
    expect(set).toMatchObject({ pinSet: true, unlocked: true });
    expect((await unwrap(setTraining(true))).training).toBe(true);

    expect((await unwrap(kiosk.handlers.lockMediator({}))).unlocked).toBe(false);
    for (const refused of [
      await setTraining(false),
      await kiosk.handlers.closeDay({}),
      await kiosk.handlers.syncNow({}),
      await kiosk.handlers.exportUsb({ folder: tmp.dir, all: false }),
      await kiosk.handlers.confirmElection({}),
      await kiosk.handlers.enrol({ serverUrl: 'http://127.0.0.1:9/', code: 'ABCD-1234', label: 'x' }),
      await kiosk.handlers.setMediatorPin({ pin: '1111', currentPin: '2468' }),
    ]) {
      expect(refused.ok).toBe(false);
      expect(!refused.ok && refused.error).toEqual({
        code: 'unauthorized',
        message: 'Espace réservé au médiateur : saisissez le code.',
      });
    }
    // Readable by anyone: the voter screens and the status bar need them.
    expect((await unwrap(kiosk.handlers.getStatus({}))).training).toBe(true);
    expect((await kiosk.handlers.getSyncStatus({})).ok).toBe(true);

    expect((await unwrap(kiosk.handlers.unlockMediator({ pin: '2468' }))).unlocked).toBe(true);
    expect((await unwrap(setTraining(false))).training).toBe(false);
    expect(await unwrap(kiosk.handlers.closeDay({}))).toMatchObject({ ballots: 0, participations: 0 });
  });

  it('counts wrong PINs, locks out after 5 for 5 minutes of the monotonic clock, and journals no PIN', async () => {
    await unwrap(kiosk.handlers.setMediatorPin({ pin: '97531' }));
    await unwrap(kiosk.handlers.lockMediator({}));
    for (let i = 1; i < MAX_WRONG_TRIES; i++) {
      const wrong = await kiosk.handlers.unlockMediator({ pin: '00000' });
      expect(!wrong.ok && wrong.error).toEqual({
        code: 'unauthorized',
        message: 'Code incorrect.',
        details: { triesLeft: MAX_WRONG_TRIES - i },
      });
    }
    const fifth = await kiosk.handlers.unlockMediator({ pin: '00000' });
    expect(!fifth.ok && fifth.error.code).toBe('pin_locked');
    // Even the right PIN is refused during the lockout.
    mono += LOCKOUT_MS - 1;
    const during = await kiosk.handlers.unlockMediator({ pin: '97531' });
    expect(!during.ok && during.error.code).toBe('pin_locked');
    const status = await unwrap(kiosk.handlers.mediatorStatus({}));
    expect(status.lockedOutUntil).not.toBeNull();
    mono += 1;
    expect((await unwrap(kiosk.handlers.mediatorStatus({}))).lockedOutUntil).toBeNull();
    expect((await unwrap(kiosk.handlers.unlockMediator({ pin: '97531' }))).unlocked).toBe(true);

    const kinds = auditRows().map((e) => e.kind);
    expect(kinds.filter((k) => k === 'mediator_unlock_refused')).toHaveLength(MAX_WRONG_TRIES);
    expect(kinds).toContain('mediator_locked_out');
    for (const e of auditRows()) {
      expect(e.detail).not.toContain('97531');
      expect(e.detail).not.toContain('00000');
    }
  });

  it('a right PIN resets the count of wrong ones', async () => {
    await unwrap(kiosk.handlers.setMediatorPin({ pin: '1357' }));
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < MAX_WRONG_TRIES - 1; i++)
        expect((await kiosk.handlers.unlockMediator({ pin: '9999' })).ok).toBe(false);
      expect((await kiosk.handlers.unlockMediator({ pin: '1357' })).ok).toBe(true);
    }
  });

  it('the session ends after 10 minutes without a mediator action; each action restarts the wait', async () => {
    await unwrap(kiosk.handlers.setMediatorPin({ pin: '8642' }));
    mono += MEDIATOR_IDLE_MS - 1;
    expect((await setTraining(true)).ok).toBe(true); // an action: the wait starts again
    mono += MEDIATOR_IDLE_MS - 1;
    expect((await unwrap(kiosk.handlers.mediatorStatus({}))).unlocked).toBe(true);
    mono += 1;
    expect((await unwrap(kiosk.handlers.mediatorStatus({}))).unlocked).toBe(false);
    const refused = await setTraining(false);
    expect(!refused.ok && refused.error.code).toBe('unauthorized');
  });

  it('changing the PIN needs an open session and the current PIN', async () => {
    await unwrap(kiosk.handlers.setMediatorPin({ pin: '1234' }));
    const wrongCurrent = await kiosk.handlers.setMediatorPin({ pin: '5678', currentPin: '4321' });
    expect(!wrongCurrent.ok && wrongCurrent.error.code).toBe('unauthorized');
    const noCurrent = await kiosk.handlers.setMediatorPin({ pin: '5678' });
    expect(!noCurrent.ok && noCurrent.error.code).toBe('unauthorized');
    await unwrap(kiosk.handlers.setMediatorPin({ pin: '5678', currentPin: '1234' }));
    await unwrap(kiosk.handlers.lockMediator({}));
    expect((await kiosk.handlers.unlockMediator({ pin: '1234' })).ok).toBe(false);
    expect((await kiosk.handlers.unlockMediator({ pin: '5678' })).ok).toBe(true);
  });

  it('confirmElection, once unlocked, reports plainly that no new election waits', async () => {
    await unwrap(kiosk.handlers.setMediatorPin({ pin: '1234' }));
    const none = await kiosk.handlers.confirmElection({});
    expect(!none.ok && none.error.code).toBe('not_ready');
  });
});
