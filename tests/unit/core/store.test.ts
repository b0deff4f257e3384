import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DatabaseCorruptError,
  DatabaseTooNewError,
  openDatabase,
  type Migration,
} from '../../../src/shared/node/sqlite';
import { kioskMigrations } from '../../../src/main/core/migrations';
import { KioskStore, settingKeys } from '../../../src/main/core/store';
import { tempDir } from './fixtures';
import {
  countRemoteParticipations,
  detachedKeys,
  insertBallot,
  insertParticipation,
} from '../../../src/main/core/store.test-helpers';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.remove());

describe('kiosk migrations', () => {
  it('are embedded by Vite here (vitest) and read from disk under plain Node + tsx: the same list', () => {
    const here = kioskMigrations();
    expect(here[0]).toMatchObject({ version: 1, name: 'init' });
    const module = fileURLToPath(new URL('../../../src/main/core/migrations.ts', import.meta.url));
    const script = `import { kioskMigrations } from ${JSON.stringify(module)};
      console.log(JSON.stringify(kioskMigrations()));`;
    const underTsx = JSON.parse(
      execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        encoding: 'utf8',
      }),
    ) as unknown;
    expect(underTsx).toEqual(here);
  });
});

describe('openDatabase', () => {
  it('opens with WAL, synchronous=FULL, foreign keys on, and records the schema version', () => {
    const db = openDatabase(tmp.path('k.sqlite'), kioskMigrations());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('user_version', { simple: true })).toBe(kioskMigrations().length);
    db.close();
  });

  it('makes every table STRICT, and the registers WITHOUT ROWID', () => {
    const db = openDatabase(tmp.path('k.sqlite'), kioskMigrations());
    const tables = db
      .prepare<[], { name: string; sql: string }>(
        "SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
      )
      .all();
    expect(tables.map((t) => t.name).sort()).toEqual(
      expect.arrayContaining([
        'audit_events',
        'day_counts',
        'election_package',
        'local_register',
        'open_ballots',
        'open_participations',
        'remote_participations',
        'settings',
      ]),
    );
    for (const table of tables) {
      const list = db
        .prepare<[string], { strict: number; wr: number }>(
          'SELECT strict, wr FROM pragma_table_list WHERE name = ?',
        )
        .get(table.name);
      expect(list?.strict, `${table.name} must be STRICT`).toBe(1);
    }
    for (const name of ['local_register', 'remote_participations', 'day_counts']) {
      const list = db
        .prepare<[string], { wr: number }>('SELECT wr FROM pragma_table_list WHERE name = ?')
        .get(name);
      expect(list?.wr, `${name} must be WITHOUT ROWID`).toBe(1);
    }
    db.close();
  });

  it('applies each migration once, in order, and only the new ones on the next open', () => {
    const path = tmp.path('m.sqlite');
    const one: Migration[] = [{ version: 1, name: 'a', sql: 'CREATE TABLE a (x INTEGER) STRICT;' }];
    openDatabase(path, one).close();
    const two: Migration[] = [
      ...one,
      { version: 2, name: 'b', sql: 'CREATE TABLE b (y TEXT) STRICT; INSERT INTO a VALUES (1);' },
    ];
    const db = openDatabase(path, two);
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(db.prepare('SELECT count(*) AS n FROM a').get()).toEqual({ n: 1 });
    db.close();
    openDatabase(path, two).close(); // nothing re-applied: the INSERT would make n = 2
    const again = new Database(path);
    expect(again.prepare('SELECT count(*) AS n FROM a').get()).toEqual({ n: 1 });
    again.close();
  });

  it('rolls back a failing migration entirely, version included', () => {
    const path = tmp.path('f.sqlite');
    const bad: Migration[] = [
      { version: 1, name: 'ok', sql: 'CREATE TABLE a (x INTEGER) STRICT;' },
      { version: 2, name: 'bad', sql: 'CREATE TABLE b (y TEXT) STRICT; INSERT INTO nowhere VALUES (1);' },
    ];
    expect(() => openDatabase(path, bad)).toThrow(/nowhere/);
    const db = new Database(path);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'b'").get()).toEqual({ n: 0 });
    db.close();
  });

  it('refuses a database from a newer version, without touching it', () => {
    const path = tmp.path('future.sqlite');
    openDatabase(path, kioskMigrations()).close();
    const raw = new Database(path);
    raw.pragma('user_version = 99');
    raw.close();
    const before = readFileSync(path);
    expect(() => openDatabase(path, kioskMigrations())).toThrow(DatabaseTooNewError);
    expect(() => openDatabase(path, kioskMigrations())).toThrow(/plus récente.*schéma 99/);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('refuses a newer database in rollback-journal mode before switching it to WAL (header unchanged)', () => {
    const path = tmp.path('future-delete.sqlite');
    const raw = new Database(path);
    raw.pragma('journal_mode = DELETE');
    raw.exec('CREATE TABLE x (y INTEGER) STRICT');
    raw.pragma('user_version = 99');
    raw.close();
    const before = readFileSync(path);
    // Bytes 18 and 19 of the header say rollback journal (1/1); WAL would make them 2/2.
    expect([before[18], before[19]]).toEqual([1, 1]);
    expect(() => openDatabase(path, kioskMigrations())).toThrow(DatabaseTooNewError);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('turns secure_delete on, so an updated or deleted row leaves no copy in the file', () => {
    const db = openDatabase(tmp.path('sd.sqlite'), kioskMigrations());
    expect(db.pragma('secure_delete', { simple: true })).toBe(1);
    db.close();
  });

  it('refuses a corrupt file with a clear error naming it, and neither deletes nor resets it', () => {
    const path = tmp.path('garbage.sqlite');
    const garbage = Buffer.alloc(8192, 0x5a);
    writeFileSync(path, garbage);
    let caught: unknown;
    try {
      openDatabase(path, kioskMigrations());
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DatabaseCorruptError);
    expect((caught as Error).message).toContain(path);
    expect(existsSync(path)).toBe(true);
    expect(readFileSync(path).equals(garbage)).toBe(true);
  });

  it('refuses a database whose pages are damaged (quick_check not ok)', () => {
    const path = tmp.path('damaged.sqlite');
    const db = openDatabase(path, kioskMigrations());
    db.pragma('journal_mode = DELETE'); // everything in the main file, so we can damage a page of it
    const insert = db.prepare('INSERT INTO remote_participations VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < 2000; i++) insert.run(i.toString(16).padStart(64, '0'));
    })();
    db.close();
    const bytes = readFileSync(path);
    const pageSize = bytes.readUInt16BE(16);
    // Scribble over the middle of a late page (a leaf of the register b-tree), keeping the header intact.
    const page = Math.floor(bytes.length / pageSize) - 2;
    bytes.fill(0xff, page * pageSize + 8, page * pageSize + pageSize - 8);
    writeFileSync(path, bytes);
    expect(() => openDatabase(path, kioskMigrations())).toThrow(DatabaseCorruptError);
    expect(() => openDatabase(path, kioskMigrations())).toThrow(/endommagée/);
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });
});

describe('KioskStore', () => {
  it('stores settings, the election package, ballots and participations in camelCase', () => {
    const store = KioskStore.open(tmp.path('s.sqlite'));
    store.setSetting(settingKeys.label, 'Comptoir Arras');
    store.setSetting(settingKeys.label, 'Comptoir Lens');
    expect(store.getSetting(settingKeys.label)).toBe('Comptoir Lens');
    expect(store.getSetting(settingKeys.serverUrl)).toBeNull();

    store.putElectionPackage({ electionId: 'e1', payload: 'cGF5', signature: 'c2ln' });
    expect(store.getElectionPackage()).toEqual({ electionId: 'e1', payload: 'cGF5', signature: 'c2ln' });

    insertBallot(
      store,
      {
        id: 'a'.repeat(32),
        choices: ['jardin', 'velo'],
        training: false,
        castDay: '2026-09-02',
      },
      detachedKeys(),
    );
    insertParticipation(store, {
      token: 'b'.repeat(64),
      communeCode: '62041',
      ageBracket: '18-25',
      assisted: true,
      training: false,
      castDay: '2026-09-02',
    });
    expect(store.listBallots()).toEqual([
      {
        id: 'a'.repeat(32),
        choices: ['jardin', 'velo'],
        training: false,
        castDay: '2026-09-02',
        batchSeq: null,
      },
    ]);
    expect(store.listParticipations()[0]).toMatchObject({
      communeCode: '62041',
      assisted: true,
      batchSeq: null,
    });
    expect(store.countBallots(false)).toBe(1);
    expect(store.countBallots(true)).toBe(0);
    expect(store.hasRealParticipation('b'.repeat(64))).toBe(true);
    store.close();
  });

  it('checks real participations against local rows and the pulled register, not training rows', () => {
    const store = KioskStore.open(tmp.path('r.sqlite'));
    const t1 = '1'.repeat(64);
    const t2 = '2'.repeat(64);
    insertParticipation(store, {
      token: t1,
      communeCode: '62041',
      ageBracket: '18-25',
      assisted: false,
      training: true,
      castDay: '2026-09-02',
    });
    expect(store.hasRealParticipation(t1)).toBe(false);
    expect(store.addRemoteParticipations([t2, t2])).toBe(1);
    expect(store.hasRealParticipation(t2)).toBe(true);
    expect(countRemoteParticipations(store)).toBe(1);
    store.close();
  });

  it('after a scrub (WAL truncated, primed, padded with zeros) a crash image still opens with every vote', () => {
    const path = tmp.path('padded.sqlite');
    const store = KioskStore.open(path);
    const vote = (c: string): void =>
      store.transaction(() =>
        store.insertVote(
          {
            id: c.repeat(32),
            choices: ['velo'],
            training: false,
            castDay: '2026-09-02',
            receipt: c.repeat(64),
          },
          {
            token: c.repeat(64),
            communeCode: '62041',
            ageBracket: '26-40',
            assisted: false,
            training: false,
            castDay: '2026-09-02',
          },
        ),
      );
    vote('a');
    expect(store.scrubJournal()).toBe(true);
    expect(statSync(`${path}-wal`).size).toBe(64 * 1024);
    vote('b');
    vote('c');
    // A power cut now: the file and its WAL as they are on disk, opened by a new process.
    const image = tmp.path('image.sqlite');
    copyFileSync(path, image);
    copyFileSync(`${path}-wal`, `${image}-wal`);
    store.close();
    const reopened = KioskStore.open(image);
    expect(reopened.openBallots(false).map((b) => b.id[0])).toEqual(['a', 'b', 'c']);
    expect(reopened.countBallots(false)).toBe(3);
    reopened.close();
  });

  it('keeps the audit journal append-only (triggers refuse UPDATE and DELETE)', () => {
    const store = KioskStore.open(tmp.path('a.sqlite'));
    store.insertAuditEvent({
      seq: 1,
      at: '2026-09-01T08:00:00.000Z',
      kind: 'start',
      detail: '{}',
      prevHash: '0'.repeat(64),
      hash: 'f'.repeat(64),
    });
    expect(() => store.db.prepare("UPDATE audit_events SET kind = 'x'").run()).toThrow(/append-only/);
    expect(() => store.db.prepare('DELETE FROM audit_events').run()).toThrow(/append-only/);
    expect(store.listAuditEvents()).toHaveLength(1);
    store.close();
  });
});
