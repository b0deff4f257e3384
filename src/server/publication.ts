/**
 * What may be published when (docs/secrecy.md §4, docs/server.md "Embargo"): before the close in the
 * signed package, by the server's clock, no per-project vote, allocation or breakdown of choices leaves
 * the server — only participation counts. `serve --live-results` lifts the embargo for a demonstration,
 * and everything served then says so. Pure functions: the API, the pages and the exports ask them.
 */
import { z } from 'zod';
import { publishedSubtotal, type Results } from '../shared/tally';

/**
 * `embargoed`: before the close, choices hidden. `closed`: after the close, everything published.
 * `live`: before the close with the embargo lifted for a demonstration (said on every page).
 */
export type PublicationPhase = 'embargoed' | 'closed' | 'live';

export interface Publication {
  phase: PublicationPhase;
  /** The close in the signed package: when the results will be (or were) published. */
  closesAt: string;
}

export function publicationOf(closesAt: string, now: Date, liveResults: boolean): Publication {
  const closed = now.getTime() >= Date.parse(closesAt);
  return { phase: closed ? 'closed' : liveResults ? 'live' : 'embargoed', closesAt };
}

/** Results (choices included) may be shown. */
export const choicesShown = (p: Publication): boolean => p.phase !== 'embargoed';

/** `GET /api/v1/results` during the vote: participation only, never a choice. */
export const EmbargoedResults = z.strictObject({
  electionId: z.string(),
  embargoed: z.literal(true),
  closesAt: z.string(),
  ballots: z.number().int().nonnegative(),
  participations: z.number().int().nonnegative(),
  duplicateParticipations: z.number().int().nonnegative(),
  byTerritory: z.array(
    z.strictObject({
      territoryId: z.string(),
      name: z.string(),
      participations: z.number().int().nonnegative(),
    }),
  ),
});
export type EmbargoedResults = z.infer<typeof EmbargoedResults>;

/** The full results with `embargoed: false`, and `liveResults: true` when shown before the close. */
export type PublishedResults = Results & { embargoed: false; liveResults?: true };

export type ServedResults = EmbargoedResults | PublishedResults;

export function embargoedResults(results: Results, closesAt: string): EmbargoedResults {
  return {
    electionId: results.electionId,
    embargoed: true,
    closesAt,
    ballots: results.ballots,
    participations: results.participations,
    duplicateParticipations: results.duplicateParticipations,
    byTerritory: results.byTerritory.map((t) => ({
      territoryId: t.territoryId,
      name: t.name,
      participations: t.participations,
    })),
  };
}

/** What `GET /api/v1/results` serves in this phase. */
export function servedResults(results: Results, publication: Publication): ServedResults {
  switch (publication.phase) {
    case 'embargoed':
      return embargoedResults(results, publication.closesAt);
    case 'live':
      return { ...results, embargoed: false, liveResults: true };
    case 'closed':
      return { ...results, embargoed: false };
  }
}

/** A kiosk's exact state: to the kiosk itself (signed request) or an admin. */
export interface ExactKioskState {
  kioskId: string;
  label: string;
  highWater: number;
  head: string;
  lastSeenAt: string | null;
  ballots: number;
  flagged: boolean;
}

/**
 * `GET /api/v1/kiosks/:id` to the public: no seq, chain head or time (polling them would tie each
 * change of the results to one kiosk's batch), and the ballot count only after the close, hidden below
 * the subtotal threshold as in the results.
 */
export const PublicKioskState = z.strictObject({
  kioskId: z.string(),
  label: z.string(),
  ballots: z.number().int().nonnegative().nullable(),
  flagged: z.boolean(),
});
export type PublicKioskState = z.infer<typeof PublicKioskState>;

export function publicKioskState(
  kiosk: ExactKioskState,
  publication: Publication,
  threshold: number,
): PublicKioskState {
  return {
    kioskId: kiosk.kioskId,
    label: kiosk.label,
    ballots: publication.phase === 'closed' ? publishedSubtotal(kiosk.ballots, threshold) : null,
    flagged: kiosk.flagged,
  };
}

/** The refusal of an export of choices before the close: stable code, French message. */
export function embargoRefusal(closesAt: string): { code: 'embargoed'; message: string } {
  return {
    code: 'embargoed',
    message: `Résultats sous embargo jusqu’à la clôture du vote (${closesAt}) : aucun export des choix avant.`,
  };
}

/** The refusal of an export of choices at this moment, or null when it may go ahead. */
export function refusalNow(
  closesAt: string,
  liveResults: boolean,
  now: Date = new Date(),
): { code: 'embargoed'; message: string } | null {
  return publicationOf(closesAt, now, liveResults).phase === 'embargoed' ? embargoRefusal(closesAt) : null;
}
