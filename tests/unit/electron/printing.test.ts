/**
 * The shell's PDF and printer over IPC, with `vi.mock('electron')` and a fake web contents: only the
 * trusted sender is served, a file name that is not a plain `.pdf` basename is refused before anything
 * runs, the PDF is the exact bytes `printToPDF` gave, written 0600 in a 0700 folder with no temporary
 * file left, and silent printing answers `no_printer`, success or `print_failed` from Electron's callback.
 */
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  mkdirSync,
  chmodSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Result } from '../../../src/shared/result';
import { shellChannel, shellMethods, type ShellMethod } from '../../../src/shared/shell';

vi.mock('electron', () => ({}));

const { printerFromEnv, registerShellIpc, unregisterShellIpc, writeReportFile } =
  await import('../../../src/main/electron/printing');

type Invoke = (event: IpcMainInvokeEvent, input: unknown) => Promise<Result<unknown>>;

const posix = process.platform !== 'win32';
const PDF = Buffer.from('%PDF-1.7\n% a report\n%%EOF\n');

function fakeSender(print: { success: boolean; reason: string } = { success: true, reason: '' }) {
  return {
    printToPDF: vi.fn(async (_options: unknown) => PDF),
    print: vi.fn((_options: unknown, callback: (success: boolean, reason: string) => void) =>
      callback(print.success, print.reason),
    ),
  };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'isoloir-printing-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function setUp(options: { printer?: string | null; trusted?: boolean } = {}) {
  const handlers = new Map<string, Invoke>();
  const ipcMain = {
    handle: (channel: string, h: Invoke) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, h);
    },
    removeHandler: (channel: string) => handlers.delete(channel),
  } as unknown as IpcMain;
  const reportsDir = join(dir, 'user-data', 'reports');
  const check = vi.fn(() => options.trusted ?? true);
  registerShellIpc(ipcMain, {
    reportsDir,
    printer: options.printer === undefined ? null : options.printer,
    isTrustedSender: check,
  });
  const call = (method: ShellMethod, sender: ReturnType<typeof fakeSender>, input: unknown) =>
    handlers.get(shellChannel(method))!({ sender } as unknown as IpcMainInvokeEvent, input);
  return { ipcMain, handlers, reportsDir, check, call };
}

describe('registerShellIpc', () => {
  it('registers one handler per shell method, and removes them', () => {
    const { ipcMain, handlers } = setUp();
    expect([...handlers.keys()].sort()).toEqual(shellMethods.map(shellChannel).sort());
    unregisterShellIpc(ipcMain);
    expect(handlers.size).toBe(0);
  });

  it('refuses an untrusted sender before parsing, and never prints nor writes', async () => {
    const { call, check, reportsDir } = setUp({ printer: 'P', trusted: false });
    const sender = fakeSender();
    expect(await call('savePdf', sender, { fileName: 'r.pdf' })).toMatchObject({
      ok: false,
      error: { code: 'unauthorized' },
    });
    expect(await call('printSilently', sender, { kind: 'receipt' })).toMatchObject({
      ok: false,
      error: { code: 'unauthorized' },
    });
    expect(check).toHaveBeenCalledTimes(2);
    expect(sender.printToPDF).not.toHaveBeenCalled();
    expect(sender.print).not.toHaveBeenCalled();
    expect(() => readdirSync(reportsDir)).toThrow();
  });
});

describe('savePdf', () => {
  it('writes the bytes printToPDF gave as an A4 PDF, 0600 in a 0700 folder, and answers the path', async () => {
    const { call, reportsDir } = setUp();
    const sender = fakeSender();
    const answer = await call('savePdf', sender, { fileName: 'rapport-cloture-2026-12-02-0a1b2c3d.pdf' });
    const path = join(reportsDir, 'rapport-cloture-2026-12-02-0a1b2c3d.pdf');
    expect(answer).toEqual({ ok: true, value: { path } });
    expect(sender.printToPDF).toHaveBeenCalledWith({ pageSize: 'A4', printBackground: true });
    expect(readFileSync(path)).toEqual(PDF);
    // No temporary file left beside it.
    expect(readdirSync(reportsDir)).toEqual(['rapport-cloture-2026-12-02-0a1b2c3d.pdf']);
    if (posix) {
      expect(statSync(path).mode & 0o777).toBe(0o600);
      expect(statSync(reportsDir).mode & 0o777).toBe(0o700);
    }
  });

  it('refuses any name that is not a plain .pdf basename, with invalid_input, before printing', async () => {
    const { call, reportsDir } = setUp();
    const sender = fakeSender();
    for (const fileName of [
      '../rapport.pdf',
      '/etc/rapport.pdf',
      'sub/rapport.pdf',
      'sub\\rapport.pdf',
      '..\\rapport.pdf',
      '.rapport.pdf',
      '..pdf',
      'rapport.txt',
      'rapport.pdf.exe',
      'rapport',
      'C:rapport.pdf',
      'rap port.pdf',
      'rapport\u0000.pdf',
      'CON.pdf',
      'lpt1.report.pdf',
      '',
      `${'a'.repeat(120)}.pdf`,
      42,
    ]) {
      const answer = await call('savePdf', sender, { fileName });
      expect(answer, JSON.stringify(fileName)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    }
    expect(await call('savePdf', sender, { fileName: 'r.pdf', path: '/tmp' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    expect(await call('savePdf', sender, undefined)).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    expect(sender.printToPDF).not.toHaveBeenCalled();
    expect(() => readdirSync(reportsDir)).toThrow();
  });

  it('answers pdf_failed when Chromium cannot make the PDF or the folder cannot be written', async () => {
    const { call, reportsDir } = setUp();
    const failing = fakeSender();
    failing.printToPDF.mockRejectedValueOnce(new Error('Failed to generate PDF'));
    expect(await call('savePdf', failing, { fileName: 'r.pdf' })).toMatchObject({
      ok: false,
      error: { code: 'pdf_failed' },
    });
    // A file where the folder should be: nothing can be written there.
    mkdirSync(join(dir, 'user-data'), { recursive: true });
    writeFileSync(reportsDir, 'not a folder');
    expect(await call('savePdf', fakeSender(), { fileName: 'r.pdf' })).toMatchObject({
      ok: false,
      error: { code: 'pdf_failed' },
    });
  });
});

describe('writeReportFile', () => {
  it.skipIf(!posix)('tightens an existing looser folder to 0700 and replaces a file of the same name', () => {
    const folder = join(dir, 'reports');
    mkdirSync(folder, { mode: 0o755 });
    chmodSync(folder, 0o755);
    writeFileSync(join(folder, 'r.pdf'), 'old');
    const path = writeReportFile(folder, 'r.pdf', PDF);
    expect(readFileSync(path)).toEqual(PDF);
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });
});

describe('printSilently', () => {
  it('answers no_printer when none is configured, without touching the page', async () => {
    const { call } = setUp({ printer: null });
    const sender = fakeSender();
    expect(await call('printSilently', sender, { kind: 'receipt' })).toMatchObject({
      ok: false,
      error: { code: 'no_printer' },
    });
    expect(sender.print).not.toHaveBeenCalled();
  });

  it('prints on the configured printer with no dialog and answers its name', async () => {
    const { call } = setUp({ printer: 'EPSON_TM-T20' });
    const sender = fakeSender();
    expect(await call('printSilently', sender, { kind: 'receipt' })).toEqual({
      ok: true,
      value: { printer: 'EPSON_TM-T20' },
    });
    expect(sender.print).toHaveBeenCalledWith(
      { silent: true, deviceName: 'EPSON_TM-T20', printBackground: true },
      expect.any(Function),
    );
  });

  it('answers print_failed with the reason Electron gave', async () => {
    const { call } = setUp({ printer: 'EPSON_TM-T20' });
    const sender = fakeSender({ success: false, reason: 'Print job failed' });
    expect(await call('printSilently', sender, { kind: 'report' })).toMatchObject({
      ok: false,
      error: { code: 'print_failed', details: { reason: 'Print job failed' } },
    });
  });

  it('refuses a kind it does not know', async () => {
    const { call } = setUp({ printer: 'P' });
    const sender = fakeSender();
    for (const input of [{ kind: 'page' }, {}, { kind: 'receipt', deviceName: 'other' }]) {
      expect(await call('printSilently', sender, input)).toMatchObject({
        ok: false,
        error: { code: 'invalid_input' },
      });
    }
    expect(sender.print).not.toHaveBeenCalled();
  });
});

describe('printerFromEnv', () => {
  it('reads ISOLOIR_PRINTER; unset or blank is no printer', () => {
    expect(printerFromEnv({})).toBeNull();
    expect(printerFromEnv({ ISOLOIR_PRINTER: '' })).toBeNull();
    expect(printerFromEnv({ ISOLOIR_PRINTER: '  ' })).toBeNull();
    expect(printerFromEnv({ ISOLOIR_PRINTER: ' HP_LaserJet ' })).toBe('HP_LaserJet');
  });
});
