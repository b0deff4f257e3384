/**
 * The results page in a real Chromium, on a real server fed with signed v2 batches: during the vote
 * (participation only, and when the results come), after the close (votes per project as a server-drawn
 * SVG chart, its table, both allocation rules side by side, participation by territory as a chart), and
 * in a demonstration that lifted the embargo (the banner). axe finds nothing on any of them; the
 * 1280×800 screenshots are kept under test-results/screens/ to be looked at.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from '../../src/server/app';
import type { WireChoices, WireParticipation } from '../../src/shared/wire';
import {
  Chain,
  enrolKiosk,
  makePackage,
  post,
  randomHex,
  startTestServer,
  type TestServer,
} from '../integration/server/helpers';

const territories = [
  ['arrageois', 'Arrageois', '62041'],
  ['artois', 'Artois', '62119'],
  ['audomarois', 'Audomarois', '62765'],
  ['boulonnais', 'Boulonnais', '62160'],
  ['calaisis', 'Calaisis', '62193'],
  ['henin-carvin', 'Hénin-Carvin', '62427'],
  ['lens-lievin', 'Lens-Liévin', '62498'],
  ['montreuillois-ternois', 'Montreuillois-Ternois', '62588'],
] as const;

const titles = [
  'Jardin partagé des Hauts de Liévin',
  'Ressourcerie solidaire du Calaisis',
  'Épicerie mobile pour les villages',
  'Atelier vélo participatif',
  'Café des aidants',
  'Tiers-lieu numérique pour tous',
  'Cantine anti-gaspillage',
  'Repair café itinérant',
  'Ferme pédagogique du Boulonnais',
  'Chantier d’insertion en maraîchage',
];

const pkg = makePackage({
  budget: 150_000,
  territories: territories.map(([id, name]) => ({ id, name })),
  communeTerritories: Object.fromEntries(territories.map(([id, , code]) => [code, id])),
  projects: titles.map((title, i) => ({
    id: `p${i + 1}`,
    title,
    summary: title,
    description: title,
    territoryId: territories[i % territories.length]?.[0] ?? 'arrageois',
    theme: 'Solidarité',
    carrier: 'Association',
    cost: 15_000 + (i % 4) * 10_000,
    image: `p${i + 1}.webp`,
  })),
});

/** A skewed, deterministic spread of choices: the first projects are chosen most. */
function ballotAt(n: number): WireChoices {
  const pick = (k: number) => `p${1 + (((n * 7 + k * 3) % 17) % titles.length)}`;
  const first = `p${1 + ((n * n) % 5)}`;
  return [...new Set([first, pick(1), pick(2)])].sort();
}

function participationAt(n: number): WireParticipation {
  const territory = territories[(n * n + n) % territories.length] ?? territories[0];
  return { token: randomHex(32), communeCode: territory[2], ageBracket: '26-40', assisted: false };
}

let server: TestServer;
let apps: FastifyInstance[] = [];

async function serve(options: AppOptions): Promise<string> {
  const app = await buildApp(
    { store: server.data.store, authority: server.data.authority, dbPath: server.dbPath },
    { web: true, ...options },
  );
  apps.push(app);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

test.beforeAll(async () => {
  server = await startTestServer({ pkg });
  let n = 0;
  for (const label of ['Comptoir d’Arras', 'Comptoir de Lens', 'Médiathèque de Calais']) {
    const kiosk = await enrolKiosk(server, label);
    const chain = new Chain(kiosk, pkg);
    for (let b = 0; b < 3; b++) {
      const ballots = Array.from({ length: pkg.batchSize }, () => ballotAt(n++));
      const participations = ballots.map((_, i) => participationAt(n * 3 + i));
      expect((await post(server.app, chain.add({ ballotList: ballots, participations }))).status).toBe(201);
    }
  }
});

test.afterAll(async () => {
  for (const app of apps) await app.close();
  apps = [];
  await server.close();
});

async function expectAccessible(page: Page): Promise<void> {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  expect(
    result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
  ).toEqual([]);
}

const afterClose = new Date(Date.parse(pkg.closesAt) + 3_600_000);

test('during the vote: participation and the date of the results, nothing of the choices', async ({
  page,
}) => {
  const url = await serve({ liveResults: false });
  await page.goto(`${url}/`);
  await expect(page.getByRole('heading', { name: 'Résultats à la clôture du vote' })).toBeVisible();
  await expect(page.getByRole('img', { name: 'Participants par territoire' })).toBeVisible();
  await expect(page.getByText(titles[0] ?? '')).toHaveCount(0);
  await expectAccessible(page);
  await page.screenshot({ path: 'test-results/screens/results-embargoed.png' });
});

test('after the close: the chart, its table, both rules side by side', async ({ page }) => {
  const url = await serve({ now: () => afterClose });
  await page.goto(`${url}/`);
  const chart = page.getByRole('img', { name: 'Voix par projet' });
  await expect(chart).toBeVisible();
  const box = await chart.boundingBox();
  expect(box?.width ?? 0).toBeGreaterThan(600);
  await expect(page.locator('#rule-greedy')).toBeVisible();
  await expect(page.locator('#rule-mes')).toBeVisible();
  // Side by side at 1280 px: both rule headings on one line.
  const greedy = await page.locator('#rule-greedy').boundingBox();
  const mes = await page.locator('#rule-mes').boundingBox();
  expect(Math.abs((greedy?.y ?? 0) - (mes?.y ?? 1000))).toBeLessThan(5);
  await expect(page.getByRole('img', { name: 'Participants par territoire' })).toBeVisible();
  await expectAccessible(page);
  await page.screenshot({ path: 'test-results/screens/results-closed.png' });
  await page.locator('#finances').scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/screens/results-closed-rules.png' });
  // The table behind "Voir le tableau" gives the same numbers.
  await page.getByText('Voir le tableau').first().click();
  await expect(page.getByRole('table', { name: /Classement des 10 projets/ })).toBeVisible();
  await expectAccessible(page);
  await page.screenshot({ path: 'test-results/screens/results-closed-full.png', fullPage: true });
});

test('a demonstration that lifted the embargo says so', async ({ page }) => {
  const url = await serve({ liveResults: true });
  for (const path of ['/', '/recu?lang=en', '/admin/connexion']) {
    await page.goto(`${url}${path}`);
    await expect(page.getByRole('note')).toContainText(/Démonstration|Demonstration/);
    await expectAccessible(page);
  }
});
