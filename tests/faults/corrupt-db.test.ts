/**
 * A database found damaged at start, and the drills that bring its votes back.
 * Kiosk: the file is checked at open, set aside under a new name (never deleted, never replaced by a
 * fresh file), every call answers `kiosk_db_corrupt` with the kept path and the kiosk id for the
 * mediator's screen; the central team's `recover-backup` of the last end-of-day USB backup then counts
 * the batches the server had not received, each exactly once.
 * Server: `serve` refuses a damaged database, naming the restore command; `restore` of a backup made by
 * `backup` brings it back, and the kiosk resends what came after the backup, nothing counted twice.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, expect, test, vi } from 'vitest';
import { writeKioskBackup } from '../../src/main/core/backup';
import { localDay } from '../../src/main/core/eligibility';
import { startKiosk } from '../../src/main/core/kiosk';
import { main } from '../../src/server/cli';
import { startServer } from '../../src/server/serve';
import { writeCommunesFile } from '../unit/core/fixtures';
import {
  drained,
  kioskSealedReceipts,
  reconcile,
  serverReceipts,
  testSyncOptions,
  waitDrained,
  type TestKiosk,
} from '../integration/sync/harness';
import { integrityOf, startCentral, votingKiosk, type VotingKiosk } from './disk';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempFolder(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'isoloir-corrupt-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const asTestKiosk = (k: VotingKiosk): TestKiosk => ({
  kiosk: k.kiosk,
  engine: k.kiosk.sync,
  dbPath: k.dbPath,
  close: () => k.close(),
});

async function castMany(k: VotingKiosk, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const cast = await k.cast(await k.openSession());
    if (!cast.ok) throw new Error(`${cast.error.code}: ${cast.error.message}`);
  }
}

/** Runs the server's CLI in this process; what it printed, and its exit code. */
async function cli(...args: string[]): Promise<{ code: number; out: string; errors: string }> {
  const out: string[] = [];
  const errors: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi
    .spyOn(console, 'error')
    .mockImplementation((...a: unknown[]) => void errors.push(a.join(' ')));
  try {
    return { code: await main(['node', 'cli', ...args]), out: out.join('\n'), errors: errors.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

/** Overwrites the second half of a file with garbage: many b-tree pages at once, the header intact. */
/**
 * Fills one table's root page with garbage (the batches, say): the file is damaged where a disk would
 * damage it, while the page of `settings` that holds the kiosk's public key stays readable.
 */
function damageTable(file: string, table: string): Buffer {
  const db = new Database(file, { readonly: true });
  const pageSize = Number(db.pragma('page_size', { simple: true }));
  const root = db
    .prepare<[string], { rootpage: number }>('SELECT rootpage FROM sqlite_schema WHERE name = ?')
    .get(table);
  db.close();
  if (!root) throw new Error(`no table ${table}`);
  const bytes = readFileSync(file);
  bytes.fill(0x5a, (root.rootpage - 1) * pageSize, root.rootpage * pageSize);
  writeFileSync(file, bytes);
  return bytes;
}

function damageMiddle(file: string): Buffer {
  const bytes = readFileSync(file);
  bytes.fill(0x5a, Math.floor(bytes.length / 2));
  writeFileSync(file, bytes);
  return bytes;
}

test('kiosk: a damaged database is set aside and refused at start; recover-backup counts its batches once', async () => {
  const central = await startCentral(path.join(tempFolder(), 'central'));
  cleanups.push(() => central.close());
  const folder = tempFolder();
  const dbPath = path.join(folder, 'kiosk.sqlite');
  const k = await votingKiosk(dbPath, folder, central);
  let closed = false;
  cleanups.push(() => (closed ? undefined : k.close()));
  const kioskId = k.kiosk.kioskId;

  // Synced while the network works; then the network is gone and the batches wait on the kiosk.
  await castMany(k, 35);
  await waitDrained(asTestKiosk(k));
  const countedOnline = await central.countedBallots();
  await k.kiosk.sync.stop();
  await castMany(k, 30);
  const waiting = k.kiosk.sync.status().batchesWaiting;
  expect(waiting).toBeGreaterThan(0);
  const sealed = kioskSealedReceipts(k.kiosk.store);
  const heldBack = k.kiosk.store.countOpenBallots(false);
  expect(sealed.length + heldBack).toBe(65);

  // The end of the day: the sealed backup on the stick (what the USB export leaves once the day is closed).
  const stick = path.join(tempFolder(), 'cle-usb');
  mkdirSync(stick);
  const backup = writeKioskBackup(
    { context: k.kiosk.context, syncStore: k.kiosk.sync.syncStore },
    stick,
    localDay(new Date()),
  );
  expect(backup.ok).toBe(true);
  if (!backup.ok) return;
  expect(backup.value.batches).toBe(waiting);
  await k.close();
  closed = true;

  // The disk damages the file; the kiosk starts again.
  const damaged = damageTable(dbPath, 'batches');
  const options = { dbPath, communesPath: writeCommunesFile(folder), sync: testSyncOptions, pinKdfLogN: 10 };
  const started = startKiosk(options);
  expect(started.ok).toBe(false);
  if (started.ok) return;
  const { keptAs } = started.error;
  console.log(`kiosk start: ${started.error.code}: ${started.error.message}`);
  expect(started.error.code).toBe('kiosk_db_corrupt');
  expect(started.error.kioskId).toBe(kioskId);
  expect(started.error.message).toContain(keptAs);
  expect(started.error.message).toMatch(/N’effacez rien.*équipe centrale/);
  expect(keptAs.startsWith(`${dbPath}.endommagee-`)).toBe(true);
  expect(readFileSync(keptAs).equals(damaged)).toBe(true);
  expect(existsSync(dbPath)).toBe(false);
  // Every screen's call answers it, with what the mediator reads out to the central team.
  const status = await started.handlers.getStatus({});
  expect(status).toMatchObject({
    ok: false,
    error: { code: 'kiosk_db_corrupt', details: { keptAs, kioskId } },
  });
  // Started again, it still refuses, and still makes no fresh file.
  const again = startKiosk(options);
  expect(again.ok ? 'started' : again.error.keptAs).toBe(keptAs);
  expect(existsSync(dbPath)).toBe(false);

  // The central team's recovery from the stick's backup, twice: the second adds nothing.
  const recovered = await cli('recover-backup', backup.value.file, '--data', central.dir);
  expect(recovered.errors).toBe('');
  expect(recovered.out).toContain(`${waiting} accepté(s), 0 déjà reçu(s), 0 refusé(s)`);
  const repeated = await cli('recover-backup', backup.value.file, '--data', central.dir);
  expect(repeated.out).toContain(`0 accepté(s), ${waiting} déjà reçu(s)`);
  const counted = await central.countedBallots();
  expect(counted).toBe(sealed.length);
  const onServer = serverReceipts(central.dir, kioskId);
  expect([...onServer.fromBatches].sort()).toEqual([...sealed].sort());
  expect(new Set(onServer.fromBatches).size).toBe(onServer.fromBatches.length);
  console.log(
    `kiosk drill: ${countedOnline} counted online, ${counted} after recovery = ${sealed.length} sealed on the ` +
      `kiosk; ${heldBack} held back in its open set were not in any batch (not in the backup)`,
  );
}, 120_000);

test('kiosk: a damaged header is refused too, the id then read from the label', async () => {
  const folder = tempFolder();
  const dbPath = path.join(folder, 'kiosk.sqlite');
  const central = await startCentral(path.join(tempFolder(), 'central'));
  cleanups.push(() => central.close());
  const k = await votingKiosk(dbPath, folder, central);
  await castMany(k, 3);
  await k.close();
  const bytes = readFileSync(dbPath);
  bytes.fill(0x5a, 0, 100);
  writeFileSync(dbPath, bytes);
  const started = startKiosk({ dbPath, communesPath: writeCommunesFile(folder), pinKdfLogN: 10 });
  expect(started.ok).toBe(false);
  if (started.ok) return;
  expect(started.error.kioskId).toBeNull();
  expect(started.error.message).toMatch(/sur son étiquette/);
  expect(readFileSync(started.error.keptAs).equals(bytes)).toBe(true);
  expect(existsSync(dbPath)).toBe(false);
}, 60_000);

test('server: serve refuses a damaged database naming restore; restore of a backup brings it back', async () => {
  const dir = path.join(tempFolder(), 'central');
  const central = await startCentral(dir);
  let centralOpen = true;
  cleanups.push(() => (centralOpen ? central.close() : undefined));
  const port = Number(new URL(central.url).port);
  const folder = tempFolder();
  const k = await votingKiosk(path.join(folder, 'kiosk.sqlite'), folder, central);
  cleanups.push(() => k.close());

  await castMany(k, 25);
  await waitDrained(asTestKiosk(k));
  const backupFile = path.join(tempFolder(), 'central-sauvegarde.sqlite');
  const backedUp = await cli('backup', '--data', dir, '--out', backupFile);
  expect(backedUp.errors).not.toMatch(/erreur|error/i);
  expect(backedUp.code).toBe(0);
  const inBackup = await central.countedBallots();
  // After the backup: more batches reach the server, then the disk damages its file.
  await castMany(k, 20);
  await waitDrained(asTestKiosk(k));
  // The kiosk's loop keeps running: it finds the server gone, and retries.
  await central.close();
  centralOpen = false;
  const damaged = damageMiddle(central.dbPath);

  const refused = await cli('serve', '--data', dir, '--host', '127.0.0.1', '--port', '0');
  console.log(`serve: exit ${refused.code}: ${refused.errors}`);
  expect(refused.code).toBe(1);
  expect(refused.errors).toMatch(/endommagée.*restore --from <sauvegarde.sqlite> --data .* --force/);
  expect(readFileSync(central.dbPath).equals(damaged)).toBe(true);

  const restored = await cli('restore', '--from', backupFile, '--data', dir, '--force');
  expect(restored.code).toBe(0);
  expect(restored.out).toMatch(/L’ancienne base est gardée : .*avant-restauration/);
  expect(integrityOf(central.dbPath)).toBe('ok');

  // Served again on the same address: the kiosk's next batch finds the chain behind and resends.
  const server = await startServer(dir, { host: '127.0.0.1', port, liveResults: true, web: false });
  cleanups.push(() => server.close());
  const counted = async (): Promise<number> =>
    (await server.app.inject({ method: 'GET', url: '/api/v1/results' })).json<{ ballots: number }>().ballots;
  expect(await counted()).toBe(inBackup);
  await castMany(k, 20);
  await waitDrained(asTestKiosk(k), 30_000);
  expect(reconcile(k.kiosk.store, dir)).toEqual(drained);
  const sealed = kioskSealedReceipts(k.kiosk.store).length;
  expect(await counted()).toBe(sealed);
  console.log(`server drill: ${inBackup} in the backup, ${sealed} counted after restore and resend`);
}, 120_000);
