/**
 * The kiosk killed with SIGKILL during upload (a laptop switched off at the plug), three times, and
 * restarted: a child process runs the real kiosk core and its upload loop against the real server
 * process, through the fault proxy. Each kill lands exactly where a lost ack hurts: the proxy holds the
 * server's answer to a batch the moment it starts (the server answers after its commit) and the test
 * kills the kiosk then, so the server has the batch and the kiosk has no ack. After each restart the kiosk
 * resends that batch and stores the server's `duplicate` ack; at the end the outbox drains, and the
 * server's ballot ids equal the kiosk's exactly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fromBase64url, keyFingerprint, parseJsonBytes, sha256hex } from '../../src/shared/node/crypto';
import { BatchEnvelope, BatchPayload } from '../../src/shared/wire';
import { KioskStore } from '../../src/main/core/store';
import { SyncStore } from '../../src/main/core/sync/sync-store';
import {
  drained,
  journaledAcks,
  prepareServerData,
  reconcile,
  repoRoot,
  serverBatchHashes,
  startServerProcess,
  tempDir,
  testElection,
  waitFor,
  type ServerData,
  type ServerProcess,
  TEST_K,
} from '../integration/sync/harness';
import { startProxy, type FaultProxy, type HeldAnswer } from './proxy';

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

/** Waits for the proxy to hold the next answer to a batch, or fails after `timeoutMs`. */
async function nextHeldBatch(timeoutMs: number): Promise<HeldAnswer> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      proxy.nextHold(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('no batch answer held')), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Holds the answer to a batch upload, after letting `pass` of them through. */
const holdABatchAnswer = (pass: number): Promise<void> =>
  proxy.setMode({ kind: 'holdResponse', match: 'POST /api/v1/batches ', pass });

beforeAll(async () => {
  data = prepareServerData(testElection());
  server = await startServerProcess(data.dir);
  proxy = await startProxy(server.port);
});

afterAll(async () => {
  await proxy?.close();
  await server?.stop();
});

it('SIGKILL between the server’s commit and the kiosk storing its ack, three times: each batch acked as duplicate after restart', async () => {
  const dbPath = path.join(tempDir('crash-kiosk'), 'kiosk.sqlite');
  await holdABatchAnswer(2);
  let run = runChild([dbPath, proxy.url, data.newCode(), '300', keyFingerprint(data.authorityPublicKey)]);
  await waitFor(
    () => run.last() !== null,
    30_000,
    () => 'child did not start',
  );
  const kioskId = run.last()?.kioskId ?? '';

  const killed: Array<{ seq: number; hash: string }> = [];
  for (let kill = 1; kill <= 3; kill += 1) {
    const held = await nextHeldBatch(30_000);
    run.child.kill('SIGKILL');
    await run.exited;
    const envelope = BatchEnvelope.parse(JSON.parse(held.requestBody));
    const bytes = fromBase64url(envelope.payload) ?? Buffer.alloc(0);
    const seq = BatchPayload.parse(parseJsonBytes(bytes)).seq;
    killed.push({ seq, hash: sha256hex(bytes) });
    // The kill fell between the two commits: the server stored the batch, the kiosk has no ack for it.
    expect(serverBatchHashes(data.dir, kioskId).get(seq)).toBe(sha256hex(bytes));
    const store = KioskStore.open(dbPath);
    try {
      expect(new SyncStore(store).batch(seq)?.ackedAt).toBeNull();
    } finally {
      store.close();
    }
    // The restarted kiosk's first upload is that batch again (answered duplicate), then two more go
    // through before the next hold; after the last kill everything passes.
    if (kill < 3) await holdABatchAnswer(3);
    else await proxy.setMode({ kind: 'pass' });
    run = runChild([dbPath]);
    await waitFor(
      () => run.last() !== null,
      30_000,
      () => 'child did not restart',
    );
  }
  expect(new Set(killed.map((k) => k.seq)).size).toBe(3);

  await waitFor(
    // Drained down to the hold-back: K of the 300 stay open until the election's close.
    () => run.last()?.batchesWaiting === 0 && (run.last()?.ballotsNotBatched ?? 2 * TEST_K) < 2 * TEST_K,
    60_000,
    () => JSON.stringify(run.last()),
  );
  run.child.kill('SIGKILL');
  await run.exited;

  const store = KioskStore.open(dbPath);
  try {
    expect(reconcile(store, data.dir)).toEqual(drained);
    expect(store.countBallots(false)).toBe(300);
    const acks = journaledAcks(store);
    const batches = new SyncStore(store);
    for (const { seq, hash } of killed) {
      // Recovered through the server's rule for a byte-identical resend, and stored for that batch.
      expect(acks.filter((a) => a.seq === seq)).toEqual([{ seq, status: 'duplicate' }]);
      expect(batches.batch(seq)?.hash).toBe(hash);
    }
  } finally {
    store.close();
  }
}, 180_000);
