/**
 * Many kiosks uploading to one server (load.ts): every upload acknowledged, nothing retried, nothing
 * refused, and the server's file holds each kiosk's acked chain exactly (seqs 1..n, K ballots each, one
 * receipt commitment and one participation token per ballot). The figures (ack latency p50/p99, the
 * server's peak resident memory) go to stderr and to test-results/load[-long].json; none is asserted.
 *
 * In CI: 500 kiosks for 20 s of uploads. With ISOLOIR_LONG=1: 500 kiosks for 5 minutes, with a progress
 * line every 10 s. ISOLOIR_LOAD_KIOSKS and ISOLOIR_LOAD_SECONDS override either.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { runLoad } from './load';

const long = process.env.ISOLOIR_LONG === '1';
const fromEnv = (name: string, fallback: number): number => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const kiosks = fromEnv('ISOLOIR_LOAD_KIOSKS', 500);
const seconds = fromEnv('ISOLOIR_LOAD_SECONDS', long ? 300 : 20);

it(
  `${kiosks} kiosks uploading for ${seconds} s: every batch acked once, nothing lost or doubled`,
  async () => {
    const report = await runLoad({ kiosks, seconds, progressEveryMs: long ? 10_000 : 0 });
    mkdirSync('test-results', { recursive: true });
    writeFileSync(`test-results/load${long ? '-long' : ''}.json`, `${JSON.stringify(report, null, 2)}\n`);
    process.stderr.write(
      `load: ${kiosks} kiosks, enrolled in ${report.enrolSeconds} s, ${report.uploads} uploads ` +
        `(${report.ballots} ballots) in ${report.uploadSeconds} s, ack latency p50 ` +
        `${report.ackLatencyMs.p50} ms p99 ${report.ackLatencyMs.p99} ms, server peak RSS ` +
        `${report.server.peakRssMiB} MiB, CPU share server ${report.cpuShare.server} generator ` +
        `${report.cpuShare.loadGenerator}, server waiting for a CPU ${report.cpuShare.serverWaitingForCpu}, ` +
        `${report.errors.length} errors\n`,
    );

    expect(report.errors).toEqual([]);
    expect(report.retries).toEqual({});
    // Every kiosk really uploaded, several times each.
    expect(report.uploads).toBeGreaterThanOrEqual(2 * kiosks);
    expect(report.stored.chainMismatches).toEqual([]);
    expect(report.stored.batches).toBe(report.uploads);
    expect(report.stored.ballots).toBe(report.ballots);
    expect(report.stored.receipts).toBe(report.ballots);
    expect(report.stored.tokens).toBe(report.ballots);
    expect(report.stored.rejections).toBe(0);
  },
  (seconds + 240) * 1000,
);
