import fc from 'fast-check';
import { expect, test } from 'vitest';
import { generateX25519KeyPair, open, seal, x25519PublicKeyOf } from './sealed-box';

const team = generateX25519KeyPair();

test('a sealed box opens with the private key and gives back the exact bytes', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => {
      const opened = open(seal(bytes, team.publicKey), team.privateKey);
      expect(opened.ok && Buffer.compare(opened.plaintext, Buffer.from(bytes))).toBe(0);
    }),
    { numRuns: 200 },
  );
  expect(x25519PublicKeyOf(team.privateKey)).toBe(team.publicKey);
});

test('two seals of the same bytes differ (fresh ephemeral key and nonce)', () => {
  const bytes = Buffer.from('{"kioskId":"x"}');
  expect(seal(bytes, team.publicKey).equals(seal(bytes, team.publicKey))).toBe(false);
});

test('another private key cannot open it', () => {
  const other = generateX25519KeyPair();
  expect(open(seal(Buffer.from('secret'), team.publicKey), other.privateKey)).toEqual({
    ok: false,
    reason: 'authentication',
  });
});

test('any single changed byte (header, ciphertext or tag) is refused', () => {
  const box = seal(Buffer.from('ballots of a closed day'), team.publicKey);
  fc.assert(
    fc.property(fc.nat({ max: box.length - 1 }), fc.integer({ min: 1, max: 255 }), (index, flip) => {
      const tampered = Buffer.from(box);
      tampered[index] = (tampered[index] ?? 0) ^ flip;
      expect(open(tampered, team.privateKey).ok).toBe(false);
    }),
    { numRuns: 300 },
  );
});

test('a truncated or extended box is refused', () => {
  const box = seal(Buffer.from('x'.repeat(100)), team.publicKey);
  for (let length = 0; length < box.length; length += 7)
    expect(open(box.subarray(0, length), team.privateKey).ok).toBe(false);
  expect(open(Buffer.concat([box, Buffer.from([0])]), team.privateKey).ok).toBe(false);
});

test('a box of an unknown version or magic is refused as such', () => {
  const box = seal(Buffer.from('x'), team.publicKey);
  const v9 = Buffer.from(box);
  v9[4] = 9;
  expect(open(v9, team.privateKey)).toEqual({ ok: false, reason: 'version' });
  expect(open(Buffer.concat([Buffer.from('XXXX'), box.subarray(4)]), team.privateKey)).toEqual({
    ok: false,
    reason: 'format',
  });
  expect(open(box, 'not-a-key')).toEqual({ ok: false, reason: 'key' });
});
