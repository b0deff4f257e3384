// The Tally: counts, subtotals, duplicates, territories and age brackets on a small election, and its
// order independence as a property (same batches in any order → deep-equal results).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tieBreakDrawKey } from '../../../src/shared/node/crypto';
import { Results, Tally } from '../../../src/shared/tally';
import { addCounted, ballot, batchPayload, hex, participation, sampleElection } from './fixtures';

const K1 = 'a'.repeat(32);
const K2 = 'b'.repeat(32);

describe('Tally', () => {
  it('counts ballots, votes, kiosks, territories, ages and duplicate participations', () => {
    const election = sampleElection();
    const tally = new Tally(election, { drawKey: tieBreakDrawKey });
    tally.addKiosk(K2, 'Comptoir de Lens');
    tally.addKiosk(K1, 'Comptoir d’Arras');
    const shared = hex(32);
    const k1Ballots = Array.from({ length: 12 }, (_, i) =>
      ballot(i % 2 === 0 ? ['jardin-arras', 'repair-cafe'] : ['jardin-arras']),
    );
    addCounted(
      tally,
      K1,
      batchPayload(K1, 1, k1Ballots, [
        participation('62041', '18-25', shared),
        participation('62193', '61-75'),
        participation('99999', '11-17'),
      ]),
    );
    addCounted(
      tally,
      K2,
      batchPayload(
        K2,
        1,
        [ballot(['tiers-lieu-lens', 'ressourcerie', 'velo-ecole'])],
        [participation('62498', '26-40', shared)],
      ),
    );
    const results = tally.results();
    expect(Results.safeParse(results).success).toBe(true);
    expect(results.ballots).toBe(13);
    // The shared token counts once, and is reported as one duplicate.
    expect(results.participations).toBe(3);
    expect(results.duplicateParticipations).toBe(1);
    expect(results.projects.slice(0, 2).map((p) => [p.id, p.votes])).toEqual([
      ['jardin-arras', 12],
      ['repair-cafe', 6],
    ]);
    // Equal votes (1 each) sort by id.
    expect(results.projects.slice(2).map((p) => p.id)).toEqual([
      'ressourcerie',
      'tiers-lieu-lens',
      'velo-ecole',
      'epicerie-calais',
    ]);
    // K2 has 1 ballot < threshold 10: hidden; sorted by kioskId.
    expect(results.byKiosk).toEqual([
      { kioskId: K1, label: 'Comptoir d’Arras', ballots: 12 },
      { kioskId: K2, label: 'Comptoir de Lens', ballots: null },
    ]);
    // The duplicate's statistics come from the smallest (kiosk, seq): K1's, i.e. Arrageois, 18-25.
    expect(results.byTerritory).toEqual([
      { territoryId: 'arrageois', name: 'Arrageois', votes: 18, participations: 1 },
      { territoryId: 'calaisis', name: 'Calaisis', votes: 1, participations: 1 },
      { territoryId: 'lens-lievin', name: 'Lens-Liévin', votes: 2, participations: 0 },
      { territoryId: 'inconnu', name: 'Inconnu', votes: 0, participations: 1 },
    ]);
    expect(results.byAgeBracket.find((a) => a.ageBracket === '18-25')?.participations).toBe(1);
    expect(results.byAgeBracket.find((a) => a.ageBracket === '26-40')?.participations).toBe(0);
    // Budget 60 000 €: greedy funds jardin-arras (12 000) and repair-cafe (8 000), then by votes and cost.
    expect(results.allocation.budget).toBe(60000);
    expect(results.allocation.greedy.funded.slice(0, 2)).toEqual(['jardin-arras', 'repair-cafe']);
    expect(results.allocation.greedy.spent).toBeLessThanOrEqual(60000);
    expect(results.allocation.mes.spent).toBeLessThanOrEqual(60000);
  });

  it('gives deep-equal results whatever the order of the batches (property)', () => {
    const election = sampleElection();
    const ids = election.projects.map((p) => p.id);
    const kioskIds = [K1, K2, 'c'.repeat(32)];
    const batchArb = fc.record({
      kiosk: fc.integer({ min: 0, max: 2 }),
      ballots: fc.array(fc.subarray(ids, { minLength: 1, maxLength: 3 }), { maxLength: 15 }),
      participations: fc.array(
        fc.record({
          token: fc.integer({ min: 0, max: 30 }), // small range: duplicates happen
          commune: fc.constantFrom('62041', '62193', '62498', '75056'),
          age: fc.constantFrom('11-17' as const, '26-40' as const, '76+' as const),
        }),
        { maxLength: 10 },
      ),
    });
    fc.assert(
      fc.property(fc.array(batchArb, { minLength: 1, maxLength: 8 }), fc.integer(), (batches, seed) => {
        const seqs = [0, 0, 0];
        const payloads = batches.map((b) => {
          const kioskId = kioskIds[b.kiosk] as string;
          seqs[b.kiosk] = (seqs[b.kiosk] ?? 0) + 1;
          return {
            kioskId,
            payload: batchPayload(
              kioskId,
              seqs[b.kiosk] ?? 1,
              b.ballots.map((c) => ballot(c)),
              b.participations.map((p) =>
                participation(p.commune, p.age, p.token.toString(16).padStart(64, '0')),
              ),
            ),
          };
        });
        const count = (order: typeof payloads) => {
          const tally = new Tally(election, { drawKey: tieBreakDrawKey, kioskSubtotalThreshold: 3 });
          for (const k of kioskIds) tally.addKiosk(k, `kiosque ${k.slice(0, 2)}`);
          for (const { kioskId, payload } of order) addCounted(tally, kioskId, payload);
          return tally.results();
        };
        const shuffled = fc.sample(fc.shuffledSubarray(payloads, { minLength: payloads.length }), {
          seed,
          numRuns: 1,
        })[0] as typeof payloads;
        expect(count(shuffled)).toEqual(count(payloads));
        expect(count([...payloads].reverse())).toEqual(count(payloads));
      }),
      { numRuns: 100 },
    );
  });

  it('an empty count funds nothing and shows zero everywhere', () => {
    const results = new Tally(sampleElection()).results();
    expect(results.ballots).toBe(0);
    expect(results.allocation.greedy).toEqual({ funded: [], spent: 0 });
    expect(results.allocation.mes).toEqual({ funded: [], spent: 0 });
    expect(results.byTerritory.every((t) => t.votes === 0 && t.participations === 0)).toBe(true);
  });
});
