/**
 * The voter's receipt (docs/secrecy.md §3): a code of 40 random bits drawn at the cast, shown "XXXX-XXXX"
 * in Crockford base32, independent of the ballot. The batch carries only a commitment to it, sorted apart
 * from the ballots, so the code proves that one ballot of its batch was counted, never which one. Pure
 * functions shared by the kiosk (drawing, committing) and the server (lookup) so both agree.
 */

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const RECEIPT_DOMAIN = 'ISOLOIR/v2/receipt\n';

/** "7K3F-Q9XM" from 5 random bytes (40 bits). */
export function receiptCodeFromBytes(bytes: Uint8Array): string {
  if (bytes.length !== 5) throw new RangeError('a receipt code takes exactly 5 bytes');
  let bits = 0n;
  for (const b of bytes) bits = (bits << 8n) | BigInt(b);
  let code = '';
  for (let shift = 35n; shift >= 0n; shift -= 5n) code += CROCKFORD[Number((bits >> shift) & 31n)] ?? '0';
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/**
 * What a person typed, as the 8 symbols of a receipt code, or null when it cannot be one. Crockford's
 * reading rules: case-insensitive, I and L read as 1, O as 0, dashes and spaces ignored.
 */
export function normaliseReceiptCode(typed: string): string | null {
  const folded = typed
    .toUpperCase()
    .replace(/[\s-]+/g, '')
    .replace(/[IL]/g, '1')
    .replace(/O/g, '0');
  if (folded.length !== 8) return null;
  for (const c of folded) if (!CROCKFORD.includes(c)) return null;
  return folded;
}

/**
 * The bytes whose SHA-256 is the receipt commitment a batch carries: the domain, the kiosk id and the
 * code's 8 symbols (normalised, no dash). Hashing needs Node or WebCrypto, so callers hash these bytes.
 */
export function receiptCommitmentInput(kioskId: string, code: string): string {
  const normalised = normaliseReceiptCode(code);
  if (normalised === null) throw new RangeError('not a receipt code');
  return `${RECEIPT_DOMAIN}${kioskId}${normalised}`;
}
