/**
 * The central team's X25519 key for kiosk backups: kiosks seal their end-of-day backup to its public
 * key (src/shared/node/sealed-box.ts), and only `recover-backup` opens one. It lives in the data folder
 * as `kiosk-backup.key` (0600), beside the authority key and apart from the database, so a database
 * backup never holds it.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { generateX25519KeyPair, x25519PublicKeyOf, type X25519KeyPair } from '../shared/node/sealed-box';

export const RECOVERY_KEY_FILE = 'kiosk-backup.key';

const KeyFile = z.strictObject({ v: z.literal(1), publicKey: z.string(), privateKey: z.string() });

/** Creates the key unless it exists; returns the public key either way. */
export function ensureRecoveryKey(dir: string): { publicKey: string; created: boolean } {
  const path = join(dir, RECOVERY_KEY_FILE);
  if (existsSync(path)) return { publicKey: readRecoveryKey(dir).publicKey, created: false };
  const keys = generateX25519KeyPair();
  writeFileSync(path, `${JSON.stringify({ v: 1, ...keys })}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return { publicKey: keys.publicKey, created: true };
}

export function readRecoveryKey(dir: string): X25519KeyPair {
  const path = join(dir, RECOVERY_KEY_FILE);
  if (!existsSync(path))
    throw new Error(
      `Pas de clé de récupération dans ${dir} : créez-la avec « kiosk-backup-key --data ${dir} ».`,
    );
  const parsed = KeyFile.safeParse(JSON.parse(readFileSync(path, 'utf8')) as unknown);
  if (!parsed.success) throw new Error(`La clé de récupération de ${dir} est illisible.`);
  try {
    if (x25519PublicKeyOf(parsed.data.privateKey) !== parsed.data.publicKey) throw new Error('mismatch');
  } catch {
    throw new Error(`La clé de récupération de ${dir} est incohérente.`);
  }
  return { publicKey: parsed.data.publicKey, privateKey: parsed.data.privateKey };
}
