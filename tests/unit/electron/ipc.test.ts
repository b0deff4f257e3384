/**
 * IPC: one handler per contract method; a bad payload is answered `invalid_input` without reaching the
 * core; a caller that is not our window's main frame on our origin is refused, also without reaching it.
 * The core here is a small in-test `KioskHandlers` (a fake of the core, not of the transport under test).
 */
import type { BrowserWindow, IpcMain, IpcMainInvokeEvent } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { ipcChannel, kioskMethods, type KioskHandlers } from '../../../src/shared/api';
import { ok, type Result } from '../../../src/shared/result';

vi.mock('electron', () => ({}));

const { registerIpc, trustedSender, unregisterIpc } = await import('../../../src/main/electron/ipc');

type Invoke = (event: IpcMainInvokeEvent, input: unknown) => Promise<Result<unknown>>;

function fakeIpcMain() {
  const handlers = new Map<string, Invoke>();
  const ipcMain = {
    handle: (channel: string, h: Invoke) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, h);
    },
    removeHandler: (channel: string) => handlers.delete(channel),
  } as unknown as IpcMain;
  return { ipcMain, handlers };
}

function recordingCore() {
  const calls: { method: string; input: unknown }[] = [];
  const status = {
    kioskId: '0'.repeat(32),
    label: null,
    enrolled: false,
    state: 'no_election' as const,
    training: false,
    election: null,
    ballotsCast: 0,
  };
  const record =
    <T>(method: string, value: T) =>
    (input: unknown) => {
      calls.push({ method, input });
      return ok(value);
    };
  const core = {
    getStatus: record('getStatus', status),
    setTraining: record('setTraining', { ...status, training: true }),
    searchCommunes: record('searchCommunes', []),
    castBallot: record('castBallot', { receiptCode: 'ABCD-EFGH', checkUrl: null, training: false }),
  } as unknown as KioskHandlers;
  return { core, calls };
}

const anyEvent = {} as IpcMainInvokeEvent;

describe('registerIpc', () => {
  it('registers exactly one handler per method of the contract', () => {
    const { ipcMain, handlers } = fakeIpcMain();
    registerIpc(ipcMain, recordingCore().core, () => true);
    expect([...handlers.keys()].sort()).toEqual(kioskMethods.map(ipcChannel).sort());
    unregisterIpc(ipcMain);
    expect(handlers.size).toBe(0);
  });

  it('passes a parsed input to the core and answers its Result', async () => {
    const { ipcMain, handlers } = fakeIpcMain();
    const { core, calls } = recordingCore();
    registerIpc(ipcMain, core, () => true);
    const answer = await handlers.get(ipcChannel('searchCommunes'))!(anyEvent, { query: 'arr' });
    expect(answer).toEqual({ ok: true, value: [] });
    // The schema's default was applied before the core saw the input.
    expect(calls).toEqual([{ method: 'searchCommunes', input: { query: 'arr', limit: 8 } }]);
  });

  it('answers invalid_input to a bad payload and never calls the core', async () => {
    const { ipcMain, handlers } = fakeIpcMain();
    const { core, calls } = recordingCore();
    registerIpc(ipcMain, core, () => true);
    for (const [method, input] of [
      ['setTraining', { training: 'yes' }],
      ['setTraining', { training: true, extra: 1 }],
      ['castBallot', { sessionId: 'x', choices: [] }],
      ['castBallot', 'not an object'],
      ['searchCommunes', { query: 'a'.repeat(101) }],
    ] as const) {
      const answer = await handlers.get(ipcChannel(method))!(anyEvent, input);
      expect(answer.ok, `${method} ${JSON.stringify(input)}`).toBe(false);
      if (!answer.ok) expect(answer.error.code).toBe('invalid_input');
    }
    expect(calls).toEqual([]);
  });

  it('refuses an untrusted sender before parsing, and never calls the core', async () => {
    const { ipcMain, handlers } = fakeIpcMain();
    const { core, calls } = recordingCore();
    const check = vi.fn(() => false);
    registerIpc(ipcMain, core, check);
    const answer = await handlers.get(ipcChannel('setTraining'))!(anyEvent, { training: true });
    expect(answer).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(check).toHaveBeenCalledWith(anyEvent);
    expect(calls).toEqual([]);
  });
});

describe('trustedSender', () => {
  const mainFrame = { url: 'app://kiosk/index.html' };
  const webContents = { mainFrame };
  const win = { webContents, isDestroyed: () => false } as unknown as BrowserWindow;
  const event = (sender: unknown, senderFrame: unknown) => ({ sender, senderFrame }) as IpcMainInvokeEvent;
  const check = trustedSender(() => win, 'app://kiosk');

  it('trusts our window main frame on our origin', () => {
    expect(check(event(webContents, mainFrame))).toBe(true);
  });

  it('refuses subframes, other web contents, navigated frames, missing frames and a closed window', () => {
    expect(check(event(webContents, { url: 'app://kiosk/index.html' }))).toBe(false);
    expect(check(event({ mainFrame }, mainFrame))).toBe(false);
    expect(check(event(webContents, null))).toBe(false);
    const navigated = { url: 'https://example.org/' };
    const elsewhere = {
      webContents: { mainFrame: navigated },
      isDestroyed: () => false,
    } as unknown as BrowserWindow;
    expect(trustedSender(() => elsewhere, 'app://kiosk')(event(elsewhere.webContents, navigated))).toBe(
      false,
    );
    expect(trustedSender(() => null, 'app://kiosk')(event(webContents, mainFrame))).toBe(false);
    const closed = { webContents, isDestroyed: () => true } as unknown as BrowserWindow;
    expect(trustedSender(() => closed, 'app://kiosk')(event(webContents, mainFrame))).toBe(false);
  });
});
