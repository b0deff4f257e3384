/**
 * The admin dashboard in Chromium: login (wrong password refused, rate limit), session cookie
 * attributes, redirects without a session, CSRF, kiosks, anomalies, enrolment codes (a created code then
 * enrols a kiosk through the real API), exports and logout, on the real central server. axe on every page; screenshots in test-results/screens/.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { AUDIT_VERSION } from '../../src/shared/audit-bundle';
import { GENESIS_HASH } from '../../src/shared/wire';
import { newTestKiosk, nextBatch, testElection, votes } from './server-data';
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

async function logIn(page: Page, server: WebTestServer): Promise<void> {
  await page.goto(`${server.url}/admin`);
  await page.getByLabel('Mot de passe administrateur').fill(server.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Bornes' })).toBeVisible();
}

test.describe('admin dashboard', () => {
  let server: WebTestServer;
  test.beforeEach(async () => {
    // The election is open and the exports test downloads the results: the embargo is lifted.
    server = await startWebTestServer(testElection(), { liveResults: true });
  });
  test.afterEach(async () => {
    await server.close();
  });

  test('admin pages redirect to the login page without a session', async ({ page, request }) => {
    for (const path of [
      '/admin',
      '/admin/bornes',
      '/admin/anomalies',
      '/admin/codes',
      '/admin/exports',
      '/admin/exports/audit',
    ]) {
      const response = await request.get(`${server.url}${path}`, { maxRedirects: 0 });
      expect(response.status(), path).toBe(303);
      expect(response.headers()['location'], path).toMatch(/^\/admin\/connexion/);
    }
    await page.goto(`${server.url}/admin/anomalies`);
    await expect(page).toHaveURL(/\/admin\/connexion\?raison=session$/);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Connexion à l’administration');
    await expectAccessible(page);
    await screen(page, 'admin-login');
  });

  test('a wrong password is refused; the right one opens a strict, httpOnly session', async ({
    page,
    context,
  }) => {
    await page.goto(`${server.url}/admin/connexion`);
    await page.getByLabel('Mot de passe administrateur').fill('pas-le-bon');
    const [refused] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Se connecter' }).click(),
    ]);
    expect(refused.status()).toBe(401);
    await expect(page.getByRole('alert')).toHaveText('Mot de passe incorrect.');
    await expect(page.getByLabel('Mot de passe administrateur')).toHaveAttribute('aria-invalid', 'true');
    expect((await context.cookies()).some((c) => c.name === 'isoloir_admin')).toBe(false);
    await expectAccessible(page);

    await page.getByLabel('Mot de passe administrateur').fill(server.password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await expect(page).toHaveURL(/\/admin\/bornes$/);
    const session = (await context.cookies()).find((c) => c.name === 'isoloir_admin');
    expect(session).toBeDefined();
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Strict');
    expect(session?.path).toBe('/admin');
    // Plain HTTP here; on TLS the same cookie is marked Secure (request.protocol === 'https').
    expect(session?.secure).toBe(false);
    expect(session?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  test('the login is rate-limited: the 6th try in a minute gets 429, even with the right password', async ({
    page,
    request,
  }) => {
    for (let i = 1; i <= 5; i += 1) {
      const response = await request.post(`${server.url}/admin/connexion`, {
        form: { password: `faux-${i}`, csrf: 'x' },
        maxRedirects: 0,
      });
      expect(response.status(), `try ${i}`).not.toBe(429);
    }
    const blocked = await request.post(`${server.url}/admin/connexion`, {
      form: { password: server.password, csrf: 'x' },
      maxRedirects: 0,
    });
    expect(blocked.status()).toBe(429);
    expect(blocked.headers()['retry-after']).toBeDefined();
    expect(await blocked.text()).toContain('Trop de tentatives');
    expect(blocked.headers()['set-cookie'] ?? '').not.toContain('isoloir_admin');

    // What a person sees: the same limit in the browser, as a French page.
    await page.goto(`${server.url}/admin/connexion`);
    await page.getByLabel('Mot de passe administrateur').fill(server.password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Trop de tentatives');
    await expectAccessible(page);
  });

  test('a login form from another origin (no matching login token) is refused', async ({ request }) => {
    const response = await request.post(`${server.url}/admin/connexion`, {
      form: { password: server.password, csrf: 'forged' },
      maxRedirects: 0,
    });
    expect(response.status()).toBe(403);
    expect(response.headers()['set-cookie'] ?? '').not.toContain('isoloir_admin=');
  });

  test('kiosks and anomalies pages list what the server holds', async ({ page }) => {
    const election = testElection();
    const arras = newTestKiosk('Comptoir d’Arras');
    const lens = newTestKiosk('Maison <script>alert(1)</script> de Lens');
    expect(await server.enrol(arras, server.createCode(arras.label))).toBe(201);
    expect(await server.enrol(lens, server.createCode(lens.label))).toBe(201);
    // K = 10: full batches of 10, a kiosk's remainder in its final batch.
    const k = election.batchSize;
    expect(await server.upload(nextBatch(arras, election.electionId, votes(k)).envelope)).toBe(201);
    expect(await server.upload(nextBatch(arras, election.electionId, votes(k, k)).envelope)).toBe(201);
    expect(await server.upload(nextBatch(lens, election.electionId, votes(k)).envelope)).toBe(201);
    const headAfterFirst = lens.head;
    // A batch signed by the wrong key is refused and counted as a rejection.
    const forged = nextBatch(lens, election.electionId, votes(k));
    expect(await server.upload({ ...forged.envelope, kioskId: arras.kioskId })).toBe(401);
    lens.seq -= 1;
    lens.head = headAfterFirst;
    // Lens closes its day with the 2 votes left over.
    const closing = nextBatch(lens, election.electionId, votes(2), { final: true });
    expect(await server.upload(closing.envelope)).toBe(201);
    // Calais equivocates: another payload at its stored seq 1 → 409, flagged; its next batch is held.
    const calais = newTestKiosk('Médiathèque de Calais');
    expect(await server.enrol(calais, server.createCode(calais.label))).toBe(201);
    expect(await server.upload(nextBatch(calais, election.electionId, votes(k)).envelope)).toBe(201);
    const afterFirst = { seq: calais.seq, head: calais.head };
    calais.seq = 0;
    calais.head = GENESIS_HASH;
    expect(await server.upload(nextBatch(calais, election.electionId, votes(k, 3)).envelope)).toBe(409);
    Object.assign(calais, afterFirst);
    expect(await server.upload(nextBatch(calais, election.electionId, votes(k, 4)).envelope)).toBe(201);

    await logIn(page, server);
    const table = page.getByRole('table', { name: 'Bornes inscrites, par identifiant' });
    const arrasRow = table.getByRole('row', { name: /Comptoir d’Arras/ });
    await expect(arrasRow).toContainText(arras.kioskId);
    await expect(arrasRow.locator('td').nth(3)).toHaveText('2');
    await expect(arrasRow.locator('td').nth(4)).toHaveText('20');
    await expect(arrasRow).toContainText('Normale');
    const lensRow = table.getByRole('row', { name: /Maison <script>alert\(1\)<\/script> de Lens/ });
    await expect(lensRow.locator('td').nth(3)).toHaveText('2');
    await expect(lensRow.locator('td').nth(4)).toHaveText('12');
    await expect(table.getByRole('row', { name: /Médiathèque de Calais/ })).toContainText(
      'Signalée : lots retenus',
    );
    await expect(page.locator('main')).toContainText('3 bornes inscrites, 42 bulletins comptés');
    await expect(page.locator('main')).toContainText('1 borne signalée');
    await expectAccessible(page);
    await screen(page, 'admin-kiosks');

    await page
      .getByRole('navigation', { name: 'Administration' })
      .getByRole('link', { name: 'Anomalies' })
      .click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Anomalies');
    const rejections = page.getByRole('table', { name: 'Requêtes refusées, par motif' });
    await expect(rejections.getByRole('row', { name: /Signature invalide/ })).toContainText('1');
    const equivocations = page.getByRole('table', { name: 'Envois équivoques refusés' });
    await expect(equivocations.getByRole('row', { name: /Médiathèque de Calais/ })).toContainText('1');
    const held = page.getByRole('table', { name: 'Lots conservés mais non comptés' });
    await expect(
      held
        .getByRole('row', { name: /Médiathèque de Calais/ })
        .locator('td')
        .nth(2),
    ).toHaveText('10');
    await expectAccessible(page);
    await screen(page, 'admin-anomalies');
  });

  test('an enrolment code is shown once, then enrols a kiosk, then is listed as used', async ({ page }) => {
    await logIn(page, server);
    await page.getByRole('link', { name: 'Codes d’inscription' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Codes d’inscription');
    await expectAccessible(page);

    // Invalid form: both fields explained, nothing created.
    await page.getByLabel(/Nom de la borne/).fill('   ');
    await page.getByLabel(/Valable pendant/).fill('0');
    await page.getByRole('button', { name: 'Créer le code' }).click();
    await expect(page.getByLabel(/Nom de la borne/)).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByLabel(/Valable pendant/)).toHaveAttribute('aria-invalid', 'true');
    await expect(page.locator('main')).toContainText('Aucun code créé.');
    await expectAccessible(page);

    await page.getByLabel(/Nom de la borne/).fill('Comptoir de Béthune');
    await page.getByLabel(/Valable pendant/).fill('24');
    await page.getByRole('button', { name: 'Créer le code' }).click();
    const code = (await page.locator('#new-code').textContent())?.trim() ?? '';
    expect(code.length).toBeGreaterThanOrEqual(4);
    await expect(page.getByRole('table', { name: /Codes d’inscription/ })).toContainText('Non utilisé');
    await expectAccessible(page);
    await screen(page, 'admin-code-created');

    // The code works once for the real enrolment API, then never again.
    const kiosk = newTestKiosk('Comptoir de Béthune');
    expect(await server.enrol(kiosk, code)).toBe(201);
    expect(await server.enrol(newTestKiosk('Deuxième essai'), code)).toBe(403);

    await page.getByRole('link', { name: 'Codes d’inscription' }).click();
    await expect(page.locator('#new-code')).toHaveCount(0);
    const row = page
      .getByRole('table', { name: /Codes d’inscription/ })
      .getByRole('row', { name: /Comptoir de Béthune/ });
    await expect(row).toContainText('Utilisé');
    await expect(row).toContainText(kiosk.kioskId);
    await expect(page.locator('main')).not.toContainText(code);
  });

  test('a kiosk is revoked from the dashboard after a confirmation; its next batch is refused', async ({
    page,
  }) => {
    const election = testElection();
    const lost = newTestKiosk('Borne perdue de Bapaume');
    expect(await server.enrol(lost, server.createCode(lost.label))).toBe(201);
    expect(await server.upload(nextBatch(lost, election.electionId, votes(10)).envelope)).toBe(201);
    await logIn(page, server);
    const row = page
      .getByRole('table', { name: 'Bornes inscrites, par identifiant' })
      .getByRole('row', { name: /Borne perdue de Bapaume/ });
    await row.getByRole('link', { name: 'Révoquer la borne Borne perdue de Bapaume' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(
      'Révoquer la borne « Borne perdue de Bapaume »',
    );
    await expect(page.locator('main')).toContainText('10 bulletins déjà comptés');
    await expectAccessible(page);
    await screen(page, 'admin-revoke');
    // A forged form (no session token) changes nothing.
    const forged = await page.request.post(`${server.url}/admin/bornes/revoquer`, {
      form: { kioskId: lost.kioskId, csrf: 'pas-le-bon' },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(403);
    expect(await server.upload(nextBatch(lost, election.electionId, votes(10)).envelope)).toBe(201);

    await page.getByRole('button', { name: 'Révoquer définitivement cette borne' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Bornes' })).toBeVisible();
    await expect(page.getByRole('status')).toContainText('La borne « Borne perdue de Bapaume » est révoquée');
    await expect(row).toContainText('Révoquée');
    await expect(row.getByRole('link')).toHaveCount(0);
    await expect(row.locator('td').nth(4)).toHaveText('20'); // its counted ballots stay
    await expectAccessible(page);
    expect(await server.upload(nextBatch(lost, election.electionId, votes(10)).envelope)).toBe(401);
  });

  test('a state-changing form without the session CSRF token is refused', async ({ page }) => {
    await logIn(page, server);
    const response = await page.request.post(`${server.url}/admin/codes`, {
      form: { label: 'Borne pirate', hours: '24', csrf: 'pas-le-bon' },
      maxRedirects: 0,
    });
    expect(response.status()).toBe(403);
    await page.goto(`${server.url}/admin/codes`);
    await expect(page.locator('main')).toContainText('Aucun code créé.');
  });

  test('exports download the audit bundle and the Pabulib file; logout ends the session', async ({
    page,
    context,
  }) => {
    await logIn(page, server);
    await page.getByRole('link', { name: 'Exports' }).click();
    await expectAccessible(page);
    await screen(page, 'admin-exports');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /paquet d’audit/ }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('isoloir-audit-budget-citoyen-test.jsonl');
    const audit = await page.request.get(`${server.url}/admin/exports/audit`);
    const lines = (await audit.text()).trim().split('\n');
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({
      type: 'header',
      format: 'isoloir-audit',
      v: AUDIT_VERSION,
    });
    expect(JSON.parse(lines.at(-2) ?? '{}')).toMatchObject({ type: 'results' });
    expect(JSON.parse(lines.at(-1) ?? '{}')).toMatchObject({ type: 'seal' });

    const pabulib = await page.request.get(`${server.url}/admin/exports/pabulib`);
    expect(pabulib.status()).toBe(200);
    expect(pabulib.headers()['content-disposition']).toBe(
      'attachment; filename="isoloir-budget-citoyen-test.pb"',
    );
    expect(await pabulib.text()).toMatch(/^META\n/);

    await page.getByRole('button', { name: 'Se déconnecter' }).click();
    await expect(page.getByRole('status')).toHaveText('Vous êtes déconnecté.');
    expect((await context.cookies()).some((c) => c.name === 'isoloir_admin')).toBe(false);
    await page.goto(`${server.url}/admin/bornes`);
    await expect(page).toHaveURL(/\/admin\/connexion/);
  });
});

test('without a published election, the exports page explains why nothing can be exported', async ({
  page,
}) => {
  const server = await startWebTestServer(null);
  try {
    await logIn(page, server);
    const refused = await page.request.get(`${server.url}/admin/exports/audit`);
    expect(refused.status()).toBe(409);
    expect(await refused.text()).toContain('Aucune élection publiée');
    await page.goto(`${server.url}/admin/exports/pabulib`);
    await expect(page.getByRole('alert')).toContainText('Aucune élection publiée');
    await expectAccessible(page);
  } finally {
    await server.close();
  }
});

test('behind TLS the session cookie is also Secure (and the login token cookie too)', async ({
  playwright,
}) => {
  const dir = mkdtempSync(join(tmpdir(), 'isoloir-tls-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  const server = await startWebTestServer(testElection(), { tlsCert: cert, tlsKey: key });
  const request = await playwright.request.newContext({ ignoreHTTPSErrors: true });
  try {
    expect(server.url).toMatch(/^https:/);
    const form = await request.get(`${server.url}/admin/connexion`);
    expect(form.headers()['set-cookie']).toMatch(/isoloir_login=.*; Secure/);
    const csrf = /name="csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
    const login = await request.post(`${server.url}/admin/connexion`, {
      form: { password: server.password, csrf },
      maxRedirects: 0,
    });
    expect(login.status()).toBe(303);
    const setCookie = login
      .headersArray()
      .filter((h) => h.name.toLowerCase() === 'set-cookie')
      .map((h) => h.value);
    const session = setCookie.find((c) => c.startsWith('isoloir_admin='));
    expect(session).toMatch(/; Path=\/admin/);
    expect(session).toMatch(/; HttpOnly/);
    expect(session).toMatch(/; Secure/);
    expect(session).toMatch(/; SameSite=Strict/);
  } finally {
    await request.dispose();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
