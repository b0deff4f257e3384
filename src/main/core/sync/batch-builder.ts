/**
 * Builds one signed v2 batch (docs/secrecy.md §2, docs/protocol.md), pure: rows in, envelope out. A
 * batch is two documents. The ballot document is signed and published: choice sets with no id, each
 * sorted and the list sorted by content (`sortBallots`), the receipt commitments sorted on their own,
 * and `participations: {count, digest}`. The participation document (tokens, commune, age bracket,
 * assisted, sorted by token) travels beside it in the envelope, bound by the SHA-256 of its exact bytes,
 * and is never published. Nothing in a batch's order tells which participation or receipt goes with
 * which ballot. Each document is serialised once; those exact bytes are signed, hashed and stored (§3.4).
 */
import { payloadHash, sha256hex, toBase64url } from '../../../shared/node/crypto';
import {
  BatchPayload,
  ParticipationDocument,
  sortBallots,
  type BatchEnvelope,
  type SignedDocument,
  type WireParticipation,
} from '../../../shared/wire';

export interface BatchInput {
  electionId: string;
  kioskId: string;
  seq: number;
  prevHash: string;
  training: boolean;
  /** Choice sets, in any order (sorted here). */
  ballots: readonly (readonly string[])[];
  /** Receipt commitments, in any order (sorted here). */
  receipts: readonly string[];
  participations: readonly WireParticipation[];
  final: boolean;
}

export interface BuiltBatch {
  seq: number;
  envelope: BatchEnvelope;
  /** SHA-256 of the ballot document's bytes: the next batch's `prevHash`, and what the ack must name. */
  hash: string;
  payload: BatchPayload;
  participationDocument: ParticipationDocument;
}

/** Signs a value's exact JSON bytes with the kiosk key (the kiosk identity's `signDocument`). */
export type BatchSigner = (domain: 'batch', value: unknown) => SignedDocument;

const byToken = (a: WireParticipation, b: WireParticipation): number =>
  a.token < b.token ? -1 : a.token > b.token ? 1 : 0;

export function buildBatch(input: BatchInput, sign: BatchSigner): BuiltBatch {
  // Refuse to sign what the server would refuse to read: a bad row must fail here, loudly.
  const participationDocument = ParticipationDocument.parse({
    v: 2,
    kioskId: input.kioskId,
    seq: input.seq,
    items: input.participations
      .map((p) => ({
        token: p.token,
        communeCode: p.communeCode,
        ageBracket: p.ageBracket,
        assisted: p.assisted,
      }))
      .sort(byToken),
  });
  const participationBytes = Buffer.from(JSON.stringify(participationDocument), 'utf8');
  const payload = BatchPayload.parse({
    v: 2,
    electionId: input.electionId,
    kioskId: input.kioskId,
    seq: input.seq,
    prevHash: input.prevHash,
    training: input.training,
    final: input.final,
    ballots: sortBallots(input.ballots),
    receipts: [...input.receipts].sort(),
    participations: { count: participationDocument.items.length, digest: sha256hex(participationBytes) },
  } satisfies BatchPayload);
  const signed = sign('batch', payload);
  return {
    seq: payload.seq,
    envelope: {
      kioskId: payload.kioskId,
      payload: signed.payload,
      signature: signed.signature,
      participations: toBase64url(participationBytes),
    },
    hash: payloadHash(signed.payload),
    payload,
    participationDocument,
  };
}
