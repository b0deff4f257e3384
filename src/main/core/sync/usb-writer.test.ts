/** USB writer on a real temp folder: atomic names, resume without duplicates, never overwrite. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fsyncDirectory, writeFileDurably, writeUsbFiles, type UsbFile } from './usb-writer';

let folder: string;
beforeEach(() => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'isoloir-usb-'));
});
afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

const files: UsbFile[] = Array.from({ length: 6 }, (_, i) => ({
  name: `isoloir-${'a'.repeat(32)}-${i + 1}.json`,
  bytes: Buffer.from(JSON.stringify({ n: i, pad: 'x'.repeat(1000 + i) })),
}));

describe('writeUsbFiles', () => {
  it('writes every file with its exact bytes and reports progress', async () => {
    const progress: number[] = [];
    const result = await writeUsbFiles(folder, files, { onProgress: (done) => progress.push(done) });
    expect(result).toEqual({ ok: true, value: { written: 6, skipped: 0 } });
    expect(progress).toEqual([1, 2, 3, 4, 5, 6]);
    for (const f of files) expect(fs.readFileSync(path.join(folder, f.name)).equals(f.bytes)).toBe(true);
    expect(fs.readdirSync(folder).sort()).toEqual(files.map((f) => f.name).sort());
  });

  it('interrupted mid-write then resumed: all files once, no half file under a real name', async () => {
    const first = await writeUsbFiles(folder, files, { interrupt: (i) => i === 3 });
    expect(first.ok).toBe(false);
    if (!first.ok) expect(first.error.details).toEqual({ written: 3, skipped: 0 });
    // Only whole files carry an importable name; the half file sits under a temporary name.
    const afterCrash = fs.readdirSync(folder);
    expect(afterCrash.filter((n) => n.startsWith('isoloir-')).sort()).toEqual(
      files.slice(0, 3).map((f) => f.name),
    );
    expect(afterCrash.some((n) => n.startsWith('.isoloir-tmp-'))).toBe(true);

    const second = await writeUsbFiles(folder, files);
    expect(second).toEqual({ ok: true, value: { written: 3, skipped: 3 } });
    expect(fs.readdirSync(folder).sort()).toEqual(files.map((f) => f.name).sort());
    for (const f of files) expect(fs.readFileSync(path.join(folder, f.name)).equals(f.bytes)).toBe(true);
  });

  it('never overwrites a different file under the same name', async () => {
    const target = files[1];
    if (!target) throw new Error('fixture');
    fs.writeFileSync(path.join(folder, target.name), 'something else');
    const result = await writeUsbFiles(folder, files);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('export_failed');
    expect(fs.readFileSync(path.join(folder, target.name), 'utf8')).toBe('something else');
  });

  it('a missing folder is a clear error', async () => {
    const result = await writeUsbFiles(path.join(folder, 'nope'), files);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toMatch(/introuvable/);
  });
});

describe('fsyncDirectory', () => {
  const failing = (code: string) => (): void => {
    throw Object.assign(new Error(`${code}: directory fsync`), { code });
  };

  it('fsyncs a real folder here', () => {
    expect(() => fsyncDirectory(folder)).not.toThrow();
  });

  it('on Windows, ignores the errors a directory fsync gets there (EISDIR, EPERM, EINVAL)', () => {
    for (const code of ['EISDIR', 'EPERM', 'EINVAL'])
      expect(() => fsyncDirectory(folder, 'win32', failing(code))).not.toThrow();
  });

  it('keeps every other error, and those same errors anywhere but Windows', () => {
    expect(() => fsyncDirectory(folder, 'win32', failing('EIO'))).toThrow(/EIO/);
    expect(() => fsyncDirectory(folder, 'linux', failing('EISDIR'))).toThrow(/EISDIR/);
    expect(() => fsyncDirectory(folder, 'darwin', failing('EPERM'))).toThrow(/EPERM/);
  });
});

describe('writeFileDurably', () => {
  it('replaces a file of the same name with the new bytes, with the mode asked, and leaves nothing else', () => {
    fs.writeFileSync(path.join(folder, 'a.json'), 'old');
    const file = writeFileDurably(folder, 'a.json', '{"new":true}\n', 0o640);
    expect(file).toBe(path.join(folder, 'a.json'));
    expect(fs.readFileSync(file, 'utf8')).toBe('{"new":true}\n');
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o640);
    expect(fs.readdirSync(folder)).toEqual(['a.json']);
  });

  it('throws when the file cannot take the name, and removes its temporary file', () => {
    fs.mkdirSync(path.join(folder, 'taken'));
    fs.writeFileSync(path.join(folder, 'taken', 'inside'), 'x');
    expect(() => writeFileDurably(folder, 'taken', Buffer.from('bytes'))).toThrow();
    expect(fs.readdirSync(folder)).toEqual(['taken']);
  });
});
