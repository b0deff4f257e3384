/**
 * The Linux counter kiosk for real (deploy/kiosk/): the launcher the systemd user unit runs, started
 * here directly (no systemd in this container; the launcher's own loop restarts the harness and
 * Chromium, the unit's Restart=always only restarts the launcher), on an Xvfb screen with Debian's
 * Chromium. Checked: the welcome screen is on screen (Xvfb's framebuffer read as a PNG, and the page's
 * text over Chromium's DevTools, opened by a test-only flag), kill -9 of the harness and then of
 * Chromium each brings the welcome screen back with the kiosk's state kept (training mode, set before
 * the kills), the secret is on no command line and in no log, and the files are the account's only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { openKiosk } from '../../../src/main/core/kiosk';
import { provisionFrom } from '../../../src/main/core/provision';
import { openTestDay, TEST_MEDIATOR, unlockTestMediator } from '../../unit/core/fixtures';
import { readXvfbScreen, screenStats, writePng } from './xwd';

const root = resolve(import.meta.dirname, '../../..');
const launcher = join(root, 'deploy/kiosk/isoloir-kiosk-launcher.sh');
const chromiumPath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const shots = join(root, 'test-results/kiosk-launcher');
const WIDTH = 1280;
const HEIGHT = 800;

let work: string;
let stateDir: string;
let runDir: string;
let fbDir: string;
let xvfb: ChildProcess;
let kiosk: ChildProcess;
let output = '';
const tokens = new Set<string>();

/** Polls `probe` until it returns a value (not null/undefined/false), or fails after `ms` saying `what`. */
async function until<T>(what: string, probe: () => T | null | undefined | false, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== null && value !== undefined && value !== false) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}\n--- launcher output ---\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject()));
    });
  });
}

/** Every process: pid, parent pid and command line (what any account can read in /proc). */
function processes(): { pid: number; ppid: number; cmdline: string }[] {
  const found: { pid: number; ppid: number; cmdline: string }[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ');
      found.push({ pid: Number(name), ppid, cmdline });
    } catch {
      // the process ended while we read
    }
  }
  return found;
}

/** The harness and Chromium's main process, as children of the launcher. */
function children(): { harness?: number; browser?: number } {
  const mine = processes().filter((p) => p.ppid === kiosk.pid);
  return {
    harness: mine.find((p) => p.cmdline.includes('out/harness/cli.js'))?.pid,
    browser: mine.find((p) => p.cmdline.includes('--kiosk'))?.pid,
  };
}

/** The secret in the harness's address file (read as the kiosk account, which this test runs as). */
function currentToken(): string | null {
  const file = join(runDir, 'kiosk-url');
  if (!existsSync(file)) return null;
  const token = /#token=([A-Za-z0-9_-]+)/.exec(readFileSync(file, 'utf8'))?.[1] ?? null;
  if (token) tokens.add(token);
  return token;
}

let browser: Browser | null = null;

/** Connects to the Chromium of process `pid` over DevTools and returns the kiosk's page. */
async function kioskPage(pid: number): Promise<Page> {
  await browser?.close().catch(() => undefined);
  const portFile = join(stateDir, 'chromium', 'DevToolsActivePort');
  // The file is rewritten by each Chromium: wait for the one this process wrote.
  const port = await until('DevToolsActivePort of the new Chromium', () => {
    if (!existsSync(portFile) || statSync(portFile).mtimeMs < startedAt.get(pid)!) return null;
    return readFileSync(portFile, 'utf8').split('\n')[0];
  });
  browser = await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
  const page = await until('the kiosk page', () =>
    browser
      ?.contexts()
      .flatMap((c) => c.pages())
      .find((p) => p.url().startsWith('http://127.0.0.1:')),
  );
  return page;
}

const startedAt = new Map<number, number>();
async function newPid(which: 'harness' | 'browser', not?: number): Promise<number> {
  const pid = await until(`a ${which} process`, () => {
    const found = children()[which];
    return found !== undefined && found !== not ? found : null;
  });
  if (!startedAt.has(pid)) startedAt.set(pid, Date.now() - 1000);
  return pid;
}

let shot = 0;
/** The welcome screen, on screen: the page's text, then the real framebuffer (saved as a PNG). */
async function expectWelcomeOnScreen(page: Page, training: boolean): Promise<void> {
  await page.getByRole('button', { name: 'Je vote' }).waitFor({ timeout: 30_000 });
  if (training) await page.getByText('MODE FORMATION').first().waitFor({ timeout: 10_000 });
  // Chromium full screen at the screen's size, and pixels drawn: not a black or blank screen.
  // (Chromium may keep a pixel of margin: within 2 pixels of the screen's size.)
  const [width = 0, height = 0] = await page.evaluate(() => {
    const win = globalThis as unknown as { outerWidth: number; outerHeight: number };
    return [win.outerWidth, win.outerHeight];
  });
  expect(Math.abs(width - WIDTH)).toBeLessThanOrEqual(2);
  expect(Math.abs(height - HEIGHT)).toBeLessThanOrEqual(2);
  const screen = await until('a drawn screen', () => {
    const s = readXvfbScreen(join(fbDir, 'Xvfb_screen0'));
    const stats = screenStats(s);
    return stats.colours > 50 && stats.litShare > 0.9 ? s : null;
  });
  mkdirSync(shots, { recursive: true });
  writePng(join(shots, `welcome-${++shot}.png`), screen);
}

/** One kiosk API call from inside the page, with the secret the page keeps, as the renderer makes it. */
async function callKiosk(
  page: Page,
  method: string,
  input: unknown,
): Promise<{ ok: boolean; value?: unknown }> {
  return page.evaluate(
    async ([name, body]) => {
      // Runs in the page: its sessionStorage holds the secret read from the address's fragment.
      const storage = (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } })
        .sessionStorage;
      const response = await fetch(`/api/kiosk/${name}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-isoloir-token': storage.getItem('isoloir.harnessToken') ?? '',
        },
        body: JSON.stringify(body),
      });
      return (await response.json()) as { ok: boolean; value?: unknown };
    },
    [method, input] as const,
  );
}

async function trainingMode(page: Page): Promise<boolean> {
  const status = await callKiosk(page, 'getStatus', {});
  return (status.value as { training?: boolean } | undefined)?.training === true;
}

beforeAll(async () => {
  const inputs: [string, string][] = [
    [chromiumPath, 'apt-get install chromium'],
    ['/usr/bin/Xvfb', 'apt-get install xvfb'],
    [join(root, 'out/harness/cli.js'), 'npm run build'],
    [join(root, 'out/renderer/index.html'), 'npm run build'],
    [join(root, 'resources/generated/sample-election.signed.json'), 'npm run build:data'],
  ];
  for (const [file, make] of inputs) if (!existsSync(file)) throw new Error(`${file} is missing: ${make}`);

  work = mkdtempSync(join(tmpdir(), 'isoloir-kiosk-'));
  stateDir = join(work, 'state');
  runDir = join(work, 'run', 'isoloir-kiosk');
  fbDir = join(work, 'fb');
  mkdirSync(fbDir);
  mkdirSync(join(work, 'run'), { mode: 0o700 });

  // The kiosk as a mediator leaves it once set up: the sample election loaded, the mediator's account
  // created, the counter's day open (the harness provisions nothing itself). Written as the kiosk
  // account would write it under the launcher's umask 077: a 0700 folder, 0600 files.
  mkdirSync(stateDir, { mode: 0o700 });
  const generated = provisionFrom(join(root, 'resources/generated'), 'Kiosque Xvfb');
  const prepared = openKiosk({
    dbPath: join(stateDir, 'kiosk.sqlite'),
    provision: generated.provision,
    ...(generated.communesPath ? { communesPath: generated.communesPath } : {}),
  });
  try {
    await unlockTestMediator(prepared);
    await openTestDay(prepared);
  } finally {
    prepared.close();
  }
  for (const file of readdirSync(stateDir)) chmodSync(join(stateDir, file), 0o600);

  // -displayfd: Xvfb picks a free display and writes its number on fd 3 once it accepts clients.
  xvfb = spawn(
    '/usr/bin/Xvfb',
    ['-displayfd', '3', '-screen', '0', `${WIDTH}x${HEIGHT}x24`, '-fbdir', fbDir, '-nolisten', 'tcp', '-br'],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] },
  );
  const display = await new Promise<string>((resolveDisplay, reject) => {
    let text = '';
    xvfb.stdio[3]?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) resolveDisplay(`:${text.trim()}`);
    });
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited (${code})`)));
  });

  kiosk = spawn('bash', [launcher], {
    detached: true, // its own process group, so the cleanup can end everything it started
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: work,
      DISPLAY: display,
      XDG_RUNTIME_DIR: join(work, 'run'),
      STATE_DIRECTORY: stateDir,
      ISOLOIR_APP_DIR: root,
      ISOLOIR_NODE: process.execPath,
      ISOLOIR_CHROMIUM: chromiumPath,
      ISOLOIR_PORT: String(await freePort()),
      ...(generated.communesPath ? { ISOLOIR_COMMUNES: generated.communesPath } : {}),
      // Test only: root needs --no-sandbox, and DevTools lets the test read the page. A deployed kiosk
      // has neither (the DevTools port would hand the page, and its secret, to any local account).
      // Bare Xvfb has no window manager to honour --kiosk's full-screen request, so the window is
      // placed over the whole screen here; in a desktop session the window manager does it.
      ISOLOIR_CHROMIUM_FLAGS: [
        '--no-sandbox --disable-gpu --disable-dev-shm-usage',
        '--remote-debugging-port=0 --remote-allow-origins=*',
        `--window-position=0,0 --window-size=${WIDTH},${HEIGHT}`,
      ].join(' '),
    },
  });
  kiosk.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  kiosk.stderr?.on('data', (c: Buffer) => (output += c.toString()));
}, 60_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  if (kiosk?.pid && kiosk.exitCode === null) {
    // SIGTERM as systemd stops the unit: the launcher stops both and removes the address file.
    const exited = new Promise((r) => kiosk.once('exit', r));
    process.kill(kiosk.pid, 'SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    try {
      process.kill(-kiosk.pid, 'SIGKILL');
    } catch {
      // the group has already gone
    }
  }
  xvfb?.kill('SIGTERM');
  if (work) rmSync(work, { recursive: true, force: true });
}, 60_000);

test('starts on screen, comes back after kill -9 of each process with its state, and shows its secret to nobody', async () => {
  const harness1 = await newPid('harness');
  const browser1 = await newPid('browser');
  const page1 = await kioskPage(browser1);
  await expectWelcomeOnScreen(page1, false);
  const token1 = await until('the first secret', currentToken);

  // The day's state: the mediator's training mode, kept in the kiosk's database.
  expect(await trainingMode(page1)).toBe(false);
  // A fresh harness starts with the keys locked: the mediator unlocks, as at the counter, then sets it.
  const accounts = await callKiosk(page1, 'mediatorStatus', {});
  const account = (accounts.value as { accounts: { id: string; name: string }[] }).accounts.find(
    (a) => a.name === TEST_MEDIATOR.name,
  );
  expect(account).toBeDefined();
  const unlocked = await callKiosk(page1, 'unlockMediator', {
    accountId: account?.id,
    pin: TEST_MEDIATOR.pin,
  });
  expect(unlocked.ok).toBe(true);
  const set = await callKiosk(page1, 'setTraining', { training: true });
  expect(set.ok).toBe(true);

  // kill -9 of the harness: a new harness (new secret), and Chromium started again on it.
  process.kill(harness1, 'SIGKILL');
  const harness2 = await newPid('harness', harness1);
  const browser2 = await newPid('browser', browser1);
  const page2 = await kioskPage(browser2);
  await expectWelcomeOnScreen(page2, true);
  expect(await trainingMode(page2)).toBe(true);
  const token2 = await until('the new secret', () => {
    const t = currentToken();
    return t !== token1 ? t : null;
  });

  // kill -9 of Chromium: a new Chromium on the same harness.
  process.kill(browser2, 'SIGKILL');
  const browser3 = await newPid('browser', browser2);
  const page3 = await kioskPage(browser3);
  await expectWelcomeOnScreen(page3, true);
  expect(await trainingMode(page3)).toBe(true);
  expect(children().harness).toBe(harness2);

  // The secret: on no command line of any process, in no line the journal would get.
  expect(tokens).toEqual(new Set([token1, token2]));
  for (const token of tokens) {
    expect(processes().filter((p) => p.cmdline.includes(token))).toEqual([]);
    expect(output).not.toContain(token);
  }
  expect(output).toContain('harness stopped');
  expect(output).toContain('chromium stopped');

  // Files: the account's only (0600 files, 0700 folders).
  const mode = (path: string): string => (statSync(path).mode & 0o777).toString(8);
  expect(mode(join(runDir, 'kiosk-url'))).toBe('600');
  expect(mode(join(runDir, 'start.html'))).toBe('600');
  expect(mode(runDir)).toBe('700');
  expect(mode(stateDir)).toBe('700');
  expect(mode(join(stateDir, 'chromium'))).toBe('700');
  const dbFiles = readdirSync(stateDir).filter((f) => f.startsWith('kiosk.sqlite'));
  expect(dbFiles).toContain('kiosk.sqlite');
  for (const file of dbFiles) expect(mode(join(stateDir, file)), file).toBe('600');
}, 240_000);
