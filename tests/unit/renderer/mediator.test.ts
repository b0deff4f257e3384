/**
 * The mediator store run against a real kiosk core on a real SQLite file, through the dispatch/client
 * pair the transports use: the first code opens the space, a wrong code keeps the PIN pad with the
 * core's refusal, a session the core closed sends an action back to the PIN pad and the polling back to
 * the welcome screen, and training changes tell the voter screens to reload.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMediatorStore } from '../../../src/renderer/src/stores/mediator';
import { createKioskClient, dispatch } from '../../../src/shared/dispatch';
import { openTestKiosk, tempDir, type TestKiosk } from '../core/fixtures';

let temp: ReturnType<typeof tempDir>;
let test: TestKiosk;
let changes: number;

const makeStore = () => {
  const api = createKioskClient(async (method, input) => dispatch(test.kiosk.handlers, method, input));
  return createMediatorStore({ api, onKioskChanged: () => (changes += 1) });
};

beforeEach(async () => {
  temp = tempDir('isoloir-mediator-');
  test = await openTestKiosk(temp.dir);
  changes = 0;
});
afterEach(() => {
  test.close();
  temp.remove();
});

describe('mediator store', () => {
  it('asks for a first code, then shows the space with the kiosk and sync status', async () => {
    const store = makeStore();
    await store.getState().open();
    expect(store.getState()).toMatchObject({ view: 'pin', pin: { pinSet: false } });
    expect(await store.getState().submitPin('4321')).toBe(true);
    expect(store.getState()).toMatchObject({
      view: 'space',
      pin: { pinSet: true, unlocked: true },
      kiosk: { state: 'open', training: false },
      sync: { batchesWaiting: 0 },
    });
    await store.getState().setTraining(true);
    expect(store.getState().kiosk?.training).toBe(true);
    expect(changes).toBe(1);
  });

  it('keeps the PIN pad with the refusal on a wrong code', async () => {
    await test.kiosk.handlers.setMediatorPin({ pin: '4321' });
    await test.kiosk.handlers.lockMediator({});
    const store = makeStore();
    await store.getState().open();
    expect(store.getState().view).toBe('pin');
    expect(await store.getState().submitPin('1111')).toBe(false);
    expect(store.getState()).toMatchObject({
      view: 'pin',
      error: { code: 'unauthorized', details: { triesLeft: 4 } },
    });
  });

  it('goes back to the PIN pad when the core refuses an action, and to welcome when polling finds it closed', async () => {
    const store = makeStore();
    await store.getState().open();
    await store.getState().submitPin('4321');
    await test.kiosk.handlers.lockMediator({});
    await store.getState().syncNow();
    expect(store.getState()).toMatchObject({ view: 'pin', error: { code: 'unauthorized' } });

    await store.getState().submitPin('4321');
    expect(store.getState().view).toBe('space');
    await test.kiosk.handlers.lockMediator({});
    await store.getState().refresh();
    expect(store.getState().view).toBe('closed');
    expect(changes).toBe(1);
  });

  it('a wrong current code when changing it stays in the space with "Code incorrect"', async () => {
    const store = makeStore();
    await store.getState().open();
    await store.getState().submitPin('4321');
    expect(await store.getState().changePin('0000', '5678')).toBe(false);
    expect(store.getState()).toMatchObject({
      view: 'space',
      errorAt: 'pin',
      error: { code: 'unauthorized' },
    });
    expect(await store.getState().changePin('4321', '5678')).toBe(true);
    expect(store.getState().pinChanged).toBe(true);
    await store.getState().close();
    expect(store.getState().view).toBe('closed');
    expect((await test.kiosk.handlers.unlockMediator({ pin: '5678' })).ok).toBe(true);
  });
});
