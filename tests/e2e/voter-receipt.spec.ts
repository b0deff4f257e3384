/**
 * The thank-you screen's QR code (issue 3 §6): when the election package gives a public receipt-check
 * address, the screen shows a QR code of that address followed by this ballot's id. Here the sample
 * package gets such an address and is signed by a throw-away authority for a kiosk of this test only.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, expect } from '@playwright/test';
import QRCode from 'qrcode';
import { openKiosk, type Kiosk } from '../../src/main/core/kiosk';
import { startHarness, type Harness } from '../../src/main/harness/server';
import { generateKeyPair, signDocument, toBase64url } from '../../src/shared/node/crypto';
import { generatedDir, openCounterDay, rendererDir, requireBuiltInputs } from './fixtures';
import { enterAs, chooseButtons } from './voter-steps';

const CHECK_BASE = 'https://budget-citoyen.example.fr/recu/';

const test = base.extend<{ receiptKiosk: { kiosk: Kiosk; harness: Harness } }>({
  // Playwright reads the fixture's dependencies from the destructuring pattern: this one has none.
  // eslint-disable-next-line no-empty-pattern
  receiptKiosk: async ({}, use) => {
    requireBuiltInputs();
    const dir = mkdtempSync(join(tmpdir(), 'isoloir-e2e-receipt-'));
    const election = {
      ...(JSON.parse(readFileSync(join(generatedDir, 'sample-election.json'), 'utf8')) as object),
      receiptCheckUrl: CHECK_BASE,
    };
    const authority = generateKeyPair();
    const electionFile = join(dir, 'election.signed.json');
    writeFileSync(electionFile, JSON.stringify(signDocument('election', election, authority.privateKey)));
    const kiosk = openKiosk({
      dbPath: join(dir, 'kiosk.sqlite'),
      communesPath: join(generatedDir, 'communes-62.json'),
      provision: {
        authorityPublicKey: authority.publicKey,
        participationKey: toBase64url(randomBytes(32)),
        electionFile,
        label: 'Kiosque reçu',
      },
    });
    await openCounterDay(kiosk);
    const harness = await startHarness({ kiosk, rendererDir });
    await use({ kiosk, harness });
    await harness.close();
    kiosk.close();
    rmSync(dir, { recursive: true, force: true });
  },
  page: async ({ page, receiptKiosk }, use) => {
    await page.goto(receiptKiosk.harness.url);
    await use(page);
  },
});

test('the thank-you screen shows a QR code of the receipt-check address of this ballot', async ({
  page,
  receiptKiosk,
}) => {
  await enterAs(page);
  await chooseButtons(page).first().click();
  await page.getByRole('button', { name: 'Voir mon vote' }).click();
  await page.getByRole('button', { name: 'Valider mon vote' }).click();
  await expect(page.getByRole('heading', { name: 'Merci !' })).toBeVisible();
  const qr = page.getByRole('img', { name: 'Code QR de l’adresse de vérification du reçu' });
  await expect(qr).toBeVisible();

  // The address carries the code shown on the screen and the kiosk id, nothing of the ballot.
  const code = (await page.getByTestId('receipt-code').textContent())?.trim() ?? '';
  expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
  const expected = await QRCode.toString(`${CHECK_BASE}?code=${code}&kiosk=${receiptKiosk.kiosk.kioskId}`, {
    type: 'svg',
    margin: 2,
    errorCorrectionLevel: 'M',
  });
  const src = (await qr.getAttribute('src')) ?? '';
  expect(decodeURIComponent(src.replace('data:image/svg+xml;charset=utf-8,', ''))).toBe(expected);
  await page.screenshot({ path: 'test-results/screens/13-thanks-qr-1280x800.png' });
});
