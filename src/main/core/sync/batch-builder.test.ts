/**
 * Batch builder: the v2 ballot document (no ids, sorted by content, receipts sorted apart, the
 * participation document bound by its digest), signed over its exact bytes, chained by hash.
 */
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
import { BatchPayload, GENESIS_HASH, ParticipationDocument } from '../../../shared/wire';
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
  training: false,
  final: false,
};

describe('buildBatch', () => {
  const built = buildBatch(
    {
      ...base,
      ballots: [['zeta', 'alpha'], ['mid'], ['alpha']],
      receipts: [hex(64, 'e'), hex(64, '2'), hex(64, 'b')],
      participations: [
        { token: hex(64, 'f'), communeCode: '62041', ageBracket: '18-25', assisted: false },
        { token: hex(64, '1'), communeCode: '62193', ageBracket: '76+', assisted: true },
        { token: hex(64, '7'), communeCode: '62193', ageBracket: '11-17', assisted: false },
      ],
    },
    sign,
  );

  it('signs the exact ballot-document bytes with the batch domain', () => {
    const verified = verifyDocument('batch', built.envelope, keys.publicKey);
    expect(verified.ok).toBe(true);
    expect(verifyDocument('ack', built.envelope, keys.publicKey).ok).toBe(false);
    if (!verified.ok) return;
    const parsed = BatchPayload.parse(parseJsonBytes(verified.bytes));
    expect(parsed).toEqual(built.payload);
    expect(parsed.v).toBe(2);
    expect(built.hash).toBe(sha256hex(verified.bytes));
  });

  it('binds the participation document by the digest of its exact bytes, and counts it', () => {
    const bytes = fromBase64url(built.envelope.participations);
    expect(bytes).not.toBeNull();
    if (!bytes) return;
    expect(built.payload.participations).toEqual({ count: 3, digest: sha256hex(bytes) });
    const doc = ParticipationDocument.parse(parseJsonBytes(bytes));
    expect(doc).toEqual(built.participationDocument);
    expect(doc.items.map((p) => p.token)).toEqual([hex(64, '1'), hex(64, '7'), hex(64, 'f')]);
    expect(doc.seq).toBe(1);
  });

  it('publishes choice sets only, each sorted and the list sorted by content; receipts sorted apart', () => {
    expect(built.payload.ballots).toEqual([['alpha'], ['alpha', 'zeta'], ['mid']]);
    expect(built.payload.receipts).toEqual([hex(64, '2'), hex(64, 'b'), hex(64, 'e')]);
  });

  it('puts nothing of who voted in the ballot document', () => {
    const text = Buffer.from(fromBase64url(built.envelope.payload) ?? []).toString('utf8');
    for (const token of [hex(64, 'f'), hex(64, '1'), hex(64, '7')]) expect(text).not.toContain(token);
    for (const word of ['62041', '62193', '76+', 'assisted', 'createdAt', 'dayCounts'])
      expect(text).not.toContain(word);
  });

  it('chains: the next batch names this one by hash', () => {
    const next = buildBatch(
      { ...base, seq: 2, prevHash: built.hash, ballots: [], receipts: [], participations: [] },
      sign,
    );
    const bytes = fromBase64url(next.envelope.payload);
    expect(bytes && BatchPayload.parse(parseJsonBytes(bytes)).prevHash).toBe(built.hash);
  });

  it('refuses to sign a malformed row', () => {
    expect(() =>
      buildBatch({ ...base, ballots: [['Not A Project']], receipts: [], participations: [] }, sign),
    ).toThrow();
    expect(() =>
      buildBatch({ ...base, ballots: [], receipts: ['nothex'], participations: [] }, sign),
    ).toThrow();
  });
});
