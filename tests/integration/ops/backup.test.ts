/**
 * Online backup and restore drill on real SQLite files and a real server on 127.0.0.1: a backup taken
 * while kiosks upload holds a consistent prefix (every batch complete, each kiosk's head the hash of its
 * last batch); a restored server continues every chain from the backup's high water, so the kiosks'
 * resend of the later batches is accepted and nothing is counted twice. Keys never enter a backup.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { backupDatabase, inspectDatabase, restoreDatabase } from '../../../src/server/backup';
import { main } from '../../../src/server/cli';
import { DB_FILE, initDataDir, KEY_FILE, openDataDir } from '../../../src/server/datadir';
import { publishElection } from '../../../src/server/election';
import { RECOVERY_KEY_FILE } from '../../../src/server/recovery-key';
import { startServer, type RunningServer } from '../../../src/server/serve';
import { payloadHash } from '../../../src/shared/node/crypto';
import type { BatchEnvelope } from '../../../src/shared/wire';
import { Chain, enrolKiosk, makePackage, type TestServer } from '../server/helpers';

let tmp: string;
beforeEach(() => (tmp = mkdtempSync(join(tmpdir(), 'isoloir-backup-'))));
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

const pkg = makePackage();

function newDataDir(name: string): string {
  const dir = join(tmp, name);
  initDataDir(dir);
  const data = openDataDir(dir);
  const published = publishElection(data.store, data.authority, pkg, new Date());
  data.store.close();
  if (!published.ok) throw new Error(published.error.message);
  return dir;
}

// The restore drill reads the results during the vote: the embargo is lifted.
const serve = (dir: string) =>
  startServer(dir, { host: '127.0.0.1', port: 0, logger: false, liveResults: true });
const asTestServer = (server: RunningServer) => server as unknown as TestServer;

async function post(server: RunningServer, envelope: BatchEnvelope): Promise<number> {
  const res = await fetch(`${server.url}/api/v1/batches`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(envelope),
  });
  await res.arrayBuffer();
  return res.status;
}

/** Every kiosk chain in a database file is complete and consistent with its ballots and register. */
function checkConsistentPrefix(path: string): { batches: number; ballots: number } {
  const db = new Database(path, { readonly: true });
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const kiosks = db.prepare<[], { kiosk_id: string; high_water: number; head: string; ballots: number }>(
      'SELECT kiosk_id, high_water, head, ballots FROM kiosks',
    );
    let batches = 0;
    for (const k of kiosks.all()) {
      const rows = db
        .prepare<[string], { seq: number; payload: string; ballot_count: number }>(
          'SELECT seq, payload, ballot_count FROM batches WHERE kiosk_id = ? ORDER BY seq',
        )
        .all(k.kiosk_id);
      expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: k.high_water }, (_, i) => i + 1));
      if (rows.length) expect(payloadHash(rows[rows.length - 1]!.payload)).toBe(k.head);
      expect(rows.reduce((n, r) => n + r.ballot_count, 0)).toBe(k.ballots);
      batches += rows.length;
    }
    const sums = db
      .prepare<[], { ballots: number; participations: number }>(
        "SELECT coalesce(sum(ballot_count), 0) AS ballots, coalesce(sum(participation_count), 0) AS participations FROM batches WHERE status = 'counted'",
      )
      .get();
    // One receipt commitment per counted ballot (wire v2 keeps no ballot row).
    const ballots = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM receipts').get()?.n;
    const tokens = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM participations').get()?.n;
    expect(ballots).toBe(sums?.ballots);
    expect(tokens).toBe(sums?.participations);
    return { batches, ballots: ballots ?? 0 };
  } finally {
    db.close();
  }
}

test('a backup taken while kiosks upload is a consistent prefix, checked, and holds no key', async () => {
  const dir = newDataDir('live');
  const server = await serve(dir);
  try {
    const chains = await Promise.all(
      [1, 2, 3, 4].map(async (i) => new Chain(await enrolKiosk(asTestServer(server), `Borne ${i}`), pkg)),
    );
    const perKiosk = 60;
    let sent = 0;
    let firstQuarter!: () => void;
    const quarter = new Promise<void>((resolve) => (firstQuarter = resolve));
    const uploads = chains.map(async (chain) => {
      for (let i = 0; i < perKiosk; i++) {
        expect(await post(server, chain.add())).toBe(201);
        if (++sent === perKiosk) firstQuarter();
      }
    });
    await quarter; // the backup starts while three quarters of the batches are still to come
    const progress: number[] = [];
    const out = join(tmp, 'live.backup');
    const started = performance.now();
    const done = await backupDatabase(dir, out, {
      pagesPerStep: 8,
      onProgress: (copied, total) => progress.push(copied / Math.max(total, 1)),
    });
    const backupMs = performance.now() - started;
    const sentDuringBackup = sent;
    await Promise.all(uploads);
    expect(done.ok).toBe(true);
    if (!done.ok) return;
    const prefix = checkConsistentPrefix(out);
    expect(prefix.batches).toBe(done.value.batches);
    expect(prefix.batches).toBeGreaterThanOrEqual(perKiosk);
    expect(prefix.batches).toBeLessThanOrEqual(sentDuringBackup);
    expect(progress.at(-1)).toBe(1);
    expect(inspectDatabase(out).ok).toBe(true);
    console.log(
      `backup: ${done.value.batches} batches, ${done.value.ballots} ballots, ${done.value.bytes} bytes in ${Math.round(backupMs)} ms while uploading (${sentDuringBackup - perKiosk} batches sent during it)`,
    );
    // Neither the authority key nor the kiosk-backup key is in the backup, in any encoding.
    const bytes = readFileSync(out);
    for (const file of [KEY_FILE, RECOVERY_KEY_FILE]) {
      const { privateKey } = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { privateKey: string };
      expect(bytes.includes(Buffer.from(privateKey))).toBe(false);
      expect(bytes.includes(Buffer.from(privateKey, 'base64url'))).toBe(false);
    }
    // The live database, after all uploads, is complete too.
    expect(checkConsistentPrefix(join(dir, DB_FILE)).batches).toBe(4 * perKiosk);
  } finally {
    await server.close();
  }
}, 180_000);

test('restore drill: serve, ingest, backup, ingest more, restore elsewhere, the resend is accepted once', async () => {
  const dir = newDataDir('central');
  let server = await serve(dir);
  const chains = [
    new Chain(await enrolKiosk(asTestServer(server), 'Arras'), pkg),
    new Chain(await enrolKiosk(asTestServer(server), 'Calais'), pkg),
  ];
  for (const chain of chains) for (let i = 0; i < 6; i++) chain.add(); // K = 10 ballots each
  for (const chain of chains)
    for (const e of chain.envelopes.slice(0, 3)) expect(await post(server, e)).toBe(201);
  const backup = join(tmp, 'central.backup');
  expect((await backupDatabase(dir, backup)).ok).toBe(true);
  for (const chain of chains)
    for (const e of chain.envelopes.slice(3, 5)) expect(await post(server, e)).toBe(201);
  await server.close();

  // The machine is lost: a new data folder, the database from the backup, the keys from their escrow.
  const fresh = join(tmp, 'restored');
  const restored = restoreDatabase(backup, fresh);
  expect(restored.ok && restored.value.batches).toBe(6);
  copyFileSync(join(dir, KEY_FILE), join(fresh, KEY_FILE));
  // A second restore over it is refused without --force, and keeps the old database aside with it.
  expect(restoreDatabase(backup, fresh).ok).toBe(false);
  const forced = restoreDatabase(backup, fresh, { force: true });
  expect(forced.ok && forced.value.previousKeptAs).toMatch(/avant-restauration/);

  server = await serve(fresh);
  try {
    for (const chain of chains) {
      const state = server.data.store.kiosk(chain.kiosk.kioskId);
      expect(state?.highWater).toBe(3);
      expect(await post(server, chain.envelopes[2]!)).toBe(200); // already in the backup: duplicate
      for (const e of chain.envelopes.slice(3)) expect(await post(server, e)).toBe(201);
      expect(await post(server, chain.envelopes[4]!)).toBe(200);
    }
    const results = (await (await fetch(`${server.url}/api/v1/results`)).json()) as { ballots: number };
    expect(results.ballots).toBe(2 * 6 * 10);
    expect(checkConsistentPrefix(join(fresh, DB_FILE)).ballots).toBe(120);
  } finally {
    await server.close();
  }
});

test('restore refuses a damaged file, a foreign database and a newer schema, and writes nothing', () => {
  const dir = newDataDir('src');
  const target = join(tmp, 'target');
  const garbage = join(tmp, 'garbage.backup');
  writeFileSync(garbage, Buffer.alloc(8192, 7));
  expect(restoreDatabase(garbage, target).ok).toBe(false);
  const foreign = join(tmp, 'foreign.sqlite');
  new Database(foreign).exec('CREATE TABLE t (x)');
  const refused = restoreDatabase(foreign, target);
  expect(!refused.ok && refused.error.message).toMatch(/pas une base du serveur/);
  const newer = join(tmp, 'newer.sqlite');
  copyFileSync(join(dir, DB_FILE), newer);
  const db = new Database(newer);
  db.pragma('user_version = 99');
  db.close();
  const tooNew = restoreDatabase(newer, target);
  expect(!tooNew.ok && tooNew.error.message).toMatch(/plus récent/);
  expect(() => readFileSync(join(target, DB_FILE))).toThrow();
});

test('the backup and restore commands, as an operator runs them', async () => {
  const out: string[] = [];
  const errors: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi
    .spyOn(console, 'error')
    .mockImplementation((...a: unknown[]) => void errors.push(a.join(' ')));
  try {
    const dir = newDataDir('cli');
    const file = join(tmp, 'cli.backup');
    expect(await main(['node', 'cli', 'backup', '--data', dir, '--out', file])).toBe(0);
    expect(out.join('\n')).toMatch(/Sauvegarde écrite .* intégrité vérifiée\). Les clés n’y sont pas\./);
    expect(await main(['node', 'cli', 'backup', '--data', dir, '--out', file])).toBe(1);
    expect(errors.join('\n')).toMatch(/existe déjà/);
    const fresh = join(tmp, 'cli-restored');
    expect(await main(['node', 'cli', 'restore', '--from', file, '--data', fresh])).toBe(0);
    expect(out.join('\n')).toMatch(/Clé d’autorité absente : remettez-la/);
    expect(await main(['node', 'cli', 'restore', '--from', file, '--data', fresh])).toBe(1);
    expect(errors.join('\n')).toMatch(/--force/);
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
});
