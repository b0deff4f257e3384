/**
 * The proof of possession at enrolment: the kiosk signs, the server checks, over one text
 * (src/shared/enrol-proof.ts). However a person typed the code or the address, the server reads the
 * kiosk's proof as valid; for another address or key, it does not.
 */
import { describe, expect, it } from 'vitest';
import { enrolmentRequest } from '../../../src/main/core/sync/enrol';
import type { KioskIdentity } from '../../../src/main/core/identity';
import { enrolProofBytes } from '../../../src/server/enrolment';
import { generateKeyPair, signBytes, verifyDocument } from '../../../src/shared/node/crypto';

function identity(): KioskIdentity {
  const keys = generateKeyPair();
  return {
    kioskId: 'k-test',
    publicKey: keys.publicKey,
    signBytes: (domain, bytes) => signBytes(domain, bytes, keys.privateKey),
    signDocument: () => {
      throw new Error('not used');
    },
  };
}

const serverAccepts = (request: ReturnType<typeof enrolmentRequest>, publicKey = request.publicKey) =>
  verifyDocument(
    'enrol',
    {
      payload: enrolProofBytes(request.code, publicKey, request.serverUrl).toString('base64url'),
      signature: request.proof,
    },
    publicKey,
  ).ok;

describe('the enrolment proof', () => {
  it('is read as valid by the server for a code and an address as a person types them', () => {
    for (const [code, serverUrl] of [
      ['abcd-efgh-ijkl', 'https://vote.example.fr/'],
      [' ABCD EFGH 1JK1 ', ' https://vote.example.fr '],
      ['ABCDEFGH1JK1', 'usb:'],
    ] as const) {
      const request = enrolmentRequest(identity(), { code, label: 'Comptoir', serverUrl });
      expect(serverAccepts(request), `${code} ${serverUrl}`).toBe(true);
    }
  });

  it('is refused for another address, another code or another key', () => {
    const request = enrolmentRequest(identity(), {
      code: 'ABCD-EFGH',
      label: 'Comptoir',
      serverUrl: 'https://vote.example.fr',
    });
    expect(serverAccepts({ ...request, serverUrl: 'https://vote.example.com' })).toBe(false);
    expect(serverAccepts({ ...request, code: 'ABCD-EFGX' })).toBe(false);
    expect(serverAccepts(request, identity().publicKey)).toBe(false);
  });
});
