/**
 * The preload: puts the typed kiosk API on `window.kiosk` and the shell's PDF and printer on
 * `window.kioskShell`, and nothing else (no ipcRenderer, no Node). Built as one CommonJS file with its
 * dependencies bundled in, because a sandboxed preload may require only `electron`. Answers are checked
 * against the contracts' output schemas by `createKioskClient` and `createShellClient`.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { ipcChannel, type KioskApi } from '../shared/api';
import { createKioskClient } from '../shared/dispatch';
import { createShellClient, shellChannel, type KioskShell } from '../shared/shell';

const api = createKioskClient((method, input) =>
  ipcRenderer.invoke(ipcChannel(method), input),
) satisfies KioskApi;

const shell = createShellClient((method, input) =>
  ipcRenderer.invoke(shellChannel(method), input),
) satisfies KioskShell;

contextBridge.exposeInMainWorld('kiosk', api);
contextBridge.exposeInMainWorld('kioskShell', shell);
