/**
 * An enrolment request exactly as a kiosk makes it: the code, its new public key, and the proof of
 * possession (Ed25519 with the new private key, domain `enrol`, over the normalised code, the key and
 * the server address).
 */
import { signBytes, type KeyPair } from '../../../src/shared/node/crypto';
import { enrolProofBytes } from '../../../src/server/enrolment';
import type { EnrolRequest } from '../../../src/shared/wire';

export const TEST_SERVER_URL = 'http://127.0.0.1';

export function enrolRequest(
  code: string,
  keys: KeyPair,
  label = 'Borne',
  serverUrl = TEST_SERVER_URL,
): EnrolRequest {
  return {
    code,
    publicKey: keys.publicKey,
    label,
    serverUrl,
    proof: signBytes('enrol', enrolProofBytes(code, keys.publicKey, serverUrl), keys.privateKey),
  };
}
