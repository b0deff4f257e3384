/**
 * The preload: puts the typed kiosk API on `window.kiosk`, and nothing else (no ipcRenderer, no Node).
 * Built as one CommonJS file with its dependencies bundled in, because a sandboxed preload may require only
 * `electron`. Answers are checked against the contract's output schemas by `createKioskClient`.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { ipcChannel, type KioskApi } from '../shared/api';
import { createKioskClient } from '../shared/dispatch';

const api = createKioskClient((method, input) =>
  ipcRenderer.invoke(ipcChannel(method), input),
) satisfies KioskApi;

contextBridge.exposeInMainWorld('kiosk', api);
