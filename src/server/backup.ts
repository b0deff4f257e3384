/**
 * Backups of the server's database, and restoring one. The backup uses SQLite's online backup API
 * (better-sqlite3's `db.backup`) on a connection of its own: in WAL mode it reads a consistent snapshot
 * while `serve` keeps writing, so the copy holds exactly the batches committed before some instant, each
 * complete with the kiosk's head. Only `server.sqlite` is copied: the authority key and the kiosk-backup
 * key stay files of the data folder, never in a backup (see `escrow.ts` for the authority key).
 *
 * A restore checks the file first (integrity, an isoloir server schema no newer than this code) and
 * refuses to replace a data folder's database unless told to, in which case the old one is kept aside.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { err, ok, type Result } from '../shared/result';
import { DB_FILE } from './datadir';
import { serverMigrations } from './migrations';
import { ServerStore } from './store';

export interface BackupSummary {
  bytes: number;
  pages: number;
  ms: number;
  batches: number;
  ballots: number;
  schemaVersion: number;
}

export interface BackupOptions {
  /** Pages copied per step (default 256): smaller steps report progress more often. */
  pagesPerStep?: number;
  onProgress?: (copiedPages: number, totalPages: number) => void;
}

/** What a database file holds, read-only: integrity, schema version and counts. */
export function inspectDatabase(
  path: string,
): Result<{ schemaVersion: number; batches: number; ballots: number; kiosks: number }> {
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch {
    return err('malformed', `${path} : fichier introuvable ou illisible comme base SQLite.`);
  }
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok')
      return err('malformed', `${path} : la base est abîmée (integrity_check : ${String(integrity)}).`);
    const schemaVersion = Number(db.pragma('user_version', { simple: true }));
    const known = serverMigrations().length;
    if (schemaVersion > known)
      return err(
        'malformed',
        `${path} : schéma ${schemaVersion}, plus récent que ce programme (${known}) : mettez isoloir à jour.`,
      );
    const tables = new Set(
      db
        .prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table'")
        .all()
        .map((t) => t.name),
    );
    if (schemaVersion < 1 || !['elections', 'kiosks', 'batches', 'receipts'].every((t) => tables.has(t)))
      return err('malformed', `${path} : ce n’est pas une base du serveur isoloir.`);
    const count = (table: string): number =>
      db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${table}`).get()?.n ?? 0;
    return ok({
      schemaVersion,
      batches: count('batches'),
      // Wire v2 keeps no row per ballot: a counted batch carries its ballot count.
      ballots:
        db
          .prepare<[], { n: number }>(
            "SELECT coalesce(sum(ballot_count), 0) AS n FROM batches WHERE status = 'counted'",
          )
          .get()?.n ?? 0,
      kiosks: count('kiosks'),
    });
  } catch {
    return err('malformed', `${path} : la base est illisible.`);
  } finally {
    db.close();
  }
}

/**
 * Copies the data folder's database to `outFile` (which must not exist) while the server may run,
 * then checks the copy. Written under a temporary name and renamed: a half-written backup never has
 * the final name.
 */
export async function backupDatabase(
  dataDir: string,
  outFile: string,
  options: BackupOptions = {},
): Promise<Result<BackupSummary>> {
  const source = join(dataDir, DB_FILE);
  if (!existsSync(source)) return err('not_found', `Pas de base ${DB_FILE} dans ${dataDir}.`);
  if (existsSync(outFile)) return err('conflict', `${outFile} existe déjà : choisissez un autre nom.`);
  if (!existsSync(dirname(outFile))) return err('not_found', `Le dossier de ${outFile} n’existe pas.`);
  const partial = `${outFile}.partial`;
  rmSync(partial, { force: true });
  const started = performance.now();
  // Opening through the store applies nothing new to an up-to-date database, and refuses a newer one.
  const store = new ServerStore(source);
  let pages: number;
  try {
    const step = options.pagesPerStep ?? 256;
    let restarts = 0;
    let lastRemaining = Number.POSITIVE_INFINITY;
    const progress = await store.db.backup(partial, {
      progress: ({ totalPages, remainingPages }) => {
        // Another connection's write restarts the copy; after a few restarts, copy the rest in one
        // step (a read of one WAL snapshot, which never blocks the server's writes).
        if (remainingPages > lastRemaining) restarts += 1;
        lastRemaining = remainingPages;
        options.onProgress?.(totalPages - remainingPages, totalPages);
        return restarts >= 3 ? 0x7fffffff : step;
      },
    });
    pages = progress.totalPages;
    options.onProgress?.(pages, pages);
  } catch (error) {
    rmSync(partial, { force: true });
    return err(
      'internal',
      `Sauvegarde interrompue : ${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    store.close();
  }
  const inspected = inspectDatabase(partial);
  if (!inspected.ok) {
    rmSync(partial, { force: true });
    return inspected;
  }
  chmodSync(partial, 0o600);
  renameSync(partial, outFile);
  return ok({
    bytes: statSync(outFile).size,
    pages,
    ms: Math.round(performance.now() - started),
    batches: inspected.value.batches,
    ballots: inspected.value.ballots,
    schemaVersion: inspected.value.schemaVersion,
  });
}

export interface RestoreSummary {
  batches: number;
  ballots: number;
  kiosks: number;
  schemaVersion: number;
  /** Where the replaced database was moved, when `force` replaced one. */
  previousKeptAs: string | null;
}

/**
 * Restores a backup as the data folder's database. The server must be stopped. Refuses a folder that
 * holds a database unless `force`, in which case the old files are renamed, never deleted.
 */
export function restoreDatabase(
  backupFile: string,
  dataDir: string,
  options: { force?: boolean; now?: Date } = {},
): Result<RestoreSummary> {
  const inspected = inspectDatabase(backupFile);
  if (!inspected.ok) return inspected;
  const target = join(dataDir, DB_FILE);
  let previousKeptAs: string | null = null;
  if (existsSync(target)) {
    if (!options.force)
      return err(
        'conflict',
        `${dataDir} contient déjà une base (${DB_FILE}) : arrêtez le serveur et relancez avec --force pour la remplacer (elle sera gardée à côté).`,
      );
    const stamp = (options.now ?? new Date()).toISOString().replace(/[:.]/g, '-');
    previousKeptAs = `${target}.avant-restauration-${stamp}`;
    renameSync(target, previousKeptAs);
    for (const suffix of ['-wal', '-shm'])
      if (existsSync(target + suffix)) renameSync(target + suffix, previousKeptAs + suffix);
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const partial = `${target}.restauration`;
  copyFileSync(backupFile, partial);
  chmodSync(partial, 0o600);
  renameSync(partial, target);
  // Opening applies any migration newer than the backup, and checks the result once more.
  new ServerStore(target).close();
  const { schemaVersion, batches, ballots, kiosks } = inspected.value;
  return ok({ schemaVersion, batches, ballots, kiosks, previousKeptAs });
}
