/**
 * Every cryptographic operation of isoloir, on Node's built-in `crypto` only (DESIGN §3.9): Ed25519
 * signatures over a domain prefix and exact bytes (§3.4), SHA-256 hashes, the participation token HMAC
 * (§3.2) and the kiosk id. Used by the kiosk core, the server and the standalone `verify`; never by the
 * renderer (this folder is outside the web tsconfig).
 */
import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  scrypt,
  scryptSync,
  sign,
  timingSafeEqual,
  verify,
  type KeyObject,
  type ScryptOptions,
} from 'node:crypto';
import { receiptCodeFromBytes, receiptCommitmentInput } from '../receipt';
import { signatureDomains, type SignatureDomain, type SignedDocument } from '../wire';

export const toBase64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');

/** Strict base64url decode: refuses padding, foreign characters and non-canonical encodings. */
export function fromBase64url(text: string): Buffer | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : null;
}

export const sha256hex = (bytes: Uint8Array | string): string =>
  createHash('sha256').update(bytes).digest('hex');

// ---------------------------------------------------------------- Ed25519 keys

/** DER prefix of an Ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows it. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
/** DER prefix of an Ed25519 PKCS#8 private key; the raw 32-byte seed follows it. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface KeyPair {
  /** Raw 32-byte public key, base64url (43 characters). */
  publicKey: string;
  /** Raw 32-byte private seed, base64url. Secret: never log it. */
  privateKey: string;
}

export function generateKeyPair(): KeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
  return {
    publicKey: toBase64url(spki.subarray(ED25519_SPKI_PREFIX.length)),
    privateKey: toBase64url(pkcs8.subarray(ED25519_PKCS8_PREFIX.length)),
  };
}

export function publicKeyObject(rawBase64url: string): KeyObject | null {
  const raw = fromBase64url(rawBase64url);
  if (!raw || raw.length !== 32) return null;
  try {
    return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
  } catch {
    return null;
  }
}

export function privateKeyObject(rawBase64url: string): KeyObject {
  const raw = fromBase64url(rawBase64url);
  if (!raw || raw.length !== 32) throw new Error('invalid Ed25519 private key');
  return createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, raw]), format: 'der', type: 'pkcs8' });
}

/** DESIGN §3.9: first 32 hex characters of SHA-256 of the raw 32-byte public key. */
export function kioskIdFromPublicKey(rawBase64url: string): string {
  const raw = fromBase64url(rawBase64url);
  if (!raw || raw.length !== 32) throw new Error('invalid Ed25519 public key');
  return sha256hex(raw).slice(0, 32);
}

/** Short human fingerprint of a public key, for a mediator to compare with the central team's. */
export function keyFingerprint(rawBase64url: string): string {
  const raw = fromBase64url(rawBase64url) ?? Buffer.alloc(0);
  return (sha256hex(raw).slice(0, 16).match(/.{4}/g) ?? []).join('-');
}

// ---------------------------------------------------------------- signed documents

const domainBytes = (domain: SignatureDomain): Buffer => Buffer.from(signatureDomains[domain], 'utf8');

/** Signs exact bytes: the signature covers `prefix + bytes`. */
export function signBytes(
  domain: SignatureDomain,
  bytes: Uint8Array,
  privateKey: KeyObject | string,
): string {
  const key = typeof privateKey === 'string' ? privateKeyObject(privateKey) : privateKey;
  return toBase64url(sign(null, Buffer.concat([domainBytes(domain), bytes]), key));
}

/** Serialises once, signs those bytes, and returns the document as it travels. */
export function signDocument(
  domain: SignatureDomain,
  value: unknown,
  privateKey: KeyObject | string,
): SignedDocument {
  const bytes = Buffer.from(JSON.stringify(value), 'utf8');
  return { payload: toBase64url(bytes), signature: signBytes(domain, bytes, privateKey) };
}

export type VerifiedBytes = { ok: true; bytes: Buffer } | { ok: false; reason: 'encoding' | 'signature' };

/**
 * Verifies a signed document and returns its exact payload bytes, not parsed: the caller parses them
 * only after this said yes (DESIGN §3.4).
 */
export function verifyDocument(
  domain: SignatureDomain,
  doc: { payload: string; signature: string },
  publicKey: KeyObject | string,
): VerifiedBytes {
  const bytes = fromBase64url(doc.payload);
  const signature = fromBase64url(doc.signature);
  if (!bytes || !signature || signature.length !== 64) return { ok: false, reason: 'encoding' };
  const key = typeof publicKey === 'string' ? publicKeyObject(publicKey) : publicKey;
  if (!key) return { ok: false, reason: 'encoding' };
  const good = verify(null, Buffer.concat([domainBytes(domain), bytes]), key, signature);
  return good ? { ok: true, bytes } : { ok: false, reason: 'signature' };
}

/**
 * `verifyDocument` with the Ed25519 check run on libuv's thread pool (the callback form of
 * `crypto.verify`): a recount of thousands of batches keeps its main thread parsing while the other
 * cores verify. Same encoding checks, same answers; an error of the check itself is a failed signature.
 */
export function verifyDocumentAsync(
  domain: SignatureDomain,
  doc: { payload: string; signature: string },
  publicKey: KeyObject,
): Promise<VerifiedBytes> {
  const bytes = fromBase64url(doc.payload);
  const signature = fromBase64url(doc.signature);
  if (!bytes || !signature || signature.length !== 64)
    return Promise.resolve({ ok: false, reason: 'encoding' });
  return new Promise((resolve) => {
    verify(null, Buffer.concat([domainBytes(domain), bytes]), publicKey, signature, (error, good) =>
      resolve(!error && good ? { ok: true, bytes } : { ok: false, reason: 'signature' }),
    );
  });
}

/** UTF-8 JSON parse of verified bytes; `undefined` when they are not JSON. */
export function parseJsonBytes(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown;
  } catch {
    return undefined;
  }
}

/** Hash of a batch as chained by `prevHash`: SHA-256 of its payload bytes (DESIGN §3.5). */
export const payloadHash = (payloadBase64url: string): string =>
  sha256hex(fromBase64url(payloadBase64url) ?? Buffer.alloc(0));

// ---------------------------------------------------------------- participation token

/** The scrypt part of the token, as the signed election package sets it (`tokenKdf`). */
export interface TokenKdf {
  salt: string;
  logN: number;
  r: number;
  p: number;
}

/**
 * The cost packages built by the sample and the server use: scrypt N = 2^15, r 8, p 1 (32 MiB). Against
 * the limits of docs/secrecy.md §5 (under 300 ms per check, at least 10 CPU-hours for a 1.2 M roll),
 * `npm run bench:kdf` measured about 210 ms of CPU per check and 70 CPU-hours per roll; 2^16 cost about
 * 450 ms per check, over the limit. Measure again on the kiosk's own hardware.
 */
export const DEFAULT_TOKEN_KDF_COST = { logN: 15, r: 8, p: 1 } as const;

/** A package's `tokenKdf`: the default cost and a fresh 16-byte salt. */
export const newTokenKdf = (): TokenKdf => ({
  salt: toBase64url(randomBytes(16)),
  ...DEFAULT_TOKEN_KDF_COST,
});

/**
 * docs/secrecy.md §5: HMAC-SHA256(participationKey, scrypt("v2|" + family + "|" + first given name + "|"
 * + YYYY-MM-DD, salt, N, r, p)), names already normalised by `normaliseName`. The scrypt step makes each
 * guess cost the package's memory and time, even to someone who holds the participation key. Returns 64
 * lower-case hex characters.
 */
export function participationToken(
  participationKey: string,
  normalisedFamilyName: string,
  normalisedFirstName: string,
  birthDate: string,
  kdf: TokenKdf,
): string {
  const input = tokenInput(participationKey, normalisedFamilyName, normalisedFirstName, birthDate, kdf);
  const stretched = scryptSync(input.secret, input.salt, 32, input.options);
  return createHmac('sha256', input.key).update(stretched).digest('hex');
}

function tokenInput(
  participationKey: string,
  family: string,
  first: string,
  birthDate: string,
  kdf: TokenKdf,
): { key: Buffer; salt: Buffer; secret: string; options: ScryptOptions } {
  const key = fromBase64url(participationKey);
  if (!key || key.length < 32) throw new Error('invalid participation key');
  const salt = fromBase64url(kdf.salt);
  if (!salt || salt.length < 16) throw new Error('invalid token salt');
  const N = 2 ** kdf.logN;
  return {
    key,
    salt,
    secret: `v2|${family}|${first}|${birthDate}`,
    options: { N, r: kdf.r, p: kdf.p, maxmem: 256 * N * kdf.r + 16 * 1024 * 1024 },
  };
}

/**
 * `participationToken` with its scrypt on libuv's thread pool: a kiosk's eligibility check waits for it
 * without blocking the event loop. Same bytes, same token.
 */
export function participationTokenAsync(
  participationKey: string,
  normalisedFamilyName: string,
  normalisedFirstName: string,
  birthDate: string,
  kdf: TokenKdf,
): Promise<string> {
  const input = tokenInput(participationKey, normalisedFamilyName, normalisedFirstName, birthDate, kdf);
  return new Promise((resolve, reject) => {
    scrypt(input.secret, input.salt, 32, input.options, (error, stretched) => {
      if (error) reject(error);
      else resolve(createHmac('sha256', input.key).update(stretched).digest('hex'));
    });
  });
}

// ---------------------------------------------------------------- receipts

/** The commitment a batch carries for a receipt code (src/shared/receipt.ts), lower-case hex. */
export const receiptCommitment = (kioskId: string, code: string): string =>
  sha256hex(receiptCommitmentInput(kioskId, code));

/** A fresh receipt code: 40 random bits, "XXXX-XXXX". */
export const drawReceiptCode = (): string => receiptCodeFromBytes(randomBytes(5));

// ---------------------------------------------------------------- published draw

/**
 * Key of the published seeded draw that breaks the last allocation ties (smaller wins): SHA-256 hex of
 * "seed|projectId". The server's `Tally` and `verify` must both inject this one, or their ties differ.
 */
export const tieBreakDrawKey = (seed: string, projectId: string): string => sha256hex(`${seed}|${projectId}`);

// ---------------------------------------------------------------- secrets typed by people

/** scrypt cost N=2^14, r=8, p=1 (16 MiB, tens of milliseconds): slow enough against offline guessing. */
const SCRYPT = { N: 16384, r: 8, p: 1 } as const;

/**
 * A password or PIN as stored: `scrypt$N$r$p$salt$hash` (base64url), never the secret itself. Used for the
 * server's admin password and the kiosk's mediator PIN.
 */
export function hashSecret(secret: string): string {
  const salt = randomBytes(16);
  const hash = scryptSync(secret, salt, 32, SCRYPT);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, toBase64url(salt), toBase64url(hash)].join('$');
}

/** Constant-time check of a secret against `hashSecret`'s output; false for anything malformed. */
export function verifySecret(secret: string, stored: string | null): boolean {
  if (!stored) return false;
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = scryptSync(secret, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * `verifySecret` run on libuv's thread pool: the 16 MiB scrypt does not hold the event loop, so a server
 * checking passwords keeps answering its other requests meanwhile.
 */
export async function verifySecretAsync(secret: string, stored: string | null): Promise<boolean> {
  if (!stored) return false;
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const params = { N: Number(n), r: Number(r), p: Number(p), maxmem: 64 * 1024 * 1024 };
  const actual = await new Promise<Buffer | null>((resolve) => {
    scrypt(secret, Buffer.from(salt, 'base64url'), expected.length, params, (error, key) =>
      resolve(error ? null : key),
    );
  });
  return actual !== null && actual.length === expected.length && timingSafeEqual(actual, expected);
}
