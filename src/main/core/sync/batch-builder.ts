/**
 * Builds one signed batch (DESIGN §4), pure: rows in, envelope out. Ballots are sorted by id, each
 * ballot's choices sorted, participations sorted by token, so nothing in the order of a batch tells
 * which participation goes with which ballot (DESIGN §3.1). The payload is serialised once, those exact
 * bytes are signed and hashed, and the envelope is what is stored and sent, byte for byte (§3.4).
 */
import { payloadHash } from '../../../shared/node/crypto';
import {
  BatchPayload,
  type BatchEnvelope,
  type DayCounts,
  type SignedDocument,
  type WireBallot,
  type WireParticipation,
} from '../../../shared/wire';

export interface BatchInput {
  electionId: string;
  kioskId: string;
  seq: number;
  prevHash: string;
  createdAt: string;
  training: boolean;
  ballots: readonly WireBallot[];
  participations: readonly WireParticipation[];
  final: boolean;
  dayCounts?: DayCounts;
}

export interface BuiltBatch {
  seq: number;
  envelope: BatchEnvelope;
  /** SHA-256 of the payload bytes: the next batch's `prevHash`, and what the ack must name. */
  hash: string;
  payload: BatchPayload;
}

const byKey =
  <T>(key: (x: T) => string) =>
  (a: T, b: T): number =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

/** Signs a value's exact JSON bytes with the kiosk key (the kiosk identity's `signDocument`). */
export type BatchSigner = (domain: 'batch', value: unknown) => SignedDocument;

export function buildBatch(input: BatchInput, sign: BatchSigner): BuiltBatch {
  const payload: BatchPayload = {
    v: 1,
    electionId: input.electionId,
    kioskId: input.kioskId,
    seq: input.seq,
    prevHash: input.prevHash,
    createdAt: input.createdAt,
    training: input.training,
    ballots: input.ballots
      .map((b) => ({ id: b.id, choices: [...b.choices].sort() }))
      .sort(byKey((b) => b.id)),
    participations: input.participations
      .map((p) => ({
        token: p.token,
        communeCode: p.communeCode,
        ageBracket: p.ageBracket,
        assisted: p.assisted,
      }))
      .sort(byKey((p) => p.token)),
    final: input.final,
    ...(input.dayCounts ? { dayCounts: input.dayCounts } : {}),
  };
  // Refuse to sign what the server would refuse to read: a bad row must fail here, loudly.
  const checked = BatchPayload.parse(payload);
  const signed = sign('batch', checked);
  return {
    seq: checked.seq,
    envelope: { kioskId: checked.kioskId, payload: signed.payload, signature: signed.signature },
    hash: payloadHash(signed.payload),
    payload: checked,
  };
}
