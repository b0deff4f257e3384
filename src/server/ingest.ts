/**
 * Exactly-once batch ingest (DESIGN §3.5, §4; wire v2, docs/protocol.md), shared by `POST /api/v1/batches`
 * and the USB `import`. The order of checks is the contract: envelope parse, kiosk lookup, Ed25519
 * verification over the received ballot document, its parse, the stored-seq check (same bytes:
 * `duplicate`; other bytes: `conflict`), the rules of the election (the participation document bound by
 * its digest, ballots, receipts, the group size K, nothing after a final batch), the chain, and only then
 * one transaction that stores the ballot document verbatim, the participation document apart, the receipt
 * commitments, the participation tokens and the new head. The signed ack is built after the commit. A
 * refusal writes nothing but one counted rejection record (and, for an equivocation, the evidence and the
 * kiosk's flag).
 */
import type { WireErrorCode } from '../shared/errors';
import {
  AckPayload,
  BatchEnvelope,
  BatchPayload,
  compareChoices,
  lateDeliveryEnd,
  ParticipationDocument,
  type ElectionPackage,
  type SignedDocument,
} from '../shared/wire';
import type { KeyObject } from 'node:crypto';
import {
  fromBase64url,
  parseJsonBytes,
  publicKeyObject,
  sha256hex,
  signDocument,
  verifyDocument,
} from '../shared/node/crypto';
import type { Authority } from './datadir';
import { currentElection } from './election';
import type { BatchStatus, ServerStore, StoredKiosk } from './store';

export type IngestOutcome =
  | { status: 200 | 201; ack: SignedDocument; ackPayload: AckPayload; batchStatus: BatchStatus }
  | { status: 400 | 401 | 409 | 413 | 422; error: WireErrorCode; message: string; expectedSeq?: number };

type Refusal = Extract<IngestOutcome, { error: WireErrorCode }>;

const refuse = (
  status: Refusal['status'],
  error: WireErrorCode,
  message: string,
  expectedSeq?: number,
): Refusal =>
  expectedSeq === undefined ? { status, error, message } : { status, error, message, expectedSeq };

/** Kiosk public keys as KeyObjects, built once: DER import costs more than the verification itself. */
const keyObjects = new Map<string, KeyObject>();
function kioskKey(publicKey: string): KeyObject | string {
  let key = keyObjects.get(publicKey);
  if (!key) {
    const made = publicKeyObject(publicKey);
    if (!made) return publicKey; // verifyDocument reports the bad encoding
    key = made;
    keyObjects.set(publicKey, key);
  }
  return key;
}

/** Project ids of a package, as a set, built once per package object. */
const projectSets = new WeakMap<ElectionPackage, Set<string>>();
function projectIds(pkg: ElectionPackage): Set<string> {
  let ids = projectSets.get(pkg);
  if (!ids) {
    ids = new Set(pkg.projects.map((p) => p.id));
    projectSets.set(pkg, ids);
  }
  return ids;
}

export function signAck(authority: Authority, ack: AckPayload): SignedDocument {
  return signDocument('ack', ack, authority.privateKey);
}

/**
 * Ingests one envelope (already JSON-parsed `body`). `now` is the server's receipt time: the kiosk's
 * clock is never trusted (DESIGN §3.7).
 */
export function ingestBatch(
  store: ServerStore,
  authority: Authority,
  body: unknown,
  now: Date,
): IngestOutcome {
  const at = now.toISOString();
  const outcome = decide(store, authority, body, now);
  if ('error' in outcome) {
    // Counted per verified-known kiosk only: a stranger cannot grow this table with invented ids. Only a
    // string is read: `String()` of a hostile value throws (`{"toString": 1}`) or recurses (deep arrays).
    const named = typeof body === 'object' && body !== null && 'kioskId' in body ? body.kioskId : '';
    const known = typeof named === 'string' ? named : '';
    const kioskKey = outcome.error === 'unknown_kiosk' || outcome.error === 'malformed' ? '' : known;
    store.recordRejection(kioskKey, outcome.error, at);
  }
  return outcome;
}

function decide(store: ServerStore, authority: Authority, body: unknown, now: Date): IngestOutcome {
  const envelope = BatchEnvelope.safeParse(body);
  if (!envelope.success) return refuse(400, 'malformed', 'Enveloppe de lot mal formée.');
  const { kioskId } = envelope.data;
  const kiosk = store.kiosk(kioskId);
  if (!kiosk || (kiosk.revoked && kiosk.acceptThrough === null))
    return refuse(401, 'unknown_kiosk', 'Borne inconnue ou révoquée.');

  const verified = verifyDocument('batch', envelope.data, kioskKey(kiosk.publicKey));
  if (!verified.ok)
    return verified.reason === 'signature'
      ? refuse(401, 'bad_signature', 'Signature du lot invalide.')
      : refuse(400, 'malformed', 'Lot mal encodé (base64url).');
  const json = parseJsonBytes(verified.bytes);
  if (json === undefined) return refuse(400, 'malformed', 'Le contenu du lot n’est pas du JSON.');
  const parsed = BatchPayload.safeParse(json);
  if (!parsed.success)
    return refuse(422, 'invalid_content', 'Contenu du lot invalide (champs ou identifiants).');
  const payload = parsed.data;
  if (payload.kioskId !== kioskId)
    return refuse(422, 'invalid_content', 'Le lot est signé par une autre borne.');
  if (kiosk.revoked && payload.seq > (kiosk.acceptThrough ?? 0))
    return refuse(
      401,
      'unknown_kiosk',
      `Borne révoquée : ses lots ne sont acceptés que jusqu’au numéro ${kiosk.acceptThrough ?? 0}.`,
    );

  const hash = sha256hex(verified.bytes);
  const at = now.toISOString();
  return store.joinOrImmediate((): IngestOutcome => {
    // Re-read inside the transaction: another writer (the CLI's import) may have moved the chain.
    const current = store.kiosk(kioskId) ?? kiosk;
    const stored = store.batch(kioskId, payload.seq);
    if (stored) {
      if (stored.hash === hash && stored.payload === envelope.data.payload) {
        store.touchKiosk(kioskId, at);
        const ack = {
          kioskId,
          seq: payload.seq,
          hash,
          status: 'duplicate',
          highWater: current.highWater,
        } as const;
        return { status: 200, ack: signAck(authority, ack), ackPayload: ack, batchStatus: stored.status };
      }
      store.recordConflict({
        kioskId,
        seq: payload.seq,
        payload: envelope.data.payload,
        signature: envelope.data.signature,
        hash,
        receivedAt: at,
      });
      return refuse(
        409,
        'conflict',
        `Un autre lot est déjà enregistré au numéro ${payload.seq} : borne signalée.`,
      );
    }

    const election = currentElection(store);
    if (!election) return refuse(422, 'invalid_content', 'Aucune élection n’est publiée.');
    const ruleError = checkRules(store, election.pkg, current, payload, now);
    if (ruleError) return refuse(422, 'invalid_content', ruleError);
    const participations = checkParticipations(envelope.data.participations, payload);
    if (typeof participations === 'string') return refuse(422, 'invalid_content', participations);

    if (payload.seq !== current.highWater + 1)
      return refuse(
        409,
        'out_of_order',
        `Lot attendu : numéro ${current.highWater + 1}.`,
        current.highWater + 1,
      );
    if (payload.prevHash !== current.head)
      return refuse(422, 'invalid_content', 'prevHash ne correspond pas au dernier lot enregistré.');

    const batchStatus: BatchStatus = payload.training ? 'training' : current.flagged ? 'held' : 'counted';
    const counted = batchStatus === 'counted';
    store.storeBatch({
      kioskId,
      seq: payload.seq,
      payload: envelope.data.payload,
      signature: envelope.data.signature,
      hash,
      receivedAt: at,
      status: batchStatus,
      participationDocument: envelope.data.participations,
      receipts: counted ? payload.receipts : [],
      tokens: counted ? participations.items.map((p) => p.token) : [],
      ballotCount: payload.ballots.length,
      participationCount: participations.items.length,
      isFinal: payload.final,
      dayCounts: null,
    });
    const ack = { kioskId, seq: payload.seq, hash, status: 'accepted', highWater: payload.seq } as const;
    return { status: 201, ack: signAck(authority, ack), ackPayload: ack, batchStatus };
  });
}

/** The election's rules on a batch's content; a French reason, or null when the batch is sound. */
function checkRules(
  store: ServerStore,
  pkg: ElectionPackage,
  kiosk: StoredKiosk,
  payload: BatchPayload,
  now: Date,
): string | null {
  if (payload.electionId !== pkg.electionId || kiosk.electionId !== pkg.electionId)
    return `Le lot appartient à une autre élection (${payload.electionId}).`;
  if (!payload.training) {
    if (now.getTime() < Date.parse(pkg.opensAt)) return 'Le scrutin n’est pas encore ouvert.';
    // Ballots cast in time may arrive until the package's late delivery window ends.
    if (now.getTime() > lateDeliveryEnd(pkg)) return 'Le scrutin est clos.';
  }
  const n = payload.ballots.length;
  if (!payload.training) {
    const finalSeq = store.finalBatchOf(kiosk.kioskId);
    if (finalSeq !== null)
      return `La borne a déjà envoyé son dernier lot (numéro ${finalSeq}) : plus rien n’est accepté d’elle.`;
  }
  // K (docs/secrecy.md §1): a real group below K is published only as a kiosk's whole remainder, at the
  // close. Training ballots are never counted nor anyone's vote: any non-empty batch.
  if (payload.training ? n < 1 : payload.final ? n < 1 : n !== pkg.batchSize)
    return payload.final
      ? 'Un dernier lot doit porter au moins un bulletin.'
      : `Un lot porte ${n} bulletins (attendu : exactement ${pkg.batchSize}).`;
  const projects = projectIds(pkg);
  let previous: string[] | null = null;
  for (const choices of payload.ballots) {
    // Sorted, not strictly: two voters may make the same choices.
    if (previous && compareChoices(previous, choices) > 0) return 'Bulletins non triés par contenu.';
    previous = choices;
    const count = choices.length;
    if (count < pkg.minChoices || count > pkg.maxChoices)
      return `Un bulletin porte ${count} choix (attendu : ${pkg.minChoices} à ${pkg.maxChoices}).`;
    let previousChoice = '';
    for (const choice of choices) {
      if (!projects.has(choice)) return `Projet inconnu dans un bulletin : ${choice}.`;
      if (choice <= previousChoice) return 'Choix d’un bulletin non triés ou répétés.';
      previousChoice = choice;
    }
  }
  if (payload.participations.count !== n)
    return `Le lot déclare ${payload.participations.count} participations pour ${n} bulletins.`;
  if (payload.receipts.length !== n)
    return `Le lot porte ${payload.receipts.length} reçus pour ${n} bulletins.`;
  let previousReceipt = '';
  for (const commitment of payload.receipts) {
    if (commitment <= previousReceipt) return 'Reçus non triés ou répétés.';
    previousReceipt = commitment;
    // Training receipts never count, so they cannot collide with a counted one.
    if (!payload.training && store.receipt(commitment)) return 'Un reçu de ce lot est déjà compté.';
  }
  return null;
}

/**
 * The participation document beside a ballot document: its bytes must hash to the signed digest, and it
 * must name the same kiosk and seq, hold exactly as many items as ballots, sorted strictly by token.
 * Returns the parsed document, or a French reason.
 */
function checkParticipations(encoded: string, payload: BatchPayload): ParticipationDocument | string {
  const bytes = fromBase64url(encoded);
  if (!bytes || sha256hex(bytes) !== payload.participations.digest)
    return 'Le document des participations ne correspond pas à l’empreinte signée.';
  const parsed = ParticipationDocument.safeParse(parseJsonBytes(bytes));
  if (!parsed.success) return 'Document des participations invalide.';
  const doc = parsed.data;
  if (doc.kioskId !== payload.kioskId || doc.seq !== payload.seq)
    return 'Le document des participations appartient à un autre lot.';
  if (doc.items.length !== payload.participations.count || doc.items.length !== payload.ballots.length)
    return `Le lot porte ${doc.items.length} participations pour ${payload.ballots.length} bulletins.`;
  let previousToken = '';
  for (const item of doc.items) {
    if (item.token <= previousToken) return 'Participations non triées ou répétées.';
    previousToken = item.token;
  }
  return doc;
}
