/**
 * The two allocation rules that turn approval counts into funded projects (docs/allocation.md): the
 * Département's greedy rule, and the Method of Equal Shares (MES) with Add1 completion. Pure and
 * deterministic: the same inputs give the same funded list on the server, in `verify` and on a
 * observer's laptop. Amounts are whole euros on input; MES works in floating point internally and
 * compares with a relative tolerance so that mathematically equal ties stay ties.
 */

export interface AllocationProject {
  id: string;
  /** Whole euros. */
  cost: number;
  /** Number of ballots approving the project. */
  votes: number;
}

/** Voters with identical approval sets, grouped: MES treats them identically, so it runs on groups. */
export interface BallotGroup {
  choices: readonly string[];
  count: number;
}

export interface Allocation {
  funded: string[];
  spent: number;
}

/**
 * Order of the published draw for the last ties: the smaller key wins. The tally injects a seeded hash
 * (`drawKey(seed, id)`); the default is the project id itself, so that a bare call is still deterministic.
 */
export type TieBreak = (projectId: string) => string;

const identityTieBreak: TieBreak = (id) => id;

const EPSILON = 1e-9;

/** Ties everywhere in this file: lower cost, then more votes, then the seeded draw, then the id. */
function compareTie(a: AllocationProject, b: AllocationProject, tieBreak: TieBreak): number {
  if (a.cost !== b.cost) return a.cost - b.cost;
  if (a.votes !== b.votes) return b.votes - a.votes;
  const ka = tieBreak(a.id);
  const kb = tieBreak(b.id);
  if (ka !== kb) return ka < kb ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Ranking of the greedy rule: votes (desc), then the common tie order. */
function compareByVotes(a: AllocationProject, b: AllocationProject, tieBreak: TieBreak): number {
  if (a.votes !== b.votes) return b.votes - a.votes;
  return compareTie(a, b, tieBreak);
}

/**
 * The Département's rule: rank by votes and fund each project that still fits in what is left of the
 * budget, skipping (not stopping at) one that does not fit. The published rule only says "the most
 * chosen projects are funded"; skipping is the usual reading (Pabulib's `greedy`) and never leaves money
 * unused while a smaller popular project could be funded. Projects with no vote are never funded.
 */
export function greedy(
  projects: readonly AllocationProject[],
  budget: number,
  tieBreak: TieBreak = identityTieBreak,
): Allocation {
  const ranked = [...projects].sort((a, b) => compareByVotes(a, b, tieBreak));
  const funded: string[] = [];
  let spent = 0;
  for (const project of ranked) {
    if (project.votes <= 0) break;
    if (spent + project.cost <= budget) {
      funded.push(project.id);
      spent += project.cost;
    }
  }
  return { funded, spent };
}

export interface EqualSharesOptions {
  /**
   * `cost` (default, as on equalshares.net and in Pabulib's Wieliczka/Świecie runs): a voter's utility
   * for an approved project is its cost, so ρ is what each supporter pays per euro of the project;
   * `approval`: each approval is worth 1, so ρ is what each supporter pays.
   */
  utility?: 'cost' | 'approval';
  /**
   * Add1 completion (default true): while MES leaves an affordable project unfunded, raise the
   * virtual budget and rerun, keeping the last outcome that fits the real budget.
   */
  add1?: boolean;
  /**
   * Finest total (not per-voter) increase of the virtual budget in Add1, in euros. Default: 1 € per
   * voter (the textbook Add1) or 0.01 % of the budget, whichever is smaller. See docs/allocation.md.
   */
  add1Step?: number;
  /** Upper bound on coarse Add1 steps of 50 units each (default 400). */
  add1MaxIterations?: number;
  /** After Add1, fund greedily by votes whatever still fits (default true). */
  greedyCompletion?: boolean;
}

export interface EqualSharesResult extends Allocation {
  /** Funded by MES itself (at the last feasible virtual budget), in order of selection. */
  mesFunded: string[];
  /** Added by the greedy completion, in order. */
  completion: string[];
  /** Virtual total budget of the kept MES run. */
  virtualBudget: number;
  add1Iterations: number;
}

interface Candidate extends AllocationProject {
  /** Indexes of the groups (distinct approval sets) approving this project. */
  supporters: Int32Array;
}

function buildCandidates(projects: readonly AllocationProject[], ballots: readonly BallotGroup[]) {
  const index = new Map<string, number>();
  projects.forEach((p, i) => index.set(p.id, i));
  const lists: number[][] = projects.map(() => []);
  const counts: number[] = [];
  for (const ballot of ballots) {
    if (ballot.count <= 0) continue;
    const g = counts.length;
    counts.push(ballot.count);
    for (const choice of new Set(ballot.choices)) {
      const i = index.get(choice);
      if (i !== undefined) lists[i]?.push(g);
    }
  }
  const candidates: Candidate[] = projects.map((p, i) => ({
    ...p,
    supporters: Int32Array.from(lists[i] ?? []),
  }));
  return { candidates, counts: Float64Array.from(counts) };
}

/**
 * The smallest equal payment α such that the supporters, each paying min(money, α), cover the cost;
 * `null` when even all their money is not enough. Instead of sorting supporters by money, it starts
 * from the uncapped share and raises α while some supporters cannot pay it: each pass caps at least
 * one more money level, and in practice two or three passes suffice.
 */
function equalPayment(candidate: Candidate, money: Float64Array, counts: Float64Array): number | null {
  const cost = candidate.cost;
  if (cost === 0) return 0;
  const supporters = candidate.supporters;
  let voters = 0;
  let total = 0;
  for (let k = 0; k < supporters.length; k++) {
    const g = supporters[k] as number;
    const c = counts[g] as number;
    voters += c;
    total += c * (money[g] as number);
  }
  if (voters === 0 || total < cost * (1 - EPSILON)) return null;
  let alpha = cost / voters;
  for (;;) {
    let capped = 0;
    let cappedMoney = 0;
    for (let k = 0; k < supporters.length; k++) {
      const g = supporters[k] as number;
      const m = money[g] as number;
      if (m < alpha) {
        const c = counts[g] as number;
        capped += c;
        cappedMoney += c * m;
      }
    }
    const payers = voters - capped;
    // Rounding only: everyone is capped, so everyone pays all they have.
    if (payers <= 0) return alpha;
    // Newly capped supporters pay less than α, so the others must pay more; unchanged means done.
    const next = (cost - cappedMoney) / payers;
    if (next <= alpha) return alpha;
    alpha = next;
  }
}

const nearlyEqual = (a: number, b: number): boolean =>
  Math.abs(a - b) <= EPSILON * Math.max(Math.abs(a), Math.abs(b), 1e-300);

/** One MES run at a given virtual total budget; returns the funded ids in selection order. */
function runMes(
  candidates: Candidate[],
  counts: Float64Array,
  virtualBudget: number,
  utility: 'cost' | 'approval',
  tieBreak: TieBreak,
): string[] {
  const voters = counts.reduce((s, c) => s + c, 0);
  if (voters === 0) return [];
  const share = virtualBudget / voters;
  const money = new Float64Array(counts.length).fill(share);
  const remaining = new Set(candidates.map((_, i) => i));
  const funded: string[] = [];
  // Budgets only go down, so a project's ρ only goes up: a previous ρ is a lower bound (lazy
  // evaluation, as in the reference implementations), which saves most recomputations.
  const lowerBound = new Map<number, number>();
  for (;;) {
    const order = [...remaining].sort((a, b) => (lowerBound.get(a) ?? 0) - (lowerBound.get(b) ?? 0));
    let best: { i: number; rho: number; alpha: number } | null = null;
    for (const i of order) {
      const candidate = candidates[i] as Candidate;
      const bound = lowerBound.get(i) ?? 0;
      if (best && bound > best.rho && !nearlyEqual(bound, best.rho)) break;
      const alpha = equalPayment(candidate, money, counts);
      if (alpha === null) {
        remaining.delete(i); // money never comes back: it stays unaffordable
        continue;
      }
      const rho = utility === 'cost' ? (candidate.cost === 0 ? 0 : alpha / candidate.cost) : alpha;
      lowerBound.set(i, rho);
      if (
        !best ||
        (nearlyEqual(rho, best.rho)
          ? compareTie(candidate, candidates[best.i] as Candidate, tieBreak) < 0
          : rho < best.rho)
      )
        best = { i, rho, alpha };
    }
    if (!best) break;
    const chosen = candidates[best.i] as Candidate;
    for (const g of chosen.supporters) {
      const m = money[g] as number;
      money[g] = m > best.alpha ? m - best.alpha : 0;
    }
    remaining.delete(best.i);
    funded.push(chosen.id);
  }
  return funded;
}

function costOf(ids: readonly string[], byId: Map<string, AllocationProject>): number {
  return ids.reduce((s, id) => s + (byId.get(id)?.cost ?? 0), 0);
}

/**
 * Method of Equal Shares for approval ballots, with Add1 completion and (optionally) a greedy fill.
 * Every voter gets budget/voters; each round funds the project whose supporters can pay its cost in
 * equal shares (capped by what each has left) at the least ρ; ties: lower cost, more votes, the draw.
 */
export function equalShares(
  projects: readonly AllocationProject[],
  ballots: readonly BallotGroup[],
  budget: number,
  tieBreak: TieBreak = identityTieBreak,
  options: EqualSharesOptions = {},
): EqualSharesResult {
  const utility = options.utility ?? 'cost';
  const { candidates, counts } = buildCandidates(projects, ballots);
  const byId = new Map(projects.map((p) => [p.id, p]));
  const voters = counts.reduce((s, c) => s + c, 0);

  const exhaustive = (funded: readonly string[]): boolean => {
    const left = budget - costOf(funded, byId);
    const taken = new Set(funded);
    // Only projects someone approved can ever be funded by MES.
    return !candidates.some((c) => !taken.has(c.id) && c.supporters.length > 0 && c.cost <= left);
  };

  let kept = runMes(candidates, counts, budget, utility, tieBreak);
  let virtualBudget = budget;
  let iterations = 0;
  if ((options.add1 ?? true) && voters > 0) {
    // Textbook Add1 raises every voter's share by 1 € per step. Its unit here is the smaller of 1 € per
    // voter and 0.01 % of the budget (at 1M voters, 1 € each would add 1M € at once). A coarse scan
    // (50 units a step) finds the first run over budget, then a fine scan (1 unit a step) from the last
    // feasible coarse point finds the first over-budget run at full resolution (docs/allocation.md).
    const unit = options.add1Step ?? Math.min(voters, Math.max(1, Math.ceil(budget / 10_000)));
    const maxIterations = options.add1MaxIterations ?? 400;
    const tryAt = (virtual: number): string[] | null => {
      iterations += 1;
      const next = runMes(candidates, counts, virtual, utility, tieBreak);
      return costOf(next, byId) > budget ? null : next;
    };
    let overAt: number | null = null;
    for (let k = 1; !exhaustive(kept) && k <= maxIterations; k++) {
      const virtual = budget + k * 50 * unit;
      const next = tryAt(virtual);
      if (!next) {
        overAt = virtual;
        break;
      }
      kept = next;
      virtualBudget = virtual;
    }
    if (overAt !== null) {
      for (let virtual = virtualBudget + unit; virtual < overAt && !exhaustive(kept); virtual += unit) {
        const next = tryAt(virtual);
        if (!next) break;
        kept = next;
        virtualBudget = virtual;
      }
    }
  }

  const completion: string[] = [];
  let spent = costOf(kept, byId);
  if (options.greedyCompletion ?? true) {
    const taken = new Set(kept);
    const rest = projects.filter((p) => !taken.has(p.id));
    for (const project of [...rest].sort((a, b) => compareByVotes(a, b, tieBreak))) {
      if (project.votes <= 0) break;
      if (spent + project.cost <= budget) {
        completion.push(project.id);
        spent += project.cost;
      }
    }
  }
  return {
    funded: [...kept, ...completion],
    spent,
    mesFunded: kept,
    completion,
    virtualBudget,
    add1Iterations: iterations,
  };
}
