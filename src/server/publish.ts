/**
 * Publishing a package, corrections included. Before any kiosk is enrolled a package is simply
 * (re)published (`publishElection`). Once kiosks hold it, a new package under the same id must be a
 * correction (`allowedRevision`): a higher revision, and only texts and images changed as soon as a
 * ballot may exist, that is once the server holds a counted or held ballot of the election or the
 * election has opened (a kiosk may hold ballots not yet sent).
 */
import { z } from 'zod';
import { allowedRevision, type RevisionReport } from '../shared/package-revision';
import { err, ok, type Result } from '../shared/result';
import { ElectionPackage } from '../shared/wire';
import { fromBase64url, parseJsonBytes, signBytes, toBase64url } from '../shared/node/crypto';
import type { Authority } from './datadir';
import { publishElection } from './election';
import type { ServerStore } from './store';

export type PublishOutcome =
  | { electionId: string; outcome: 'published' | 'replaced' }
  | { electionId: string; outcome: 'revised'; report: RevisionReport; ballotsMayExist: boolean };

/** Whether the server holds a real (not training) ballot of the election. */
export function electionHoldsBallots(store: ServerStore, electionId: string): boolean {
  return store
    .kiosks()
    .filter((k) => k.electionId === electionId)
    .some((k) => store.batchMetaOfKiosk(k.kioskId).some((b) => b.status !== 'training' && b.ballotCount > 0));
}

export function publishPackage(
  store: ServerStore,
  authority: Authority,
  value: unknown,
  now: Date,
): Result<PublishOutcome> {
  const parsed = ElectionPackage.safeParse(value);
  if (!parsed.success)
    return err('malformed', `Paquet d’élection invalide : ${z.prettifyError(parsed.error)}`);
  const next = parsed.data;
  const bytes = Buffer.from(JSON.stringify(next), 'utf8');
  const payload = toBase64url(bytes);
  return store.immediate((): Result<PublishOutcome> => {
    const existing = store.election(next.electionId);
    const enrolled = store.kiosks().some((k) => k.electionId === next.electionId);
    if (!existing || !enrolled || existing.payload === payload) {
      const published = publishElection(store, authority, next, now);
      if (!published.ok) return published;
      return ok({
        electionId: next.electionId,
        outcome: published.value.replaced ? 'replaced' : 'published',
      });
    }
    const previousBytes = fromBase64url(existing.payload);
    const previous = ElectionPackage.parse(previousBytes ? parseJsonBytes(previousBytes) : undefined);
    const ballotsMayExist =
      electionHoldsBallots(store, next.electionId) || now.getTime() >= Date.parse(previous.opensAt);
    const allowed = allowedRevision(previous, next, { ballotsMayExist });
    if (!allowed.ok) return allowed;
    const revised = store.reviseElection(
      {
        electionId: next.electionId,
        payload,
        signature: signBytes('election', bytes, authority.privateKey),
        publishedAt: now.toISOString(),
      },
      existing.payload,
    );
    if (!revised) return err('conflict', 'Le paquet a changé pendant la publication : recommencez.');
    return ok({ electionId: next.electionId, outcome: 'revised', report: allowed.value, ballotsMayExist });
  });
}
