/**
 * The kiosk killed with SIGKILL during upload (a laptop switched off at the plug), three times, and
 * restarted: a child process runs the real kiosk core and its upload loop against the real server
 * process, through the fault proxy (slowed, so each kill lands mid-upload). After the last restart the
 * outbox drains, and the server's ballot ids equal the kiosk's exactly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { KioskStore } from '../../src/main/core/store';
import {
  drained,
  prepareServerData,
  reconcile,
  repoRoot,
  startServerProcess,
  tempDir,
  testElection,
  waitFor,
  type ServerData,
  type ServerProcess,
} from '../integration/sync/harness';
import { startProxy, type FaultProxy } from './proxy';

let data: ServerData;
let server: ServerProcess;
let proxy: FaultProxy;

interface ChildLine {
  kioskId: string;
  batchesWaiting: number;
  ballotsNotBatched: number;
}

function runChild(args: string[]): {
  child: ChildProcess;
  last: () => ChildLine | null;
  exited: Promise<void>;
} {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(repoRoot, 'tests/faults/sync-kiosk-child.ts'), ...args],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let last: ChildLine | null = null;
  let buffer = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) if (line.startsWith('{')) last = JSON.parse(line) as ChildLine;
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      if (code && !signal) console.error(stderr);
      resolve();
    }),
  );
  return { child, last: () => last, exited };
}

const highWater = async (kioskId: string): Promise<number> => {
  const res = await fetch(`${server.url}/api/v1/kiosks/${kioskId}`);
  return res.ok ? ((await res.json()) as { highWater: number }).highWater : 0;
};

beforeAll(async () => {
  data = prepareServerData(testElection());
  server = await startServerProcess(data.dir);
  proxy = await startProxy(server.port);
  await proxy.setMode({ kind: 'delay', ms: 25 });
});

afterAll(async () => {
  await proxy?.close();
  await server?.stop();
});

it('SIGKILL during upload, three times, then restart: drained, lost = duplicated = unexpected = 0', async () => {
  const dbPath = path.join(tempDir('crash-kiosk'), 'kiosk.sqlite');
  let run = runChild([dbPath, proxy.url, data.newCode(), '300']);
  await waitFor(
    () => run.last() !== null,
    30_000,
    () => 'child did not start',
  );
  const kioskId = run.last()?.kioskId ?? '';

  const killedAt: number[] = [];
  for (let kill = 1; kill <= 3; kill += 1) {
    const target = kill * 12;
    const deadline = Date.now() + 30_000;
    let hw = await highWater(kioskId);
    while (hw < target && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      hw = await highWater(kioskId);
    }
    run.child.kill('SIGKILL');
    await run.exited;
    killedAt.push(hw);
    run = runChild([dbPath]);
    await waitFor(
      () => run.last() !== null,
      30_000,
      () => 'child did not restart',
    );
  }
  // Every kill landed with work still waiting: the upload was really interrupted.
  expect(killedAt.every((hw) => hw > 0 && hw < 60)).toBe(true);

  await waitFor(
    () => run.last()?.batchesWaiting === 0 && run.last()?.ballotsNotBatched === 0,
    60_000,
    () => JSON.stringify(run.last()),
  );
  run.child.kill('SIGKILL');
  await run.exited;

  const store = KioskStore.open(dbPath);
  try {
    expect(reconcile(store, data.dir)).toEqual(drained);
    expect(store.countBallots(false)).toBe(300);
  } finally {
    store.close();
  }
}, 180_000);
