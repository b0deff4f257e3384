/**
 * The mediator role over IPC: with the real kiosk core behind `registerIpc`, once a mediator PIN is set
 * and the session locked, a mediator method is refused `unauthorized` and changes nothing; unlocked, it
 * runs.
 */
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ipcChannel } from '../../../src/shared/api';
import type { Result } from '../../../src/shared/result';
import { openTestKiosk, TEST_MEDIATOR, tempDir, unwrap, type TestKiosk } from '../core/fixtures';

vi.mock('electron', () => ({}));

const { registerIpc } = await import('../../../src/main/electron/ipc');

type Invoke = (event: IpcMainInvokeEvent, input: unknown) => Promise<Result<unknown>>;

let tmp: ReturnType<typeof tempDir>;
let t: TestKiosk;
const channels = new Map<string, Invoke>();
const ipcMain = {
  handle: (channel: string, h: Invoke) => channels.set(channel, h),
  removeHandler: (channel: string) => channels.delete(channel),
} as unknown as IpcMain;
const invoke = (method: Parameters<typeof ipcChannel>[0], input: unknown) =>
  channels.get(ipcChannel(method))!({} as IpcMainInvokeEvent, input);

beforeEach(async () => {
  tmp = tempDir();
  t = await openTestKiosk(tmp.dir);
  registerIpc(ipcMain, t.kiosk.handlers, () => true);
});
afterEach(() => {
  channels.clear();
  t.close();
  tmp.remove();
});

describe('IPC and the mediator role', () => {
  it('refuses a mediator method without an unlocked session, and runs it with one', async () => {
    await unwrap(t.kiosk.handlers.lockMediator({}));
    expect(await invoke('setTraining', { training: true })).toEqual({
      ok: false,
      error: { code: 'unauthorized', message: 'Espace réservé au médiateur : saisissez le code.' },
    });
    expect(await invoke('closeDay', {})).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect((await unwrap(t.kiosk.handlers.getStatus({}))).training).toBe(false);
    // The voter methods stay open, the mediator's own space included.
    expect(await invoke('getStatus', {})).toMatchObject({ ok: true });
    expect(await invoke('unlockMediator', { accountId: t.mediatorId, pin: TEST_MEDIATOR.pin })).toMatchObject(
      {
        ok: true,
        value: { current: { name: TEST_MEDIATOR.name } },
      },
    );
    expect(await invoke('setTraining', { training: true })).toMatchObject({
      ok: true,
      value: { training: true },
    });
  });
});
