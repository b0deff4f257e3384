/**
 * Bytes sealed to an X25519 public key, so that only the holder of the private key can open them: a
 * kiosk's backup on a USB stick, readable by the central team only. Node's built-in crypto, nothing
 * hand-made: an ephemeral X25519 key agreement, HKDF-SHA256 over the shared secret bound to both public
 * keys, and AES-256-GCM whose additional data is the whole header (so no header byte can be changed).
 *
 * Layout: magic "ISB2" | version 1 | ephemeral public key (32) | nonce (12) | ciphertext | tag (16).
 * The HKDF `info` carries the domain (`ISOLOIR/v2/kiosk-backup`): a box made for another purpose never
 * opens as a backup.
 */
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import { fromBase64url, toBase64url } from './crypto';

export const KIOSK_BACKUP_DOMAIN = 'ISOLOIR/v2/kiosk-backup';

const MAGIC = Buffer.from('ISB2', 'ascii');
const VERSION = 1;
const HEADER_BYTES = MAGIC.length + 1 + 32 + 12;
const TAG_BYTES = 16;

/** DER prefixes of X25519 keys; the raw 32 bytes follow. */
const X25519_SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');
const X25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

export interface X25519KeyPair {
  /** Raw 32-byte public key, base64url. */
  publicKey: string;
  /** Raw 32-byte private key, base64url. Secret. */
  privateKey: string;
}

export function generateX25519KeyPair(): X25519KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  return {
    publicKey: toBase64url(
      publicKey.export({ format: 'der', type: 'spki' }).subarray(X25519_SPKI_PREFIX.length),
    ),
    privateKey: toBase64url(
      privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(X25519_PKCS8_PREFIX.length),
    ),
  };
}

function rawKey(text: string, what: string): Buffer {
  const raw = fromBase64url(text);
  if (!raw || raw.length !== 32) throw new Error(`invalid X25519 ${what} key`);
  return raw;
}

const publicKeyFromRaw = (raw: Buffer): KeyObject =>
  createPublicKey({ key: Buffer.concat([X25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });

const privateKeyFromRaw = (raw: Buffer): KeyObject =>
  createPrivateKey({ key: Buffer.concat([X25519_PKCS8_PREFIX, raw]), format: 'der', type: 'pkcs8' });

/** The raw public key of a raw private key. */
export function x25519PublicKeyOf(privateKey: string): string {
  const key = createPublicKey(privateKeyFromRaw(rawKey(privateKey, 'private')));
  return toBase64url(key.export({ format: 'der', type: 'spki' }).subarray(X25519_SPKI_PREFIX.length));
}

function boxKey(shared: Buffer, ephemeralPublic: Buffer, recipientPublic: Buffer): Buffer {
  const salt = Buffer.concat([ephemeralPublic, recipientPublic]);
  return Buffer.from(hkdfSync('sha256', shared, salt, Buffer.from(KIOSK_BACKUP_DOMAIN, 'utf8'), 32));
}

/** Seals `plaintext` to the recipient's raw X25519 public key (base64url). */
export function seal(plaintext: Uint8Array, recipientPublicKey: string): Buffer {
  const recipientRaw = rawKey(recipientPublicKey, 'public');
  const ephemeral = generateKeyPairSync('x25519');
  const ephemeralRaw = ephemeral.publicKey
    .export({ format: 'der', type: 'spki' })
    .subarray(X25519_SPKI_PREFIX.length);
  const shared = diffieHellman({
    privateKey: ephemeral.privateKey,
    publicKey: publicKeyFromRaw(recipientRaw),
  });
  const nonce = randomBytes(12);
  const header = Buffer.concat([MAGIC, Buffer.from([VERSION]), ephemeralRaw, nonce]);
  const cipher = createCipheriv('aes-256-gcm', boxKey(shared, ephemeralRaw, recipientRaw), nonce);
  cipher.setAAD(header);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([header, body, cipher.getAuthTag()]);
}

export type OpenResult =
  { ok: true; plaintext: Buffer } | { ok: false; reason: 'format' | 'version' | 'key' | 'authentication' };

/**
 * Opens a box with the recipient's raw private key. Any wrong key, changed or missing byte fails the
 * GCM tag: nothing of a tampered box is ever returned.
 */
export function open(box: Uint8Array, recipientPrivateKey: string): OpenResult {
  const bytes = Buffer.from(box);
  if (bytes.length < HEADER_BYTES + TAG_BYTES || !bytes.subarray(0, MAGIC.length).equals(MAGIC))
    return { ok: false, reason: 'format' };
  if (bytes[MAGIC.length] !== VERSION) return { ok: false, reason: 'version' };
  let privateKey: KeyObject;
  let recipientRaw: Buffer;
  try {
    privateKey = privateKeyFromRaw(rawKey(recipientPrivateKey, 'private'));
    recipientRaw = rawKey(x25519PublicKeyOf(recipientPrivateKey), 'public');
  } catch {
    return { ok: false, reason: 'key' };
  }
  const header = bytes.subarray(0, HEADER_BYTES);
  const ephemeralRaw = header.subarray(MAGIC.length + 1, MAGIC.length + 33);
  const nonce = header.subarray(MAGIC.length + 33);
  try {
    const shared = diffieHellman({ privateKey, publicKey: publicKeyFromRaw(ephemeralRaw) });
    const decipher = createDecipheriv('aes-256-gcm', boxKey(shared, ephemeralRaw, recipientRaw), nonce);
    decipher.setAAD(header);
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    const plaintext = Buffer.concat([
      decipher.update(bytes.subarray(HEADER_BYTES, bytes.length - TAG_BYTES)),
      decipher.final(),
    ]);
    return { ok: true, plaintext };
  } catch {
    return { ok: false, reason: 'authentication' };
  }
}
