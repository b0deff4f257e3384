/**
 * A broken kiosk's sealed backup recovered centrally: batches already received are duplicates, the
 * others are accepted, so nothing is counted twice; a backup for another key or altered is refused.
 * A revoked kiosk accepted through a seq: over HTTP, by USB import and by recovery, its batches up to
 * that seq are accepted and never one beyond.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { main } from '../../../src/server/cli';
import { importFolder } from '../../../src/server/import';
import { openKioskBackup, recoverKioskBackup } from '../../../src/server/recover';
import { readRecoveryKey } from '../../../src/server/recovery-key';
import type { KioskBackup } from '../../../src/shared/kiosk-backup';
import { generateX25519KeyPair, seal } from '../../../src/shared/node/sealed-box';
import { usbFileName } from '../../../src/shared/wire';
import { Chain, enrolKiosk, post, results, startTestServer, type TestServer } from '../server/helpers';

let server: TestServer;
let tmp: string;
beforeEach(async () => {
  server = await startTestServer();
  tmp = mkdtempSync(join(tmpdir(), 'isoloir-recover-'));
});
afterEach(async () => {
  await server.close();
  rmSync(tmp, { recursive: true, force: true });
});

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

const backupOf = (chain: Chain): KioskBackup => ({
  v: 1,
  kioskId: chain.kiosk.kioskId,
  electionId: chain.pkg.electionId,
  createdAt: new Date().toISOString(),
  batches: [...chain.envelopes],
});

test('online 1–3, then a backup of 1–5: 4 and 5 accepted, 1–3 duplicates, nothing counted twice', async () => {
  const chain = new Chain(await enrolKiosk(server), server.pkg);
  for (let i = 0; i < 5; i++) chain.add();
  for (const e of chain.envelopes.slice(0, 3)) expect((await post(server.app, e)).status).toBe(201);
  const file = join(tmp, 'sauvegarde.bin');
  const { publicKey } = readRecoveryKey(server.dir);
  // The batches in the file in reverse order: recovery orders them by seq.
  writeFileSync(
    file,
    seal(
      Buffer.from(JSON.stringify({ ...backupOf(chain), batches: [...chain.envelopes].reverse() })),
      publicKey,
    ),
  );

  const run = await cli('recover-backup', file, '--data', server.dir);
  expect(run.errors).toBe('');
  expect(run.out).toContain('5 lot(s) ; 2 accepté(s), 3 déjà reçu(s), 0 refusé(s)');
  expect(server.data.store.kiosk(chain.kiosk.kioskId)?.highWater).toBe(5);
  expect((await results(server.app)).ballots).toBe(50);
  // Again: all five are duplicates.
  const again = await cli('recover-backup', file, '--data', server.dir);
  expect(again.out).toContain('0 accepté(s), 5 déjà reçu(s)');
  expect((await results(server.app)).ballots).toBe(50);
});

test('a backup sealed to another key, or altered, or forged, is refused', async () => {
  const chain = new Chain(await enrolKiosk(server), server.pkg);
  chain.add();
  const key = readRecoveryKey(server.dir);
  const bytes = Buffer.from(JSON.stringify(backupOf(chain)));
  expect(openKioskBackup(seal(bytes, generateX25519KeyPair().publicKey), key.privateKey).ok).toBe(false);
  const box = seal(bytes, key.publicKey);
  box[box.length - 30] = (box[box.length - 30] ?? 0) ^ 1;
  expect(openKioskBackup(box, key.privateKey).ok).toBe(false);
  // A batch whose signature is not the kiosk's: sealed correctly, refused by the ingest's check.
  const other = new Chain(await enrolKiosk(server, 'Autre'), server.pkg);
  const forged = { ...other.add(), kioskId: chain.kiosk.kioskId };
  const opened = openKioskBackup(
    seal(Buffer.from(JSON.stringify({ ...backupOf(chain), batches: [forged] })), key.publicKey),
    key.privateKey,
  );
  expect(opened.ok).toBe(true);
  if (!opened.ok) return;
  const summary = recoverKioskBackup(server.data.store, server.data.authority, opened.value, new Date());
  expect(summary.refused.map((r) => r.error)).toEqual(['bad_signature']);
  expect((await results(server.app)).ballots).toBe(0);
});

test('a revoked kiosk accepted through seq 3: HTTP, USB import and recovery stop at 3', async () => {
  const chain = new Chain(await enrolKiosk(server), server.pkg);
  for (let i = 0; i < 5; i++) chain.add();
  expect((await post(server.app, chain.envelopes[0]!)).status).toBe(201);
  // Plain revocation: refused.
  expect((await cli('kiosk', 'revoke', chain.kiosk.kioskId, '--data', server.dir)).code).toBe(0);
  expect((await post(server.app, chain.envelopes[1]!)).status).toBe(401);
  // Below the high water: refused, nothing changed.
  const below = await cli('kiosk', 'accept-through', chain.kiosk.kioskId, '0', '--data', server.dir);
  expect(below.errors).toMatch(/ne peut pas être inférieur/);
  expect((await cli('kiosk', 'accept-through', chain.kiosk.kioskId, '3', '--data', server.dir)).code).toBe(0);

  expect((await post(server.app, chain.envelopes[0]!)).status).toBe(200); // duplicate answered
  expect((await post(server.app, chain.envelopes[1]!)).status).toBe(201); // over HTTP
  const usb = join(tmp, 'usb');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(usb);
  chain.envelopes.forEach((e, i) =>
    writeFileSync(join(usb, usbFileName(chain.kiosk.kioskId, i + 1)), JSON.stringify(e)),
  );
  const imported = importFolder(server.data.store, server.data.authority, usb);
  expect([imported.accepted, imported.duplicate]).toEqual([1, 2]); // seq 3 by USB; 1 and 2 known
  expect(imported.refused.map((r) => r.error)).toEqual(['unknown_kiosk', 'unknown_kiosk']); // 4 and 5
  const over = await post(server.app, chain.envelopes[3]!);
  expect(over.status).toBe(401);
  expect(over.body.message).toMatch(/jusqu’au numéro 3/);
  const key = readRecoveryKey(server.dir);
  const opened = openKioskBackup(
    seal(Buffer.from(JSON.stringify(backupOf(chain))), key.publicKey),
    key.privateKey,
  );
  if (!opened.ok) throw new Error(opened.error.message);
  const recovered = recoverKioskBackup(server.data.store, server.data.authority, opened.value, new Date());
  expect([recovered.accepted, recovered.duplicate, recovered.refused.map((r) => r.seq)]).toEqual([
    [],
    [1, 2, 3],
    [4, 5],
  ]);
  expect(server.data.store.kiosk(chain.kiosk.kioskId)?.highWater).toBe(3);
  expect((await results(server.app)).ballots).toBe(30);
});
