import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { allowedRevision, packageChanges, sameJson } from './package-revision';
import type { ElectionPackage } from './wire';

const base: ElectionPackage = {
  v: 2,
  batchSize: 20,
  tokenKdf: { salt: 'c2VsLWRlLXRlc3QtaXNvbG9pcg', logN: 14, r: 8, p: 1 },
  electionId: 'bc-62-2027',
  title: 'Budget citoyen 2027',
  opensAt: '2027-08-31T22:00:00.000Z',
  closesAt: '2027-09-30T22:00:00.000Z',
  lateDeliveryHours: 48,
  minChoices: 1,
  maxChoices: 3,
  minAge: 11,
  department: '62',
  budget: 100_000,
  territories: [
    { id: 'arrageois', name: 'Arrageois' },
    { id: 'calaisis', name: 'Calaisis' },
  ],
  projects: ['jardin', 'velo', 'ecole'].map((id, i) => ({
    id,
    title: `Projet ${id}`,
    summary: `Résumé ${id}`,
    description: `Description ${id}`,
    territoryId: i % 2 ? 'calaisis' : 'arrageois',
    theme: 'Solidarité',
    carrier: 'Association',
    cost: 20_000 + i * 5_000,
    image: `data:image/webp;base64,AAAA${i}`,
  })),
};

const revised = (change: (p: ElectionPackage) => ElectionPackage, revision = 2): ElectionPackage => ({
  ...change(structuredClone(base)),
  revision,
});

describe('allowedRevision', () => {
  test('texts and images of projects and the title may change; the report lists them', () => {
    const next = revised((p) => {
      p.title = 'Budget citoyen 2027 (corrigé)';
      p.projects[1]!.summary = 'Résumé corrigé';
      p.projects[2]!.image = 'data:image/webp;base64,BBBB';
      p.projects[0]!.plainSummary = 'En bref';
      return p;
    });
    const result = allowedRevision(base, next);
    expect(result).toEqual({
      ok: true,
      value: {
        fromRevision: 1,
        toRevision: 2,
        changes: [
          { path: 'title', kind: 'text' },
          { path: 'projects[jardin].plainSummary', kind: 'text' },
          { path: 'projects[velo].summary', kind: 'text' },
          { path: 'projects[ecole].image', kind: 'image' },
        ],
      },
    });
  });

  test.each<[string, (p: ElectionPackage) => ElectionPackage, string]>([
    ['a cost', (p) => ((p.projects[0]!.cost += 1), p), 'projects[jardin].cost'],
    [
      'a territory of a project',
      (p) => ((p.projects[0]!.territoryId = 'calaisis'), p),
      'projects[jardin].territoryId',
    ],
    ['the project list', (p) => ((p.projects = p.projects.slice(0, 2)), p), 'projects'],
    ['a project id', (p) => ((p.projects[2]!.id = 'ecole-2'), p), 'projects'],
    ['the project order', (p) => (p.projects.reverse(), p), 'projects'],
    ['the opening date', (p) => ((p.opensAt = '2027-09-01T00:00:00.000Z'), p), 'opensAt'],
    ['the closing date', (p) => ((p.closesAt = '2027-10-01T00:00:00.000Z'), p), 'closesAt'],
    ['the late delivery window', (p) => ((p.lateDeliveryHours = 24), p), 'lateDeliveryHours'],
    ['the rule', (p) => ((p.maxChoices = 2), p), 'maxChoices'],
    ['the minimum age', (p) => ((p.minAge = 16), p), 'minAge'],
    ['the budget', (p) => ((p.budget = 1), p), 'budget'],
    ['a territory name', (p) => ((p.territories[0]!.name = 'Arras'), p), 'territories'],
    [
      'the commune map',
      (p) => ({ ...p, communeTerritories: { '62041': 'arrageois' } }),
      'communeTerritories',
    ],
    ['the tie-break seed', (p) => ({ ...p, tieBreakSeed: 'x' }), 'tieBreakSeed'],
    ['K, the batch size', (p) => ({ ...p, batchSize: 10 }), 'batchSize'],
    ['the token KDF', (p) => ({ ...p, tokenKdf: { ...p.tokenKdf, logN: 10 } }), 'tokenKdf'],
  ])('%s may not change once ballots may exist', (_, change, path) => {
    const result = allowedRevision(base, revised(change));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('conflict');
      expect(result.error.message).toContain(path);
    }
    // Before any ballot can exist, the same change is accepted and reported as forbidden-later.
    const early = allowedRevision(base, revised(change), { ballotsMayExist: false });
    expect(early.ok && early.value.changes.some((c) => c.kind === 'forbidden' && c.path === path)).toBe(true);
  });

  test('the revision must go up, and the election stay the same', () => {
    const same = allowedRevision(base, { ...base, title: 'x', revision: 1 });
    expect(same.ok).toBe(false);
    const two = { ...base, revision: 2 };
    expect(allowedRevision(two, { ...base, revision: 2 }).ok).toBe(false);
    expect(allowedRevision(two, { ...base, revision: 1 }).ok).toBe(false);
    expect(allowedRevision(base, { ...base, electionId: 'autre', revision: 2 }).ok).toBe(false);
    expect(allowedRevision(base, { ...base, revision: 2 })).toEqual({
      ok: true,
      value: { fromRevision: 1, toRevision: 2, changes: [] },
    });
  });

  test('property: any mix of text and image edits is allowed, any cost edit refused', () => {
    const edit = fc.record({
      project: fc.nat({ max: 2 }),
      field: fc.constantFrom('title', 'summary', 'description', 'theme', 'carrier', 'image'),
      value: fc.string({ minLength: 1, maxLength: 30 }),
    });
    fc.assert(
      fc.property(
        fc.array(edit, { maxLength: 8 }),
        fc.option(fc.integer({ min: 1, max: 1000 })),
        (edits, costDelta) => {
          const next = revised((p) => {
            for (const e of edits) p.projects[e.project]![e.field] = e.value;
            if (costDelta !== null) p.projects[0]!.cost += costDelta;
            return p;
          });
          const result = allowedRevision(base, next);
          expect(result.ok).toBe(costDelta === null);
          if (result.ok) expect(result.value.changes.every((c) => c.kind !== 'forbidden')).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('key order does not count as a change', () => {
    const reordered = Object.fromEntries(Object.entries(base).reverse()) as ElectionPackage;
    expect(packageChanges(base, reordered)).toEqual([]);
    expect(sameJson({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 1, b: 2 })).toBe(false);
  });
});
