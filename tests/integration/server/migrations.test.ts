/**
 * One test per server migration after 0001 (STYLE §5): each is applied to a database of the version
 * before it, holding data, and must keep it. A central server may hold a month of batches when a
 * new version is installed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { openDatabase } from '../../../src/shared/node/sqlite';
import { serverMigrations } from '../../../src/server/migrations';
import { ServerStore } from '../../../src/server/store';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'isoloir-server-migrations-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test('lists 0001-init, 0002-accept-through, 0003-wire-v2, 0004-kiosk-trust', () => {
  expect(serverMigrations().map((m) => `${m.version}-${m.name}`)).toEqual([
    '1-init',
    '2-accept-through',
    '3-wire-v2',
    '4-kiosk-trust',
  ]);
});

test('0002 adds accept_through to a v1 file, NULL for every kiosk, and keeps kiosks and batches', () => {
  const path = join(dir, 'server.sqlite');
  const v1 = openDatabase(path, serverMigrations().slice(0, 1));
  v1.exec(`INSERT INTO elections VALUES ('e', 'p', 's', 'k', 'at', 1);
    INSERT INTO kiosks (kiosk_id, label, public_key, election_id, enrolled_at, high_water, head, revoked)
      VALUES ('${'a'.repeat(32)}', 'Arras', 'pk', 'e', 'at', 1, '${'0'.repeat(64)}', 1);
    INSERT INTO batches VALUES ('${'a'.repeat(32)}', 1, 'p', 's', '${'0'.repeat(64)}', 'at', 'counted', 2, 2, 0, NULL);`);
  expect(v1.pragma('user_version', { simple: true })).toBe(1);
  v1.close();

  const store = new ServerStore(path);
  expect(store.db.pragma('user_version', { simple: true })).toBe(serverMigrations().length);
  const kiosk = store.kiosk('a'.repeat(32));
  expect(kiosk).toMatchObject({ label: 'Arras', highWater: 1, revoked: true, acceptThrough: null });
  expect(store.batch('a'.repeat(32), 1)?.ballotCount).toBe(2);
  const strict = store.db
    .prepare<[], { strict: number }>("SELECT strict FROM pragma_table_list WHERE name = 'kiosks'")
    .get();
  expect(strict?.strict).toBe(1);
  expect(store.revokeKioskAcceptingThrough('a'.repeat(32), 4)).toBe(true);
  expect(store.kiosk('a'.repeat(32))?.acceptThrough).toBe(4);
  expect(() => store.db.exec('UPDATE kiosks SET accept_through = -1')).toThrow(/CHECK/);
  store.close();
});

test('0003 drops the ballot ids, adds receipts and participation documents (STRICT), keeps kiosks and batches', () => {
  const path = join(dir, 'server.sqlite');
  const v2 = openDatabase(path, serverMigrations().slice(0, 2));
  const kiosk = 'b'.repeat(32);
  v2.exec(`INSERT INTO elections VALUES ('e', 'p', 's', 'k', 'at', 1);
    INSERT INTO kiosks (kiosk_id, label, public_key, election_id, enrolled_at, high_water, head)
      VALUES ('${kiosk}', 'Lens', 'pk', 'e', 'at', 1, '${'0'.repeat(64)}');
    INSERT INTO batches VALUES ('${kiosk}', 1, 'p', 's', '${'0'.repeat(64)}', 'at', 'counted', 2, 2, 0, NULL);
    INSERT INTO ballots VALUES ('${'c'.repeat(32)}', 'ABCDEFGH');`);
  expect(v2.pragma('user_version', { simple: true })).toBe(2);
  v2.close();

  // 0003 alone takes the file to version 3; the store then applies the later migrations on top.
  const v3 = openDatabase(path, serverMigrations().slice(0, 3));
  expect(v3.pragma('user_version', { simple: true })).toBe(3);
  expect(
    v3
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
      .all()
      .map((t) => t.name),
  ).toEqual(expect.arrayContaining(['receipts', 'participation_documents']));
  v3.close();
  const store = new ServerStore(path);
  expect(store.db.pragma('user_version', { simple: true })).toBe(serverMigrations().length);
  expect(store.kiosk(kiosk)?.label).toBe('Lens');
  expect(store.batch(kiosk, 1)?.ballotCount).toBe(2);
  const tables = store.db
    .prepare<[], { name: string; strict: number }>(
      "SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%'",
    )
    .all();
  const names = tables.map((t) => t.name);
  expect(names).not.toContain('ballots');
  expect(names).toEqual(expect.arrayContaining(['receipts', 'participation_documents']));
  for (const t of tables) expect(t.strict, t.name).toBe(1);
  store.db.exec(`INSERT INTO receipts VALUES ('${'d'.repeat(64)}', '${kiosk}', 1)`);
  expect(store.receipt('d'.repeat(64))).toEqual({ kioskId: kiosk, seq: 1 });
  expect(() =>
    store.db.exec(`INSERT INTO receipts VALUES ('${'e'.repeat(64)}', '${'f'.repeat(32)}', 1)`),
  ).toThrow(/FOREIGN KEY/);
});

test('0004 adds recovery keys, withdrawn codes, resets and statuses to a v3 file, keeping its kiosks and codes', () => {
  const path = join(dir, 'server.sqlite');
  const v2 = openDatabase(path, serverMigrations().slice(0, 3));
  v2.exec(`INSERT INTO elections VALUES ('e', 'p', 's', 'k', 'at', 1);
    INSERT INTO enrolment_codes (code_hash, label, created_at, expires_at, used_at, kiosk_id)
      VALUES ('h', 'Arras', 'at', 'later', 'at', '${'a'.repeat(32)}');
    INSERT INTO kiosks (kiosk_id, label, public_key, election_id, enrolled_at, high_water, head)
      VALUES ('${'a'.repeat(32)}', 'Arras', 'pk', 'e', 'at', 3, '${'0'.repeat(64)}');`);
  v2.close();

  const store = new ServerStore(path);
  expect(store.db.pragma('user_version', { simple: true })).toBe(serverMigrations().length);
  expect(store.kiosk('a'.repeat(32))).toMatchObject({ label: 'Arras', highWater: 3 });
  expect(store.enrolmentCodes()).toHaveLength(1);
  const row = store.db
    .prepare<[], { recovery_key: string | null; revoked_at: string | null }>(
      'SELECT recovery_key, (SELECT revoked_at FROM enrolment_codes) AS revoked_at FROM kiosks',
    )
    .get();
  expect(row).toEqual({ recovery_key: null, revoked_at: null });
  for (const table of ['mediator_resets', 'kiosk_status']) {
    const strict = store.db
      .prepare<[string], { strict: number }>('SELECT strict FROM pragma_table_list WHERE name = ?')
      .get(table);
    expect(strict?.strict, table).toBe(1);
  }
  expect(() =>
    store.db.exec(
      `INSERT INTO kiosk_status VALUES ('${'a'.repeat(32)}', 'p', 's', 'at', 'v', 'c', 1, 0, 'lunch', 0)`,
    ),
  ).toThrow(/CHECK/);
  store.close();
});
