/**
 * Publishing an election package (DESIGN §4) and reading the current one back: the package is validated
 * with zod, serialised once, and those exact bytes are signed with the authority key and stored verbatim.
 * Kiosk enrolment and revocation live in ./enrolment.ts.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { err, ok, type Result } from '../shared/result';
import { ElectionPackage } from '../shared/wire';
import { fromBase64url, parseJsonBytes, signBytes, toBase64url } from '../shared/node/crypto';
import type { Authority } from './datadir';
import type { ServerStore } from './store';

export interface CurrentElection {
  electionId: string;
  payload: string;
  signature: string;
  participationKey: string;
  pkg: ElectionPackage;
}

/**
 * Last current election read, with its package parsed: every batch needs the rules, and the sample
 * package (images, communes) is large to read and to parse. Checked by a cheap stamp each time, per store.
 */
const caches = new WeakMap<ServerStore, { stamp: string; election: CurrentElection }>();

/** The current election with its package parsed (it was validated when published). */
export function currentElection(store: ServerStore): CurrentElection | null {
  const stamp = store.currentElectionStamp();
  if (stamp === null) return null;
  const cached = caches.get(store);
  if (cached?.stamp === stamp) return cached.election;
  const stored = store.currentElection();
  if (!stored) return null;
  const bytes = fromBase64url(stored.payload);
  const pkg = ElectionPackage.parse(bytes ? parseJsonBytes(bytes) : undefined);
  const election = { ...stored, pkg };
  caches.set(store, { stamp, election });
  return election;
}

/** Validates, signs and makes current an election package (any JSON value, e.g. read from a file). */
export function publishElection(
  store: ServerStore,
  authority: Authority,
  value: unknown,
  now: Date,
): Result<{ electionId: string; replaced: boolean }> {
  const parsed = ElectionPackage.safeParse(value);
  if (!parsed.success)
    return err('malformed', `Paquet d’élection invalide : ${z.prettifyError(parsed.error)}`);
  const bytes = Buffer.from(JSON.stringify(parsed.data), 'utf8');
  const payload = toBase64url(bytes);
  const outcome = store.publishElection({
    electionId: parsed.data.electionId,
    payload,
    signature: signBytes('election', bytes, authority.privateKey),
    publishedAt: now.toISOString(),
    newParticipationKey: randomBytes(32).toString('base64url'),
  });
  if (outcome === 'in_use')
    return err(
      'conflict',
      `L’élection ${parsed.data.electionId} a déjà des bornes inscrites avec un autre paquet : publiez-la sous un autre identifiant.`,
    );
  return ok({ electionId: parsed.data.electionId, replaced: outcome === 'replaced' });
}
