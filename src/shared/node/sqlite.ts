/**
 * Opening a SQLite database the way every isoloir store needs it (STYLE §5, DESIGN §3.3): WAL journal,
 * `synchronous=FULL` so a commit survives a power cut, foreign keys on, an integrity check before anything
 * is read, and forward-only numbered migrations recorded in `PRAGMA user_version`. Shared by the kiosk
 * core and the central server: each passes its own migrations. A database that fails its check, or that
 * comes from a newer version of the code, is refused with a clear error and never reset — it may hold votes.
 * `secure_delete` is on, so what a row held before an update or a delete does not stay in the file.
 */
import { readdirSync, readFileSync, statfsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;

export interface Migration {
  /** 1, 2, 3…: the `NNNN` of `NNNN-name.sql`, and the `user_version` after it is applied. */
  version: number;
  name: string;
  sql: string;
}

/** The file is not a sound SQLite database (quick_check failed or it cannot be read at all). */
export class DatabaseCorruptError extends Error {
  constructor(
    readonly path: string,
    readonly detail: string,
  ) {
    super(
      `La base de données ${path} est endommagée (${detail}). Elle n’a pas été modifiée : ` +
        'gardez ce fichier et appelez l’équipe centrale.',
    );
    this.name = 'DatabaseCorruptError';
  }
}

/** The file was written by a newer version of the code: opening it with this one could lose data. */
export class DatabaseTooNewError extends Error {
  constructor(
    readonly path: string,
    readonly found: number,
    readonly known: number,
  ) {
    super(
      `La base de données ${path} vient d’une version plus récente du logiciel (schéma ${found}, ` +
        `cette version connaît ${known}). Installez la dernière version ; le fichier n’a pas été modifié.`,
    );
    this.name = 'DatabaseTooNewError';
  }
}

const MIGRATION_FILE = /^(\d{4})-([a-z0-9-]+)\.sql$/;

/** Parses migration file names and contents; checks the numbering is 1, 2, 3… without gaps. */
export function migrationsFromFiles(files: ReadonlyArray<{ fileName: string; sql: string }>): Migration[] {
  const migrations: Migration[] = [];
  for (const { fileName, sql } of files) {
    const match = MIGRATION_FILE.exec(fileName);
    if (!match) throw new Error(`migration file name must be NNNN-name.sql: ${fileName}`);
    migrations.push({ version: Number(match[1]), name: match[2] ?? '', sql });
  }
  migrations.sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migrations must be numbered 1, 2, 3… (found ${m.version})`);
  });
  return migrations;
}

/** Reads every `NNNN-name.sql` of a folder (the server's way; the kiosk's: src/main/core/migrations.ts). */
export function readMigrationsDir(dir: string): Migration[] {
  const names = readdirSync(dir).filter((name) => name.endsWith('.sql'));
  return migrationsFromFiles(
    names.map((fileName) => ({ fileName, sql: readFileSync(join(dir, fileName), 'utf8') })),
  );
}

export interface OpenDatabaseOptions {
  readonly?: boolean;
}

/**
 * Opens (creating if needed) the database at `path`, checks it, and brings its schema up to date.
 * `migrations` is a list, or a folder of `NNNN-name.sql` files.
 */
export function openDatabase(
  path: string,
  migrations: readonly Migration[] | string,
  options: OpenDatabaseOptions = {},
): SqliteDatabase {
  const list = typeof migrations === 'string' ? readMigrationsDir(migrations) : [...migrations];
  // Errors of the open itself (missing folder, no permission) are not corruption: they pass through.
  // better-sqlite3 reads the file lazily, so a damaged header shows up in checkIntegrity below.
  const db = new Database(path, {
    readonly: options.readonly ?? false,
    fileMustExist: options.readonly ?? false,
  });
  try {
    checkIntegrity(db, path);
    // Before any pragma that writes (journal_mode does): a file from the future is left byte for byte.
    refuseFuture(db, path, list.length);
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      // Freed space is overwritten with zeros: an old version of a row leaves no trace in the file.
      db.pragma('secure_delete = ON');
    }
    db.pragma('foreign_keys = ON');
    if (!options.readonly) migrate(db, path, list);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function checkIntegrity(db: SqliteDatabase, path: string): void {
  let verdict: unknown;
  try {
    // quick_check reads every page but skips the slow index cross-checks: seconds on a large file at most.
    verdict = db.pragma('quick_check', { simple: true });
  } catch (cause) {
    // "file is not a database" and friends: the header itself is unreadable.
    throw new DatabaseCorruptError(path, errorText(cause));
  }
  if (verdict !== 'ok') throw new DatabaseCorruptError(path, String(verdict));
}

function refuseFuture(db: SqliteDatabase, path: string, known: number): number {
  const current = Number(db.pragma('user_version', { simple: true }));
  if (current > known) throw new DatabaseTooNewError(path, current, known);
  return current;
}

/** Applies each pending migration in its own transaction, the version bump inside it. */
function migrate(db: SqliteDatabase, path: string, migrations: readonly Migration[]): void {
  const current = refuseFuture(db, path, migrations.length);
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
}

/** Below this many free bytes beside a database, a failed write is taken for a full disk. */
const NEARLY_FULL_BYTES = 256 * 1024;

const errorCode = (cause: unknown): string =>
  cause instanceof Error && 'code' in cause && typeof cause.code === 'string' ? cause.code : '';

/**
 * True when `cause` says the disk under the database at `dbPath` is full: SQLite's `SQLITE_FULL`, Node's
 * `ENOSPC` or `EDQUOT`, or an I/O error of SQLite (`SQLITE_IOERR_*`: growing the shared-memory file or
 * a short write may come back as one) while the folder has next to no free space left.
 */
export function isDiskFull(cause: unknown, dbPath?: string): boolean {
  const code = errorCode(cause);
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') return true;
  if (!code.startsWith('SQLITE_IOERR') || !dbPath) return false;
  try {
    const fs = statfsSync(dirname(dbPath));
    return fs.bavail * fs.bsize < NEARLY_FULL_BYTES;
  } catch {
    return false;
  }
}

/** True when `cause` is SQLite finding the file damaged (`SQLITE_CORRUPT*`, `SQLITE_NOTADB`). */
export function isCorruption(cause: unknown): boolean {
  if (cause instanceof DatabaseCorruptError) return true;
  const code = errorCode(cause);
  return code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB';
}

const errorText = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause));
