/**
 * The one module through which the screens reach the kiosk core. Inside Electron the preload has put
 * `window.kiosk` (IPC); in the browser harness there is no preload, so the same typed contract is spoken
 * over HTTP to 127.0.0.1, with the per-launch secret the harness put in the address's fragment.
 */
import { HARNESS_TOKEN_HEADER, httpPath, type KioskApi } from '../../shared/api';
import { createKioskClient } from '../../shared/dispatch';

const TOKEN_KEY = 'isoloir.harnessToken';

/** Reads `#token=…` once, keeps it for this tab only, and removes it from the address bar. */
function harnessToken(): string {
  const match = /(?:^|[#&])token=([A-Za-z0-9_-]+)/.exec(window.location.hash);
  if (match?.[1]) {
    sessionStorage.setItem(TOKEN_KEY, match[1]);
    history.replaceState(null, '', window.location.pathname + window.location.search);
    return match[1];
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

function httpClient(): KioskApi {
  const token = harnessToken();
  return createKioskClient(async (method, input) => {
    const response = await fetch(httpPath(method), {
      method: 'POST',
      headers: { 'content-type': 'application/json', [HARNESS_TOKEN_HEADER]: token },
      body: JSON.stringify(input ?? {}),
    });
    return (await response.json()) as unknown;
  });
}

export const api: KioskApi = window.kiosk ?? httpClient();
