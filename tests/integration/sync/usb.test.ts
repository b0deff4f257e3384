/**
 * USB export end to end: an offline kiosk closes its day, the export is interrupted mid-write (the stick
 * pulled) and resumed without duplicates, the real server CLI `import` reads the folder, every ballot is
 * counted once; when the network comes back the kiosk's uploads are answered `duplicate` and its outbox
 * drains, still with every ballot counted once. And the mediator's status shows the export's progress
 * while it runs.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { usbFileName } from '../../../src/shared/wire';
import { startProxy, type FaultProxy } from '../../faults/proxy';
import {
  castVotes,
  drained,
  openTestKiosk,
  enrolThroughSetup,
  prepareServerData,
  reconcile,
  repoRoot,
  startServerProcess,
  tempDir,
  testElection,
  waitDrained,
  type ServerData,
  type ServerProcess,
  type TestKiosk,
  TEST_K,
} from './harness';
import { keyFingerprint } from '../../../src/shared/node/crypto';

// Real processes on a shared 2-core machine: generous time, never a timed assertion.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

let data: ServerData;
let server: ServerProcess;
let proxy: FaultProxy;
let t: TestKiosk;
const election = testElection();

const importCli = (folder: string): { status: number | null; stdout: string } => {
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(repoRoot, 'src/server/cli.ts'), 'import', folder, '--data', data.dir],
    { cwd: repoRoot, encoding: 'utf8' },
  );
  return { status: run.status, stdout: run.stdout };
};

beforeAll(async () => {
  data = prepareServerData(election);
  server = await startServerProcess(data.dir);
  proxy = await startProxy(server.port);
  t = await openTestKiosk(path.join(tempDir('usb-kiosk'), 'kiosk.sqlite'));
  const enrolled = await enrolThroughSetup(t.kiosk, {
    serverUrl: proxy.url,
    code: data.newCode(),
    label: 'usb',
    authorityFingerprint: keyFingerprint(data.authorityPublicKey),
  });
  expect(enrolled.ok).toBe(true);
});

afterAll(async () => {
  await t?.close();
  await proxy?.close();
  await server?.stop();
});

it('interrupted export, resumed, imported by the server CLI: every ballot counted once', async () => {
  await proxy.setMode({ kind: 'refuse' }); // the counter has no network today
  // 50 open: the hold-back seals K while 2K are open (50 → 40 → 30 → 20 → 10), K stay on the kiosk.
  castVotes(t.kiosk, election, 50);
  t.engine.sealFull();
  expect(t.engine.status().batchesWaiting).toBe(4);

  const folder = tempDir('usb-stick');
  const progress: number[] = [];
  const first = await t.engine.exportUsb(
    { folder, all: false },
    { interrupt: (index) => index === 1, onProgress: (done) => progress.push(done) },
  );
  expect(first.ok).toBe(false);
  if (!first.ok) expect(first.error.code).toBe('export_failed');
  expect(progress).toEqual([1]);

  const second = await t.engine.exportUsb({ folder, all: false });
  expect(second).toEqual({ ok: true, value: { written: 3, skipped: 1, folder } });
  const names = fs.readdirSync(folder).sort();
  expect(names).toEqual([1, 2, 3, 4].map((seq) => usbFileName(t.kiosk.kioskId, seq)).sort());

  const imported = importCli(folder);
  expect(imported.status).toBe(0);
  expect(imported.stdout).toMatch(/4 fichier\(s\) : 4 accepté\(s\), 0 doublon\(s\), 0 refusé\(s\)/);
  const afterImport = reconcile(t.kiosk.store, data.dir);
  expect({
    lost: afterImport.lost,
    duplicated: afterImport.duplicated,
    unexpected: afterImport.unexpected,
  }).toEqual({ lost: 0, duplicated: 0, unexpected: 0 });
  // The same stick imported twice changes nothing.
  expect(importCli(folder).stdout).toMatch(/0 accepté\(s\), 4 doublon\(s\)/);

  // Network back: the kiosk's own uploads are answered `duplicate` and its outbox drains.
  await proxy.setMode({ kind: 'pass' });
  t.engine.kick();
  await waitDrained(t);
  expect(reconcile(t.kiosk.store, data.dir)).toEqual(drained);

  // "All" re-exports every batch, acked ones included; identical files are skipped, never duplicated.
  const all = await t.engine.exportUsb({ folder, all: true });
  expect(all).toEqual({ ok: true, value: { written: 0, skipped: 4, folder } });
});

it('the mediator’s status shows the export’s progress while it runs, and nothing once it is done', async () => {
  await proxy.setMode({ kind: 'refuse' });
  // Thirty batches: more than the writer writes between two breaths (25), so a poll from another task
  // gets in mid-export, as the screen's do. K are still open from the test above: 30 K more seal 30.
  castVotes(t.kiosk, election, 30 * TEST_K);
  t.engine.sealFull();
  const total = t.engine.status().batchesWaiting;
  expect(total).toBe(30);
  const folder = tempDir('usb-progress');
  const seenInCallback: unknown[] = [];
  const seenByPoll: Array<{ done: number; total: number }> = [];
  let polling = true;
  const poll = (): void => {
    if (!polling) return;
    const progress = t.engine.status().usbExport;
    if (progress) seenByPoll.push(progress);
    setImmediate(poll);
  };
  poll();
  const result = await t.engine.exportUsb(
    { folder, all: false },
    { onProgress: () => seenInCallback.push(t.engine.status().usbExport) },
  );
  polling = false;
  expect(result).toEqual({ ok: true, value: { written: total, skipped: 0, folder } });
  expect(seenInCallback).toEqual(Array.from({ length: total }, (_, i) => ({ done: i + 1, total })));
  expect(seenByPoll.some((p) => p.total === total && p.done > 0 && p.done < total)).toBe(true);
  expect(t.engine.status().usbExport).toBeNull();

  await proxy.setMode({ kind: 'pass' });
  t.engine.kick();
  await waitDrained(t);
  expect(reconcile(t.kiosk.store, data.dir)).toEqual(drained);
});
