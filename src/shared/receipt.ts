/**
 * The voter's receipt code: a short, readable form of a ballot id that the kiosk shows and the server's
 * receipt check accepts. It is the first 40 bits of the ballot id in Crockford base32, shown "XXXX-XXXX".
 * Pure functions, shared by the kiosk (display) and the server (lookup) so both agree on one definition.
 */

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** "7K3F-Q9XM" from a 32-hex ballot id (only its first 10 hex characters, 40 bits, are used). */
export function receiptCodeFromBallotId(ballotIdHex: string): string {
  const bits = BigInt(`0x${ballotIdHex.slice(0, 10).padEnd(10, '0')}`);
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

/** The receipt key of a ballot id, as stored for lookup: the code without its dash. */
export const receiptKeyFromBallotId = (ballotIdHex: string): string =>
  receiptCodeFromBallotId(ballotIdHex).replace('-', '');
