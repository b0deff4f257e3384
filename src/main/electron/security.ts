/**
 * The locked-down kiosk window (STYLE §6): its BrowserWindow options, the CSP header on every response,
 * and the refusals of navigation, new windows, webviews, permissions and (in production) devtools. Each
 * piece is a small function over the Electron object it configures, so unit tests can drive it with a
 * fake of that object.
 */
import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron';
import { contentSecurityPolicy } from '../../shared/csp';

/** The renderer is served from this privileged custom scheme, never from file:// (see protocol.ts). */
export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://kiosk`;

export interface ShellMode {
  /** electron-vite dev server run: window not in kiosk mode, devtools allowed, dev CSP. */
  isDev: boolean;
  /** The dev server's origin when `isDev` (ELECTRON_RENDERER_URL), else undefined. */
  devServerOrigin?: string;
}

export function windowOptions(mode: ShellMode, preloadPath: string): BrowserWindowConstructorOptions {
  return {
    // A voter must not be able to leave the voting screen: kiosk mode hides the OS around it.
    kiosk: !mode.isDev,
    fullscreen: !mode.isDev,
    width: 1280,
    height: 800,
    show: false,
    autoHideMenuBar: true,
    backgroundColor: '#ffffff',
    title: 'Isoloir',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: mode.isDev,
    },
  };
}

export function cspHeader(mode: ShellMode): string {
  return contentSecurityPolicy(
    mode.isDev && mode.devServerOrigin ? { devServerOrigin: mode.devServerOrigin } : {},
  );
}

/** The origin the window may show: our scheme in production, the dev server in development. */
export function allowedOrigin(mode: ShellMode): string {
  return mode.isDev && mode.devServerOrigin ? mode.devServerOrigin : APP_ORIGIN;
}

/** True when `url` stays on `origin` (custom schemes have an opaque URL.origin, so compare by hand). */
export function isSameOrigin(url: string, origin: string): boolean {
  try {
    const target = new URL(url);
    const allowed = new URL(origin);
    return target.protocol === allowed.protocol && target.host === allowed.host;
  } catch {
    return false;
  }
}

/** Sends the CSP (and a few sibling headers) on every response this session receives, whatever serves it. */
export function installCsp(session: Session, mode: ShellMode): void {
  const csp = cspHeader(mode);
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(details.responseHeaders ?? {})) {
      // Replace, never merge, whatever policy the server sent.
      if (name.toLowerCase() !== 'content-security-policy') headers[name] = value;
    }
    headers['Content-Security-Policy'] = [csp];
    headers['X-Content-Type-Options'] = ['nosniff'];
    callback({ responseHeaders: headers });
  });
}

/** The kiosk asks for no permission at all: camera, microphone, geolocation, notifications… all refused. */
export function denyPermissions(session: Session): void {
  session.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

/**
 * Keeps a web contents on our origin: navigation elsewhere, redirects elsewhere, window.open and
 * <webview> are refused; devtools are closed again in production (a keyboard shortcut must not open them).
 */
export function hardenWebContents(contents: WebContents, mode: ShellMode): void {
  const origin = allowedOrigin(mode);
  contents.on('will-navigate', (event, url) => {
    if (!isSameOrigin(url, origin)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isSameOrigin(url, origin)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  if (!mode.isDev) {
    contents.on('devtools-opened', () => contents.closeDevTools());
  }
}

/** Reads the mode from the environment: electron-vite's dev server URL, or ISOLOIR_DEV=1 for a windowed run. */
export function shellMode(env: Record<string, string | undefined>): ShellMode {
  const devUrl = env['ELECTRON_RENDERER_URL'];
  if (devUrl) {
    try {
      return { isDev: true, devServerOrigin: new URL(devUrl).origin };
    } catch {
      // An unparsable dev URL falls through to the built renderer.
    }
  }
  return { isDev: env['ISOLOIR_DEV'] === '1' };
}
