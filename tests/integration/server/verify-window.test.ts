/**
 * `verify` checks batch signatures ahead, on the thread pool, a window of lines at a time, and then
 * handles the lines one by one in file order. These tests prove the window changes no verdict: a real
 * bundle of more batches than one window (three kiosks, lines interleaved by kiosk) recounts exactly,
 * and signatures broken on both sides of a window's edge are each named, and only them (the next
 * batch's prevHash is not judged against bytes nobody signed).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { parseBundleLine, type BundleLine } from '../../../src/shared/audit-bundle';
import { auditBundleLines } from '../../../src/server/exports';
import { verifyBundle } from '../../../src/server/verify/verify';
import { Chain, enrolKiosk, post, startTestServer, type TestServer } from './helpers';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
});

async function bundleOf(batchesPerKiosk: number[]): Promise<BundleLine[]> {
  for (const count of batchesPerKiosk) {
    const chain = new Chain(await enrolKiosk(server), server.pkg);
    for (let i = 0; i < count; i++) expect((await post(server.app, chain.add())).status).toBe(201);
  }
  return [...auditBundleLines(server.dbPath, server.data.authority, new Date())].map((text) => {
    const parsed = parseBundleLine(text.trimEnd());
    if (!parsed.ok) throw new Error(parsed.reason);
    return parsed.line;
  });
}

function write(lines: BundleLine[]): string {
  const path = join(server.dir, 'audit.jsonl');
  writeFileSync(path, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
  return path;
}

describe('verify with signatures checked ahead', () => {
  test('a bundle longer than one window recounts exactly', async () => {
    const lines = await bundleOf([150, 130, 40]);
    expect(lines.filter((l) => l.type === 'batch')).toHaveLength(320);
    const report = await verifyBundle(write(lines));
    expect(report.errors).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.batches.counted).toBe(320);
    expect(report.ballots).toBe(3200);
  });

  test('broken signatures before and after a window edge are each named, in file order', async () => {
    const lines = await bundleOf([300]);
    const batches = lines.filter((l): l is Extract<BundleLine, { type: 'batch' }> => l.type === 'batch');
    // Batch lines 10 and 257: the first and the second window of 256.
    for (const seq of [10, 257]) {
      const line = batches[seq - 1];
      if (!line) throw new Error('missing batch');
      const first = line.signature[0] === 'A' ? 'B' : 'A';
      line.signature = `${first}${line.signature.slice(1)}`;
    }
    const report = await verifyBundle(write(lines));
    expect(report.ok).toBe(false);
    const named = report.errors.filter((e) => !e.startsWith('projet ') && !e.includes(' : publié '));
    // Only the root causes: the next batches' prevHash is not judged against unsigned bytes.
    expect(named).toEqual([
      expect.stringMatching(/seq 10 : signature invalide$/),
      expect.stringMatching(/seq 257 : signature invalide$/),
    ]);
    // The two refused batches are not recounted.
    expect(report.ballots).toBe(2980);
  });
});
