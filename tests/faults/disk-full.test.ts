/**
 * A full disk, on a real tiny tmpfs. Kiosk: a cast the disk refuses answers `disk_full` with a plain
 * French message, the mediator's status says so, the database passes `integrity_check`, every cast
 * answered before is still there; once the filler is gone voting resumes and every sealed ballot
 * reaches the server exactly once. Server: a batch it cannot store gets a 503 `disk_full` (and a log
 * line for the operator, `/readyz` says not ready), the kiosk keeps it and retries; once space returns,
 * ingest resumes and nothing is lost or counted twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { SyncStore } from '../../src/main/core/sync/sync-store';
import {
  castVotes,
  drained,
  kioskSealedReceipts,
  reconcile,
  serverReceipts,
  TEST_K,
  waitDrained,
  waitFor,
  type TestKiosk,
} from '../integration/sync/harness';
import {
  fillDisk,
  freeBytes,
  integrityOf,
  mountTmpfs,
  removeFiller,
  startCentral,
  unmount,
  votingKiosk,
  type Central,
  type VotingKiosk,
} from './disk';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A tmpfs of `size` under a fresh temp folder, unmounted after the test; null when mount is refused. */
function tinyDisk(size: string): { dir: string } | { skip: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'isoloir-disk-'));
  const dir = path.join(root, 'mnt');
  const refused = mountTmpfs(dir, size);
  if (refused) {
    rmSync(root, { recursive: true, force: true });
    return { skip: refused };
  }
  cleanups.push(() => {
    unmount(dir);
    rmSync(root, { recursive: true, force: true });
  });
  return { dir };
}

function tempFolder(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'isoloir-disk-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The kiosk's sealed real ballots: one receipt commitment each, read from its own batches. */
const sealedBallots = (k: VotingKiosk): number => kioskSealedReceipts(k.kiosk.store).length;

const asTestKiosk = (k: VotingKiosk): TestKiosk => ({
  kiosk: k.kiosk,
  engine: k.kiosk.sync,
  dbPath: k.dbPath,
  close: () => k.close(),
});

test('kiosk: a full disk refuses the cast with disk_full, keeps every vote, and voting resumes', async (ctx) => {
  const disk = tinyDisk('2m');
  if ('skip' in disk) return ctx.skip(disk.skip);
  const central: Central = await startCentral(path.join(tempFolder(), 'central'));
  cleanups.push(() => central.close());
  const k = await votingKiosk(path.join(disk.dir, 'kiosk.sqlite'), tempFolder(), central);
  cleanups.push(() => k.close());

  let acknowledged = 0;
  for (let i = 0; i < 25; i++) {
    expect((await k.cast(await k.openSession())).ok).toBe(true);
    acknowledged++;
  }
  await waitDrained(asTestKiosk(k));

  // The filler takes every free byte; then voters come until the disk refuses one.
  const filler = path.join(disk.dir, 'filler.bin');
  fillDisk(filler);
  let refused: { sessionId: string; code: string; message: string } | null = null;
  for (let i = 0; i < 300 && refused === null; i++) {
    const sessionId = await k.openSession();
    const cast = await k.cast(sessionId);
    if (cast.ok) acknowledged++;
    else refused = { sessionId, code: cast.error.code, message: cast.error.message };
    // The scrub and the sync write too: let them run between two voters, as on a counter.
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  expect(refused, 'the disk never refused a cast').not.toBeNull();
  if (!refused) return;
  console.log(
    `kiosk disk full after ${acknowledged} acknowledged casts: ${refused.code}: ${refused.message}`,
  );
  expect(refused.code).toBe('disk_full');
  expect(refused.message).toMatch(/disque du kiosque est plein.*n’a pas été enregistré/);
  const status = await k.kiosk.handlers.getStatus({});
  expect(status.ok && status.value.diskFull).toBe(true);
  // Nothing torn: the file checks whole, and every acknowledged cast is counted there.
  expect(integrityOf(k.dbPath)).toBe('ok');
  expect(k.kiosk.store.countBallots(false)).toBe(acknowledged);
  const again = await k.cast(refused.sessionId);
  expect(again.ok ? 'ok' : again.error.code).toBe('disk_full');
  // A mediator's action the disk refuses says so too, rather than a generic error.
  const pause = await k.kiosk.handlers.pauseDay({});
  console.log(`pauseDay while full: ${pause.ok ? 'ok' : `${pause.error.code}: ${pause.error.message}`}`);
  expect(pause.ok ? 'ok' : pause.error.code).toBe('disk_full');

  // Space again: the status clears, the refused voter casts on the same session, others follow.
  removeFiller(filler);
  expect(freeBytes(disk.dir)).toBeGreaterThan(1024 * 1024);
  const back = await k.kiosk.handlers.getStatus({});
  expect(back.ok && back.value.diskFull).toBe(false);
  expect((await k.cast(refused.sessionId)).ok).toBe(true);
  acknowledged++;
  for (let i = 0; i < 20; i++) {
    expect((await k.cast(await k.openSession())).ok).toBe(true);
    acknowledged++;
  }
  await waitDrained(asTestKiosk(k), 30_000);
  expect(integrityOf(k.dbPath)).toBe('ok');
  expect(k.kiosk.store.countBallots(false)).toBe(acknowledged);
  // Every sealed ballot on the server exactly once; the rest wait in the hold-back (fewer than 2K).
  expect(reconcile(k.kiosk.store, central.dir)).toEqual(drained);
  const sealed = sealedBallots(k);
  const open = k.kiosk.store.countOpenBallots(false);
  expect(sealed + open).toBe(acknowledged);
  expect(await central.countedBallots()).toBe(sealed);
  console.log(
    `kiosk after: ${acknowledged} acknowledged = ${sealed} counted by the server + ${open} held back`,
  );
}, 120_000);

test('server: a full disk answers 503 disk_full, the kiosk keeps its batches, ingest resumes', async (ctx) => {
  const disk = tinyDisk('3m');
  if ('skip' in disk) return ctx.skip(disk.skip);
  const central = await startCentral(path.join(disk.dir, 'central'));
  cleanups.push(() => central.close());
  const k = await votingKiosk(path.join(tempFolder(), 'kiosk.sqlite'), tempFolder(), central);
  cleanups.push(() => k.close());
  const election = k.kiosk.context.election();
  if (!election) throw new Error('no election');

  castVotes(k.kiosk, election, 30);
  k.kiosk.sync.kick();
  await waitDrained(asTestKiosk(k));
  const before = await central.countedBallots();
  expect(before).toBeGreaterThan(0);

  const filler = path.join(disk.dir, 'filler.bin');
  fillDisk(filler);
  const ready = await central.app.inject({ method: 'GET', url: '/readyz' });
  expect(ready.statusCode).toBe(503);
  expect(ready.json()).toMatchObject({ error: 'not_ready', checks: { disk: false } });

  // The server's WAL reuses the room it already has: voters keep coming until a batch is refused.
  const sync = new SyncStore(k.kiosk.store);
  let cast = 30;
  const refused = (): boolean =>
    sync.waitingBatches().length > 0 && k.kiosk.sync.status().lastError?.code === 'server_busy';
  for (let round = 0; round < 40 && !refused(); round++) {
    castVotes(k.kiosk, election, 20);
    cast += 20;
    k.kiosk.sync.kick();
    await waitFor(
      () => {
        const status = k.kiosk.sync.status();
        return refused() || (status.batchesWaiting === 0 && status.ballotsNotBatched < 2 * TEST_K);
      },
      30_000,
      () => JSON.stringify(k.kiosk.sync.status()),
    );
  }
  expect(refused(), JSON.stringify(k.kiosk.sync.status())).toBe(true);
  const waiting = sync.waitingBatches();
  expect(waiting.length).toBeGreaterThan(0);
  // The answer itself, to the same bytes the kiosk sends.
  const answer = await fetch(`${central.url}/api/v1/batches`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: waiting[0]?.envelopeText ?? '',
  });
  expect(answer.status).toBe(503);
  const body = (await answer.json()) as { error: string; message: string };
  expect(body.error).toBe('disk_full');
  expect(body.message).toMatch(/disque du serveur central est plein/);
  const logged = central.logLines.find((l) => l.includes('disk full: batch not stored'));
  expect(logged).toBeDefined();
  console.log(`server disk full: ${answer.status} ${JSON.stringify(body)}\nlog: ${logged?.trim()}`);
  expect(await central.countedBallots()).toBe(before);
  expect(integrityOf(central.dbPath)).toBe('ok');
  expect(k.kiosk.sync.status().blocked).toBe(false);

  removeFiller(filler);
  expect((await central.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  k.kiosk.sync.kick();
  await waitDrained(asTestKiosk(k), 30_000);
  expect(reconcile(k.kiosk.store, central.dir)).toEqual(drained);
  const sealed = sealedBallots(k);
  expect(await central.countedBallots()).toBe(sealed);
  expect(serverReceipts(central.dir, k.kiosk.kioskId).fromBatches).toHaveLength(sealed);
  expect(sealed + k.kiosk.store.countOpenBallots(false)).toBe(cast);
  expect(integrityOf(central.dbPath)).toBe('ok');
  console.log(
    `server after: ${before} counted before the fault, ${sealed} after (of ${cast} cast, rest held back)`,
  );
}, 120_000);
