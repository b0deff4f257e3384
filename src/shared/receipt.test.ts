/** The receipt code: known vectors (computed by hand from the Crockford alphabet), its commitment input and typing tolerance. */
import { expect, test } from 'vitest';
import { normaliseReceiptCode, receiptCodeFromBytes, receiptCommitmentInput } from './receipt';

test('40 random bits, Crockford base32, XXXX-XXXX', () => {
  expect(receiptCodeFromBytes(Uint8Array.from([0x01, 0x23, 0x45, 0x67, 0x89]))).toBe('04HM-ASW9');
  expect(receiptCodeFromBytes(new Uint8Array(5))).toBe('0000-0000');
  expect(receiptCodeFromBytes(new Uint8Array(5).fill(0xff))).toBe('ZZZZ-ZZZZ');
  expect(() => receiptCodeFromBytes(new Uint8Array(4))).toThrow(RangeError);
});

test('the committed bytes: domain, kiosk id and the normalised code', () => {
  expect(receiptCommitmentInput('a'.repeat(32), 'o4hm-asw9')).toBe(
    `ISOLOIR/v2/receipt\n${'a'.repeat(32)}04HMASW9`,
  );
  expect(() => receiptCommitmentInput('a'.repeat(32), 'nope')).toThrow(RangeError);
});

test('typing tolerance: case, dashes, spaces, I/L for 1, O for 0; anything else refused', () => {
  expect(normaliseReceiptCode('04hm-asw9')).toBe('04HMASW9');
  expect(normaliseReceiptCode(' o4hm asw9 ')).toBe('04HMASW9');
  expect(normaliseReceiptCode('ZZZZ-ZZZZ')).toBe('ZZZZZZZZ');
  expect(normaliseReceiptCode('IL00-0000')).toBe('11000000');
  expect(normaliseReceiptCode('04HM-ASW')).toBeNull();
  expect(normaliseReceiptCode('04HM-ASWU')).toBeNull(); // U is not in Crockford's alphabet
});
