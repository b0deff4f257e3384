/**
 * One test per kiosk migration (STYLE §5): each is applied to a database of the version before it,
 * holding data, and must keep every vote. A kiosk in the field may hold votes in any earlier version.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type SqliteDatabase } from '../../../src/shared/node/sqlite';
import { kioskMigrations } from '../../../src/main/core/migrations';
import { KioskStore } from '../../../src/main/core/store';
import { tempDir } from './fixtures';
import { countParticipations } from '../../../src/main/core/store.test-helpers';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir('isoloir-migrations-')));
afterEach(() => tmp.remove());

/** A database brought to schema `version` only. */
const openAt = (path: string, version: number): SqliteDatabase =>
  openDatabase(path, kioskMigrations().slice(0, version));

const tables = (db: SqliteDatabase): string[] =>
  db
    .prepare<[], { name: string }>(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .all()
    .map((t) => t.name);

const hex = (c: string, n: number): string => c.repeat(n);

describe('kiosk migrations, one by one', () => {
  it('lists 0001-init … 0005-counter-day, in order and without a gap', () => {
    expect(kioskMigrations().map((m) => `${m.version}-${m.name}`)).toEqual([
      '1-init',
      '2-sync',
      '3-open-sets',
      '4-mediator-accounts',
      '5-counter-day',
    ]);
  });

  it('0001 creates the core tables, all STRICT, and the append-only journal', () => {
    const db = openAt(tmp.path('v1.sqlite'), 1);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(tables(db)).toEqual([
      'audit_events',
      'ballots',
      'election_package',
      'participations',
      'remote_participations',
      'settings',
    ]);
    const notStrict = db
      .prepare<[], { name: string }>(
        "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%' AND strict = 0",
      )
      .all();
    expect(notStrict).toEqual([]);
    db.exec("INSERT INTO audit_events VALUES (1, 'at', 'start', '{}', 'p', 'h')");
    expect(() => db.exec('DELETE FROM audit_events')).toThrow(/append-only/);
    db.close();
  });

  it('0002 adds the batch outbox to a v1 file and keeps its ballots', () => {
    const path = tmp.path('v2.sqlite');
    const v1 = openAt(path, 1);
    v1.exec(`INSERT INTO ballots VALUES ('${hex('a', 32)}', '["velo"]', 0, '2026-09-02', NULL)`);
    v1.close();
    const v2 = openAt(path, 2);
    expect(v2.pragma('user_version', { simple: true })).toBe(2);
    expect(tables(v2)).toEqual(expect.arrayContaining(['batches', 'sync_state', 'ballots']));
    expect(v2.prepare('SELECT count(*) AS n FROM ballots').get()).toEqual({ n: 1 });
    v2.close();
  });

  it('0003 moves a v2 file’s votes into the open sets and the register, and drops the per-vote tables', () => {
    const path = tmp.path('v3.sqlite');
    const v2 = openAt(path, 2);
    const ballot = v2.prepare('INSERT INTO ballots VALUES (?, ?, ?, ?, ?)');
    const participation = v2.prepare('INSERT INTO participations VALUES (?, ?, ?, ?, ?, ?, ?)');
    // Three real votes waiting, inserted out of key order.
    for (const c of ['c', 'a', 'b']) {
      ballot.run(hex(c, 32), '["jardin","velo"]', 0, '2026-09-02', null);
      participation.run(hex(c, 64), '62041', '26-40', c === 'a' ? 1 : 0, 0, '2026-09-02', null);
    }
    // Two real votes already sealed in batch 1, one training vote, one token pulled from the server.
    v2.exec(
      "INSERT INTO batches (seq, hash, envelope, ballot_count, participation_count, is_final) VALUES (1, 'h', '{}', 2, 2, 0)",
    );
    for (const c of ['d', 'e']) {
      ballot.run(hex(c, 32), '["velo"]', 0, '2026-09-01', 1);
      participation.run(hex(c, 64), '62193', '18-25', 0, 0, '2026-09-01', 1);
    }
    ballot.run(hex('f', 32), '["epicerie"]', 1, '2026-09-02', null);
    participation.run(hex('f', 64), '62041', '41-60', 0, 1, '2026-09-02', null);
    v2.exec(`INSERT INTO remote_participations VALUES ('${hex('9', 64)}')`);
    v2.close();

    const store = KioskStore.open(path);
    expect(store.db.pragma('user_version', { simple: true })).toBe(kioskMigrations().length);
    expect(tables(store.db)).not.toContain('ballots');
    expect(tables(store.db)).not.toContain('participations');
    expect(store.openBallots(false)).toEqual(
      ['a', 'b', 'c'].map((c) => ({ id: hex(c, 32), choices: ['jardin', 'velo'], castDay: '2026-09-02' })),
    );
    expect(store.openParticipations(false).map((p) => [p.token, p.assisted])).toEqual([
      [hex('a', 64), true],
      [hex('b', 64), false],
      [hex('c', 64), false],
    ]);
    expect(store.openParticipations(false)[0]).toEqual({
      token: hex('a', 64),
      communeCode: '62041',
      ageBracket: '26-40',
      assisted: true,
      castDay: '2026-09-02',
    });
    expect(store.openBallots(true).map((b) => b.id)).toEqual([hex('f', 32)]);
    expect(store.openParticipations(true).map((p) => p.token)).toEqual([hex('f', 64)]);
    // Who already voted still cannot vote again: open, sealed and pulled tokens alike.
    for (const c of ['a', 'd', '9']) expect(store.hasRealParticipation(hex(c, 64))).toBe(true);
    expect(store.hasRealParticipation(hex('f', 64))).toBe(false); // training never blocks
    expect(store.countBallots(false)).toBe(5);
    expect(countParticipations(store, false)).toBe(5);
    expect(store.countBallots(true)).toBe(1);
    expect(store.dayCounts('2026-09-01', false)).toEqual({ ballots: 2, participations: 2 });
    expect(store.dayCounts('2026-09-02', false)).toEqual({ ballots: 3, participations: 3 });
    store.close();
  });

  it('0003 on an empty v2 file leaves empty open sets', () => {
    const path = tmp.path('v3-empty.sqlite');
    openAt(path, 2).close();
    const store = KioskStore.open(path);
    expect(store.openBallots(false)).toEqual([]);
    expect(store.countOpenParticipations(false)).toBe(0);
    expect(store.countBallots(false)).toBe(0);
    store.close();
  });

  it('0004 adds the STRICT account tables and drops the shared PIN and every key kept in clear, keeping the votes', () => {
    const path = tmp.path('v4.sqlite');
    const v3 = openAt(path, 3);
    const put = v3.prepare<[string, string]>('INSERT INTO settings (key, value) VALUES (?, ?)');
    put.run('mediator.pin', 'scrypt$16384$8$1$c2FsdA$aGFzaA');
    put.run('kiosk.private_key', 'secret-seed');
    put.run('participation.key', 'secret-key');
    put.run('kiosk.public_key', 'public');
    v3.prepare<[string]>('INSERT INTO local_register (token) VALUES (?)').run(hex('d', 64));
    v3.close();
    const store = KioskStore.open(path);
    expect(tables(store.db)).toEqual(expect.arrayContaining(['mediator_accounts', 'mediator_reset_nonces']));
    for (const table of ['mediator_accounts', 'mediator_reset_nonces'])
      expect(
        store.db.prepare<[string], { sql: string }>('SELECT sql FROM sqlite_schema WHERE name = ?').get(table)
          ?.sql,
      ).toMatch(/\)\s*STRICT\s*$/);
    expect(store.getSetting('mediator.pin' as never)).toBeNull();
    expect(store.getSetting('kiosk.private_key' as never)).toBeNull();
    expect(store.getSetting('participation.key' as never)).toBeNull();
    expect(store.getSetting('kiosk.public_key')).toBe('public');
    expect(store.hasRealParticipation(hex('d', 64))).toBe(true);
    store.close();
  });

  it('0005 starts the counter’s day closed and keeps the day counts, with no assisted vote yet', () => {
    const path = tmp.path('v5.sqlite');
    const v4 = openAt(path, 4);
    v4.exec("INSERT INTO day_counts (day, training, ballots, participations) VALUES ('2026-09-02', 0, 3, 3)");
    v4.close();
    const db = openAt(path, 5);
    expect(db.pragma('user_version', { simple: true })).toBe(5);
    expect(db.prepare('SELECT state, day, reopens_at FROM counter_day').all()).toEqual([
      { state: 'closed', day: null, reopens_at: null },
    ]);
    expect(db.prepare('SELECT day, ballots, participations, assisted FROM day_counts').all()).toEqual([
      { day: '2026-09-02', ballots: 3, participations: 3, assisted: 0 },
    ]);
    for (const table of ['counter_day', 'day_mediators', 'incidents', 'reports'])
      expect(tables(db)).toContain(table);
    const notStrict = db
      .prepare<[], { name: string }>(
        "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%' AND strict = 0",
      )
      .all();
    expect(notStrict).toEqual([]);
    // One row, and only the three states.
    expect(() => db.exec("INSERT INTO counter_day (id, state) VALUES (2, 'closed')")).toThrow(/CHECK/);
    expect(() => db.exec("UPDATE counter_day SET state = 'ajar'")).toThrow(/CHECK/);
    db.close();
  });
});
