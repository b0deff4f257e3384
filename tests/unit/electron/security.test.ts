/**
 * The kiosk window's lock-down: BrowserWindow options, the CSP header, and the refusals of navigation,
 * new windows, webviews, permissions and devtools, driven through fakes of the Electron objects.
 */
import { EventEmitter } from 'node:events';
import type { Session, WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({}));

const {
  APP_ORIGIN,
  allowedOrigin,
  cspHeader,
  denyPermissions,
  hardenWebContents,
  installCsp,
  isSameOrigin,
  shellMode,
  windowOptions,
} = await import('../../../src/main/electron/security');

const prod = { isDev: false };
const dev = { isDev: true, devServerOrigin: 'http://localhost:5173' };

describe('windowOptions', () => {
  it('locks the production window down: kiosk, sandbox, isolation, no Node, no devtools', () => {
    const o = windowOptions(prod, '/app/out/preload/index.cjs');
    expect(o.kiosk).toBe(true);
    expect(o.fullscreen).toBe(true);
    expect(o.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
    });
  });

  it('keeps the same isolation in development, only without kiosk mode', () => {
    const o = windowOptions(dev, '/p.cjs');
    expect(o.kiosk).toBe(false);
    expect(o.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
  });
});

describe('cspHeader', () => {
  const directives = (csp: string): Map<string, string> =>
    new Map(csp.split('; ').map((d) => [d.split(' ')[0] ?? '', d.split(' ').slice(1).join(' ')]));

  it('allows only our own origin in production', () => {
    const d = directives(cspHeader(prod));
    expect(d.get('default-src')).toBe("'self'");
    expect(d.get('script-src')).toBe("'self'");
    expect(d.get('style-src')).toBe("'self'");
    expect(d.get('img-src')).toBe("'self' data:");
    expect(d.get('font-src')).toBe("'self'");
    expect(d.get('connect-src')).toBe("'self'");
    expect(d.get('object-src')).toBe("'none'");
    expect(d.get('base-uri')).toBe("'none'");
    expect(d.get('frame-ancestors')).toBe("'none'");
    expect(cspHeader(prod)).not.toMatch(/unsafe-(inline|eval)|\*/);
  });

  it('opens only what the dev server needs in development', () => {
    const csp = cspHeader(dev);
    expect(directives(csp).get('connect-src')).toBe("'self' ws://localhost:5173");
    expect(csp).not.toContain('unsafe-eval');
  });
});

describe('shellMode', () => {
  it('is production unless the dev server or ISOLOIR_DEV says otherwise', () => {
    expect(shellMode({})).toEqual({ isDev: false });
    expect(shellMode({ ISOLOIR_DEV: '1' })).toEqual({ isDev: true });
    expect(shellMode({ ELECTRON_RENDERER_URL: 'http://localhost:5173/' })).toEqual(dev);
    expect(allowedOrigin(prod)).toBe(APP_ORIGIN);
    expect(allowedOrigin(dev)).toBe('http://localhost:5173');
  });
});

describe('isSameOrigin', () => {
  it('compares scheme and host, custom schemes included', () => {
    expect(isSameOrigin('app://kiosk/index.html', APP_ORIGIN)).toBe(true);
    expect(isSameOrigin('app://kiosk/', APP_ORIGIN)).toBe(true);
    expect(isSameOrigin('app://other/index.html', APP_ORIGIN)).toBe(false);
    expect(isSameOrigin('https://kiosk/index.html', APP_ORIGIN)).toBe(false);
    expect(isSameOrigin('file:///etc/passwd', APP_ORIGIN)).toBe(false);
    expect(isSameOrigin('not a url', APP_ORIGIN)).toBe(false);
    expect(isSameOrigin('http://localhost:5174/', 'http://localhost:5173')).toBe(false);
  });
});

type Listener = (...args: unknown[]) => void;

function fakeSession() {
  const captured: {
    headers?: Listener;
    request?: (wc: unknown, permission: string, cb: (granted: boolean) => void) => void;
    check?: (...args: unknown[]) => boolean;
  } = {};
  const session = {
    webRequest: {
      onHeadersReceived: (l: Listener) => {
        captured.headers = l;
      },
    },
    setPermissionRequestHandler: (h: typeof captured.request) => {
      captured.request = h;
    },
    setPermissionCheckHandler: (h: typeof captured.check) => {
      captured.check = h;
    },
  };
  return { session: session as unknown as Session, captured };
}

describe('installCsp', () => {
  it('replaces any policy a response carries with ours', () => {
    const { session, captured } = fakeSession();
    installCsp(session, prod);
    const callback = vi.fn();
    captured.headers?.(
      {
        responseHeaders: {
          'content-security-policy': ["default-src *; script-src 'unsafe-eval'"],
          'Content-Type': ['text/html'],
        },
      },
      callback,
    );
    expect(callback).toHaveBeenCalledWith({
      responseHeaders: {
        'Content-Type': ['text/html'],
        'Content-Security-Policy': [cspHeader(prod)],
        'X-Content-Type-Options': ['nosniff'],
      },
    });
  });
});

describe('denyPermissions', () => {
  it('refuses every permission request and check', () => {
    const { session, captured } = fakeSession();
    denyPermissions(session);
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'fullscreen']) {
      const cb = vi.fn();
      captured.request?.({}, permission, cb);
      expect(cb).toHaveBeenCalledWith(false);
      expect(captured.check?.({}, permission, APP_ORIGIN, {})).toBe(false);
    }
  });
});

function fakeContents() {
  const emitter = new EventEmitter();
  let openHandler: ((details: { url: string }) => { action: string }) | undefined;
  const closeDevTools = vi.fn();
  const contents = Object.assign(emitter, {
    setWindowOpenHandler: (h: typeof openHandler) => {
      openHandler = h;
    },
    closeDevTools,
  });
  const event = () => ({ preventDefault: vi.fn() });
  return {
    contents: contents as unknown as WebContents,
    emit: (name: string, ...args: unknown[]) => emitter.emit(name, ...args),
    open: (url: string) => openHandler?.({ url }),
    closeDevTools,
    event,
  };
}

describe('hardenWebContents', () => {
  it('refuses navigation and redirects away from our origin, allows staying on it', () => {
    const f = fakeContents();
    hardenWebContents(f.contents, prod);
    for (const name of ['will-navigate', 'will-redirect']) {
      const away = f.event();
      f.emit(name, away, 'https://example.org/');
      expect(away.preventDefault).toHaveBeenCalled();
      const file = f.event();
      f.emit(name, file, 'file:///etc/passwd');
      expect(file.preventDefault).toHaveBeenCalled();
      const home = f.event();
      f.emit(name, home, 'app://kiosk/index.html');
      expect(home.preventDefault).not.toHaveBeenCalled();
    }
  });

  it('denies every new window and every webview', () => {
    const f = fakeContents();
    hardenWebContents(f.contents, prod);
    expect(f.open('https://example.org/')).toEqual({ action: 'deny' });
    expect(f.open('app://kiosk/index.html')).toEqual({ action: 'deny' });
    const webview = f.event();
    f.emit('will-attach-webview', webview, {}, {});
    expect(webview.preventDefault).toHaveBeenCalled();
  });

  it('closes devtools in production only', () => {
    const p = fakeContents();
    hardenWebContents(p.contents, prod);
    p.emit('devtools-opened');
    expect(p.closeDevTools).toHaveBeenCalledTimes(1);
    const d = fakeContents();
    hardenWebContents(d.contents, dev);
    d.emit('devtools-opened');
    expect(d.closeDevTools).not.toHaveBeenCalled();
  });

  it('in development follows the dev server, not app://', () => {
    const f = fakeContents();
    hardenWebContents(f.contents, dev);
    const app = f.event();
    f.emit('will-navigate', app, 'app://kiosk/index.html');
    expect(app.preventDefault).toHaveBeenCalled();
    const devPage = f.event();
    f.emit('will-navigate', devPage, 'http://localhost:5173/');
    expect(devPage.preventDefault).not.toHaveBeenCalled();
  });
});
