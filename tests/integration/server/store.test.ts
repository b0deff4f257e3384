/**
 * The server store's schema on a real temp SQLite file: migration 0001 creates every table STRICT, the
 * pragmas are those of DESIGN §3.3 (WAL, synchronous=FULL, foreign keys), `user_version` records the
 * migration, reopening changes nothing, and a database from a newer version is refused untouched.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { DatabaseTooNewError } from '../../../src/shared/node/sqlite';
import { serverMigrations } from '../../../src/server/migrations';
import { ServerStore } from '../../../src/server/store';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'isoloir-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('migrations: every table STRICT, WAL, synchronous=FULL, foreign keys, user_version', () => {
  const store = new ServerStore(join(dir, 'server.sqlite'));
  const db = store.db;
  const tables = db
    .prepare<[], { name: string; strict: number }>(
      "SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%'",
    )
    .all();
  expect(tables.map((t) => t.name).sort()).toEqual([
    'batches',
    'conflicts',
    'elections',
    'enrolment_codes',
    'kiosk_status',
    'kiosks',
    'mediator_resets',
    'participation_documents',
    'participations',
    'receipts',
    'rejections',
    'settings',
  ]);
  for (const t of tables) expect(t.strict, t.name).toBe(1);
  expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
  expect(db.pragma('synchronous', { simple: true })).toBe(2);
  expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  expect(db.pragma('user_version', { simple: true })).toBe(serverMigrations().length);
  // A receipt names its batch and nothing else: no ballot, no voter, no time.
  const receiptColumns = db
    .prepare<[], { name: string }>("SELECT name FROM pragma_table_info('receipts')")
    .all();
  expect(receiptColumns.map((c) => c.name)).toEqual(['commitment', 'kiosk_id', 'seq']);
  // Foreign keys are enforced: a batch of an unknown kiosk cannot exist.
  expect(() =>
    store.immediate(() =>
      store.storeBatch({
        kioskId: 'f'.repeat(32),
        seq: 1,
        payload: 'x',
        signature: 'y',
        hash: '0'.repeat(64),
        receivedAt: new Date().toISOString(),
        status: 'counted',
        participationDocument: 'e30',
        receipts: [],
        tokens: [],
        ballotCount: 0,
        participationCount: 0,
        isFinal: false,
        dayCounts: null,
      }),
    ),
  ).toThrow(/FOREIGN KEY/);
  store.close();
  // Reopening applies nothing twice.
  const again = new ServerStore(join(dir, 'server.sqlite'));
  expect(again.db.pragma('user_version', { simple: true })).toBe(serverMigrations().length);
  again.close();
});

test('a database written by a newer server is refused and left untouched', () => {
  const path = join(dir, 'server.sqlite');
  new ServerStore(path).close();
  const raw = new Database(path);
  raw.pragma('user_version = 99');
  raw.close();
  expect(() => new ServerStore(path)).toThrow(DatabaseTooNewError);
  const check = new Database(path);
  expect(check.pragma('user_version', { simple: true })).toBe(99);
  check.close();
});
