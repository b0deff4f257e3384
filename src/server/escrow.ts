/**
 * Escrow of the authority key: the private key sealed with a passphrase, to be printed or kept on
 * offline media, so that losing the server's disk does not lose the key every kiosk trusts. scrypt
 * (memory-hard, N=2^17) derives an AES-256-GCM key; the header (format, scrypt cost, salt, nonce) is the
 * cipher's additional data, so no byte of the text can change without the import refusing it.
 *
 * The sealed text is one line, `ISOLOIR-ESCROW-1:<base64url>` (short enough for a QR code), inside a
 * small file that also says what it is and the key's fingerprint, readable without the passphrase.
 */
import { createCipheriv, createDecipheriv, createPublicKey, randomBytes, scryptSync } from 'node:crypto';
import { z } from 'zod';
import { err, ok, type Result } from '../shared/result';
import { fromBase64url, keyFingerprint, privateKeyObject, toBase64url } from '../shared/node/crypto';

export const ESCROW_PREFIX = 'ISOLOIR-ESCROW-1:';
const MAGIC = Buffer.from('IEK1', 'ascii');
/** log2 of scrypt's N; 2^17 × r 8 = 128 MiB per try: costly for whoever guesses offline. */
const LOG_N = 17;
const R = 8;
const P = 1;
/** What an import accepts: a file cannot make the machine allocate gigabytes. */
const MAX_LOG_N = 20;
const HEADER_BYTES = MAGIC.length + 3 + 16 + 12;
export const MIN_PASSPHRASE_LENGTH = 12;

const EscrowedKey = z.strictObject({ v: z.literal(1), publicKey: z.string(), privateKey: z.string() });

function scryptKey(passphrase: string, salt: Buffer, logN: number, r: number, p: number): Buffer {
  return scryptSync(passphrase.normalize('NFC'), salt, 32, {
    N: 2 ** logN,
    r,
    p,
    maxmem: 2 ** logN * r * 128 * 2,
  });
}

/** The raw Ed25519 public key of a raw private seed (both base64url). */
export function ed25519PublicKeyOf(privateKey: string): string {
  const spki = createPublicKey(privateKeyObject(privateKey)).export({ format: 'der', type: 'spki' });
  return toBase64url(spki.subarray(spki.length - 32));
}

/** The sealed line of an authority key pair. */
export function sealAuthorityKey(
  keys: { publicKey: string; privateKey: string },
  passphrase: string,
  logN = LOG_N,
): string {
  if (passphrase.length < MIN_PASSPHRASE_LENGTH)
    throw new Error(`phrase secrète trop courte (${MIN_PASSPHRASE_LENGTH} caractères au moins)`);
  const salt = randomBytes(16);
  const nonce = randomBytes(12);
  const header = Buffer.concat([MAGIC, Buffer.from([logN, R, P]), salt, nonce]);
  const cipher = createCipheriv('aes-256-gcm', scryptKey(passphrase, salt, logN, R, P), nonce);
  cipher.setAAD(header);
  const plaintext = Buffer.from(JSON.stringify({ v: 1, ...keys }), 'utf8');
  const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return ESCROW_PREFIX + toBase64url(Buffer.concat([header, body]));
}

/** The printable file: what it is, the fingerprint to compare, and the sealed line. */
export function escrowFileText(sealedLine: string, publicKey: string, now: Date): string {
  return [
    'isoloir — clé d’autorité scellée (séquestre hors ligne)',
    `Empreinte de la clé publique : ${keyFingerprint(publicKey)}`,
    `Clé publique : ${publicKey}`,
    `Scellée le : ${now.toISOString()}`,
    'Pour la restaurer : npm run server -- authority-escrow import <ce fichier> --data <dossier>',
    'et la phrase secrète. Sans la phrase secrète, ce texte ne révèle rien.',
    '',
    sealedLine,
    '',
  ].join('\n');
}

/** Opens an escrow file's text (or the bare sealed line) with the passphrase. */
export function openAuthorityEscrow(
  text: string,
  passphrase: string,
): Result<{ publicKey: string; privateKey: string }> {
  const line = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l.startsWith(ESCROW_PREFIX));
  const bytes = line ? fromBase64url(line.slice(ESCROW_PREFIX.length)) : null;
  if (!bytes || bytes.length < HEADER_BYTES + 16 || !bytes.subarray(0, MAGIC.length).equals(MAGIC))
    return err('malformed', 'Ce fichier ne contient pas de clé d’autorité scellée lisible.');
  const [logN = 0, r = 0, p = 0] = bytes.subarray(MAGIC.length, MAGIC.length + 3);
  if (logN < 14 || logN > MAX_LOG_N || r < 1 || r > 16 || p < 1 || p > 4)
    return err('malformed', 'Paramètres de scellement inattendus : fichier abîmé ou modifié.');
  const header = bytes.subarray(0, HEADER_BYTES);
  const salt = header.subarray(MAGIC.length + 3, MAGIC.length + 19);
  const nonce = header.subarray(MAGIC.length + 19);
  let plaintext: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-gcm', scryptKey(passphrase, salt, logN, r, p), nonce);
    decipher.setAAD(header);
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    plaintext = Buffer.concat([
      decipher.update(bytes.subarray(HEADER_BYTES, bytes.length - 16)),
      decipher.final(),
    ]);
  } catch {
    return err('unauthorized', 'Phrase secrète incorrecte, ou fichier modifié : la clé n’a pas été ouverte.');
  }
  const keys = EscrowedKey.safeParse(JSON.parse(plaintext.toString('utf8')) as unknown);
  if (!keys.success) return err('malformed', 'Contenu scellé inattendu.');
  try {
    if (ed25519PublicKeyOf(keys.data.privateKey) !== keys.data.publicKey)
      return err('malformed', 'La clé privée scellée ne correspond pas à sa clé publique.');
  } catch {
    return err('malformed', 'Clé privée scellée illisible.');
  }
  return ok({ publicKey: keys.data.publicKey, privateKey: keys.data.privateKey });
}
