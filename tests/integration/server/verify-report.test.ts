/**
 * `verify-report`: a kiosk's signed report, as its JSON file and as a real PDF printed by Chromium and
 * read back with pdftotext, checked against the kiosk's key on a real server data folder.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { generateKeyPair, signDocument } from '../../../src/shared/node/crypto';
import { reportBlock, type ReportDocument } from '../../../src/shared/report';
import { reportLines, verifyReportFile } from '../../../src/server/verify-report';
import { main } from '../../../src/server/cli';
import { chromiumPath } from '../../../playwright.config';
import { enrolKiosk, startTestServer, type TestKiosk, type TestServer } from './helpers';
import { packageV2 } from './package-v2';

let server: TestServer;
let kiosk: TestKiosk;
let folder: string;
beforeAll(async () => {
  server = await startTestServer({ pkg: packageV2() });
  kiosk = await enrolKiosk(server, 'Comptoir de Lens');
  folder = mkdtempSync(join(tmpdir(), 'isoloir-report-'));
});
afterAll(async () => {
  await server.close();
  rmSync(folder, { recursive: true, force: true });
});

const report = (overrides: Partial<ReportDocument> = {}): ReportDocument => ({
  v: 2,
  kind: 'closing',
  kioskId: kiosk.kioskId,
  label: 'Comptoir de Lens',
  electionId: 'test-2026',
  day: '2026-09-12',
  at: '2026-09-12T16:02:00.000Z',
  mediators: ['Amina', 'Jérôme'],
  participations: 42,
  ballots: 42,
  assisted: 7,
  training: { participations: 3, ballots: 3 },
  batches: { sealed: 4, firstSeq: 1, lastSeq: 4 },
  waiting: 2,
  chainHead: 'ab'.repeat(32),
  sync: { lastSuccessAt: '2026-09-12T15:40:00.000Z', batchesWaiting: 0 },
  incidents: [{ at: '2026-09-12T10:15:00.000Z', text: 'Écran tactile redémarré' }],
  note: null,
  ...overrides,
});

const write = (name: string, text: string): string => {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
};

describe('verify-report', () => {
  test('a JSON report signed by the kiosk: valid, fields printed', () => {
    const signed = signDocument('report', report(), kiosk.keys.privateKey);
    const verified = verifyReportFile(server.data.store, write('r.json', JSON.stringify(signed)));
    if (!verified.ok) throw new Error(verified.error.message);
    expect(verified.value.report.ballots).toBe(42);
    const lines = reportLines(verified.value).join('\n');
    expect(lines).toContain('Rapport de fermeture : signature valide (JSON).');
    expect(lines).toContain('Médiateurs : Amina, Jérôme');
    expect(lines).toContain('Écran tactile redémarré');
  });

  test('refused: another key, another domain, a changed payload, an unknown kiosk, no report', () => {
    const cases: [string, string][] = [
      [JSON.stringify(signDocument('report', report(), generateKeyPair().privateKey)), 'bad_signature'],
      [JSON.stringify(signDocument('kioskStatus', report(), kiosk.keys.privateKey)), 'bad_signature'],
      [
        JSON.stringify({
          ...signDocument('report', report(), kiosk.keys.privateKey),
          payload: Buffer.from(JSON.stringify(report({ ballots: 43 }))).toString('base64url'),
        }),
        'bad_signature',
      ],
      [
        JSON.stringify(signDocument('report', report({ kioskId: 'f'.repeat(32) }), kiosk.keys.privateKey)),
        'unknown_kiosk',
      ],
      [
        JSON.stringify(signDocument('report', { v: 2, kioskId: kiosk.kioskId }, kiosk.keys.privateKey)),
        'malformed',
      ],
      ['{"hello":1}', 'malformed'],
    ];
    cases.forEach(([text, code], i) => {
      const verified = verifyReportFile(server.data.store, write(`bad-${i}.json`, text));
      expect(verified.ok ? 'ok' : verified.error.code, `case ${i}`).toBe(code);
    });
  });

  test('a PDF printed by Chromium, read back with pdftotext', async (ctx) => {
    try {
      execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    } catch {
      console.log('pdftotext missing (Debian: apt-get install poppler-utils): PDF report test skipped');
      ctx.skip();
    }
    const signed = signDocument('report', report({ kind: 'opening' }), kiosk.keys.privateKey);
    const html = `<!doctype html><meta charset="utf-8"><title>Rapport</title>
      <h1>Rapport d’ouverture — Comptoir de Lens</h1><p>Bulletins : 42</p>
      <pre style="font: 9pt monospace">${reportBlock(signed)}</pre>`;
    const browser = await chromium.launch({ executablePath: chromiumPath });
    try {
      const page = await browser.newPage();
      await page.setContent(html);
      writeFileSync(join(folder, 'report.pdf'), await page.pdf({ format: 'A4' }));
    } finally {
      await browser.close();
    }
    const verified = verifyReportFile(server.data.store, join(folder, 'report.pdf'));
    if (!verified.ok) throw new Error(verified.error.message);
    expect(verified.value.source).toBe('pdf');
    expect(verified.value.report).toEqual(report({ kind: 'opening' }));

    // Through the CLI: exit 0 and the fields on stdout; a PDF without the block fails.
    expect(
      await main(['node', 'cli', 'verify-report', join(folder, 'report.pdf'), '--data', server.dir]),
    ).toBe(0);
    const browser2 = await chromium.launch({ executablePath: chromiumPath });
    try {
      const page = await browser2.newPage();
      await page.setContent('<p>Pas de bloc ici</p>');
      writeFileSync(join(folder, 'empty.pdf'), await page.pdf());
    } finally {
      await browser2.close();
    }
    const empty = verifyReportFile(server.data.store, join(folder, 'empty.pdf'));
    expect(empty.ok ? 'ok' : empty.error.code).toBe('malformed');
  }, 60_000);
});
