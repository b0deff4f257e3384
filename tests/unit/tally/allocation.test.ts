// The allocation rules: first on instances published with their outcomes elsewhere (each cited), then on
// small instances whose outcomes are derived by hand in the comments.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  equalShares,
  greedy,
  type AllocationProject,
  type BallotGroup,
} from '../../../src/shared/allocation';

/** Projects with their vote counts derived from the ballot groups. */
function withVotes(costs: Record<string, number>, ballots: BallotGroup[]): AllocationProject[] {
  return Object.entries(costs).map(([id, cost]) => ({
    id,
    cost,
    votes: ballots.filter((b) => b.choices.includes(id)).reduce((s, b) => s + b.count, 0),
  }));
}

describe('published instances', () => {
  // equalshares.net, "Explanation of the Method of Equal Shares" (docs/explanation.mdx of
  // github.com/equalshares/equalshares.net), Example 1: budget 1100, 11 voters; the table gives each
  // voter's approvals. Voters 1, 3, 6: bike path + outdoor gym; 2, 4, 5: bike path + outdoor gym + new
  // park; 7 and 10: new park + new playground + library for kids; 8: new playground; 9: new playground +
  // library for kids; 11: bike path.
  const costs = { bike: 700, gym: 400, park: 250, playground: 200, library: 100 };
  const example1 = [
    { choices: ['bike', 'gym'], count: 3 },
    { choices: ['bike', 'gym', 'park'], count: 3 },
    { choices: ['library', 'park', 'playground'], count: 2 },
    { choices: ['playground'], count: 1 },
    { choices: ['library', 'playground'], count: 1 },
    { choices: ['bike'], count: 1 },
  ];

  it('equalshares.net Example 1: greedy takes the two sport projects, MES bike path, playground, library', () => {
    const projects = withVotes(costs, example1);
    // "they would select the bike path (with 7 votes), and then the outdoor gym (with 6 votes), and then
    // stop because the budget is exhausted."
    expect(greedy(projects, 1100)).toEqual({ funded: ['bike', 'gym'], spent: 1100 });
    // "the Method of Equal Shares will select the bike path, then the new playground, and then the
    // library for kids."
    const plain = equalShares(projects, example1, 1100, undefined, { add1: false, greedyCompletion: false });
    expect(plain.funded).toEqual(['bike', 'playground', 'library']);
    // Ours, not published: 100 € are left and nothing unfunded costs that little, so the outcome is
    // exhaustive and Add1 and the greedy fill change nothing.
    expect(equalShares(projects, example1, 1100).funded).toEqual(['bike', 'playground', 'library']);
  });

  it('equalshares.net Example 2 (voter 11 approves the gym instead): MES gym, park, playground', () => {
    const example2 = example1.map((b) => (b.choices.join() === 'bike' ? { choices: ['gym'], count: 1 } : b));
    const projects = withVotes(costs, example2);
    // "the outdoor gym with 7 votes" is selected first, then the new park (effective vote count 4.1),
    // then the new playground (3.2); then "none of the remaining projects … can be afforded".
    const plain = equalShares(projects, example2, 1100, undefined, { add1: false, greedyCompletion: false });
    expect(plain.mesFunded).toEqual(['gym', 'park', 'playground']);
    expect(plain.spent).toBe(850);
  });

  // pabutools (github.com/COMSOC-Community/pabutools, tests/test_rule.py at commit b9cfb34), the
  // "Running example from Lackner & Skowron 2023" (Multi-Winner Voting with Approval Preferences): 7
  // projects of cost 1, budget 4, 12 voters. pabutools' test_iterated_exhaustion expects MES with cost
  // satisfaction to fund {a} alone, MES with the budget raised in steps of 1/24 (exhaustion by budget
  // increase, our Add1 with `add1Step`) to fund {a, b, c, d}, and in steps of 5 to stay at {a}.
  const lackner = [
    { choices: ['a', 'b'], count: 3 },
    { choices: ['a', 'c'], count: 3 },
    { choices: ['a', 'd'], count: 2 },
    { choices: ['b', 'c', 'f'], count: 1 },
    { choices: ['e'], count: 1 },
    { choices: ['f'], count: 1 },
    { choices: ['g'], count: 1 },
  ];
  const unitCosts = Object.fromEntries(['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((id) => [id, 1]));

  it('pabutools: the Lackner & Skowron running example, plain MES and exhaustion by budget increase', () => {
    const projects = withVotes(unitCosts, lackner);
    const none = { add1: false, greedyCompletion: false } as const;
    expect(equalShares(projects, lackner, 4, undefined, none).funded).toEqual(['a']);
    const fine = equalShares(projects, lackner, 4, undefined, { add1Step: 1 / 24, greedyCompletion: false });
    expect([...fine.funded].sort()).toEqual(['a', 'b', 'c', 'd']);
    const coarse = equalShares(projects, lackner, 4, undefined, { add1Step: 5, greedyCompletion: false });
    expect(coarse.funded).toEqual(['a']);
  });

  it('pabutools: "Approval example 2", cost and approval utilities, and Add1 by 1/10 per voter', () => {
    // Same test file, dummy election "AppEx_2": p0 costs 1, p1 0.9, p2 2, p3 1.09, budget 4; ballots
    // {p0}, {p1, p2, p3} twice, {p2}. Expected: MES with cost satisfaction {p0, p2}, with cardinality
    // (approval) satisfaction {p0, p1, p3}, and "mes_iterated" (voter budget increment 1/10) with cost
    // satisfaction {p0, p1, p2}. Our costs are whole euros, so everything is in hundredths (MES does not
    // change when every cost and the budget are scaled alike); 1/10 per voter is then 40 in total.
    const ballots = [
      { choices: ['p0'], count: 1 },
      { choices: ['p1', 'p2', 'p3'], count: 2 },
      { choices: ['p2'], count: 1 },
    ];
    const projects = withVotes({ p0: 100, p1: 90, p2: 200, p3: 109 }, ballots);
    const none = { add1: false, greedyCompletion: false } as const;
    const sorted = (ids: string[]) => [...ids].sort();
    expect(sorted(equalShares(projects, ballots, 400, undefined, none).funded)).toEqual(['p0', 'p2']);
    expect(
      sorted(equalShares(projects, ballots, 400, undefined, { ...none, utility: 'approval' }).funded),
    ).toEqual(['p0', 'p1', 'p3']);
    expect(
      sorted(
        equalShares(projects, ballots, 400, undefined, { add1Step: 40, greedyCompletion: false }).funded,
      ),
    ).toEqual(['p0', 'p1', 'p2']);
  });
});

describe('greedy', () => {
  it('skips a project that does not fit and funds the next one that does', () => {
    // a (10 votes, 70 €) fits; b (8 votes, 50 €) would make 120 > 100: skipped; c (5, 30 €) fits: 100.
    const outcome = greedy(
      [
        { id: 'a', cost: 70, votes: 10 },
        { id: 'b', cost: 50, votes: 8 },
        { id: 'c', cost: 30, votes: 5 },
      ],
      100,
    );
    expect(outcome).toEqual({ funded: ['a', 'c'], spent: 100 });
  });

  it('breaks equal votes by lower cost, then by the seeded draw', () => {
    const projects = [
      { id: 'a', cost: 60, votes: 5 },
      { id: 'b', cost: 60, votes: 5 },
      { id: 'c', cost: 70, votes: 5 },
    ];
    // Equal votes: a and b (60 €) before c (70 €); a vs b: the draw key decides.
    expect(greedy(projects, 100).funded).toEqual(['a']);
    expect(greedy(projects, 100, (id) => (id === 'b' ? '0' : '1')).funded).toEqual(['b']);
    expect(greedy(projects, 150, (id) => (id === 'b' ? '0' : '1')).funded).toEqual(['b', 'a']);
  });

  it('never funds a project nobody chose', () => {
    expect(greedy([{ id: 'a', cost: 0, votes: 0 }], 10).funded).toEqual([]);
  });
});

describe('Method of Equal Shares', () => {
  it('differs from greedy: the minority gets its project', () => {
    // 100 voters, budget 100 € → 1 € each. 60 voters approve {a, b}, 40 approve {c}; each costs 40 €.
    // Greedy: a (60), b (60) → 80 €, c (40) would make 120 €: {a, b}.
    // MES round 1: a and b: 40/60 = 0.667 € each, ρ = 0.667/40 = 1/60; c: 1 € each, ρ = 1/40.
    //   a and b tie (same cost, same votes): draw → a. Its supporters keep 0.333 € each.
    // Round 2: b: 60 × 0.333 = 20 € < 40 €, unaffordable; c: 40 × 1 € = 40 € → funded.
    // Nothing else fits in the 20 € left, so Add1 and completion change nothing: {a, c}.
    const ballots = [
      { choices: ['a', 'b'], count: 60 },
      { choices: ['c'], count: 40 },
    ];
    const projects = withVotes({ a: 40, b: 40, c: 40 }, ballots);
    expect(greedy(projects, 100).funded).toEqual(['a', 'b']);
    const mes = equalShares(projects, ballots, 100);
    expect(mes.funded).toEqual(['a', 'c']);
    expect(mes.spent).toBe(80);
    expect(mes.add1Iterations).toBe(0);
  });

  it('Add1 on three voters who approve one project each (derived by hand)', () => {
    // Voters a, b, c approve x (100 €), y (200 €), z (300 €) respectively; budget 600 € → 200 € each.
    // MES: x (α 100, ρ 1) and y (α 200, ρ 1) tie on ρ: x is cheaper, then y; z needs 300 € from c, who
    // has 200 €: unaffordable. {x, y} = 300 €, and z would still fit: Add1 raises the shares until c
    // holds 300 € (virtual 900 €), where {x, y, z} = 600 € fits the real budget exactly.
    const ballots = [
      { choices: ['x'], count: 1 },
      { choices: ['y'], count: 1 },
      { choices: ['z'], count: 1 },
    ];
    const projects = withVotes({ x: 100, y: 200, z: 300 }, ballots);
    const opts = { add1: false, greedyCompletion: false } as const;
    expect(equalShares(projects, ballots, 600, undefined, opts).funded).toEqual(['x', 'y']);
    const add1 = equalShares(projects, ballots, 600, undefined, { greedyCompletion: false });
    expect(add1.mesFunded).toEqual(['x', 'y', 'z']);
    expect(add1.spent).toBe(600);
    expect(add1.virtualBudget).toBe(900);
  });

  it('is proportional on a party-list profile (Peters & Skowron)', () => {
    // 99 voters, budget 60 €: 66 approve a1..a6, 33 approve b1..b6, every project 10 €.
    // Greedy funds a1..a6 (66 votes each). MES: each voter has 60/99 €; the a-party holds 40 €, the
    // b-party 20 €: a1..a4 (ρ = (10/66)/10, cheaper per voter) then b1, b2 (ρ = (10/33)/10).
    const a = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'];
    const b = ['b1', 'b2', 'b3', 'b4', 'b5', 'b6'];
    const ballots = [
      { choices: a, count: 66 },
      { choices: b, count: 33 },
    ];
    const projects = withVotes(Object.fromEntries([...a, ...b].map((id) => [id, 10])), ballots);
    expect(greedy(projects, 60).funded).toEqual(a);
    const mes = equalShares(projects, ballots, 60);
    expect(mes.mesFunded).toEqual(['a1', 'a2', 'a3', 'a4', 'b1', 'b2']);
    expect(mes.spent).toBe(60);
  });

  it('Add1 raises the per-voter budget until one more project fits', () => {
    // 10 voters, budget 100 € (10 € each): 5 approve {z, x}, 5 approve {z, w}; z 30 €, x 60 €, w 10 €.
    // Plain MES: z (3 € each, ρ 0.1), then w (2 € each from the 5 with 7 € left, ρ 0.2); x needs 60 €
    // from 5 voters with 7 € each (35 €): unaffordable. Outcome {z, w}, 40 €, while x (60 €) still fits.
    // Add1: at 15 € each (virtual 150 €), z (3 €), then x (12 €, ρ 0.2) ties w (2 €, ρ 0.2): w is cheaper,
    // then x from 5 × 12 € = 60 €. Outcome {z, w, x} = 100 €, within the real budget and exhaustive.
    const ballots = [
      { choices: ['z', 'x'], count: 5 },
      { choices: ['z', 'w'], count: 5 },
    ];
    const projects = withVotes({ z: 30, x: 60, w: 10 }, ballots);
    const plain = equalShares(projects, ballots, 100, undefined, { add1: false, greedyCompletion: false });
    expect(plain.funded).toEqual(['z', 'w']);
    expect(plain.spent).toBe(40);
    const add1 = equalShares(projects, ballots, 100);
    expect(add1.mesFunded).toEqual(['z', 'w', 'x']);
    expect(add1.completion).toEqual([]);
    expect(add1.spent).toBe(100);
    expect(add1.virtualBudget).toBeGreaterThan(100);
    // Textbook Add1 (1 € per voter = 10 € total a step) reaches the same outcome.
    expect(equalShares(projects, ballots, 100, undefined, { add1Step: 10 }).funded).toEqual(['z', 'w', 'x']);
  });

  it('keeps the last feasible Add1 outcome and completes greedily', () => {
    // 10 voters, budget 100 €: 5 approve {z, x}, 5 approve {z, y}; z 30 €, x 60 €, y 60 €.
    // MES: only z (x and y need 12 € from each supporter, they have 7 €). Add1: x and y become
    // affordable together at 15 € each (virtual 150 €), and then cost 150 € > 100 €: over budget, so the
    // kept outcome is {z}. Greedy completion: x and y tie (5 votes, 60 €), draw → x (30 + 60 = 90 €).
    const ballots = [
      { choices: ['z', 'x'], count: 5 },
      { choices: ['z', 'y'], count: 5 },
    ];
    const projects = withVotes({ z: 30, x: 60, y: 60 }, ballots);
    const outcome = equalShares(projects, ballots, 100);
    expect(outcome.mesFunded).toEqual(['z']);
    expect(outcome.completion).toEqual(['x']);
    expect(outcome.funded).toEqual(['z', 'x']);
    expect(outcome.spent).toBe(90);
    // The draw decides the completion tie.
    expect(equalShares(projects, ballots, 100, (id) => (id === 'y' ? '0' : '1')).completion).toEqual(['y']);
    // Without completion the money stays unspent.
    expect(equalShares(projects, ballots, 100, undefined, { greedyCompletion: false }).spent).toBe(30);
  });

  it('approval utilities prefer the project that costs each supporter least', () => {
    // 10 voters, budget 100: 6 approve {big} (60 €), 4 approve {small} (8 €).
    // cost utilities: big ρ = (60/6)/60 = 1/6, small ρ = (8/4)/8 = 1/4 → big first.
    // approval utilities: big ρ = 10 €, small ρ = 2 € → small first. Both end funding both.
    const ballots = [
      { choices: ['big'], count: 6 },
      { choices: ['small'], count: 4 },
    ];
    const projects = withVotes({ big: 60, small: 8 }, ballots);
    const opts = { add1: false, greedyCompletion: false } as const;
    expect(equalShares(projects, ballots, 100, undefined, opts).mesFunded).toEqual(['big', 'small']);
    expect(
      equalShares(projects, ballots, 100, undefined, { ...opts, utility: 'approval' }).mesFunded,
    ).toEqual(['small', 'big']);
  });

  it('agrees with a naive per-voter implementation (property)', () => {
    // The textbook algorithm, one voter at a time and sorting supporters by money: no grouping, no lazy
    // bounds, no iterative capping. Same tie order (lower cost, more votes, id).
    const naive = (projects: AllocationProject[], ballots: BallotGroup[], budget: number): string[] => {
      const voters = ballots.flatMap((b) => Array.from({ length: b.count }, () => new Set(b.choices)));
      const money = voters.map(() => budget / voters.length);
      const funded: string[] = [];
      const left = new Set(projects.map((p) => p.id));
      for (;;) {
        let best: { p: AllocationProject; rho: number; alpha: number } | null = null;
        for (const p of projects.filter((q) => left.has(q.id))) {
          const supporters = voters.map((v, i) => (v.has(p.id) ? i : -1)).filter((i) => i >= 0);
          const total = supporters.reduce((s, i) => s + (money[i] ?? 0), 0);
          if (supporters.length === 0 || total < p.cost * (1 - 1e-9)) continue;
          supporters.sort((a, b) => (money[a] ?? 0) - (money[b] ?? 0));
          let rest = p.cost;
          let alpha = 0;
          for (let k = 0; k < supporters.length; k++) {
            const share = rest / (supporters.length - k);
            const m = money[supporters[k] as number] ?? 0;
            if (m >= share) {
              alpha = share;
              break;
            }
            rest -= m;
            alpha = m;
          }
          const rho = p.cost === 0 ? 0 : alpha / p.cost;
          const tie =
            best &&
            Math.abs(rho - best.rho) <= 1e-9 * Math.max(rho, best.rho) &&
            (p.cost - best.p.cost || best.p.votes - p.votes || (p.id < best.p.id ? -1 : 1)) < 0;
          if (!best || tie || rho < best.rho - 1e-9 * Math.max(rho, best.rho)) best = { p, rho, alpha };
        }
        if (!best) return funded;
        for (let i = 0; i < voters.length; i++)
          if (voters[i]?.has(best.p.id)) money[i] = Math.max(0, (money[i] ?? 0) - best.alpha);
        funded.push(best.p.id);
        left.delete(best.p.id);
      }
    };
    const ids = ['p1', 'p2', 'p3', 'p4', 'p5'];
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 5, maxLength: 5 }),
        fc.array(
          fc.record({
            choices: fc.subarray(ids, { minLength: 1, maxLength: 3 }),
            count: fc.integer({ min: 1, max: 6 }),
          }),
          { minLength: 1, maxLength: 10 },
        ),
        fc.integer({ min: 1, max: 1000 }),
        (costs, ballots, budget) => {
          const projects = withVotes(Object.fromEntries(ids.map((id, i) => [id, costs[i] ?? 1])), ballots);
          const fast = equalShares(projects, ballots, budget, undefined, {
            add1: false,
            greedyCompletion: false,
          });
          expect(fast.funded).toEqual(naive(projects, ballots, budget));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never exceeds the budget and funds each project at most once (property)', () => {
    const ids = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'];
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 6, maxLength: 6 }),
        fc.array(
          fc.record({
            choices: fc.subarray(ids, { minLength: 1, maxLength: 3 }),
            count: fc.integer({ min: 1, max: 50 }),
          }),
          { minLength: 1, maxLength: 12 },
        ),
        fc.integer({ min: 0, max: 1500 }),
        (costs, ballots, budget) => {
          const projects = withVotes(Object.fromEntries(ids.map((id, i) => [id, costs[i] ?? 0])), ballots);
          for (const outcome of [greedy(projects, budget), equalShares(projects, ballots, budget)]) {
            expect(outcome.spent).toBeLessThanOrEqual(budget);
            expect(new Set(outcome.funded).size).toBe(outcome.funded.length);
            const spent = outcome.funded.reduce(
              (s, id) => s + (projects.find((p) => p.id === id)?.cost ?? 0),
              0,
            );
            expect(outcome.spent).toBe(spent);
          }
          // Greedy is exhaustive: no unfunded project with votes still fits.
          const g = greedy(projects, budget);
          const left = budget - g.spent;
          expect(projects.some((p) => p.votes > 0 && !g.funded.includes(p.id) && p.cost <= left)).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });
});
