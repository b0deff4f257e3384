/**
 * Ballot secrecy in the file itself (DESIGN §3.1): nothing stored lets anyone line a ballot up with a
 * participation — no timestamp or link column, and table order that does not follow casting order.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestKiosk, tempDir, unwrap, voter, type TestKiosk } from './fixtures';

describe('ballot secrecy at rest', () => {
  const tmp = tempDir();
  let t: TestKiosk;
  beforeAll(() => (t = openTestKiosk(tmp.dir)));
  afterAll(() => {
    t.close();
    tmp.remove();
  });

  it('has no time and no link column on ballots, and only the day on participations', () => {
    const columns = (table: string): string[] =>
      t.kiosk.store.db
        .prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${table}')`)
        .all()
        .map((c) => c.name)
        .sort();
    expect(columns('ballots')).toEqual(['batch_seq', 'cast_day', 'choices', 'id', 'training']);
    expect(columns('participations')).toEqual([
      'age_bracket',
      'assisted',
      'batch_seq',
      'cast_day',
      'commune_code',
      'token',
      'training',
    ]);
  });

  it('stores ballots and participations in key order, whatever the casting order (property)', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('jardin', 'velo', 'repair-cafe', 'epicerie', 'tiers-lieu'), {
          minLength: 2,
          maxLength: 12,
        }),
        async (firstChoices) => {
          run += 1;
          const castOrder: string[] = [];
          for (const [i, choice] of firstChoices.entries()) {
            const s = await unwrap(t.kiosk.handlers.checkEligibility(voter(`Ordre${run}x${i}`)));
            await unwrap(t.kiosk.handlers.castBallot({ sessionId: s.sessionId, choices: [choice] }));
            const ids = t.kiosk.store.listBallots().map((b) => b.id);
            const newId = ids.find((id) => !castOrder.includes(id));
            if (newId) castOrder.push(newId);
          }
          const tableOrder = t.kiosk.store.listBallots().map((b) => b.id);
          // The table is in id order, which is random: it tells nothing of when each ballot came.
          expect(tableOrder).toEqual([...tableOrder].sort());
          const tokens = t.kiosk.store.listParticipations().map((p) => p.token);
          expect(tokens).toEqual([...tokens].sort());
        },
      ),
      { numRuns: 15 },
    );
  });

  it('does not keep ballots in casting order: over many casts the table order differs from it', async () => {
    const castOrder: string[] = [];
    const seen = new Set(t.kiosk.store.listBallots().map((b) => b.id));
    for (let i = 0; i < 40; i++) {
      const s = await unwrap(t.kiosk.handlers.checkEligibility(voter(`Suite${i}`)));
      await unwrap(t.kiosk.handlers.castBallot({ sessionId: s.sessionId, choices: ['velo'] }));
      for (const b of t.kiosk.store.listBallots()) {
        if (seen.has(b.id)) continue;
        seen.add(b.id);
        castOrder.push(b.id);
      }
    }
    const tableOrder = t.kiosk.store
      .listBallots()
      .map((b) => b.id)
      .filter((id) => castOrder.includes(id));
    expect(castOrder).toHaveLength(40);
    // 40 random ids come out in cast order with probability 1/40!: this cannot pass by chance.
    expect(tableOrder).not.toEqual(castOrder);
    expect(tableOrder).toEqual([...castOrder].sort());
  });
});
