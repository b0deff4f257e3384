/**
 * Browsing 54 projects (issue 3 §3): filters by territory and theme as large toggle buttons, "Près de
 * chez moi" from the voter's commune, accent-insensitive search, and a new order for each voter.
 */
import { expect, test } from './fixtures';
import { cardIds, enterAs, sampleElection } from './voter-steps';

test('territory and theme filters, "Près de chez moi", accent-insensitive search', async ({ page }) => {
  const election = sampleElection();
  await enterAs(page);
  const count = page.getByRole('status').filter({ hasText: /projets? affichés?|Aucun projet/ });
  await expect(count).toHaveText(`${election.projects.length} projets affichés`);

  // Large toggle buttons, not a <select>: exactly the 8 territories, and every theme of the package.
  const territories = page.getByRole('group', { name: 'Territoire' }).getByRole('button');
  const themes = page.getByRole('group', { name: 'Thème' }).getByRole('button');
  await expect(territories).toHaveCount(8);
  await expect(territories).toHaveText(election.territories.map((x) => x.name));
  await expect(themes).toHaveCount(new Set(election.projects.map((p) => p.theme)).size);
  for (const button of [...(await territories.all()), ...(await themes.all())]) {
    await expect(button).toHaveAttribute('aria-pressed', 'false');
    const box = await button.boundingBox();
    expect(box?.height ?? 0).toBeGreaterThanOrEqual(48);
    expect(box?.width ?? 0).toBeGreaterThanOrEqual(48);
  }

  const calaisis = election.projects.filter((p) => p.territoryId === 'calaisis');
  const calaisisButton = territories.filter({ hasText: 'Calaisis' });
  await calaisisButton.click();
  await expect(calaisisButton).toHaveAttribute('aria-pressed', 'true');
  await expect(count).toHaveText(`${calaisis.length} projets affichés`);
  expect((await cardIds(page)).sort()).toEqual(calaisis.map((p) => p.id).sort());

  const theme = calaisis[0]?.theme ?? '';
  const both = calaisis.filter((p) => p.theme === theme);
  await themes.filter({ hasText: theme }).click();
  expect((await cardIds(page)).sort()).toEqual(both.map((p) => p.id).sort());

  // By keyboard: one territory at a time, and pressing the pressed one shows every territory again.
  const boulonnais = territories.filter({ hasText: 'Boulonnais' });
  await boulonnais.focus();
  await page.keyboard.press('Space');
  await expect(boulonnais).toHaveAttribute('aria-pressed', 'true');
  await expect(calaisisButton).toHaveAttribute('aria-pressed', 'false');
  await page.keyboard.press('Enter');
  await expect(boulonnais).toHaveAttribute('aria-pressed', 'false');
  await expect(territories.and(page.locator('[aria-pressed="true"]'))).toHaveCount(0);
  const ofTheme = election.projects.filter((p) => p.theme === theme);
  await expect(count).toHaveText(
    `${ofTheme.length} projet${ofTheme.length > 1 ? 's' : ''} affiché${ofTheme.length > 1 ? 's' : ''}`,
  );

  await page.getByRole('button', { name: 'Tout afficher' }).click();
  await expect(count).toHaveText(`${election.projects.length} projets affichés`);
  await expect(page.locator('.chips [aria-pressed="true"]')).toHaveCount(0);

  // Arras (62041) lies in the Arrageois: "Près de chez moi" shows exactly its projects.
  const home = election.communeTerritories?.['62041'];
  expect(home).toBe('arrageois');
  const near = page.getByRole('button', { name: 'Près de chez moi' });
  await near.click();
  await expect(near).toHaveAttribute('aria-pressed', 'true');
  await expect(territories.filter({ hasText: 'Arrageois' })).toHaveAttribute('aria-pressed', 'true');
  expect((await cardIds(page)).sort()).toEqual(
    election.projects
      .filter((p) => p.territoryId === home)
      .map((p) => p.id)
      .sort(),
  );
  await near.click();
  await expect(count).toHaveText(`${election.projects.length} projets affichés`);

  // Search without accents nor capitals finds a title written with them.
  const accented = election.projects.find((p) => /[éèêàç]/.test(p.title));
  expect(accented).toBeDefined();
  const word = (accented?.title ?? '').split(/\s+/).find((w) => /[éèêàç]/.test(w)) ?? '';
  const folded = word
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[^A-Z]/g, '');
  await page.getByLabel('Rechercher un projet').fill(folded);
  await expect(page.locator(`li.card[data-project="${accented?.id ?? ''}"]`)).toBeVisible();
  expect((await cardIds(page)).length).toBeLessThan(election.projects.length);

  await page.getByLabel('Rechercher un projet').fill('zzzzqqq');
  await expect(count).toHaveText(/Aucun projet ne correspond/);
});

test('the search can be typed on the on-screen keyboard', async ({ page }) => {
  await enterAs(page);
  await page.getByRole('button', { name: 'Clavier' }).click();
  const keys = page.getByRole('group', { name: 'Clavier à l’écran' });
  for (const c of 'jardin') await keys.getByRole('button', { name: c, exact: true }).click();
  await expect(page.getByLabel('Rechercher un projet')).toHaveValue('jardin');
  const ids = await cardIds(page);
  expect(ids.length).toBeGreaterThan(0);
  expect(ids.length).toBeLessThan(54);
});

test('each voter gets the projects in a new order', async ({ page }) => {
  await enterAs(page);
  const first = await cardIds(page);
  // A reload is a new voter (the harness secret stays in this tab's session storage).
  await page.reload();
  await expect(page.getByRole('button', { name: 'Je vote' })).toBeVisible();
  await enterAs(page, {
    commune: 'Lens',
    communeOption: /^Lens\b/,
    day: '02',
    month: '03',
    year: '1970',
    familyName: 'Martin',
    firstName: 'Jules',
  });
  const second = await cardIds(page);
  expect(second.sort()).toEqual([...first].sort());
  expect(second).not.toEqual(first);
});
