/**
 * `npx tsx tests/bench/backup.bench.ts [--kiosks 20] [--batches 250] [--ballots 20]`: how long the
 * online backup (`backupDatabase`) takes for a database of N batches, idle and while batches keep
 * arriving through the ingest, as one JSON object on stdout. A figure, never an assertion.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { backupDatabase } from '../../src/server/backup';
import { ingestBatch } from '../../src/server/ingest';
import { Chain, enrolKiosk, startTestServer } from '../integration/server/helpers';

const { values } = parseArgs({
  options: {
    kiosks: { type: 'string', default: '20' },
    batches: { type: 'string', default: '250' },
    ballots: { type: 'string', default: '20' },
  },
});
const kiosks = Number(values.kiosks);
const batches = Number(values.batches);
const ballots = Number(values.ballots);

const server = await startTestServer({ enrolPerMinute: 10_000 });
try {
  const chains = [];
  for (let k = 0; k < kiosks; k++) chains.push(new Chain(await enrolKiosk(server, `Borne ${k}`), server.pkg));
  const fill = performance.now();
  for (let i = 0; i < batches; i++)
    for (const chain of chains) {
      const outcome = ingestBatch(
        server.data.store,
        server.data.authority,
        chain.add({ ballots }),
        new Date(),
      );
      if ('error' in outcome) throw new Error(outcome.message);
      chain.forget();
    }
  const fillMs = performance.now() - fill;
  const idleOut = join(server.dir, 'idle.backup');
  const idle = await backupDatabase(server.dir, idleOut);
  if (!idle.ok) throw new Error(idle.error.message);
  // Again while one kiosk keeps sending, between the backup's steps.
  let during = 0;
  let stop = false;
  const writer = (async () => {
    while (!stop) {
      ingestBatch(server.data.store, server.data.authority, chains[0]!.add({ ballots }), new Date());
      chains[0]!.forget();
      during += 1;
      await new Promise((r) => setImmediate(r));
    }
  })();
  const busy = await backupDatabase(server.dir, join(server.dir, 'busy.backup'));
  stop = true;
  await writer;
  if (!busy.ok) throw new Error(busy.error.message);
  rmSync(idleOut);
  console.log(
    JSON.stringify(
      {
        batches: kiosks * batches,
        ballots: kiosks * batches * ballots,
        fillMs: Math.round(fillMs),
        idle: { ms: idle.value.ms, bytes: idle.value.bytes, pages: idle.value.pages },
        whileIngesting: { ms: busy.value.ms, batchesInCopy: busy.value.batches, batchesSentDuring: during },
      },
      null,
      2,
    ),
  );
} finally {
  await server.close();
}
