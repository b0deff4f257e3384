/**
 * The count: from verified, counted ballot documents (wire v2: choice sets, no id) to the published
 * `Results` (what `GET /api/v1/results` serves and what the audit bundle's results line holds). Pure and
 * Node-free so that the server and the standalone `verify` run the very same code. Participation
 * statistics come apart, from the participation documents the server keeps (never published): `verify`
 * recounts every choice-derived field and takes the participation fields as the server states them.
 * Order-independent by construction: everything is accumulated in maps and sorted on output, so the same
 * batches in any order give deep-equal results.
 */
import { z } from 'zod';
import { equalShares, greedy, type AllocationProject, type BallotGroup } from './allocation';
import { ageBrackets, type BatchPayload, type ElectionPackage, type WireParticipation } from './wire';

export interface TallyOptions {
  /** Kiosks with fewer counted ballots show `null` (default 10): a tiny count could expose a voter. */
  kioskSubtotalThreshold?: number;
  /**
   * Key of the published seeded draw for the last ties (smaller wins), e.g. sha256 hex of seed + id.
   * Injected so this module stays Node-free. Default: the project id.
   */
  drawKey?: (seed: string, projectId: string) => string;
}

/** Territory of a participation whose commune is not in the package's `communeTerritories`. */
export const UNKNOWN_TERRITORY = 'inconnu';

const Allocation = z.strictObject({ funded: z.array(z.string()), spent: z.number().int() });

export const Results = z.strictObject({
  electionId: z.string(),
  ballots: z.number().int().nonnegative(),
  participations: z.number().int().nonnegative(),
  duplicateParticipations: z.number().int().nonnegative(),
  projects: z.array(
    z.strictObject({
      id: z.string(),
      title: z.string(),
      territoryId: z.string(),
      cost: z.number().int(),
      votes: z.number().int().nonnegative(),
    }),
  ),
  byKiosk: z.array(
    z.strictObject({
      kioskId: z.string(),
      label: z.string(),
      ballots: z.number().int().nonnegative().nullable(),
    }),
  ),
  byTerritory: z.array(
    z.strictObject({
      territoryId: z.string(),
      name: z.string(),
      votes: z.number().int().nonnegative(),
      participations: z.number().int().nonnegative(),
    }),
  ),
  byAgeBracket: z.array(
    z.strictObject({ ageBracket: z.string(), participations: z.number().int().nonnegative() }),
  ),
  allocation: z.strictObject({
    budget: z.number().int(),
    greedy: Allocation,
    mes: Allocation,
  }),
});
export type Results = z.infer<typeof Results>;

interface ParticipationSeen {
  /**
   * Deterministic choice among duplicates: the occurrence with the smallest (kioskId, seq, commune,
   * age bracket) is the one whose statistics count, whatever the order batches arrive in.
   */
  kioskId: string;
  seq: number;
  communeCode: string;
  ageBracket: string;
  times: number;
}

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function isSorted(values: readonly string[]): boolean {
  for (let i = 1; i < values.length; i++)
    if ((values[i - 1] as string) >= (values[i] as string)) return false;
  return true;
}

/**
 * A kiosk's ballot count as published: hidden (null) below the threshold, so that a tiny counter's
 * voters stay secret; 0 is shown (nobody to protect). The results and `GET /api/v1/kiosks/:id` share it.
 */
export const publishedSubtotal = (ballots: number, threshold: number): number | null =>
  ballots > 0 && ballots < threshold ? null : ballots;

export class Tally {
  private readonly kiosks = new Map<string, { label: string; ballots: number }>();
  /** Sorted choices joined by "," → number of ballots with exactly that approval set. */
  private readonly approvalSets = new Map<string, number>();
  private readonly participationsSeen = new Map<string, ParticipationSeen>();
  private ballotCount = 0;
  private readonly threshold: number;
  private readonly drawKey: (seed: string, projectId: string) => string;

  constructor(
    private readonly election: ElectionPackage,
    options: TallyOptions = {},
  ) {
    this.threshold = options.kioskSubtotalThreshold ?? 10;
    this.drawKey = options.drawKey ?? ((_seed, id) => id);
  }

  addKiosk(kioskId: string, label: string): void {
    const known = this.kiosks.get(kioskId);
    if (known) known.label = label;
    else this.kiosks.set(kioskId, { label, ballots: 0 });
  }

  /** A counted (non-training, accepted, not held) ballot document, already verified and validated. */
  addBatch(kioskId: string, payload: BatchPayload): void {
    let kiosk = this.kiosks.get(kioskId);
    if (!kiosk) {
      kiosk = { label: kioskId, ballots: 0 };
      this.kiosks.set(kioskId, kiosk);
    }
    kiosk.ballots += payload.ballots.length;
    this.ballotCount += payload.ballots.length;
    for (const choices of payload.ballots) {
      // Kiosks send choices sorted (wire v2); sort only when they are not, the key must be canonical.
      const key = (isSorted(choices) ? choices : [...choices].sort(byString)).join(',');
      this.approvalSets.set(key, (this.approvalSets.get(key) ?? 0) + 1);
    }
  }

  /** The participations of a counted batch (its participation document's items): statistics only. */
  addParticipations(kioskId: string, seq: number, items: readonly WireParticipation[]): void {
    for (const p of items) {
      const seen = this.participationsSeen.get(p.token);
      if (!seen) {
        this.participationsSeen.set(p.token, {
          kioskId,
          seq,
          communeCode: p.communeCode,
          ageBracket: p.ageBracket,
          times: 1,
        });
        continue;
      }
      seen.times += 1;
      const smaller =
        kioskId !== seen.kioskId
          ? kioskId < seen.kioskId
          : seq !== seen.seq
            ? seq < seen.seq
            : p.communeCode !== seen.communeCode
              ? p.communeCode < seen.communeCode
              : p.ageBracket < seen.ageBracket;
      if (smaller) {
        seen.kioskId = kioskId;
        seen.seq = seq;
        seen.communeCode = p.communeCode;
        seen.ageBracket = p.ageBracket;
      }
    }
  }

  /**
   * Participation totals over the election, for the audit bundle's participation line: per commune and
   * per age bracket (each person once, duplicates at their first occurrence) and the assisted total.
   */
  participationTotals(): { byCommune: Map<string, number>; byAgeBracket: Map<string, number> } {
    const byCommune = new Map<string, number>();
    const byAgeBracket = new Map<string, number>();
    for (const seen of this.participationsSeen.values()) {
      byCommune.set(seen.communeCode, (byCommune.get(seen.communeCode) ?? 0) + 1);
      byAgeBracket.set(seen.ageBracket, (byAgeBracket.get(seen.ageBracket) ?? 0) + 1);
    }
    return { byCommune, byAgeBracket };
  }

  /** Approval sets with their counts, sorted by key: the input of MES and of the Pabulib export. */
  ballotGroups(): BallotGroup[] {
    return [...this.approvalSets.entries()]
      .sort(([a], [b]) => byString(a, b))
      .map(([key, count]) => ({ choices: key === '' ? [] : key.split(','), count }));
  }

  results(): Results {
    const election = this.election;
    const votes = new Map<string, number>(election.projects.map((p) => [p.id, 0]));
    const groups = this.ballotGroups();
    for (const group of groups)
      for (const id of group.choices) votes.set(id, (votes.get(id) ?? 0) + group.count);

    const projects = election.projects
      .map((p) => ({
        id: p.id,
        title: p.title,
        territoryId: p.territoryId,
        cost: p.cost,
        votes: votes.get(p.id) ?? 0,
      }))
      .sort((a, b) => b.votes - a.votes || byString(a.id, b.id));

    const byKiosk = [...this.kiosks.entries()]
      .sort(([a], [b]) => byString(a, b))
      .map(([kioskId, k]) => ({
        kioskId,
        label: k.label,
        ballots: publishedSubtotal(k.ballots, this.threshold),
      }));

    const communeTerritories = election.communeTerritories ?? {};
    const participationsByTerritory = new Map<string, number>();
    const participationsByAge = new Map<string, number>();
    let duplicateParticipations = 0;
    for (const seen of this.participationsSeen.values()) {
      if (seen.times > 1) duplicateParticipations += 1;
      const territory = communeTerritories[seen.communeCode] ?? UNKNOWN_TERRITORY;
      participationsByTerritory.set(territory, (participationsByTerritory.get(territory) ?? 0) + 1);
      participationsByAge.set(seen.ageBracket, (participationsByAge.get(seen.ageBracket) ?? 0) + 1);
    }
    const byTerritory = election.territories.map((t) => ({
      territoryId: t.id,
      name: t.name,
      votes: projects.filter((p) => p.territoryId === t.id).reduce((s, p) => s + p.votes, 0),
      participations: participationsByTerritory.get(t.id) ?? 0,
    }));
    const known = new Set(election.territories.map((t) => t.id));
    const unknownParticipations = [...participationsByTerritory.entries()]
      .filter(([id]) => !known.has(id))
      .reduce((s, [, n]) => s + n, 0);
    if (unknownParticipations > 0)
      byTerritory.push({
        territoryId: UNKNOWN_TERRITORY,
        name: 'Inconnu',
        votes: 0,
        participations: unknownParticipations,
      });
    const byAgeBracket = ageBrackets.map((ageBracket) => ({
      ageBracket,
      participations: participationsByAge.get(ageBracket) ?? 0,
    }));

    const seed = election.tieBreakSeed ?? election.electionId;
    const draw = new Map(election.projects.map((p) => [p.id, this.drawKey(seed, p.id)]));
    const tieBreak = (id: string): string => draw.get(id) ?? id;
    const allocationProjects: AllocationProject[] = projects.map((p) => ({
      id: p.id,
      cost: p.cost,
      votes: p.votes,
    }));
    const greedyOutcome = greedy(allocationProjects, election.budget, tieBreak);
    const mesOutcome = equalShares(allocationProjects, groups, election.budget, tieBreak);

    return {
      electionId: election.electionId,
      ballots: this.ballotCount,
      participations: this.participationsSeen.size,
      duplicateParticipations,
      projects,
      byKiosk,
      byTerritory,
      byAgeBracket,
      allocation: {
        budget: election.budget,
        greedy: greedyOutcome,
        mes: { funded: mesOutcome.funded, spent: mesOutcome.spent },
      },
    };
  }
}
