/**
 * The authority key's escrow: sealed with a passphrase, it comes back exactly through the CLI into a
 * new data folder; a wrong passphrase, a changed character or a key that did not sign the folder's
 * election are refused and change nothing.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { main } from '../../../src/server/cli';
import { initDataDir, KEY_FILE } from '../../../src/server/datadir';
import { ESCROW_PREFIX, openAuthorityEscrow, sealAuthorityKey } from '../../../src/server/escrow';
import { generateKeyPair } from '../../../src/shared/node/crypto';

let tmp: string;
beforeEach(() => (tmp = mkdtempSync(join(tmpdir(), 'isoloir-escrow-'))));
afterEach(() => {
  rmSync(tmp, { recursive: true, force: true });
  delete process.env.ISOLOIR_ESCROW_PASSPHRASE;
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

const PASSPHRASE = 'cheval correct batterie agrafe';

test('export then import into a new folder gives back the very key file content', async () => {
  const dir = join(tmp, 'central');
  initDataDir(dir);
  const passFile = join(tmp, 'phrase.txt');
  writeFileSync(passFile, `${PASSPHRASE}\n`);
  const escrowFile = join(tmp, 'sequestre.txt');
  const exported = await cli(
    'authority-escrow',
    'export',
    '--data',
    dir,
    '--out',
    escrowFile,
    '--passphrase-file',
    passFile,
  );
  expect(exported.errors).toBe('');
  const text = readFileSync(escrowFile, 'utf8');
  const original = JSON.parse(readFileSync(join(dir, KEY_FILE), 'utf8')) as {
    publicKey: string;
    privateKey: string;
  };
  expect(text).not.toContain(original.privateKey);
  const line = text.split('\n').find((l) => l.startsWith(ESCROW_PREFIX))!;
  expect(line.length).toBeLessThan(400); // fits one QR code comfortably
  expect(exported.out).toContain(line);

  const fresh = join(tmp, 'restored');
  process.env.ISOLOIR_ESCROW_PASSPHRASE = PASSPHRASE;
  expect((await cli('authority-escrow', 'import', escrowFile, '--data', fresh)).code).toBe(1); // no folder
  initDataDir(fresh);
  const exists = await cli('authority-escrow', 'import', escrowFile, '--data', fresh);
  expect(exists.errors).toMatch(/existe déjà/);
  const imported = await cli('authority-escrow', 'import', escrowFile, '--data', fresh, '--force');
  expect(imported.errors).toBe('');
  expect(JSON.parse(readFileSync(join(fresh, KEY_FILE), 'utf8'))).toEqual({ v: 1, ...original });
});

test('a wrong passphrase and any changed character are refused', () => {
  const keys = generateKeyPair();
  const line = sealAuthorityKey(keys, PASSPHRASE, 14);
  expect(openAuthorityEscrow(line, PASSPHRASE)).toEqual({ ok: true, value: keys });
  const wrong = openAuthorityEscrow(line, `${PASSPHRASE}!`);
  expect(!wrong.ok && wrong.error.message).toMatch(/Phrase secrète incorrecte/);
  const body = line.slice(ESCROW_PREFIX.length);
  for (const index of [0, 5, 8, 30, 60, body.length - 20, body.length - 1]) {
    const c = body[index] === 'A' ? 'B' : 'A';
    const tampered = ESCROW_PREFIX + body.slice(0, index) + c + body.slice(index + 1);
    expect(openAuthorityEscrow(tampered, PASSPHRASE).ok).toBe(false);
  }
  expect(openAuthorityEscrow(line.slice(0, -10), PASSPHRASE).ok).toBe(false);
  expect(openAuthorityEscrow('rien ici', PASSPHRASE).ok).toBe(false);
  expect(() => sealAuthorityKey(keys, 'court')).toThrow(/trop courte/);
});

test('a key that did not sign the folder’s election is not imported', async () => {
  const dir = join(tmp, 'central');
  initDataDir(dir);
  const before = readFileSync(join(dir, KEY_FILE), 'utf8');
  const { openDataDir } = await import('../../../src/server/datadir');
  const { publishElection } = await import('../../../src/server/election');
  const { makePackage } = await import('../server/helpers');
  const data = openDataDir(dir);
  publishElection(data.store, data.authority, makePackage(), new Date());
  data.store.close();
  const other = join(tmp, 'other.txt');
  writeFileSync(other, sealAuthorityKey(generateKeyPair(), PASSPHRASE, 14));
  process.env.ISOLOIR_ESCROW_PASSPHRASE = PASSPHRASE;
  const refused = await cli('authority-escrow', 'import', other, '--data', dir, '--force');
  expect(refused.errors).toMatch(/n’a pas signé l’élection/);
  expect(readFileSync(join(dir, KEY_FILE), 'utf8')).toBe(before);
  expect(existsSync(`${join(dir, KEY_FILE)}.partial`)).toBe(false);
});
