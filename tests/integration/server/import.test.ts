/**
 * USB import on a real folder: v2 envelopes go through the same ingest as the network, in seq order;
 * a symbolic link or a FIFO named like a batch file is refused without being followed or opened for
 * reading (a FIFO would block the import forever).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { usbFileName } from '../../../src/shared/wire';
import { importFolder } from '../../../src/server/import';
import { Chain, enrolKiosk, results, startTestServer, type TestServer } from './helpers';

let server: TestServer;
let stick: string;
beforeEach(async () => {
  server = await startTestServer();
  stick = mkdtempSync(join(tmpdir(), 'isoloir-stick-'));
});
afterEach(async () => {
  await server.close();
  rmSync(stick, { recursive: true, force: true });
});

test('imports v2 batch files in seq order; refuses a symbolic link and a FIFO', async () => {
  const kiosk = await enrolKiosk(server);
  const chain = new Chain(kiosk, server.pkg);
  chain.add();
  chain.add({ ballots: 4, final: true });
  // Written in reverse: the import orders by seq, not by file name or date.
  for (const [i, envelope] of [...chain.envelopes.entries()].reverse())
    writeFileSync(join(stick, usbFileName(kiosk.kioskId, i + 1)), JSON.stringify(envelope));

  // A link to a batch file elsewhere, and a FIFO, both named as batch files of another kiosk.
  const elsewhere = mkdtempSync(join(tmpdir(), 'isoloir-elsewhere-'));
  try {
    const target = join(elsewhere, 'batch.json');
    writeFileSync(target, JSON.stringify(chain.envelopes[0]));
    const linked = usbFileName('a'.repeat(32), 1);
    symlinkSync(target, join(stick, linked));
    const fifo = usbFileName('b'.repeat(32), 1);
    execFileSync('mkfifo', [join(stick, fifo)]);

    const summary = importFolder(server.data.store, server.data.authority, stick);
    expect(summary.accepted).toBe(2);
    expect(summary.refused.map((r) => [r.file, r.error]).sort()).toEqual(
      [
        [linked, 'malformed'],
        [fifo, 'malformed'],
      ].sort(),
    );
    expect(summary.refused.every((r) => /fichier ordinaire/.test(r.message))).toBe(true);
    expect((await results(server.app)).ballots).toBe(14);
  } finally {
    rmSync(elsewhere, { recursive: true, force: true });
  }
});
