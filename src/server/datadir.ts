/**
 * The server's data folder: `server.sqlite`, the authority Ed25519 key (`authority.key`, mode 0600) and
 * the admin password's scrypt hash (in the store's settings). `init` creates them once; every other
 * command opens them. The private key never leaves this module except as a KeyObject for signing.
 */
import { randomBytes, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import {
  generateKeyPair,
  hashSecret,
  privateKeyObject,
  publicKeyObject,
  verifySecret,
} from '../shared/node/crypto';
import { ServerStore } from './store';

export const DB_FILE = 'server.sqlite';
export const KEY_FILE = 'authority.key';
const PASSWORD_SETTING = 'admin_password_scrypt';

export interface Authority {
  /** Raw Ed25519 public key, base64url: published, handed to kiosks at enrolment. */
  publicKey: string;
  privateKey: KeyObject;
}

export interface DataDir {
  dir: string;
  store: ServerStore;
  authority: Authority;
}

const KeyFile = z.strictObject({ v: z.literal(1), publicKey: z.string(), privateKey: z.string() });

export class DataDirError extends Error {
  override name = 'DataDirError';
}

export const isInitialised = (dir: string): boolean => existsSync(join(dir, KEY_FILE));

/**
 * Creates the folder, the authority key and the database, and sets a random admin password, returned
 * so the caller prints it once. Refuses an already initialised folder: its key signs a published package.
 */
export function initDataDir(dir: string): { password: string; authorityPublicKey: string } {
  if (isInitialised(dir)) throw new DataDirError(`Le dossier ${dir} est déjà initialisé.`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keys = generateKeyPair();
  const keyPath = join(dir, KEY_FILE);
  writeFileSync(keyPath, `${JSON.stringify({ v: 1, ...keys })}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(keyPath, 0o600); // the umask could have widened nothing, but a shared folder might have ACLs
  const password = randomBytes(15).toString('base64url');
  const store = new ServerStore(join(dir, DB_FILE));
  try {
    store.setSetting(PASSWORD_SETTING, hashSecret(password));
  } finally {
    store.close();
  }
  return { password, authorityPublicKey: keys.publicKey };
}

export function openDataDir(dir: string): DataDir {
  if (!isInitialised(dir))
    throw new DataDirError(`Le dossier ${dir} n’est pas initialisé : lancez d’abord « init --data ${dir} ».`);
  const parsed = KeyFile.safeParse(JSON.parse(readFileSync(join(dir, KEY_FILE), 'utf8')));
  if (!parsed.success || !publicKeyObject(parsed.data.publicKey))
    throw new DataDirError(`La clé d’autorité de ${dir} est illisible.`);
  const authority = {
    publicKey: parsed.data.publicKey,
    privateKey: privateKeyObject(parsed.data.privateKey),
  };
  return { dir, store: new ServerStore(join(dir, DB_FILE)), authority };
}

// ---------------------------------------------------------------- admin password (scrypt)

export const verifyAdminPassword = (store: ServerStore, password: string): boolean =>
  verifySecret(password, store.setting(PASSWORD_SETTING));

export const setAdminPassword = (store: ServerStore, password: string): void =>
  store.setSetting(PASSWORD_SETTING, hashSecret(password));
