/**
 * How a kiosk proves itself when it pulls the participation register (the server's docs/protocol.md):
 * three headers, the kiosk id, a time, and an Ed25519 signature with the `register` domain over
 * `kioskId + "\n" + after + "\n" + time`. The time is the SERVER's clock as last seen in a `Date` header
 * when there is one: the kiosk clock may be weeks wrong (DESIGN §3.7), the server allows a few minutes.
 */
import type { KioskIdentity } from '../identity';

export function registerHeaders(
  identity: Pick<KioskIdentity, 'kioskId' | 'signBytes'>,
  after: string,
  time: Date,
): Record<string, string> {
  const at = time.toISOString();
  const challenge = Buffer.from(`${identity.kioskId}\n${after}\n${at}`, 'utf8');
  return {
    'x-isoloir-kiosk': identity.kioskId,
    'x-isoloir-time': at,
    'x-isoloir-signature': identity.signBytes('register', challenge),
  };
}
