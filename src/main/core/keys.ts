/**
 * The kiosk's secret keys at rest (docs/secrecy.md §5). The Ed25519 private seed and the participation
 * key are stored only inside a sealed vault (AES-256-GCM under a random 32-byte data key); the data key is
 * stored only wrapped (AES-256-GCM), once per mediator account under scrypt(PIN, the account's salt) and
 * once under the central team's recovery key when the kiosk has one. `KeyRing` holds the opened keys in
 * memory: everything that signs or derives a token asks it, and gets `not_ready` while it is locked.
 *
 * Before the first mediator account exists there is nothing to wrap the data key under: keys handed over
 * then (a new key pair, a provisioned participation key) stay in memory, pending, and are sealed when
 * `createFirstMediator` gives the first PIN.
 */
import {
  createCipheriv,
  createDecipheriv,
  hkdfSync,
  randomBytes,
  scrypt,
  timingSafeEqual,
} from 'node:crypto';
import { err, ok, type Result } from '../../shared/result';
import { fromBase64url, toBase64url } from '../../shared/node/crypto';

export const KEYS_LOCKED_MESSAGE =
  'Les clés du kiosque sont verrouillées : un médiateur doit ouvrir la journée.';

/** The secrets the vault holds. */
export interface KioskSecrets {
  /** Raw 32-byte Ed25519 seed, base64url. */
  kioskPrivateKey: string;
  /** The election's participation key (base64url), once the kiosk has one. */
  participationKey: string | null;
}

/** scrypt cost of a PIN (2^15, r 8: 32 MiB). A 6-digit PIN is 10^6 guesses: each must cost this. */
export const PIN_KDF_LOG_N = 15;

const GCM_IV = 12;
const RECEIPT_LINK_LABEL = 'ISOLOIR/v2/open-receipt-link';
const GCM_TAG = 16;

/** AES-256-GCM with a fresh IV: `iv | tag | ciphertext`, base64url. `label` binds it to its use. */
export function seal(key: Buffer, plain: Buffer, label: string): string {
  const iv = randomBytes(GCM_IV);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(label, 'utf8'));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return toBase64url(Buffer.concat([iv, cipher.getAuthTag(), body]));
}

/** Opens `seal`'s output; null when the key is wrong or the bytes were changed. */
export function unseal(key: Buffer, sealed: string, label: string): Buffer | null {
  const bytes = fromBase64url(sealed);
  if (!bytes || bytes.length < GCM_IV + GCM_TAG) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, GCM_IV));
    decipher.setAAD(Buffer.from(label, 'utf8'));
    decipher.setAuthTag(bytes.subarray(GCM_IV, GCM_IV + GCM_TAG));
    return Buffer.concat([decipher.update(bytes.subarray(GCM_IV + GCM_TAG)), decipher.final()]);
  } catch {
    return null;
  }
}

const scryptAsync = (secret: string, salt: Buffer, logN: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const N = 2 ** logN;
    scrypt(secret, salt, 64, { N, r: 8, p: 1, maxmem: 256 * N * 8 + 16 * 1024 * 1024 }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });

/**
 * A PIN's stored form. One scrypt (off the event loop) gives 64 bytes: the first half is the verifier kept
 * in `pin_hash` (`scrypt$logN$salt$verifier`), the second half the key that wraps the data key. So one
 * derivation checks the PIN and opens the keys, and the verifier alone does not open them.
 */
export interface PinSecrets {
  pinHash: string;
  wrapKey: Buffer;
}

export async function derivePin(pin: string, logN = PIN_KDF_LOG_N): Promise<PinSecrets> {
  const salt = randomBytes(16);
  const out = await scryptAsync(pin, salt, logN);
  return {
    pinHash: ['scrypt', logN, toBase64url(salt), toBase64url(out.subarray(0, 32))].join('$'),
    wrapKey: out.subarray(32),
  };
}

/** The wrap key of `pin` when it matches `pinHash`, else null (constant-time comparison). */
export async function checkPin(pin: string, pinHash: string): Promise<Buffer | null> {
  const [scheme, logN, salt, verifier] = pinHash.split('$');
  const saltBytes = salt ? fromBase64url(salt) : null;
  const expected = verifier ? fromBase64url(verifier) : null;
  if (scheme !== 'scrypt' || !saltBytes || !expected || expected.length !== 32) return null;
  const out = await scryptAsync(pin, saltBytes, Number(logN));
  return timingSafeEqual(out.subarray(0, 32), expected) ? out.subarray(32) : null;
}

const VAULT_LABEL = 'isoloir/kiosk-vault';
const PIN_WRAP_LABEL = 'isoloir/data-key/pin';
const RECOVERY_WRAP_LABEL = 'isoloir/data-key/recovery';

export const wrapUnderPin = (dataKey: Buffer, wrapKey: Buffer): string =>
  seal(wrapKey, dataKey, PIN_WRAP_LABEL);
export const unwrapUnderPin = (wrapped: string, wrapKey: Buffer): Buffer | null =>
  unseal(wrapKey, wrapped, PIN_WRAP_LABEL);

/** The recovery key of the enrolment answer is 32 bytes, base64url. */
export function wrapUnderRecovery(dataKey: Buffer, recoveryKey: string): string | null {
  const key = fromBase64url(recoveryKey);
  return key && key.length === 32 ? seal(key, dataKey, RECOVERY_WRAP_LABEL) : null;
}
export function unwrapUnderRecovery(wrapped: string, recoveryKey: string): Buffer | null {
  const key = fromBase64url(recoveryKey);
  return key && key.length === 32 ? unseal(key, wrapped, RECOVERY_WRAP_LABEL) : null;
}

export const sealSecrets = (dataKey: Buffer, secrets: KioskSecrets): string =>
  seal(dataKey, Buffer.from(JSON.stringify(secrets), 'utf8'), VAULT_LABEL);

export function unsealSecrets(dataKey: Buffer, vault: string): KioskSecrets | null {
  const plain = unseal(dataKey, vault, VAULT_LABEL);
  if (!plain) return null;
  const parsed = JSON.parse(plain.toString('utf8')) as Partial<KioskSecrets>;
  return typeof parsed.kioskPrivateKey === 'string'
    ? { kioskPrivateKey: parsed.kioskPrivateKey, participationKey: parsed.participationKey ?? null }
    : null;
}

/** Where the vault and the recovery wrap are kept (the kiosk's `settings`). */
export interface VaultStorage {
  readVault(): string | null;
  /** `holdsParticipationKey` is kept in clear: the status tells whether the kiosk is enrolled. */
  writeVault(sealed: string, holdsParticipationKey: boolean): void;
  vaultHoldsParticipationKey(): boolean;
  readRecoveryWrap(): string | null;
  writeRecoveryWrap(wrapped: string): void;
}

type RingState =
  | { kind: 'pending'; secrets: KioskSecrets; recoveryKey?: string }
  | { kind: 'locked' }
  | { kind: 'unlocked'; dataKey: Buffer; secrets: KioskSecrets };

/** The kiosk's keys in memory: pending (before the first account), locked, or unlocked. */
export class KeyRing {
  private state: RingState;
  /** The receipt-link key derived from `seed` (one HKDF per seed, not per cast); dropped by `lock`. */
  private linkKey: { seed: string; key: Buffer } | null = null;

  constructor(
    private readonly storage: VaultStorage,
    pending: KioskSecrets | null,
  ) {
    this.state = pending ? { kind: 'pending', secrets: pending } : { kind: 'locked' };
  }

  /** Keys are in memory (pending ones count: a kiosk being set up can sign its enrolment). */
  unlocked(): boolean {
    return this.state.kind !== 'locked';
  }

  /** True before the first account has sealed the keys. */
  pending(): boolean {
    return this.state.kind === 'pending';
  }

  /** The secrets, or `not_ready` while locked. */
  secrets(): Result<KioskSecrets> {
    return this.state.kind === 'locked' ? err('not_ready', KEYS_LOCKED_MESSAGE) : ok(this.state.secrets);
  }

  participationKey(): Result<string | null> {
    const secrets = this.secrets();
    return secrets.ok ? ok(secrets.value.participationKey) : secrets;
  }

  /** The kiosk holds a participation key (sealed, or pending), without opening anything. */
  hasParticipationKey(): boolean {
    return this.state.kind === 'locked'
      ? this.storage.vaultHoldsParticipationKey()
      : this.state.secrets.participationKey !== null;
  }

  /**
   * An open ballot's receipt commitment, sealed (AES-256-GCM) under a key derived from the kiosk's
   * private seed: the open set keeps each ballot with its commitment, so that the receipt leaves in the
   * ballot's own batch, and only a kiosk with its keys open can tell which commitment came with which
   * ballot. `not_ready` while locked.
   */
  sealReceiptLink(commitment: string): Result<string> {
    const key = this.receiptLinkKey();
    return key.ok ? ok(seal(key.value, Buffer.from(commitment, 'hex'), RECEIPT_LINK_LABEL)) : key;
  }

  /** The commitment `sealReceiptLink` sealed; `not_ready` while locked, `internal` when it does not open. */
  openReceiptLink(sealed: string): Result<string> {
    const key = this.receiptLinkKey();
    if (!key.ok) return key;
    const plain = unseal(key.value, sealed, RECEIPT_LINK_LABEL);
    return plain
      ? ok(plain.toString('hex'))
      : err('internal', 'Un reçu en attente ne peut pas être relu avec les clés de ce kiosque.');
  }

  private receiptLinkKey(): Result<Buffer> {
    const secrets = this.secrets();
    if (!secrets.ok) return secrets;
    const encoded = secrets.value.kioskPrivateKey;
    if (this.linkKey?.seed === encoded) return ok(this.linkKey.key);
    const seed = fromBase64url(encoded);
    if (!seed) return err('internal', 'La clé du kiosque est illisible.');
    const key = Buffer.from(hkdfSync('sha256', seed, Buffer.alloc(0), RECEIPT_LINK_LABEL, 32));
    this.linkKey = { seed: encoded, key };
    return ok(key);
  }

  /** The data key, for wrapping it under a new account's PIN; `not_ready` unless unlocked. */
  dataKey(): Result<Buffer> {
    return this.state.kind === 'unlocked' ? ok(this.state.dataKey) : err('not_ready', KEYS_LOCKED_MESSAGE);
  }

  /**
   * Seals the pending secrets under a fresh data key (the first account's creation) and returns that
   * key to wrap. Once only.
   */
  sealPending(): Buffer {
    if (this.state.kind !== 'pending') throw new Error('keys already sealed');
    const dataKey = randomBytes(32);
    const { secrets, recoveryKey } = this.state;
    this.storage.writeVault(sealSecrets(dataKey, secrets), secrets.participationKey !== null);
    this.state = { kind: 'unlocked', dataKey, secrets };
    if (recoveryKey) this.setRecoveryKey(recoveryKey);
    return dataKey;
  }

  /** Opens the vault with a data key; false when it does not open it. */
  unlock(dataKey: Buffer): boolean {
    const vault = this.storage.readVault();
    const secrets = vault ? unsealSecrets(dataKey, vault) : null;
    if (!secrets) return false;
    this.state = { kind: 'unlocked', dataKey: Buffer.from(dataKey), secrets };
    return true;
  }

  /** Drops the keys from memory (a pending ring keeps them: they exist nowhere else yet). */
  lock(): void {
    if (this.state.kind === 'unlocked') {
      this.state.dataKey.fill(0);
      this.linkKey?.key.fill(0);
      this.linkKey = null;
      this.state = { kind: 'locked' };
    }
  }

  /** Stores a new participation key (provisioning, enrolment): sealed at once unless still pending. */
  setParticipationKey(participationKey: string): Result<true> {
    if (this.state.kind === 'locked') return err('not_ready', KEYS_LOCKED_MESSAGE);
    const secrets = { ...this.state.secrets, participationKey };
    if (this.state.kind === 'unlocked') {
      this.storage.writeVault(sealSecrets(this.state.dataKey, secrets), true);
      this.state = { ...this.state, secrets };
    } else this.state = { kind: 'pending', secrets };
    return ok(true);
  }

  /**
   * Wraps the data key under the central team's recovery key (kept for `recoverMediators`); while
   * pending, the wrap is written when the first account seals the keys.
   */
  setRecoveryKey(recoveryKey: string): Result<true> {
    if (this.state.kind === 'pending') {
      this.state = { ...this.state, recoveryKey };
      return ok(true);
    }
    const dataKey = this.dataKey();
    if (!dataKey.ok) return dataKey;
    const wrapped = wrapUnderRecovery(dataKey.value, recoveryKey);
    if (!wrapped) return err('invalid_input', 'La clé de secours n’a pas la forme attendue.');
    this.storage.writeRecoveryWrap(wrapped);
    return ok(true);
  }

  /** The data key unwrapped by the recovery key, or null. */
  recover(recoveryKey: string): Buffer | null {
    const wrapped = this.storage.readRecoveryWrap();
    return wrapped ? unwrapUnderRecovery(wrapped, recoveryKey) : null;
  }
}
