/**
 * The server's data folder: `server.sqlite`, the authority Ed25519 key (`authority.key`, mode 0600, or a
 * systemd credential of that name, see `authorityKeyPath`), the admin password's scrypt hash and the counting settings (in the store's settings). `init` creates them
 * once; every other command opens them. The private key never leaves this module except as a KeyObject
 * for signing.
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
  verifySecretAsync,
} from '../shared/node/crypto';
import { ensureRecoveryKey } from './recovery-key';
import { ServerStore } from './store';
import { DatabaseCorruptError, isCorruption } from '../shared/node/sqlite';

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

/**
 * Where the authority key is read: the systemd credential of that name when the service passes one
 * (`LoadCredential=authority.key:/etc/isoloir/authority.key`: the key then lives outside the writable
 * data folder and its backups), else the data folder.
 */
export function authorityKeyPath(dir: string, env: NodeJS.ProcessEnv = process.env): string {
  const credentials = env['CREDENTIALS_DIRECTORY'];
  if (credentials && existsSync(join(credentials, KEY_FILE))) return join(credentials, KEY_FILE);
  return join(dir, KEY_FILE);
}

export const isInitialised = (dir: string): boolean => existsSync(authorityKeyPath(dir));

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
  ensureRecoveryKey(dir);
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
  const parsed = KeyFile.safeParse(JSON.parse(readFileSync(authorityKeyPath(dir), 'utf8')));
  if (!parsed.success || !publicKeyObject(parsed.data.publicKey))
    throw new DataDirError(`La clé d’autorité de ${dir} est illisible.`);
  const authority = {
    publicKey: parsed.data.publicKey,
    privateKey: privateKeyObject(parsed.data.privateKey),
  };
  return { dir, store: openStore(dir), authority };
}

/**
 * The data folder's store; a damaged database stops here with what to do: nothing is written to it, it
 * is kept as it is, and the operator restores the last backup (which keeps it beside, renamed).
 */
function openStore(dir: string): ServerStore {
  try {
    return new ServerStore(join(dir, DB_FILE));
  } catch (error) {
    if (!isCorruption(error)) throw error;
    const detail = error instanceof DatabaseCorruptError ? error.detail : String(error);
    throw new DataDirError(
      `La base ${join(dir, DB_FILE)} est endommagée (${detail}) : le serveur refuse de s’en servir et ` +
        'n’y a rien écrit. Gardez ce fichier. Serveur arrêté, restaurez la dernière sauvegarde : ' +
        `« restore --from <sauvegarde.sqlite> --data ${dir} --force » (la base abîmée est gardée à côté), ` +
        'remettez les clés si elles manquent, puis relancez serve : les bornes renverront d’elles-mêmes ' +
        'les lots reçus depuis la sauvegarde.',
    );
  }
}

// ---------------------------------------------------------------- admin password (scrypt)

export const verifyAdminPassword = (store: ServerStore, password: string): boolean =>
  verifySecret(password, store.setting(PASSWORD_SETTING));

/** The same check off the event loop, for the web login (docs/secrecy.md §7). */
export const verifyAdminPasswordAsync = (store: ServerStore, password: string): Promise<boolean> =>
  verifySecretAsync(password, store.setting(PASSWORD_SETTING));

export const setAdminPassword = (store: ServerStore, password: string): void =>
  store.setSetting(PASSWORD_SETTING, hashSecret(password));

// ---------------------------------------------------------------- counting settings

/**
 * The options that change what is published, recorded in the data folder so that every command
 * (serve, export-audit, results) and the audit bundle use the same values. What is counted, and until
 * when batches are accepted, is the signed package's alone.
 */
export interface CountingSettings {
  /** Kiosk subtotals below this many counted ballots are published as null. */
  kioskSubtotalThreshold: number;
}

export const DEFAULT_COUNTING_SETTINGS: CountingSettings = { kioskSubtotalThreshold: 10 };

const COUNTING_SETTING_KEYS: Record<keyof CountingSettings, string> = {
  kioskSubtotalThreshold: 'kiosk_subtotal_threshold',
};

export function countingSettings(store: ServerStore): CountingSettings {
  const read = (name: keyof CountingSettings): number => {
    const value = Number(store.setting(COUNTING_SETTING_KEYS[name]) ?? NaN);
    return Number.isInteger(value) && value >= 0 ? value : DEFAULT_COUNTING_SETTINGS[name];
  };
  return { kioskSubtotalThreshold: read('kioskSubtotalThreshold') };
}

/** Records the values given (an operator's `--threshold`) and returns the full set. */
export function applyCountingSettings(
  store: ServerStore,
  given: Partial<CountingSettings>,
): CountingSettings {
  for (const name of Object.keys(COUNTING_SETTING_KEYS) as (keyof CountingSettings)[]) {
    const value = given[name];
    if (value !== undefined && (!Number.isInteger(value) || value < 0))
      throw new DataDirError(`${name} : entier positif attendu.`);
    if (value !== undefined && value !== countingSettings(store)[name])
      store.setSetting(COUNTING_SETTING_KEYS[name], String(value));
  }
  return countingSettings(store);
}
