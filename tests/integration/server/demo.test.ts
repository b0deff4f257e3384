/**
 * `startDemoServer()`: the sample election published and signed on a demo folder, a kiosk enrols with
 * the returned code, the results and web pages answer; a second start on the same folder works too.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { generateKeyPair, verifyDocument } from '../../../src/shared/node/crypto';
import { startDemoServer } from '../../../src/server/demo';
import { makePackage } from './helpers';
import { writeFileSync } from 'node:fs';
import { enrolRequest } from './enrol-request';

const work = mkdtempSync(join(tmpdir(), 'isoloir-demo-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

test('the demo server publishes the sample election and enrols the demo kiosk', async () => {
  const packagePath = join(work, 'sample.json');
  writeFileSync(packagePath, JSON.stringify(makePackage({ electionId: 'demo-2026' })));
  const dataDir = join(work, 'server');
  for (let run = 0; run < 2; run++) {
    const demo = await startDemoServer({ dataDir, packagePath, port: 0 });
    try {
      const election = (await (await fetch(`${demo.url}/api/v1/election`)).json()) as {
        payload: string;
        signature: string;
      };
      expect(verifyDocument('election', election, demo.authorityPublicKey).ok).toBe(true);
      const res = await fetch(`${demo.url}/api/v1/kiosks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(enrolRequest(demo.enrolmentCode, generateKeyPair(), 'Démo', demo.url)),
      });
      expect(res.status).toBe(201);
      expect(((await res.json()) as { electionId: string }).electionId).toBe('demo-2026');
      expect((await fetch(`${demo.url}/api/v1/results`)).status).toBe(200);
      const page = await fetch(`${demo.url}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
    } finally {
      await demo.close();
    }
  }
}, 60_000);
