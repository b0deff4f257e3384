/**
 * The shell's wiring with `vi.mock('electron')`: what runShell asks of Electron (scheme, hardening, CSP,
 * permissions, one locked-down window on app://kiosk, one IPC handler per method) and that an IPC call
 * from our window reaches the REAL kiosk core on a temporary SQLite file. A second instance quits at once.
 */
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ipcChannel, kioskMethods } from '../../../src/shared/api';
import { shellChannel, shellMethods } from '../../../src/shared/shell';
import type { Result } from '../../../src/shared/result';

type Handler = (event: unknown, input: unknown) => Promise<Result<unknown>>;

const fake = vi.hoisted(() => {
  const state = {
    lockFree: true,
    windows: [] as {
      options: unknown;
      url: string | null;
      loads: number;
      webContents: { mainFrame: { url: string }; emit(name: string, ...args: unknown[]): boolean };
    }[],
    ipc: new Map<string, Handler>(),
    schemes: [] as unknown[],
    served: [] as string[],
    csp: [] as unknown[],
    menu: 'default' as unknown,
    quit: 0,
    sandboxed: false,
    exit: [] as number[],
    errorBoxes: [] as string[][],
    appEvents: null as unknown,
    userData: '',
  };
  return state;
});

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  const app = Object.assign(new Emitter(), {
    requestSingleInstanceLock: () => fake.lockFree,
    quit: () => {
      fake.quit++;
    },
    exit: (code: number) => fake.exit.push(code),
    enableSandbox: () => {
      fake.sandboxed = true;
    },
    whenReady: () => Promise.resolve(),
    getPath: () => fake.userData,
    getVersion: () => '0.1.0',
  });
  fake.appEvents = app;
  class BrowserWindow extends Emitter {
    webContents = Object.assign(new Emitter(), { mainFrame: { url: '' } });
    constructor(public options: unknown) {
      super();
      const entry = { options, url: null as string | null, loads: 0, webContents: this.webContents };
      fake.windows.push(entry);
    }
    isDestroyed = () => false;
    isMinimized = () => false;
    restore = () => undefined;
    focus = vi.fn();
    show = () => undefined;
    loadURL = async (url: string) => {
      const entry = fake.windows.find((w) => w.webContents === this.webContents);
      if (entry) {
        entry.url = url;
        entry.loads++;
      }
      this.webContents.mainFrame.url = url;
    };
  }
  return {
    app,
    BrowserWindow,
    Menu: { setApplicationMenu: (menu: unknown) => (fake.menu = menu) },
    dialog: { showErrorBox: (title: string, content: string) => fake.errorBoxes.push([title, content]) },
    ipcMain: {
      handle: (channel: string, handler: Handler) => fake.ipc.set(channel, handler),
      removeHandler: (channel: string) => fake.ipc.delete(channel),
    },
    protocol: { registerSchemesAsPrivileged: (schemes: unknown[]) => fake.schemes.push(...schemes) },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (l: unknown) => fake.csp.push(l) },
        setPermissionRequestHandler: () => undefined,
        setPermissionCheckHandler: () => undefined,
        protocol: { handle: (scheme: string) => fake.served.push(scheme) },
      },
    },
  };
});

let dir: string;
beforeEach(() => {
  vi.resetModules();
  // The machine's own settings must not change what these tests see.
  vi.stubEnv('ISOLOIR_IDLE_SECONDS', '');
  vi.stubEnv('ISOLOIR_COUNTDOWN_SECONDS', '');
  vi.stubEnv('ISOLOIR_PRINTER', '');
  vi.stubEnv('ISOLOIR_REPORTS_DIR', '');
  dir = mkdtempSync(join(tmpdir(), 'isoloir-shell-'));
  fake.userData = dir;
  fake.lockFree = true;
  fake.windows.length = 0;
  fake.ipc.clear();
  fake.schemes.length = 0;
  fake.served.length = 0;
  fake.csp.length = 0;
  fake.menu = 'default';
  fake.quit = 0;
  fake.sandboxed = false;
  fake.exit.length = 0;
  fake.errorBoxes.length = 0;
  (fake.appEvents as EventEmitter | null)?.removeAllListeners();
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  (fake.appEvents as EventEmitter | null)?.emit('will-quit');
  rmSync(dir, { recursive: true, force: true });
});

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('runShell', () => {
  it('opens one locked-down window on app://kiosk and forwards IPC to the real core', async () => {
    // A first start: the user data folder does not exist yet.
    fake.userData = join(dir, 'first-start', 'isoloir');
    const { runShell } = await import('../../../src/main/electron/app');
    runShell('file:///opt/isoloir/out/main/index.js');
    await settle();

    expect(fake.exit).toEqual([]);
    expect(fake.sandboxed).toBe(true);
    expect(fake.schemes).toMatchObject([{ scheme: 'app', privileges: { standard: true, secure: true } }]);
    expect(fake.served).toEqual(['app']);
    expect(fake.csp).toHaveLength(1);
    expect(fake.menu).toBeNull();
    expect(fake.windows).toHaveLength(1);
    const win = fake.windows[0]!;
    // The voter page, with the default idle delays in the query the renderer reads.
    expect(win.url).toBe('app://kiosk/index.html?idle=90&countdown=30');
    expect(win.options).toMatchObject({
      kiosk: true,
      webPreferences: {
        preload: '/opt/isoloir/out/preload/index.cjs',
        sandbox: true,
        contextIsolation: true,
        nodeIntegration: false,
      },
    });
    expect(existsSync(join(fake.userData, 'kiosk.sqlite'))).toBe(true);
    // The kiosk API's channels and the shell's own (PDF, printer), nothing else.
    expect([...fake.ipc.keys()].sort()).toEqual(
      [...kioskMethods.map(ipcChannel), ...shellMethods.map(shellChannel)].sort(),
    );

    const getStatus = fake.ipc.get(ipcChannel('getStatus'))!;
    const fromWindow = await getStatus(
      { sender: win.webContents, senderFrame: win.webContents.mainFrame },
      {},
    );
    expect(fromWindow).toMatchObject({
      ok: true,
      value: { kioskId: expect.stringMatching(/^[0-9a-f]{32}$/) },
    });
    // A crashed renderer is replaced by the welcome screen.
    win.webContents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 1 });
    expect(win.loads).toBe(2);
    expect(win.url).toBe('app://kiosk/index.html?idle=90&countdown=30');

    const fromElsewhere = await getStatus({ sender: {}, senderFrame: { url: 'app://kiosk/index.html' } }, {});
    expect(fromElsewhere).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    // The shell's channels trust the same sender only.
    const savePdf = fake.ipc.get(shellChannel('savePdf'))!;
    const pdfFromElsewhere = await savePdf(
      { sender: {}, senderFrame: { url: 'app://kiosk/index.html' } },
      { fileName: 'r.pdf' },
    );
    expect(pdfFromElsewhere).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });

  it('tells the screens a receipt printer is there when ISOLOIR_PRINTER names one', async () => {
    vi.stubEnv('ISOLOIR_PRINTER', 'EPSON_TM-T20');
    const { runShell } = await import('../../../src/main/electron/app');
    runShell('file:///opt/isoloir/out/main/index.js');
    await settle();
    const win = fake.windows[0]!;
    const status = await fake.ipc.get(ipcChannel('getStatus'))!(
      { sender: win.webContents, senderFrame: win.webContents.mainFrame },
      {},
    );
    expect(status).toMatchObject({ ok: true, value: { printer: true } });
  });

  it('puts ISOLOIR_IDLE_SECONDS and ISOLOIR_COUNTDOWN_SECONDS in the page address', async () => {
    vi.stubEnv('ISOLOIR_IDLE_SECONDS', '45');
    vi.stubEnv('ISOLOIR_COUNTDOWN_SECONDS', '12');
    const { runShell } = await import('../../../src/main/electron/app');
    runShell('file:///opt/isoloir/out/main/index.js');
    await settle();
    expect(fake.exit).toEqual([]);
    expect(fake.windows[0]?.url).toBe('app://kiosk/index.html?idle=45&countdown=12');
  });

  it('refuses to start with an idle delay that is not 1 to 3600 seconds, before opening the kiosk', async () => {
    vi.stubEnv('ISOLOIR_COUNTDOWN_SECONDS', '0');
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const { runShell } = await import('../../../src/main/electron/app');
    runShell('file:///opt/isoloir/out/main/index.js');
    await settle();
    expect(fake.exit).toEqual([1]);
    expect(fake.windows).toHaveLength(0);
    expect(fake.ipc.size).toBe(0);
    expect(existsSync(join(fake.userData, 'kiosk.sqlite'))).toBe(false);
    expect(errors.mock.calls.join(' ')).toMatch(/ISOLOIR_COUNTDOWN_SECONDS : « 0 »/);
    // Nobody reads stderr on a kiosk: the same words in a box on the screen.
    expect(fake.errorBoxes).toEqual([
      [expect.stringContaining('n’a pas pu démarrer'), expect.stringMatching(/ISOLOIR_COUNTDOWN_SECONDS/)],
    ]);
  });

  it('shows a damaged database on the screen, keeping the file aside and never making a new one', async () => {
    const dbPath = join(dir, 'kiosk.sqlite');
    const garbage = Buffer.alloc(8192, 0x5a);
    writeFileSync(dbPath, garbage);
    vi.stubEnv('ISOLOIR_DB', dbPath);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const { runShell } = await import('../../../src/main/electron/app');
    runShell('file:///opt/isoloir/out/main/index.js');
    await settle();
    expect(fake.exit).toEqual([]);
    expect(fake.windows).toHaveLength(1);
    const window = fake.windows[0];
    const status = await fake.ipc.get(ipcChannel('getStatus'))?.(
      { sender: window?.webContents, senderFrame: window?.webContents.mainFrame },
      {},
    );
    expect(status?.ok).toBe(false);
    if (status?.ok !== false) return;
    expect(status.error.code).toBe('kiosk_db_corrupt');
    expect(status.error.message).toMatch(/endommagée.*N’effacez rien/);
    const keptAs = String(status.error.details?.keptAs);
    expect(keptAs.startsWith(`${dbPath}.endommagee-`)).toBe(true);
    expect(readFileSync(keptAs).equals(garbage)).toBe(true);
    expect(existsSync(dbPath)).toBe(false);
  });

  it('quits a second instance before opening anything', async () => {
    fake.lockFree = false;
    const { runShell } = await import('../../../src/main/electron/app');
    runShell('file:///opt/isoloir/out/main/index.js');
    await settle();
    expect(fake.quit).toBe(1);
    expect(fake.windows).toHaveLength(0);
    expect(fake.ipc.size).toBe(0);
    expect(fake.schemes).toHaveLength(0);
  });
});

describe('kioskOptionsFromEnv', () => {
  it('keeps the database in userData unless ISOLOIR_DB says otherwise', async () => {
    const { kioskOptionsFromEnv } = await import('../../../src/main/electron/app');
    expect(kioskOptionsFromEnv({}, '/home/k/.config/isoloir').dbPath).toBe(
      '/home/k/.config/isoloir/kiosk.sqlite',
    );
    expect(kioskOptionsFromEnv({ ISOLOIR_DB: '/data/k.sqlite' }, '/x').dbPath).toBe('/data/k.sqlite');
    // Empty means unset, never SQLite's anonymous temporary database.
    expect(kioskOptionsFromEnv({ ISOLOIR_DB: '' }, '/x').dbPath).toBe('/x/kiosk.sqlite');
    expect(kioskOptionsFromEnv({ ISOLOIR_COMMUNES: '/data/c.json' }, '/x').communesPath).toBe('/data/c.json');
  });

  it('says a receipt printer is there only when ISOLOIR_PRINTER names one', async () => {
    const { kioskOptionsFromEnv } = await import('../../../src/main/electron/app');
    expect(kioskOptionsFromEnv({}, '/x').receiptPrinter).toBeUndefined();
    expect(kioskOptionsFromEnv({ ISOLOIR_PRINTER: '  ' }, '/x').receiptPrinter).toBeUndefined();
    expect(kioskOptionsFromEnv({ ISOLOIR_PRINTER: 'EPSON_TM-T20' }, '/x').receiptPrinter).toBe(true);
  });

  it('saves report PDFs in userData/reports unless ISOLOIR_REPORTS_DIR says otherwise', async () => {
    const { reportsDirFromEnv } = await import('../../../src/main/electron/app');
    expect(reportsDirFromEnv({}, '/home/k/.config/isoloir')).toBe('/home/k/.config/isoloir/reports');
    expect(reportsDirFromEnv({ ISOLOIR_REPORTS_DIR: '' }, '/x')).toBe('/x/reports');
    expect(reportsDirFromEnv({ ISOLOIR_REPORTS_DIR: '/srv/rapports' }, '/x')).toBe('/srv/rapports');
  });

  it('hands the core no keys: a counter’s kiosk is set up through its setup screens only', async () => {
    const { kioskOptionsFromEnv } = await import('../../../src/main/electron/app');
    expect(kioskOptionsFromEnv({ ISOLOIR_PROVISION_FROM: dir }, '/x').provision).toBeUndefined();
  });
});

describe('voterPageUrl', () => {
  it('adds the delays to the built page and to the dev server alike', async () => {
    const { voterPageUrl, idleDelaysFromEnv } = await import('../../../src/main/electron/app');
    const delays = idleDelaysFromEnv({ ISOLOIR_IDLE_SECONDS: '120' });
    expect(delays).toEqual({ idleSeconds: 120, countdownSeconds: 30 });
    expect(voterPageUrl('app://kiosk/index.html', delays)).toBe(
      'app://kiosk/index.html?idle=120&countdown=30',
    );
    expect(voterPageUrl('http://localhost:5173', delays)).toBe(
      'http://localhost:5173/?idle=120&countdown=30',
    );
    expect(() => idleDelaysFromEnv({ ISOLOIR_IDLE_SECONDS: 'deux minutes' })).toThrow(/ISOLOIR_IDLE_SECONDS/);
  });
});
