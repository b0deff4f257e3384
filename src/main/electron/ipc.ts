/**
 * The IPC side of the kiosk API: one `ipcMain.handle` per method of the contract, each answering a Result.
 * Every payload goes through `dispatch()` (zod) before the core sees it, and only our window's main frame,
 * showing our origin, may call: anything else (a subframe, a navigated page) is refused without parsing.
 */
import type { BrowserWindow, IpcMain, IpcMainInvokeEvent } from 'electron';
import { ipcChannel, kioskMethods, type KioskHandlers } from '../../shared/api';
import { dispatch } from '../../shared/dispatch';
import { err, type Result } from '../../shared/result';
import { isSameOrigin } from './security';

export type SenderCheck = (event: IpcMainInvokeEvent) => boolean;

export function registerIpc(ipcMain: IpcMain, handlers: KioskHandlers, isTrustedSender: SenderCheck): void {
  for (const method of kioskMethods) {
    ipcMain.handle(ipcChannel(method), async (event, input: unknown): Promise<Result<unknown>> => {
      if (!isTrustedSender(event)) {
        return err('unauthorized', 'Cette action n’est pas autorisée depuis cette page.');
      }
      return dispatch(handlers, method, input);
    });
  }
}

export function unregisterIpc(ipcMain: IpcMain): void {
  for (const method of kioskMethods) ipcMain.removeHandler(ipcChannel(method));
}

/** Trusts the main frame of the window `getWindow()` returns, and only while it shows `origin`. */
export function trustedSender(getWindow: () => BrowserWindow | null, origin: string): SenderCheck {
  return (event) => {
    const win = getWindow();
    const frame = event.senderFrame;
    if (!win || win.isDestroyed() || !frame) return false;
    if (event.sender !== win.webContents || frame !== win.webContents.mainFrame) return false;
    return isSameOrigin(frame.url, origin);
  };
}
