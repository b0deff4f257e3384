/**
 * The exactly-once invariant as a fast-check property, on the real app and a real SQLite file per run:
 * several kiosks' chains, sent in any interleaving with resends, reorderings, duplicates and concurrent
 * bursts; then every chain is sent once more in order (what a kiosk's sync does). In the end every
 * ballot is counted exactly once, nothing else is counted, and no send was ever answered otherwise than
 * accepted, duplicate or out_of_order — while forged batches mixed in (same chain positions, a key never
 * enrolled) are all refused.
 */
import { expect, test } from 'vitest';
import fc from 'fast-check';
import { z } from 'zod';
import { Results } from '../../../src/shared/tally';
import { generateKeyPair } from '../../../src/shared/node/crypto';
import { Chain, enrolKiosk, post, startTestServer } from './helpers';

const KIOSKS = 3;
const BATCHES = 4;

test('any interleaving of sends, resends, reorders and duplicates counts each ballot exactly once', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.array(fc.tuple(fc.nat(KIOSKS - 1), fc.nat(BATCHES - 1), fc.nat(5)), {
          minLength: 1,
          maxLength: 4,
        }),
        {
          maxLength: 12,
        },
      ),
      fc.array(fc.integer({ min: 1, max: 4 }), { minLength: KIOSKS * BATCHES, maxLength: KIOSKS * BATCHES }),
      async (bursts, sizes) => {
        const server = await startTestServer();
        try {
          const chains: Chain[] = [];
          const forgeries: Chain[] = [];
          for (let k = 0; k < KIOSKS; k++) {
            const kiosk = await enrolKiosk(server, `Borne ${k}`);
            const chain = new Chain(kiosk, server.pkg);
            // The same chain positions signed by a key the server never enrolled: nothing of it may count.
            const forged = new Chain({ ...kiosk, keys: generateKeyPair() }, server.pkg);
            for (let b = 0; b < BATCHES; b++) {
              // K ballots a batch, or the kiosk's rest (any size) on its final one.
              chain.add({
                ballots: b === BATCHES - 1 ? (sizes[k * BATCHES + b] ?? 1) : server.pkg.batchSize,
                final: b === BATCHES - 1,
              });
              forged.add();
            }
            chains.push(chain);
            forgeries.push(forged);
          }
          const send = async (k: number, b: number) => {
            const res = await post(server.app, chains[k]?.envelopes[b]);
            expect([200, 201, 409]).toContain(res.status);
            if (res.status === 409) expect(res.body.error).toBe('out_of_order');
          };
          const sendForged = async (k: number, b: number) => {
            const res = await post(server.app, forgeries[k]?.envelopes[b]);
            expect(res.status).toBe(401);
          };
          for (const burst of bursts)
            await Promise.all(burst.map(([k, b, kind]) => (kind === 0 ? sendForged(k, b) : send(k, b))));
          for (let k = 0; k < KIOSKS; k++) for (let b = 0; b < BATCHES; b++) await send(k, b);

          const res = await server.app.inject({ method: 'GET', url: '/api/v1/results' });
          // The test server lifts the embargo: the full results, marked as shown during the vote.
          const results = Results.extend({ embargoed: z.literal(false), liveResults: z.literal(true) }).parse(
            res.json(),
          );
          const ballots = chains.flatMap((c) => c.payloads.flatMap((p) => p.ballots));
          expect(results.ballots).toBe(ballots.length);
          expect(server.data.store.counts()).toEqual({ batches: KIOSKS * BATCHES, ballots: ballots.length });
          const expectedVotes = new Map<string, number>();
          for (const ballot of ballots)
            for (const id of ballot) expectedVotes.set(id, (expectedVotes.get(id) ?? 0) + 1);
          for (const project of results.projects)
            expect(project.votes).toBe(expectedVotes.get(project.id) ?? 0);
          for (const chain of chains)
            for (const [b, payload] of chain.payloads.entries())
              for (const commitment of payload.receipts)
                expect(server.data.store.receipt(commitment)).toEqual({
                  kioskId: chain.kiosk.kioskId,
                  seq: b + 1,
                });
          for (const chain of chains)
            expect(server.data.store.kiosk(chain.kiosk.kioskId)).toMatchObject({
              highWater: BATCHES,
              flagged: false,
            });
        } finally {
          await server.close();
        }
      },
    ),
    { numRuns: 25 },
  );
}, 240_000);
