/**
 * The whole kiosk in Chromium through the browser harness: the built renderer under the production CSP,
 * the typed API over HTTP with the per-launch secret, and a vote cast through the screens landing in the
 * kiosk's SQLite file.
 */
import type { ConsoleMessage, Page } from '@playwright/test';
import { HARNESS_TOKEN_HEADER, httpPath } from '../../src/shared/api';
import { expect, test } from './fixtures';

/**
 * Collects what the browser reports as broken: CSP refusals (the page's own `securitypolicyviolation`
 * events, which fire even when the refused code swallowed the error), console CSP errors, uncaught errors.
 */
async function watchProblems(page: Page): Promise<() => Promise<string[]>> {
  const problems: string[] = [];
  await page.addInitScript(() => {
    const store: string[] = [];
    (globalThis as unknown as { __csp: string[] }).__csp = store;
    globalThis.addEventListener('securitypolicyviolation', (e) => {
      const event = e as unknown as { violatedDirective: string; blockedURI: string };
      store.push(`CSP ${event.violatedDirective} ${event.blockedURI}`);
    });
  });
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text()))
      problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  return async () => [
    ...problems,
    ...(await page.evaluate(() => (globalThis as unknown as { __csp?: string[] }).__csp ?? [])),
  ];
}

test('the renderer loads under the CSP, without window.kiosk, and shows the welcome screen', async ({
  page,
  kiosk,
}) => {
  const problems = await watchProblems(page);
  await page.reload();
  await expect(page.getByRole('button', { name: /Je vote/i })).toBeVisible();
  expect(await page.evaluate(() => typeof (globalThis as unknown as Record<string, unknown>)['kiosk'])).toBe(
    'undefined',
  );
  // The secret left the address bar as soon as the renderer read it.
  expect(page.url()).not.toContain(kiosk.harness.token);
  expect(await problems()).toEqual([]);
});

test('the API answers the page with the secret and refuses it without', async ({ page, kiosk }) => {
  const answer = async (token: string | null): Promise<{ status: number; body: unknown }> =>
    page.evaluate(
      async ({ path, header, token }) => {
        const response = await fetch(path, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token === null ? {} : { [header]: token }) },
          body: '{}',
        });
        return { status: response.status, body: (await response.json()) as unknown };
      },
      { path: httpPath('getStatus'), header: HARNESS_TOKEN_HEADER, token },
    );
  const allowed = await answer(kiosk.harness.token);
  expect(allowed.status).toBe(200);
  expect(allowed.body).toMatchObject({ ok: true, value: { kioskId: kiosk.kiosk.kioskId, state: 'open' } });
  expect(await answer(null)).toMatchObject({
    status: 401,
    body: { ok: false, error: { code: 'unauthorized' } },
  });
  expect(await answer('not-the-secret')).toMatchObject({ status: 401 });
});

test('a vote cast through the screens lands in the kiosk’s SQLite file', async ({ page, kiosk }) => {
  const problems = await watchProblems(page);
  await page.reload();
  const counts = () => {
    const { ballots, participations } = kiosk.counts();
    return { ballots, participations };
  };
  expect(counts()).toEqual({ ballots: 0, participations: 0 });

  await page.getByRole('button', { name: /Je vote/i }).click();
  await page.getByRole('combobox', { name: /Votre commune/i }).fill('Arras');
  await page
    .getByRole('option', { name: /^Arras\b/ })
    .first()
    .click();
  await page.getByLabel('Jour').fill('14');
  await page.getByLabel('Mois').fill('07');
  await page.getByLabel('Année').fill('1962');
  await page.getByLabel('Votre nom de famille').fill('Durand');
  await page.getByLabel('Votre premier prénom').fill('Paulette');
  await page.getByRole('button', { name: 'Continuer' }).click();

  await page
    .getByRole('button', { name: /^Choisir/ })
    .first()
    .click();
  await page.getByRole('button', { name: /Voir mon vote/i }).click();
  await page.getByRole('button', { name: /Valider mon vote/i }).click();
  await expect(page.getByRole('heading', { name: /Merci/i })).toBeVisible();

  // "Merci" only after the commit (DESIGN §3.3): the row is in the file now, read by another connection.
  expect(counts()).toEqual({ ballots: 1, participations: 1 });
  const [ballot] = kiosk.votes().ballots;
  expect(ballot?.choices).toHaveLength(1);
  expect(await problems()).toEqual([]);
});
