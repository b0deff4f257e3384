/**
 * The closing report as paper would carry it: a day opened, one vote, the day closed; the report page
 * saved as PDF by Chromium's print (`page.pdf`, print CSS: the report alone), its text read back with
 * `pdftotext`, the signed block found between its BEGIN and END lines, and its signature verified by the
 * server's `verify-report` (the function its CLI runs) with the kiosk's key the server holds since the enrolment.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { test, expect } from '@playwright/test';
import { verifyReportDocument } from '../../src/server/verify-report';
import { parseReportBlock, ReportDocument } from '../../src/shared/report';
import {
  closeSpace,
  logIn,
  openDay,
  setUpOnline,
  startCentral,
  startCounterKiosk,
  workDir,
} from './counter-steps';
import { chooseButtons, enterAs } from './voter-steps';

test('the closing report saved as PDF reads back and its signature verifies', async ({ page }) => {
  test.setTimeout(120_000);
  const work = workDir();
  const central = await startCentral();
  const kiosk = await startCounterKiosk(join(work.dir, 'kiosk.sqlite'));
  try {
    await setUpOnline(page, kiosk, central);
    await openDay(page);
    await closeSpace(page);
    await enterAs(page);
    await chooseButtons(page).first().click();
    await page.getByRole('button', { name: 'Voir mon vote' }).click();
    await page.getByRole('button', { name: 'Valider mon vote' }).click();
    await page.getByRole('button', { name: 'Terminer' }).click();

    await logIn(page);
    await page.getByRole('button', { name: 'Noter un incident' }).click();
    await page.getByLabel('Ce qui s’est passé').fill('Coupure de courant de dix minutes.');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await expect(page.getByText('L’incident est noté.', { exact: false })).toBeVisible();
    await page.getByRole('button', { name: 'Clôturer la journée' }).click();
    await page.getByTestId('close-dialog').getByRole('button', { name: 'Oui, clôturer' }).click();
    await expect(page.getByRole('heading', { level: 1, name: /^Rapport de clôture/ })).toBeVisible();

    const pdf = join(work.dir, 'cloture.pdf');
    await page.emulateMedia({ media: 'print' });
    await page.pdf({ path: pdf, format: 'A4', printBackground: false });
    await page.emulateMedia({ media: 'screen' });
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    expect(text).toContain('Rapport de clôture');
    expect(text).toContain('Coupure de courant de dix minutes.');
    // Print shows the report alone: no header, no buttons.
    expect(text).not.toContain('Fermer l’espace médiateur');
    expect(text).not.toContain('Imprimer');

    const signed = parseReportBlock(text);
    expect(signed, 'the signed block, read back from the PDF').not.toBeNull();
    const doc = ReportDocument.parse(
      JSON.parse(Buffer.from(signed?.payload ?? '', 'base64url').toString('utf8')),
    );
    expect(doc).toMatchObject({ kind: 'closing', ballots: 1, participations: 1 });
    expect(doc.incidents.map((i) => i.text)).toEqual(['Coupure de courant de dix minutes.']);

    // The server's verify-report check, with the kiosk key it enrolled, on the block read back from the
    // PDF. (pdftotext without -layout joins a line ending in "-" to the next and drops the "-": the
    // marker lines and any base64url line ending in "-" would break, so the block is read with -layout.)
    const verified = verifyReportDocument(
      central.server.running.data.store,
      signed ?? { payload: '', signature: '' },
    );
    expect(verified.ok, verified.ok ? '' : verified.error.message).toBe(true);
    if (verified.ok) expect(verified.value.report).toMatchObject({ kind: 'closing', ballots: 1 });
  } finally {
    await kiosk.stop();
    await central.server.close();
    work.remove();
  }
});
