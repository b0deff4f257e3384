/**
 * What kiosk and server agree on to prove possession at enrolment: how a typed code is normalised, and
 * the exact text the kiosk signs (domain `enrol`, src/shared/wire.ts) with its new private key. Pure: no
 * I/O, so both programs import it.
 */

/** Case, spaces, dashes and look-alike letters do not matter when a person types a code. */
export const normaliseEnrolmentCode = (code: string): string =>
  code
    .toUpperCase()
    .replace(/[\s-]+/g, '')
    .replace(/[IL]/g, '1')
    .replace(/O/g, '0');

/** An address as the proof signs it: trimmed, no trailing slash. */
export const normaliseServerUrl = (url: string): string => url.trim().replace(/\/+$/, '');

/**
 * The text whose UTF-8 bytes the proof of possession signs after the `ISOLOIR/v2/enrol\n` prefix: the
 * normalised code, the public key and the server address (`usb:` offline), one per line.
 */
export const enrolProofText = (code: string, publicKey: string, serverUrl: string): string =>
  `${normaliseEnrolmentCode(code)}\n${publicKey}\n${normaliseServerUrl(serverUrl)}`;

/** Fingerprints compared as a person reads them: case, spaces and dashes do not matter. */
export const sameFingerprint = (a: string, b: string): boolean => {
  const clean = (text: string): string => text.toLowerCase().replace(/[^0-9a-f]/g, '');
  return clean(a).length > 0 && clean(a) === clean(b);
};
