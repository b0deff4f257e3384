/**
 * The Electron shell's wiring, and nothing more (DESIGN §2): one instance, one locked-down window showing
 * the built renderer from `app://kiosk`, and the typed API forwarded over IPC to the kiosk core, which
 * holds every rule. A kiosk with no keys starts into its setup screens (enrolment online or by USB): there is
 * no other way to hand it keys. Configuration comes from the environment:
 *   ISOLOIR_DB               SQLite file (default: <userData>/kiosk.sqlite)
 *   ISOLOIR_COMMUNES         communes list (default: resources/generated/communes-62.json)
 *   ISOLOIR_IDLE_SECONDS     voter screens: seconds without a touch before the countdown (default 90)
 *   ISOLOIR_COUNTDOWN_SECONDS  then seconds of countdown before the voter is wiped (default 30)
 *   ISOLOIR_BACKOFF_MAX_S    longest wait between two upload attempts, in seconds (default 300)
 *   ISOLOIR_PRINTER          the receipt printer's system name; voters print their receipt on it with
 *                            no dialog (unset: no receipt printer, the thank-you screen says so)
 *   ISOLOIR_REPORTS_DIR      where "Enregistrer en PDF" saves reports (default: <userData>/reports)
 *   ISOLOIR_DEV=1            windowed, devtools allowed (electron-vite dev sets ELECTRON_RENDERER_URL)
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session } from 'electron';
import { startKiosk, type Kiosk, type KioskOptions } from '../core/kiosk';
import { syncOptionsFromSettings } from '../core/sync/settings';
import { idleDelaysFromSettings, idleQuery, type IdleDelays } from '../../shared/idle';
import { registerIpc, trustedSender } from './ipc';
import { printerFromEnv, registerShellIpc } from './printing';
import { privilegedScheme, serveRenderer } from './protocol';
import {
  APP_ORIGIN,
  allowedOrigin,
  cspHeader,
  denyPermissions,
  hardenWebContents,
  installCsp,
  shellMode,
  windowOptions,
} from './security';
import { acquireSingleInstance } from './single-instance';

/** The built layout: out/main/index.js beside out/preload/index.cjs and out/renderer/. */
export function builtPaths(mainFileUrl: string): { preload: string; renderer: string } {
  const outDir = join(dirname(fileURLToPath(mainFileUrl)), '..');
  return { preload: join(outDir, 'preload', 'index.cjs'), renderer: join(outDir, 'renderer') };
}

/** The core's options from the environment; the database lives in the user's data folder by default. */
export function kioskOptionsFromEnv(
  env: Record<string, string | undefined>,
  userDataDir: string,
): KioskOptions {
  // An empty variable counts as unset: `ISOLOIR_DB=` must not mean SQLite's anonymous temporary database.
  const setting = (name: string): string | undefined => env[name] || undefined;
  const options: KioskOptions = {
    dbPath: setting('ISOLOIR_DB') ?? join(userDataDir, 'kiosk.sqlite'),
    // Events only (the core never passes a name, a token or a choice here).
    log: (event, detail) => console.log(JSON.stringify({ event, ...detail })),
    sync: syncOptionsFromSettings({
      backoffMaxSeconds: setting('ISOLOIR_BACKOFF_MAX_S'),
    }),
  };
  const communes = setting('ISOLOIR_COMMUNES');
  if (communes) options.communesPath = communes;
  if (printerFromEnv(env) !== null) options.receiptPrinter = true;
  return options;
}

/** Where saved report PDFs go: `ISOLOIR_REPORTS_DIR`, else a `reports` folder in the user's data folder. */
export function reportsDirFromEnv(env: Record<string, string | undefined>, userDataDir: string): string {
  return env['ISOLOIR_REPORTS_DIR'] || join(userDataDir, 'reports');
}

/** The voter screens' idle delays from the environment; a wrong value is refused by its variable's name. */
export function idleDelaysFromEnv(env: Record<string, string | undefined>): IdleDelays {
  return idleDelaysFromSettings(
    { idleSeconds: env['ISOLOIR_IDLE_SECONDS'], countdownSeconds: env['ISOLOIR_COUNTDOWN_SECONDS'] },
    { idleSeconds: 'ISOLOIR_IDLE_SECONDS', countdownSeconds: 'ISOLOIR_COUNTDOWN_SECONDS' },
  );
}

/** The page the window shows, the idle delays in its query, where the renderer reads them. */
export function voterPageUrl(base: string, delays: IdleDelays): string {
  const url = new URL(base);
  url.search = idleQuery(delays);
  return url.toString();
}

export function runShell(mainFileUrl: string): void {
  const mode = shellMode(process.env);
  const paths = builtPaths(mainFileUrl);
  let win: BrowserWindow | null = null;
  let kiosk: Kiosk | null = null;

  const focusWindow = (): void => {
    if (!win || win.isDestroyed()) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  };
  if (!acquireSingleInstance(app, focusWindow)) return;

  // Both must happen before `ready`. enableSandbox makes every renderer sandboxed, whatever options a
  // future window is created with.
  app.enableSandbox();
  protocol.registerSchemesAsPrivileged([privilegedScheme()]);
  // Every web contents, ours or not, gets the same refusals the moment it exists.
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, mode));
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => {
    kiosk?.close();
    kiosk = null;
  });

  const start = async (): Promise<void> => {
    // Checked first: a wrong delay stops the shell before the kiosk opens.
    const delays = idleDelaysFromEnv(process.env);
    await app.whenReady();
    // No default menu: its accelerators would reload the page, open devtools or close the window.
    if (!mode.isDev) Menu.setApplicationMenu(null);
    const options = kioskOptionsFromEnv(process.env, app.getPath('userData'));
    // First start on a fresh machine: the data folder may not exist yet.
    mkdirSync(dirname(options.dbPath), { recursive: true });
    const started = startKiosk({ ...options, appVersion: app.getVersion() });
    // A damaged database: the window still opens, and every call answers the start error, which the
    // renderer shows to the mediator (what to keep, whom to call) instead of the voter's screens.
    if (started.ok) kiosk = started.kiosk;
    else console.error('isoloir: le kiosque n’a pas pu démarrer :', started.error.message);

    const ses = session.defaultSession;
    installCsp(ses, mode);
    denyPermissions(ses);
    serveRenderer(ses.protocol, paths.renderer, cspHeader(mode));
    const isTrustedSender = trustedSender(() => win, allowedOrigin(mode));
    registerIpc(ipcMain, started.ok ? started.kiosk.handlers : started.handlers, isTrustedSender);
    registerShellIpc(ipcMain, {
      reportsDir: reportsDirFromEnv(process.env, app.getPath('userData')),
      printer: printerFromEnv(process.env),
      isTrustedSender,
      log: options.log ?? ((): void => undefined),
    });

    win = new BrowserWindow(windowOptions(mode, paths.preload));
    win.once('ready-to-show', () => win?.show());
    win.on('closed', () => {
      win = null;
    });
    const devUrl = process.env['ELECTRON_RENDERER_URL'];
    const pageUrl = voterPageUrl(mode.isDev && devUrl ? devUrl : `${APP_ORIGIN}/index.html`, delays);
    // A crashed page must not leave a blank kiosk: start again at the welcome screen. Nothing is lost,
    // a vote is either committed by the core or was never confirmed to the voter.
    win.webContents.on('render-process-gone', (_event, details) => {
      console.error(JSON.stringify({ event: 'renderer_gone', reason: details.reason }));
      if (win && !win.isDestroyed()) void win.loadURL(pageUrl);
    });
    await win.loadURL(pageUrl);
  };

  start().catch((error: unknown) => {
    // Before any voter interaction: say why and stop, rather than show a broken kiosk. In kiosk mode
    // nobody reads stderr: the mediator sees the same French message in a box (a too new database, a
    // missing folder), so they can tell the central team. A damaged one has its own screen (above).
    const message = error instanceof Error ? error.message : String(error);
    console.error('isoloir: le kiosque n’a pas pu démarrer :', message);
    dialog.showErrorBox('Le kiosque n’a pas pu démarrer', message);
    app.exit(1);
  });
}
