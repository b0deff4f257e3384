/** The receipt code: known vectors (computed by hand from the Crockford alphabet) and typing tolerance. */
import { expect, test } from 'vitest';
import { normaliseReceiptCode, receiptCodeFromBallotId, receiptKeyFromBallotId } from './receipt';

test('first 40 bits of the ballot id, Crockford base32, XXXX-XXXX', () => {
  expect(receiptCodeFromBallotId('0123456789abcdef0123456789abcdef')).toBe('04HM-ASW9');
  expect(receiptCodeFromBallotId('0'.repeat(32))).toBe('0000-0000');
  expect(receiptCodeFromBallotId('f'.repeat(32))).toBe('ZZZZ-ZZZZ');
  // Only the first 10 hex characters count.
  expect(receiptCodeFromBallotId(`0123456789${'0'.repeat(22)}`)).toBe('04HM-ASW9');
  expect(receiptKeyFromBallotId('0123456789abcdef0123456789abcdef')).toBe('04HMASW9');
});

test('typing tolerance: case, dashes, spaces, I/L for 1, O for 0; anything else refused', () => {
  expect(normaliseReceiptCode('04hm-asw9')).toBe('04HMASW9');
  expect(normaliseReceiptCode(' o4hm asw9 ')).toBe('04HMASW9');
  expect(normaliseReceiptCode('ZZZZ-ZZZZ')).toBe('ZZZZZZZZ');
  expect(normaliseReceiptCode('IL00-0000')).toBe('11000000');
  expect(normaliseReceiptCode('04HM-ASW')).toBeNull();
  expect(normaliseReceiptCode('04HM-ASWU')).toBeNull(); // U is not in Crockford's alphabet
});
