/**
 * Writes batch files to a folder (a USB stick) so that a pulled stick or a power cut never leaves a
 * half file under a real name: each file is written to a temporary name in the same folder, fsynced,
 * renamed, and the folder fsynced. A second run skips files already present with identical bytes, so a
 * resumed export never duplicates; a different file under the same name is an error and is never
 * overwritten (it may be another kiosk's or a tampered copy: a person must look).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { err, ok, type Result } from '../../../shared/result';

export interface UsbFile {
  name: string;
  bytes: Buffer;
}

export interface UsbWriteOptions {
  onProgress?: (done: number, total: number) => void;
  /**
   * Test hook: called before each file; returning true writes half the file to its temporary name and
   * then fails, as when the stick is pulled mid-write.
   */
  interrupt?: (index: number, name: string) => boolean;
}

export interface UsbWriteSummary {
  written: number;
  skipped: number;
}

const TEMP_PREFIX = '.isoloir-tmp-';

function fsyncPath(target: string, flags: string): void {
  const fd = fs.openSync(target, flags);
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** What Windows answers when asked to open or fsync a directory: it has no such operation. */
const WINDOWS_DIR_FSYNC_CODES = new Set(['EISDIR', 'EPERM', 'EINVAL']);

/**
 * Makes a folder's renames durable. POSIX systems fsync the directory; Windows cannot open one for it
 * (EISDIR, EPERM or EINVAL): there NTFS/FAT journal the rename themselves and nothing more can be done,
 * so those codes are ignored on win32 only. Any other error, or any error elsewhere, is real.
 */
export function fsyncDirectory(
  folder: string,
  platform: NodeJS.Platform = process.platform,
  sync: (folder: string) => void = (f) => fsyncPath(f, 'r'),
): void {
  try {
    sync(folder);
  } catch (cause) {
    const code = cause instanceof Error && 'code' in cause ? String(cause.code) : '';
    if (platform === 'win32' && WINDOWS_DIR_FSYNC_CODES.has(code)) return;
    throw cause;
  }
}

/**
 * Writes one file as `folder/name` so that a pulled stick or a power cut leaves the former file or the
 * new one, never half of one: a temporary name in the same folder, fsync, rename, then the folder
 * fsynced. A failure removes the temporary file and throws. Answers the file's path.
 */
export function writeFileDurably(
  folder: string,
  name: string,
  bytes: string | Uint8Array,
  mode = 0o600,
): string {
  const target = path.join(folder, name);
  const temporary = path.join(folder, `.isoloir-partiel-${randomBytes(6).toString('hex')}-${name}`);
  try {
    const fd = fs.openSync(temporary, 'wx', mode);
    try {
      fs.writeFileSync(fd, bytes);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, target);
    fsyncDirectory(folder);
  } catch (cause) {
    fs.rmSync(temporary, { force: true });
    throw cause;
  }
  return target;
}

/** Removes temporary files an interrupted run left; they never carry a name the importer reads. */
function removeLeftovers(folder: string): void {
  for (const entry of fs.readdirSync(folder)) {
    if (entry.startsWith(TEMP_PREFIX)) fs.rmSync(path.join(folder, entry), { force: true });
  }
}

function writeOne(folder: string, file: UsbFile, interrupted: boolean): void {
  const temp = path.join(folder, `${TEMP_PREFIX}${randomBytes(6).toString('hex')}-${file.name}`);
  const fd = fs.openSync(temp, 'wx');
  try {
    if (interrupted) {
      fs.writeSync(fd, file.bytes.subarray(0, Math.floor(file.bytes.length / 2)));
      throw new Error('simulated interruption');
    }
    fs.writeFileSync(fd, file.bytes);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, path.join(folder, file.name));
}

/** Lets the event loop breathe (status polls, the uploader) during a long export. */
const YIELD_EVERY = 25;
const breathe = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export async function writeUsbFiles(
  folder: string,
  files: readonly UsbFile[],
  options: UsbWriteOptions = {},
): Promise<Result<UsbWriteSummary>> {
  let written = 0;
  let skipped = 0;
  try {
    const stat = fs.statSync(folder, { throwIfNoEntry: false });
    if (!stat?.isDirectory()) return err('export_failed', `Le dossier ${folder} est introuvable.`);
    removeLeftovers(folder);
    for (const [index, file] of files.entries()) {
      const finalPath = path.join(folder, file.name);
      const existing = fs.existsSync(finalPath) ? fs.readFileSync(finalPath) : null;
      if (existing) {
        if (!existing.equals(file.bytes))
          return err(
            'export_failed',
            `Un fichier différent porte déjà le nom ${file.name} : il n’a pas été remplacé. Utilisez une autre clé ou un autre dossier.`,
            { file: file.name, written, skipped },
          );
        skipped += 1;
      } else {
        writeOne(folder, file, options.interrupt?.(index, file.name) ?? false);
        written += 1;
      }
      options.onProgress?.(index + 1, files.length);
      if (index % YIELD_EVERY === YIELD_EVERY - 1) await breathe();
    }
    // Make the renames themselves durable before telling the mediator to pull the stick.
    if (written > 0) fsyncDirectory(folder);
    return ok({ written, skipped });
  } catch (cause) {
    const reason = cause instanceof Error && 'code' in cause ? ` (${String(cause.code)})` : '';
    return err(
      'export_failed',
      `L’écriture sur la clé a échoué${reason}. Vérifiez la clé puis relancez l’export : rien ne sera écrit en double.`,
      { written, skipped },
    );
  }
}
