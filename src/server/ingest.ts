/**
 * Exactly-once batch ingest (DESIGN §3.5, §4), shared by `POST /api/v1/batches` and the
 * USB `import`. The order of checks is the contract: envelope parse, kiosk lookup, Ed25519 verification
 * over the received bytes, payload parse, the stored-seq check (same bytes: `duplicate`; other bytes:
 * `conflict`), the rules of the election, the chain, and only then one transaction that stores the
 * envelope verbatim, the ballot ids, the participation tokens and the new head. The signed ack is built
 * after the commit. A refusal writes nothing but one counted rejection record (and, for an equivocation,
 * the evidence and the kiosk's flag).
 */
import type { WireErrorCode } from '../shared/errors';
import { receiptKeyFromBallotId } from '../shared/receipt';
import {
  AckPayload,
  BatchEnvelope,
  BatchPayload,
  type ElectionPackage,
  type SignedDocument,
} from '../shared/wire';
import type { KeyObject } from 'node:crypto';
import {
  parseJsonBytes,
  publicKeyObject,
  sha256hex,
  signDocument,
  verifyDocument,
} from '../shared/node/crypto';
import type { Authority } from './datadir';
import { currentElection } from './election';
import type { BatchStatus, ServerStore, StoredKiosk } from './store';

export interface IngestOptions {
  /** Hours after `closesAt` during which batches are still accepted (ballots cast before, carried late). */
  closeGraceHours?: number;
}

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
  options: IngestOptions = {},
): IngestOutcome {
  const at = now.toISOString();
  const outcome = decide(store, authority, body, now, options);
  if ('error' in outcome) {
    // Counted per verified-known kiosk only: a stranger cannot grow this table with invented ids.
    const known = typeof body === 'object' && body !== null && 'kioskId' in body ? String(body.kioskId) : '';
    const kioskKey = outcome.error === 'unknown_kiosk' || outcome.error === 'malformed' ? '' : known;
    store.recordRejection(kioskKey, outcome.error, at);
  }
  return outcome;
}

function decide(
  store: ServerStore,
  authority: Authority,
  body: unknown,
  now: Date,
  options: IngestOptions,
): IngestOutcome {
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
    const ruleError = checkRules(store, election.pkg, current, payload, now, options);
    if (ruleError) return refuse(422, 'invalid_content', ruleError);

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
      ballots: counted
        ? payload.ballots.map((b) => ({ id: b.id, receiptKey: receiptKeyFromBallotId(b.id) }))
        : [],
      tokens: counted ? payload.participations.map((p) => p.token) : [],
      ballotCount: payload.ballots.length,
      participationCount: payload.participations.length,
      isFinal: payload.final,
      dayCounts: payload.dayCounts ? JSON.stringify(payload.dayCounts) : null,
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
  options: IngestOptions,
): string | null {
  if (payload.electionId !== pkg.electionId || kiosk.electionId !== pkg.electionId)
    return `Le lot appartient à une autre élection (${payload.electionId}).`;
  if (!payload.training) {
    if (now.getTime() < Date.parse(pkg.opensAt)) return 'Le scrutin n’est pas encore ouvert.';
    const graceMs = (options.closeGraceHours ?? 0) * 3_600_000;
    if (now.getTime() > Date.parse(pkg.closesAt) + graceMs) return 'Le scrutin est clos.';
  }
  const projects = projectIds(pkg);
  let previousId = '';
  for (const ballot of payload.ballots) {
    if (ballot.id <= previousId) return 'Bulletins non triés par identifiant, ou identifiant répété.';
    previousId = ballot.id;
    const n = ballot.choices.length;
    if (n < pkg.minChoices || n > pkg.maxChoices)
      return `Un bulletin porte ${n} choix (attendu : ${pkg.minChoices} à ${pkg.maxChoices}).`;
    let previousChoice = '';
    for (const choice of ballot.choices) {
      if (!projects.has(choice)) return `Projet inconnu dans un bulletin : ${choice}.`;
      if (choice <= previousChoice) return 'Choix d’un bulletin non triés ou répétés.';
      previousChoice = choice;
    }
    // Training ballots never count, so they cannot collide with a counted one.
    if (!payload.training && store.ballotCounted(ballot.id)) return 'Un bulletin de ce lot est déjà compté.';
  }
  let previousToken = '';
  for (const participation of payload.participations) {
    if (participation.token <= previousToken) return 'Participations non triées ou répétées.';
    previousToken = participation.token;
  }
  return null;
}
