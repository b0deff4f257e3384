/** Batch builder: DESIGN §4 payload, sorted, signed over its exact bytes, chained by hash. */
import { describe, expect, it } from 'vitest';
import {
  fromBase64url,
  generateKeyPair,
  kioskIdFromPublicKey,
  parseJsonBytes,
  sha256hex,
  signDocument,
  verifyDocument,
} from '../../../shared/node/crypto';
import { BatchPayload, GENESIS_HASH } from '../../../shared/wire';
import { buildBatch } from './batch-builder';

const keys = generateKeyPair();
const kioskId = kioskIdFromPublicKey(keys.publicKey);
const sign = (domain: 'batch', value: unknown) => signDocument(domain, value, keys.privateKey);
const hex = (n: number, c: string): string => c.repeat(n);

const base = {
  electionId: 'bc-2026',
  kioskId,
  seq: 1,
  prevHash: GENESIS_HASH,
  createdAt: '2026-09-01T10:00:00.000Z',
  training: false,
  final: false,
};

describe('buildBatch', () => {
  const built = buildBatch(
    {
      ...base,
      ballots: [
        { id: hex(32, 'c'), choices: ['zeta', 'alpha'] },
        { id: hex(32, 'a'), choices: ['mid'] },
      ],
      participations: [
        { token: hex(64, 'f'), communeCode: '62041', ageBracket: '18-25', assisted: false },
        { token: hex(64, '1'), communeCode: '62193', ageBracket: '76+', assisted: true },
      ],
    },
    sign,
  );

  it('signs the exact payload bytes with the batch domain', () => {
    const verified = verifyDocument('batch', built.envelope, keys.publicKey);
    expect(verified.ok).toBe(true);
    expect(verifyDocument('ack', built.envelope, keys.publicKey).ok).toBe(false);
    if (!verified.ok) return;
    const parsed = BatchPayload.parse(parseJsonBytes(verified.bytes));
    expect(parsed).toEqual(built.payload);
    expect(built.hash).toBe(sha256hex(verified.bytes));
  });

  it('sorts ballots by id, choices, and participations by token', () => {
    expect(built.payload.ballots.map((b) => b.id)).toEqual([hex(32, 'a'), hex(32, 'c')]);
    expect(built.payload.ballots[1]?.choices).toEqual(['alpha', 'zeta']);
    expect(built.payload.participations.map((p) => p.token)).toEqual([hex(64, '1'), hex(64, 'f')]);
  });

  it('chains: the next batch names this one by hash', () => {
    const next = buildBatch({ ...base, seq: 2, prevHash: built.hash, ballots: [], participations: [] }, sign);
    const bytes = fromBase64url(next.envelope.payload);
    expect(bytes && BatchPayload.parse(parseJsonBytes(bytes)).prevHash).toBe(built.hash);
  });

  it('carries the day counts on a final batch, and allows it empty', () => {
    const final = buildBatch(
      {
        ...base,
        seq: 3,
        final: true,
        ballots: [],
        participations: [],
        dayCounts: { day: '2026-09-01', ballots: 2, participations: 2 },
      },
      sign,
    );
    expect(final.payload.final).toBe(true);
    expect(final.payload.dayCounts?.ballots).toBe(2);
  });

  it('refuses to sign a malformed row', () => {
    expect(() =>
      buildBatch({ ...base, ballots: [{ id: 'nothex', choices: ['a'] }], participations: [] }, sign),
    ).toThrow();
  });

  it('never puts a timestamp or a link on a ballot', () => {
    const keysOfBallots = new Set(built.payload.ballots.flatMap((b) => Object.keys(b)));
    expect([...keysOfBallots].sort()).toEqual(['choices', 'id']);
  });
});
