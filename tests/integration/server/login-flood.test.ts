/**
 * Batch ingest stays flat during a flood of admin logins (docs/secrecy.md §7): the p99 ack latency of
 * batches with 50 logins a second is compared with the p99 without, in the same run (a ratio, never an
 * absolute time: the machine may be busy). Without the global budget and the scrypt off the event loop,
 * every login would hold the loop for a 16 MiB scrypt and the ratio would run into the tens.
 */
import { expect, test } from 'vitest';
import { measureLoginFlood } from '../../bench/login-flood.bench';

// The flood's scrypt runs on libuv's threads: on 2 cores shared with another suite they still take CPU
// from the event loop (3.5× seen beside a second CI run), so the bound is 5×, far below the tens a
// blocking scrypt gives.
test('p99 batch ack latency during a flood of 50 logins/s stays within 5× the quiet p99', async () => {
  const report = await measureLoginFlood({ periodMs: 2000, rounds: 2 });
  expect(report.samples.quiet).toBeGreaterThan(50);
  expect(report.samples.flood).toBeGreaterThan(50);
  // The flood really ran and really reached the password check, within the global budget.
  expect(report.logins.sent).toBeGreaterThan(100);
  expect(report.logins.checked).toBeGreaterThan(0);
  expect(report.logins.refused).toBeGreaterThan(report.logins.checked);
  expect(report.logins.other).toBe(0);
  expect(report.p99Ratio).toBeLessThanOrEqual(5);
}, 120_000);
