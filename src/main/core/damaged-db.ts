/**
 * A kiosk database found damaged at start (its `quick_check` fails, or SQLite reports it corrupt while
 * the kiosk opens): the kiosk does not start and never makes a fresh file in its place. The damaged
 * file and its journal are renamed beside it (`kiosk.sqlite.endommagee-<time>`, never deleted) and a
 * `KioskStartError` says so in French, with the kept path and the kiosk's id when it could still be read.
 * While such a kept file sits beside the database path, the kiosk keeps refusing to start: only the
 * central team, once it has the file and the last USB backup, moves it away to set the kiosk up again.
 * The shells (Electron, the browser harness) show the error through `startFailureHandlers`.
 */
import { existsSync, readdirSync, renameSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { kioskMethods, type KioskHandlers, type KioskMethod } from '../../shared/api';
import { err, type Result } from '../../shared/result';
import { kioskIdFromPublicKey } from '../../shared/node/crypto';
import { settingKeys } from './store';

/** What a kept damaged file's name adds to the database's. */
export const DAMAGED_SUFFIX = '.endommagee-';

export class KioskStartError extends Error {
  readonly code = 'kiosk_db_corrupt';

  constructor(
    /** The damaged database as it was kept, beside the database path. */
    readonly keptAs: string,
    /** The kiosk's id, read from the damaged file if it still could be; else null. */
    readonly kioskId: string | null,
    /** What SQLite said of the file. */
    readonly detail: string,
  ) {
    super(
      'La base de données de ce kiosque est endommagée : le kiosque ne démarre pas. N’effacez rien et ' +
        'ne réinstallez pas le kiosque. Le fichier abîmé est gardé ici : ' +
        `${keptAs}. Appelez l’équipe centrale et donnez-lui l’identifiant du kiosque ` +
        `(${kioskId ?? 'sur son étiquette'}) : elle récupère les votes depuis la dernière sauvegarde ` +
        'de fin de journée (clé USB).',
    );
    this.name = 'KioskStartError';
  }
}

/** A damaged file kept earlier beside `dbPath`, if any (the newest by name). */
export function keptDamagedFile(dbPath: string): string | null {
  const dir = dirname(dbPath);
  if (!existsSync(dir)) return null;
  const prefix = basename(dbPath) + DAMAGED_SUFFIX;
  const kept = readdirSync(dir)
    .filter((name) => name.startsWith(prefix) && !name.endsWith('-wal') && !name.endsWith('-shm'))
    .sort();
  const last = kept.at(-1);
  return last ? join(dir, last) : null;
}

/** The kiosk id stored in a damaged file, if that page still reads; never throws. */
function readKioskId(path: string): string | null {
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    try {
      const row = db
        .prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?')
        .get(settingKeys.kioskPublicKey);
      return row ? kioskIdFromPublicKey(row.value) : null;
    } finally {
      db.close();
    }
  } catch {
    return null;
  }
}

/**
 * Renames the damaged database at `dbPath` and its `-wal` and `-shm` beside it (the journal keeps its
 * pairing: SQLite finds `<kept>-wal` for `<kept>`), and returns the error to show. The connection must
 * be closed already.
 */
export function setDamagedAside(dbPath: string, detail: string, at: Date): KioskStartError {
  const kioskId = readKioskId(dbPath);
  const keptAs = dbPath + DAMAGED_SUFFIX + at.toISOString().replace(/[:.]/g, '-');
  for (const suffix of ['-wal', '-shm', ''])
    if (existsSync(dbPath + suffix)) renameSync(dbPath + suffix, keptAs + suffix);
  return new KioskStartError(keptAs, kioskId, detail);
}

/** The error a kiosk whose damaged file was kept earlier starts with again. */
export function stillDamaged(kept: string): KioskStartError {
  return new KioskStartError(kept, readKioskId(kept), 'fichier déjà mis de côté');
}

/**
 * Handlers for a kiosk that could not start: every method answers the start error, so the screens show
 * it to the mediator (the renderer asks `getStatus` first) whatever they ask.
 */
export function startFailureHandlers(error: KioskStartError): KioskHandlers {
  const details = { keptAs: error.keptAs, ...(error.kioskId ? { kioskId: error.kioskId } : {}) };
  const refusal = (): Result<never> => err(error.code, error.message, details);
  const handlers: Partial<Record<KioskMethod, () => Result<never>>> = {};
  for (const method of kioskMethods) handlers[method] = refusal;
  return handlers as KioskHandlers;
}
