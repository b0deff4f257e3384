/**
 * The signed election package: checked against the pinned authority key BEFORE its payload is parsed
 * (DESIGN §3.4), then parsed with zod and stored verbatim. Also the election's state by the kiosk clock
 * (DESIGN §3.7: the kiosk refuses to take votes outside the window).
 */
import { readFileSync } from 'node:fs';
import type { ElectionState } from '../../shared/api';
import { err, ok, type Result } from '../../shared/result';
import { ElectionPackage, SignedDocument } from '../../shared/wire';
import { parseJsonBytes, verifyDocument } from '../../shared/node/crypto';
import type { KioskStore } from './store';

export interface VerifiedElection {
  election: ElectionPackage;
  /** Exactly as received: stored and served verbatim. */
  document: SignedDocument;
}

const malformed = <T>(): Result<T> =>
  err('package_malformed', 'Le fichier de la consultation est incomplet ou abîmé. Demandez-en un nouveau.');

/** Verifies a `{payload, signature}` document, then parses its payload. */
export function verifyElectionDocument(raw: unknown, authorityPublicKey: string): Result<VerifiedElection> {
  const document = SignedDocument.safeParse(raw);
  if (!document.success) return malformed();
  const verified = verifyDocument('election', document.data, authorityPublicKey);
  if (!verified.ok)
    return err(
      'package_signature_invalid',
      'Ce fichier de consultation n’est pas signé par l’équipe centrale. Il n’a pas été chargé.',
    );
  const election = ElectionPackage.safeParse(parseJsonBytes(verified.bytes));
  if (!election.success) return malformed();
  return ok({ election: election.data, document: document.data });
}

/** Reads a signed package file (`{payload, signature}` JSON) and verifies it. */
export function readElectionFile(path: string, authorityPublicKey: string): Result<VerifiedElection> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch {
    return malformed();
  }
  return verifyElectionDocument(raw, authorityPublicKey);
}

/** Stores the verified document verbatim (replacing the previous package). */
export function storeElection(store: KioskStore, verified: VerifiedElection): void {
  store.putElectionPackage({
    electionId: verified.election.electionId,
    payload: verified.document.payload,
    signature: verified.document.signature,
  });
}

/**
 * The stored package, verified again (a file edited on disk is not trusted); null when there is none
 * or when it no longer verifies against the pinned key.
 */
export function loadStoredElection(
  store: KioskStore,
  authorityPublicKey: string | null,
): VerifiedElection | null {
  const stored = store.getElectionPackage();
  if (!stored || !authorityPublicKey) return null;
  const result = verifyElectionDocument(
    { payload: stored.payload, signature: stored.signature },
    authorityPublicKey,
  );
  return result.ok ? result.value : null;
}

/** open while opensAt ≤ now < closesAt (instants, so the time zone of the kiosk does not matter). */
export function electionState(election: ElectionPackage | null, now: Date): ElectionState {
  if (!election) return 'no_election';
  const t = now.getTime();
  if (t < Date.parse(election.opensAt)) return 'not_open';
  if (t >= Date.parse(election.closesAt)) return 'closed';
  return 'open';
}

/** The refusal to show when the election is not open, or null when it is. */
export function refuseUnlessOpen<T>(state: ElectionState): Result<T> | null {
  switch (state) {
    case 'open':
      return null;
    case 'no_election':
      return err('not_ready', 'Aucune consultation n’est chargée sur ce kiosque. Appelez le médiateur.');
    case 'not_open':
      return err(
        'election_not_open',
        'Le vote n’est pas encore ouvert. Revenez à partir de la date d’ouverture.',
      );
    case 'closed':
      return err('election_closed', 'Le vote est terminé. Merci de votre intérêt !');
  }
}
