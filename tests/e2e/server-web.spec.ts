/**
 * The central server's web pages in Chromium: public results, receipt check and the admin dashboard,
 * on the real central server (temp data folder, 127.0.0.1) fed with real signed batches through its API. Every page is checked with axe (WCAG 2.1
 * A/AA, zero violations) and photographed to test-results/screens/server-*.png.
 */
import { existsSync, readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { resolve } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import type { BatchEnvelope, ElectionPackage } from '../../src/shared/wire';
import { batchesOf, newTestKiosk, testElection, votes } from './server-data';
import { startWebTestServer, type WebTestServer } from './server-fixture';

async function expectAccessible(page: Page): Promise<void> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  expect(
    result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
  ).toEqual([]);
}

const screen = (page: Page, name: string) =>
  page.screenshot({ path: `test-results/screens/server-${name}.png`, fullPage: true });

interface Scenario {
  server: WebTestServer;
  /** A receipt code printed for a ballot of the Arras kiosk's first batch. */
  countedCode: string;
}

/**
 * Three kiosks: 25 ballots, 12 ballots, and 4 (below the subtotal threshold); one duplicate person. K is
 * 10: full batches, then each kiosk's remainder in its final batch. The pages read the results during
 * the vote, so the embargo is lifted (`liveResults`).
 */
async function scenario(): Promise<Scenario> {
  const election = testElection();
  const server = await startWebTestServer(election, { liveResults: true });
  const enrolWithNewCode = async (label: string) => {
    const kiosk = newTestKiosk(label);
    expect(await server.enrol(kiosk, server.createCode(label))).toBe(201);
    return kiosk;
  };
  const arras = await enrolWithNewCode('Comptoir d’Arras');
  const calais = await enrolWithNewCode('Médiathèque de Calais');
  const hesdin = await enrolWithNewCode('Mairie <d’Hesdin> & "annexe"');
  const arrasBatches = batchesOf(arras, election, votes(25));
  const calaisVotes = votes(12, 3);
  const duplicateToken = 'ab'.repeat(32);
  calaisVotes[0] = { ...calaisVotes[0]!, token: duplicateToken };
  const hesdinVotes = votes(4, 7);
  hesdinVotes[0] = { ...hesdinVotes[0]!, token: duplicateToken };
  for (const batch of [
    ...arrasBatches,
    ...batchesOf(calais, election, calaisVotes),
    ...batchesOf(hesdin, election, hesdinVotes),
  ])
    expect(await server.upload(batch.envelope)).toBe(201);
  return { server, countedCode: arrasBatches[0]!.receiptCodes[3]! };
}

test.describe('public pages', () => {
  let s: Scenario;
  test.beforeAll(async () => {
    s = await scenario();
  });
  test.afterAll(async () => {
    await s.server.close();
  });

  test('results page shows the ranking, chart, both rules, participation and hidden small subtotals', async ({
    page,
  }) => {
    // Under the server's real CSP (helmet): nothing on the page may be blocked (no inline script or style).
    const cspViolations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    const response = await page.goto(s.server.url);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await expect(page).toHaveTitle(/Résultats — Budget citoyen 2026 du Pas-de-Calais/);
    await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Budget citoyen 2026 du Pas-de-Calais');
    const figures = page.getByRole('list', { name: 'Chiffres clés' });
    await expect(figures).toContainText('41 bulletins comptés');
    await expect(figures).toContainText('40 participants');
    await expect(figures).toContainText('1 participation en double');

    const chart = page.getByRole('img', { name: 'Voix par projet' });
    await expect(chart).toBeVisible();
    // The tables behind the charts are folded under "Voir le tableau": open them all.
    for (const summary of await page.getByText('Voir le tableau').all()) await summary.click();
    const table = page.getByRole('table', { name: /Classement des 10 projets/ });
    const firstRow = table.locator('tbody tr').first();
    await expect(firstRow.locator('td').first()).toHaveText('1');
    await expect(page.getByRole('heading', { name: 'Règle du Département' })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Méthode des parts égales' })).toBeVisible();
    await expect(page.getByRole('table', { name: 'Participation par tranche d’âge' })).toBeVisible();
    await expect(page.getByRole('table', { name: 'Participation et voix par territoire' })).toContainText(
      'Arrageois',
    );

    const kiosks = page.getByRole('table', { name: 'Bulletins comptés par borne' });
    // The label is shown as text, never interpreted as markup.
    await expect(kiosks.getByRole('row', { name: /Mairie <d’Hesdin> & "annexe"/ })).toContainText(
      'moins de 10 votes',
    );
    await expect(kiosks.getByRole('row', { name: /Comptoir d’Arras/ })).toContainText('25');
    await expect(kiosks.getByRole('row', { name: /Médiathèque de Calais/ })).toContainText('12');

    // The font and the style sheet are served by the server itself (no network font).
    // check() is true for an unknown family too, so look for the face itself, loaded from our server.
    const fontLoaded = await page.evaluate(`document.fonts.ready.then(() =>
      [...document.fonts].some((f) => f.family.includes('Atkinson Hyperlegible') && f.status === 'loaded'))`);
    expect(fontLoaded).toBe(true);
    await expectAccessible(page);
    expect(cspViolations).toEqual([]);
    await screen(page, 'results');
  });

  test('skip link is the first tab stop and moves focus to the main content', async ({ page }) => {
    await page.goto(s.server.url);
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Aller au contenu' });
    await expect(skip).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.locator('main')).toBeFocused();
  });

  test('receipt check answers yes for a counted ballot, typed or from the link, and never shows choices', async ({
    page,
  }) => {
    await page.goto(`${s.server.url}/recu`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Mon vote a-t-il été compté ?');
    await expectAccessible(page);
    await screen(page, 'receipt-form');

    const code = s.countedCode;
    // Typed the way people type: lower case, no dash.
    await page.getByLabel('Code du reçu').fill(code.replace('-', '').toLowerCase());
    await page.getByRole('button', { name: 'Vérifier' }).click();
    await expect(page.getByRole('heading', { name: 'Oui, votre bulletin est bien compté.' })).toBeVisible();
    await expect(page.locator('main')).not.toContainText('ressourcerie');
    await expectAccessible(page);
    await screen(page, 'receipt-yes');

    // The answer names the kiosk and its batch, never the ballot.
    await expect(page.locator('main')).toContainText(
      `Le reçu ${code} montre que votre vote a été compté : il est arrivé avec le groupe n° 1 de la borne « Comptoir d’Arras »`,
    );
    // The receipt's QR code opens the page with the code in the address.
    await page.goto(`${s.server.url}/recu?code=${code}`);
    await expect(page.getByRole('heading', { name: 'Oui, votre bulletin est bien compté.' })).toBeVisible();
    await expect(page.getByLabel('Code du reçu')).toHaveValue(code);
  });

  test('on a phone the results page reflows without horizontal scrolling (WCAG 1.4.10)', async ({ page }) => {
    await page.setViewportSize({ width: 360, height: 800 });
    await page.goto(s.server.url);
    const overflow = await page.evaluate(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    expect(overflow).toBe(0);
    await screen(page, 'results-phone');
  });

  test('receipt check answers "not yet" for an unknown code and explains that ballots travel in groups', async ({
    page,
  }) => {
    await page.goto(`${s.server.url}/recu?code=ZZZZ-ZZZZ`);
    await expect(page.getByRole('heading', { name: 'Pas encore…' })).toBeVisible();
    await expect(page.locator('main')).toContainText(
      'la borne envoie les bulletins par groupes, jamais un par un',
    );
    await expectAccessible(page);
    await screen(page, 'receipt-not-yet');
  });

  test('receipt check refuses a malformed code with an accessible error', async ({ page }) => {
    const response = await page.goto(`${s.server.url}/recu?code=${encodeURIComponent('<b>UUUU</b>')}`);
    expect(response?.status()).toBe(400);
    const input = page.getByLabel('Code du reçu');
    await expect(input).toHaveAttribute('aria-invalid', 'true');
    await expect(input).toHaveValue('<b>UUUU</b>');
    await expect(page.locator('main b')).toHaveCount(0);
    await expect(page.locator('#code-error')).toBeVisible();
    await expectAccessible(page);
  });

  test('English on request: the language link switches, forms keep the language, French stays the default', async ({
    page,
  }) => {
    await page.goto(s.server.url);
    await page.getByRole('link', { name: 'English' }).click();
    await expect(page).toHaveURL(/\?lang=en$/);
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.getByRole('heading', { name: 'Project ranking' })).toBeVisible();
    await expect(page.getByRole('table', { name: 'Ballots counted per kiosk' })).toContainText(
      'fewer than 10 votes',
    );
    await expectAccessible(page);
    await screen(page, 'results-en');

    await page.getByRole('link', { name: 'Was my vote counted?' }).click();
    await page.getByLabel('Receipt code').fill(s.countedCode);
    await page.getByRole('button', { name: 'Check' }).click();
    await expect(page.getByRole('heading', { name: 'Yes, your ballot is counted.' })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expectAccessible(page);

    // Back to French with the answer kept.
    await page.getByRole('link', { name: 'Français' }).click();
    await expect(page.getByRole('heading', { name: 'Oui, votre bulletin est bien compté.' })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  });
});

test('results page before any election says so', async ({ page }) => {
  const server = await startWebTestServer(null);
  try {
    await page.goto(server.url);
    await expect(page.locator('main')).toContainText('Aucun vote n’est encore publié');
    await expectAccessible(page);
  } finally {
    await server.close();
  }
});

test('with the 54-project sample election and 300 ballots the results page stays readable and accessible', async ({
  page,
}) => {
  // Axe on a 54-row page beside the voter specs on a shared 2-core machine: give it room, and name the
  // steps so a slow run says where it spent its time.
  test.slow();
  const file = resolve('resources/generated/sample-election.json');
  if (!existsSync(file))
    throw new Error('resources/generated/sample-election.json is missing: run npm run build:data');
  const sample = JSON.parse(readFileSync(file, 'utf8')) as ElectionPackage;
  // Same package, with a window around now so the test does not depend on the day it runs.
  const now = Date.now();
  const election: ElectionPackage = {
    ...sample,
    opensAt: new Date(now - 3_600_000).toISOString(),
    closesAt: new Date(now + 30 * 86_400_000).toISOString(),
  };
  const server = await startWebTestServer(election, { liveResults: true });
  try {
    await test.step('three kiosks upload 300 ballots', async () => {
      const ids = election.projects.map((p) => p.id);
      const communes = Object.keys(election.communeTerritories ?? {});
      const ages = ['11-17', '18-25', '26-40', '41-60', '61-75', '76+'] as const;
      let n = 0;
      const labels = ['Comptoir d’Arras', 'Médiathèque de Calais', 'Espace France Services de Lens'];
      const chains: BatchEnvelope[][] = [];
      for (const label of labels) {
        const kiosk = newTestKiosk(label);
        expect(await server.enrol(kiosk, server.createCode(label))).toBe(201);
        const kioskVotes = Array.from({ length: 100 }, () => {
          n += 1;
          // Skewed but varied: low project indexes are chosen more often.
          const pick = (k: number) =>
            ids[Math.floor(((n * 7919 + k * 104729) % 1000) ** 2 / 1000 / (1000 / ids.length))]!;
          const choices = [...new Set([pick(1), pick(2), pick(3)])].slice(0, 1 + (n % 3));
          return { choices, communeCode: communes[n % communes.length]!, ageBracket: ages[n % ages.length]! };
        });
        chains.push(batchesOf(kiosk, election, kioskVotes).map((b) => b.envelope));
      }
      // The kiosks send together, each its chain in order: the server's group commit stores the three
      // kiosks' batches of a round with one disk sync.
      const statuses = await Promise.all(
        chains.map(async (chain) => {
          const got: number[] = [];
          for (const envelope of chain) got.push(await server.upload(envelope));
          return got;
        }),
      );
      expect(statuses.flat().every((status) => status === 201)).toBe(true);
    });
    await test.step('the results page lists the 54 projects', async () => {
      await page.goto(server.url);
      await expect(page.getByRole('list', { name: 'Chiffres clés' })).toContainText('300 bulletins comptés');
      for (const summary of await page.getByText('Voir le tableau').all()) await summary.click();
      await expect(
        page.getByRole('table', { name: /Classement des 54 projets/ }).locator('tbody tr'),
      ).toHaveCount(54);
    });
    await test.step('axe', () => expectAccessible(page));
    await test.step('screenshot', () => screen(page, 'results-sample'));
  } finally {
    await server.close();
  }
});

test('over plain HTTP on a network address the style sheet and the forms stay on http', async ({ page }) => {
  // Chromium treats 127.0.0.1 as secure, so only a real network address shows what a CSP with
  // `upgrade-insecure-requests` does to a server without TLS: every request rewritten to https://.
  const address = Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
  test.skip(address === undefined, 'no non-loopback IPv4 address on this machine');
  const server = await startWebTestServer(testElection(), { host: address });
  try {
    expect(server.url.startsWith(`http://${address}:`)).toBe(true);
    const requested: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    const loaded = page.waitForResponse((r) => r.url().endsWith('/static/isoloir.css'));
    await page.goto(`${server.url}/recu`);
    // An upgraded request is already https:// when the browser issues it.
    expect(requested.filter((u) => u.endsWith('/static/isoloir.css'))).toEqual([
      `${server.url}/static/isoloir.css`,
    ]);
    expect((await loaded).status()).toBe(200);
    // The form posts to the same http:// origin and gets its answer.
    await page.getByLabel('Code du reçu').fill('ZZZZ-ZZZZ');
    await page.getByRole('button', { name: 'Vérifier' }).click();
    await expect(page.getByRole('heading', { name: 'Pas encore…' })).toBeVisible();
    expect(page.url().startsWith(`http://${address}:`)).toBe(true);
  } finally {
    await server.close();
  }
});
