/**
 * USB import (DESIGN §4): a folder of `isoloir-<kioskId>-<seq>.json` files, each the
 * exact body of `POST /api/v1/batches` (a v2 envelope), ingested kiosk by kiosk in `seq` order through
 * the very same `ingestBatch` as the HTTP path (same size limit, same checks, same exactly-once store).
 * A stick is untrusted: only regular files are read, never a symbolic link (which could point anywhere on
 * the server), a FIFO (which would block the import) or a device.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WireErrorCode } from '../shared/errors';
import { usbFilePattern } from '../shared/wire';
import { DEFAULT_BODY_LIMIT } from './app';
import type { Authority } from './datadir';
import { ingestBatch } from './ingest';
import type { ServerStore } from './store';

export interface ImportSummary {
  files: number;
  accepted: number;
  duplicate: number;
  /** Files refused, with the wire error code and the French reason (never their content). */
  refused: { file: string; error: WireErrorCode; message: string }[];
  /** Files in the folder that are not batch files (ignored). */
  ignored: string[];
}

export interface ImportOptions {
  bodyLimit?: number;
  onProgress?: (done: number, total: number) => void;
  now?: () => Date;
}

/** The batch files of a folder, kiosk by kiosk, in `seq` order (numeric, not lexical). */
export function batchFilesInOrder(folder: string): { files: string[]; ignored: string[] } {
  const found: { name: string; kiosk: string; seq: number }[] = [];
  const ignored: string[] = [];
  for (const name of readdirSync(folder).sort()) {
    const match = usbFilePattern.exec(name);
    if (match?.[1] && match[2]) found.push({ name, kiosk: match[1], seq: Number(match[2]) });
    else ignored.push(name);
  }
  found.sort((a, b) => (a.kiosk < b.kiosk ? -1 : a.kiosk > b.kiosk ? 1 : a.seq - b.seq));
  return { files: found.map((f) => f.name), ignored };
}

export function importFolder(
  store: ServerStore,
  authority: Authority,
  folder: string,
  options: ImportOptions = {},
): ImportSummary {
  const { files, ignored } = batchFilesInOrder(folder);
  const summary: ImportSummary = { files: files.length, accepted: 0, duplicate: 0, refused: [], ignored };
  const limit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const now = options.now ?? (() => new Date());
  files.forEach((file, index) => {
    const path = join(folder, file);
    const refuse = (error: WireErrorCode, message: string) => {
      store.recordRejection('', error, now().toISOString());
      summary.refused.push({ file, error, message });
    };
    const text = readRegularFile(path, limit);
    if (text === 'not_regular')
      refuse('malformed', 'Pas un fichier ordinaire (lien symbolique, tube ou périphérique) : ignoré.');
    else if (text === 'too_large') refuse('too_large', 'Fichier trop volumineux.');
    else {
      let body: unknown;
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        body = undefined;
      }
      if (body === undefined) refuse('malformed', 'Fichier illisible (JSON invalide).');
      else {
        const outcome = ingestBatch(store, authority, body, now());
        if ('error' in outcome)
          summary.refused.push({ file, error: outcome.error, message: outcome.message });
        else if (outcome.ackPayload.status === 'accepted') summary.accepted += 1;
        else summary.duplicate += 1;
      }
    }
    options.onProgress?.(index + 1, files.length);
  });
  return summary;
}

/**
 * The text of a regular file at most `limit` bytes long. `lstat` refuses a link or a special file by its
 * name; the file is then opened without following links and without blocking (a FIFO swapped in
 * meanwhile), and checked again on the open descriptor, so what is read is what was checked.
 */
function readRegularFile(path: string, limit: number): string | 'not_regular' | 'too_large' {
  if (!lstatSync(path).isFile()) return 'not_regular';
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return 'not_regular';
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) return 'not_regular';
    if (stat.size > limit) return 'too_large';
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}
