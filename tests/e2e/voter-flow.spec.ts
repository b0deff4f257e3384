/**
 * The voter's flow in Chromium through the browser harness (issue 3): a full vote by touch, the same by
 * keyboard alone, the 4th pick blocked, the under-vote notice, one cast only, refusals, the language
 * switch. Each test has a fresh kiosk on its own SQLite file; what the screens claim is checked in it.
 */
import { expect, test } from './fixtures';
import { ballots, cardIds, chooseButtons, enterAs, openWith, paulette, tabTo } from './voter-steps';

test.describe('by touch', () => {
  test.use({ hasTouch: true });

  test('a full vote with taps only, names typed on the on-screen keyboard', async ({ page, kiosk }) => {
    await page.getByRole('button', { name: 'Je vote' }).tap();
    const letters = page.getByRole('group', { name: 'Clavier à l’écran' });
    const tapKeys = async (text: string): Promise<void> => {
      for (const char of text) await letters.getByRole('button', { name: char, exact: true }).tap();
    };
    // The commune field is the keyboard's first target.
    await tapKeys('arras');
    await expect(page.getByRole('combobox', { name: 'Votre commune' })).toHaveValue('arras');
    await page
      .getByRole('option', { name: /^Arras\b/ })
      .first()
      .tap();

    await page.getByLabel('Jour').tap();
    const pad = page.getByRole('group', { name: 'Pavé numérique' });
    // A full field moves on to the next: 14 → month, 07 → year, 1962 → family name.
    for (const digit of '14071962') await pad.getByRole('button', { name: digit, exact: true }).tap();
    await expect(page.getByLabel('Jour')).toHaveValue('14');
    await expect(page.getByLabel('Mois')).toHaveValue('07');
    await expect(page.getByLabel('Année')).toHaveValue('1962');
    await expect(page.getByLabel('Votre nom de famille')).toBeFocused();

    await letters.getByRole('button', { name: 'Majuscules' }).tap();
    await tapKeys('D');
    await letters.getByRole('button', { name: 'Majuscules' }).tap();
    await tapKeys('urandx');
    await letters.getByRole('button', { name: 'Effacer' }).tap();
    await expect(page.getByLabel('Votre nom de famille')).toHaveValue('Durand');
    await page.getByLabel('Votre premier prénom').tap();
    await tapKeys('hélène');
    await letters.getByRole('button', { name: 'Espace', exact: true }).tap();
    await tapKeys('marie-œ');
    await expect(page.getByLabel('Votre premier prénom')).toHaveValue('hélène marie-œ');
    await page.getByRole('button', { name: 'Continuer' }).tap();

    await expect(page.getByRole('heading', { level: 1, name: 'Les projets' })).toBeVisible();
    const order = await cardIds(page);
    for (let i = 0; i < 3; i++) await chooseButtons(page).nth(i).tap();
    await expect(page.getByRole('heading', { name: 'Mes choix : 3 sur 3' })).toBeVisible();
    await page.getByRole('button', { name: 'Voir mon vote' }).tap();
    await page.getByRole('button', { name: 'Valider mon vote' }).tap();
    await expect(page.getByRole('heading', { name: 'Merci !' })).toBeVisible();
    await expect(page.getByTestId('receipt-code')).toHaveText(/\S{4,}/);

    expect(ballots(kiosk)).toEqual([[...order.slice(0, 3)].sort()]);
    await page.getByRole('button', { name: 'Terminer' }).tap();
    await expect(page.getByRole('button', { name: 'Je vote' })).toBeVisible();
  });

  test('the fields ask the system for no keyboard of its own, and a finger on a field brings ours back', async ({
    page,
  }) => {
    await page.getByRole('button', { name: 'Je vote' }).tap();
    // A Windows touch kiosk would otherwise slide its own keyboard over the screen's.
    const fields = [
      page.getByRole('combobox', { name: 'Votre commune' }),
      page.getByLabel('Jour'),
      page.getByLabel('Mois'),
      page.getByLabel('Année'),
      page.getByLabel('Votre nom de famille'),
      page.getByLabel('Votre premier prénom'),
    ];
    for (const field of fields) await expect(field).toHaveAttribute('inputmode', 'none');
    const letters = page.getByRole('group', { name: 'Clavier à l’écran' });
    await letters.getByRole('button', { name: 'Masquer le clavier' }).tap();
    await expect(letters).toBeHidden();
    await page.getByLabel('Votre nom de famille').tap();
    await expect(letters).toBeVisible();
    await page.getByLabel('Jour').tap();
    await expect(page.getByRole('group', { name: 'Pavé numérique' })).toBeVisible();

    await page.getByRole('button', { name: 'Retour' }).tap();
    await enterAs(page);
    const search = page.getByLabel('Rechercher un projet');
    await expect(search).toHaveAttribute('inputmode', 'none');
    await expect(letters).toBeHidden();
    await search.tap();
    await expect(letters).toBeVisible();
    await letters.getByRole('button', { name: 'v', exact: true }).tap();
    await expect(search).toHaveValue('v');
  });
});

test('a full vote with the keyboard alone', async ({ page, kiosk }) => {
  // The limits are the tab order itself: each control comes right after the one before it.
  await expect(page.getByRole('button', { name: 'Je vote' })).toBeVisible();
  await tabTo(page, /^Je vote$/, 1);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Qui êtes-vous ?' })).toBeFocused();

  // "En savoir plus" (why names are asked), then the commune.
  await tabTo(page, /^Votre commune$/, 2);
  await page.keyboard.type('Arras');
  await expect(page.getByRole('option', { name: /^Arras\b/ }).first()).toBeVisible();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  // The input gives way to "Changer": the focus goes there, never to the page's body.
  const change = page.getByRole('button', { name: 'Changer' });
  await expect(change).toBeFocused();
  await expect(change).toHaveAccessibleDescription(/^Commune choisie : Arras \(62000\)$/);
  // "Changer" gives the input back, focused; picking again returns to "Changer".
  await page.keyboard.press('Enter');
  const commune = page.getByRole('combobox', { name: 'Votre commune' });
  await expect(commune).toBeFocused();
  await page.keyboard.type('Arras');
  await expect(page.getByRole('option', { name: /^Arras\b/ }).first()).toBeVisible();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(change).toBeFocused();
  await tabTo(page, /^Jour$/, 1);
  await page.keyboard.type('14');
  await page.keyboard.press('Tab');
  await page.keyboard.type('07');
  await page.keyboard.press('Tab');
  await page.keyboard.type('1962');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Durand');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Paulette');
  await page.keyboard.press('Enter');

  await expect(page.getByRole('heading', { level: 1, name: 'Les projets' })).toBeFocused();
  const order = await cardIds(page);
  // Two skip links first: past the filters, straight to the cards.
  await tabTo(page, /^Aller à mes choix$/, 1);
  await tabTo(page, /^Aller aux projets$/, 1);
  await page.keyboard.press('Enter');
  // Each card: "Découvrir", then "Choisir".
  for (let i = 0; i < 2; i++) {
    await tabTo(page, /^Choisir$/, 2);
    await page.keyboard.press(i === 0 ? 'Enter' : 'Space');
  }
  await expect(page.getByRole('heading', { name: 'Mes choix : 2 sur 3' })).toBeVisible();
  // The tray comes just before the cards: back past card 1 and the two "Retirer", to "Voir mon vote".
  await tabTo(page, /^Voir mon vote$/, 6, true);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 1, name: 'Vérifiez votre vote' })).toBeFocused();
  await tabTo(page, /^Valider mon vote$/, 2);
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Merci !' })).toBeFocused();
  expect(ballots(kiosk)).toEqual([[...order.slice(0, 2)].sort()]);
});

test('a 4th pick is refused with an explanation, never swapped', async ({ page, kiosk }) => {
  await enterAs(page);
  const order = await cardIds(page);
  for (let i = 0; i < 4; i++) await chooseButtons(page).nth(i).click();
  const refused = page.getByRole('alertdialog', { name: 'Vous avez déjà choisi 3 projets' });
  const fourth = (await page.locator('li.card').nth(3).getByRole('heading').textContent()) ?? '';
  await expect(refused).toHaveAccessibleDescription(
    `Pour choisir « ${fourth} », retirez d’abord un de vos choix dans « Mes choix ».`,
  );
  await refused.getByRole('button', { name: 'J’ai compris' }).click();
  await expect(refused).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Mes choix : 3 sur 3' })).toBeVisible();
  await expect(chooseButtons(page).nth(3)).toHaveAttribute('aria-pressed', 'false');
  await expect(chooseButtons(page).nth(0)).toHaveAttribute('aria-pressed', 'true');

  // Removing one from the tray frees a place for the 4th.
  const tray = page.getByRole('complementary');
  await tray
    .getByRole('button', { name: /^Retirer/ })
    .first()
    .click();
  await chooseButtons(page).nth(3).click();
  await expect(page.getByRole('heading', { name: 'Mes choix : 3 sur 3' })).toBeVisible();
  await page.getByRole('button', { name: 'Voir mon vote' }).click();
  await page.getByRole('button', { name: 'Valider mon vote' }).click();
  await expect(page.getByRole('heading', { name: 'Merci !' })).toBeVisible();
  expect(ballots(kiosk)).toEqual([[order[1], order[2], order[3]].sort()]);
});

test('fewer than 3 choices: the review says so without blocking, and a double tap casts once', async ({
  page,
  kiosk,
}) => {
  await enterAs(page);
  await expect(page.getByRole('button', { name: 'Voir mon vote' })).toBeDisabled();
  await chooseButtons(page).first().click();
  await page.getByRole('button', { name: 'Voir mon vote' }).click();
  await expect(
    page.getByText('Vous pouvez encore choisir 2 projets. Ce n’est pas obligatoire.'),
  ).toBeVisible();
  await page.getByRole('button', { name: 'Modifier' }).click();
  await chooseButtons(page).nth(1).click();
  await page.getByRole('button', { name: 'Voir mon vote' }).click();
  await expect(
    page.getByText('Vous pouvez encore choisir 1 projet. Ce n’est pas obligatoire.'),
  ).toBeVisible();
  await page.getByRole('button', { name: 'Valider mon vote' }).dblclick();
  await expect(page.getByRole('heading', { name: 'Merci !' })).toBeVisible();
  expect(ballots(kiosk)).toHaveLength(1);
  expect(ballots(kiosk)[0]).toHaveLength(2);
});

test('the detail view shows the full project and "Choisir ce projet" adds it', async ({ page }) => {
  await enterAs(page);
  const first = page.locator('li.card').first();
  const title = (await first.getByRole('heading').textContent()) ?? '';
  await first.getByRole('button', { name: 'Découvrir' }).click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeFocused();
  await expect(page.getByRole('heading', { name: 'En bref' })).toBeVisible();
  const detail = page.getByRole('region', { name: title });
  for (const fact of ['Porté par', 'Coût', 'Territoire', 'Thème'])
    await expect(detail.getByRole('term').filter({ hasText: fact })).toBeVisible();
  await expect(detail.getByRole('definition').filter({ hasText: /\d[\d\s  ]*€/ })).toBeVisible();
  await page.getByRole('button', { name: 'Choisir ce projet' }).click();
  await expect(page.getByRole('heading', { name: 'Mes choix : 1 sur 3' })).toBeVisible();
  await page.getByRole('button', { name: 'Retour aux projets' }).click();
  await expect(first.getByRole('button', { name: 'Découvrir' })).toBeFocused();
  await expect(first.getByRole('button', { name: 'Choisi' })).toHaveAttribute('aria-pressed', 'true');
});

test('refusals: too young, a postal code outside Pas-de-Calais, already voted', async ({ page }) => {
  await page.getByRole('button', { name: 'Je vote' }).click();
  const young = new Date();
  await page.getByRole('combobox', { name: 'Votre commune' }).fill('80000');
  await expect(
    page.locator('p.notice', { hasText: 'Ce code postal n’est pas dans le Pas-de-Calais.' }),
  ).toBeVisible();
  await page.getByRole('combobox', { name: 'Votre commune' }).fill('Lens');
  await page
    .getByRole('option', { name: /^Lens\b/ })
    .first()
    .click();
  await page.getByLabel('Jour').fill('01');
  await page.getByLabel('Mois').fill('01');
  await page.getByLabel('Année').fill(String(young.getFullYear() - 5));
  await page.getByLabel('Votre nom de famille').fill('Petit');
  await page.getByLabel('Votre premier prénom').fill('Léo');
  await page.getByRole('button', { name: 'Continuer' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Vous ne pouvez pas voter ici' })).toBeFocused();
  await expect(page.getByRole('alert')).toContainText('Ce vote est ouvert à partir de 11 ans');

  // Correcting keeps what was typed; a valid adult date then goes through.
  await page.getByRole('button', { name: 'Corriger mes informations' }).click();
  await expect(page.getByLabel('Votre premier prénom')).toHaveValue('Léo');
  await page.getByLabel('Année').fill('1980');
  await page.getByRole('button', { name: 'Continuer' }).click();
  await chooseButtons(page).first().click();
  await page.getByRole('button', { name: 'Voir mon vote' }).click();
  await page.getByRole('button', { name: 'Valider mon vote' }).click();
  await page.getByRole('button', { name: 'Terminer' }).click();

  // The same person again (other spelling of the name): refused as already voted.
  await page.getByRole('button', { name: 'Je vote' }).click();
  await page.getByRole('combobox', { name: 'Votre commune' }).fill('62300');
  await page
    .getByRole('option', { name: /^Lens\b/ })
    .first()
    .click();
  await page.getByLabel('Jour').fill('1');
  await page.getByLabel('Mois').fill('1');
  await page.getByLabel('Année').fill('1980');
  await page.getByLabel('Votre nom de famille').fill('PETIT');
  await page.getByLabel('Votre premier prénom').fill('leo');
  await page.getByRole('button', { name: 'Continuer' }).click();
  await expect(page.getByRole('alert')).toContainText('a déjà voté');
  await page.getByRole('button', { name: 'Revenir à l’accueil' }).click();
  await expect(page.getByRole('button', { name: 'Je vote' })).toBeVisible();
});

test('missing answers are listed, and the fields say they are invalid', async ({ page }) => {
  await page.getByRole('button', { name: 'Je vote' }).click();
  await page.getByRole('button', { name: 'Continuer' }).click();
  const problems = page.getByRole('alert');
  await expect(problems).toContainText('Choisissez votre commune dans la liste.');
  await expect(problems).toContainText('Indiquez votre date de naissance complète');
  await expect(problems).toContainText('Indiquez votre nom de famille et votre premier prénom.');
  await expect(page.getByLabel('Jour')).toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('Jour').fill('31');
  await page.getByLabel('Mois').fill('02');
  await page.getByLabel('Année').fill('1990');
  await page.getByRole('button', { name: 'Continuer' }).click();
  await expect(problems).toContainText('Cette date n’existe pas.');
});

test('the language switch turns the interface and the project texts to English, and the next voter gets French', async ({
  page,
}) => {
  await expect(page).toHaveTitle('Isoloir — Je vote');
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  // The window's title follows the language too.
  await expect(page).toHaveTitle('Isoloir — I vote');
  await expect(
    page.getByRole('heading', { level: 1, name: 'Vote for your favourite projects' }),
  ).toBeVisible();
  await page.getByRole('button', { name: 'I vote' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Who are you?' })).toBeVisible();
  await page.getByRole('combobox', { name: 'Your town' }).fill('Arras');
  await page
    .getByRole('option', { name: /^Arras\b/ })
    .first()
    .click();
  await page.getByLabel('Day').fill(paulette.day);
  await page.getByLabel('Month').fill(paulette.month);
  await page.getByLabel('Year').fill(paulette.year);
  await page.getByLabel('Your family name').fill(paulette.familyName);
  await page.getByLabel('Your first given name').fill(paulette.firstName);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { name: 'My choices: 0 of 3' })).toBeVisible();
  // The sample package translates titles: the garden project reads in English.
  await expect(
    page.getByRole('heading', { name: 'A shared garden at the foot of the Saint-Nicolas flats' }),
  ).toBeVisible();
  await page.getByRole('button', { name: 'Français' }).click();
  await expect(page.getByRole('heading', { name: 'Mes choix : 0 sur 3' })).toBeVisible();
  await page.getByRole('button', { name: 'English' }).click();
  await chooseButtons(page)
    .or(page.getByRole('button', { name: 'Choose', exact: true }))
    .first()
    .click();
  await page.getByRole('button', { name: 'See my vote' }).click();
  await page.getByRole('button', { name: 'Confirm my vote' }).click();
  await expect(page.getByRole('heading', { name: 'Thank you!' })).toBeVisible();
  await page.getByRole('button', { name: 'Finish' }).click();
  await expect(page.getByRole('button', { name: 'Je vote' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  await expect(page).toHaveTitle('Isoloir — Je vote');
});

test('read-aloud is offered only where a voice speaks the interface language', async ({ page }) => {
  const frenchVoices = await page.evaluate(
    () => speechSynthesis.getVoices().filter((v) => v.lang.toLowerCase().startsWith('fr')).length,
  );
  const button = page.getByRole('button', { name: 'Lire l’écran à voix haute' });
  if (frenchVoices === 0) await expect(button).toHaveCount(0);
  else await expect(button).toBeVisible();
});

test('with a French voice, read-aloud speaks the current screen in French', async ({ page, kiosk }) => {
  // This Chromium has no voice: the platform's speech engine is replaced by a recorder (not our code).
  await page.addInitScript(() => {
    const spoken: { text: string; lang: string }[] = [];
    const voice = { lang: 'fr-FR', name: 'Test FR', default: true, localService: true, voiceURI: 'fr' };
    class Utterance {
      voice: unknown = null;
      lang = '';
      rate = 1;
      onend: (() => void) | null = null;
      onerror: (() => void) | null = null;
      constructor(readonly text: string) {}
    }
    Object.assign(window, { __spoken: spoken, SpeechSynthesisUtterance: Utterance });
    Object.defineProperty(window, 'speechSynthesis', {
      value: Object.assign(new EventTarget(), {
        getVoices: () => [voice],
        speak: (u: Utterance) => spoken.push({ text: u.text, lang: u.lang }),
        cancel: () => undefined,
      }),
    });
  });
  await page.goto(kiosk.harness.url.replace('/#', '/?#'));
  // Read-aloud reads what is on the screen at the tap: wait for the welcome text to be there.
  await expect(page.getByText('Votez pour vos projets préférés')).toBeVisible();
  await page.getByRole('button', { name: 'Lire l’écran à voix haute' }).click();
  const spokenSoFar = () =>
    page.evaluate(() => (window as unknown as { __spoken: { text: string; lang: string }[] }).__spoken);
  // The screen may hand the text to the speech engine a moment after the tap: wait for it, then once only.
  await expect.poll(async () => (await spokenSoFar()).length).toBe(1);
  const spoken = await spokenSoFar();
  expect(spoken).toHaveLength(1);
  expect(spoken[0]?.lang).toBe('fr-FR');
  expect(spoken[0]?.text).toContain('Votez pour vos projets préférés');
  // In English there is no English voice here: the button goes away.
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('button', { name: 'Read the screen aloud' })).toHaveCount(0);
});

test('card and detail pictures are shown whole, in their own 3:2 shape', async ({ page }) => {
  await enterAs(page);
  const shape = (img: HTMLImageElement): { box: number; picture: number } => ({
    box: img.getBoundingClientRect().width / img.getBoundingClientRect().height,
    picture: img.naturalWidth / img.naturalHeight,
  });
  const card = page.locator('li.card img.card-image').first();
  await expect(card).toHaveJSProperty('complete', true);
  const onCard = await card.evaluate(shape);
  expect(onCard.picture).toBeCloseTo(3 / 2, 2);
  expect(onCard.box).toBeCloseTo(onCard.picture, 2);

  await page.locator('li.card').first().getByRole('button', { name: 'Découvrir' }).click();
  const detail = page.locator('img.detail-image');
  await expect(detail).toHaveJSProperty('complete', true);
  const inDetail = await detail.evaluate(shape);
  expect(inDetail.box).toBeCloseTo(inDetail.picture, 2);
});

test('the welcome sentence takes the minimum age and the number of choices from the election package', async ({
  page,
  kiosk,
}) => {
  const welcome = page.locator('.welcome .lead');
  await expect(welcome).toHaveText(
    'Vous habitez le Pas-de-Calais et vous avez 11 ans ou plus ? Choisissez jusqu’à 3 projets. Votre vote est secret.',
  );
  // Another package (16 years, 2 choices, then 1): the transport's answer is altered on its way.
  for (const [minAge, maxChoices, choose] of [
    [16, 2, 'Choisissez jusqu’à 2 projets.'],
    [18, 1, 'Choisissez votre projet préféré.'],
  ] as const) {
    await page.unrouteAll();
    await page.route('**/api/kiosk/getElection', async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as { value: { election: Record<string, unknown> } };
      Object.assign(body.value.election, { minAge, maxChoices });
      await route.fulfill({ response, json: body });
    });
    await openWith(page, kiosk, '');
    await expect(welcome).toHaveText(
      `Vous habitez le Pas-de-Calais et vous avez ${minAge} ans ou plus ? ${choose} Votre vote est secret.`,
    );
  }
});

test('why names are asked is said in view, honestly, and the first name asked is the first given name', async ({
  page,
}) => {
  await page.getByRole('button', { name: 'Je vote' }).click();
  const why =
    'Votre nom et votre date de naissance servent seulement à calculer un code qui repère un second vote. Ils ne sont pas enregistrés, et ce code n’est jamais relié à vos choix.';
  // In view without a tap; the longer explanation stays folded below it.
  await expect(page.getByText(why)).toBeVisible();
  await expect(page.getByText(/pourrait savoir que vous avez voté/)).toBeHidden();
  await page.getByText('En savoir plus').click();
  await expect(
    page.getByText(/pourrait savoir que vous avez voté\. Jamais pour quels projets\./),
  ).toBeVisible();

  const firstName = page.getByRole('textbox', { name: 'Votre premier prénom' });
  await expect(firstName).toHaveAccessibleDescription(new RegExp(`^Comme sur vos papiers ${why}`));
  await expect(page.getByRole('textbox', { name: 'Votre nom de famille' })).toHaveAccessibleDescription(why);

  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('textbox', { name: 'Your first given name' })).toHaveAccessibleDescription(
    /^As on your official papers Your name and date of birth are only used/,
  );
});

test('at the largest text size on 1280×800, the 4th-pick explanation is in view and holds the focus; the tray shows whole titles', async ({
  page,
}) => {
  await enterAs(page);
  await page.getByRole('button', { name: 'Affichage' }).click();
  await page.getByRole('button', { name: 'Très grand' }).click();
  await page.getByRole('button', { name: 'Fermer' }).click();
  for (let i = 0; i < 3; i++) await chooseButtons(page).nth(i).click();
  // Deep in the grid, as a voter would be after scrolling.
  const fourth = chooseButtons(page).nth(20);
  await fourth.scrollIntoViewIfNeeded();
  await fourth.click();

  const refused = page.getByRole('alertdialog', { name: 'Vous avez déjà choisi 3 projets' });
  const close = refused.getByRole('button', { name: 'J’ai compris' });
  await expect(close).toBeFocused();
  const viewport = page.viewportSize() ?? { width: 0, height: 0 };
  const box = await refused.boundingBox();
  expect(box).not.toBeNull();
  expect(box?.y ?? -1).toBeGreaterThanOrEqual(0);
  expect(box?.x ?? -1).toBeGreaterThanOrEqual(0);
  expect((box?.y ?? 0) + (box?.height ?? Infinity)).toBeLessThanOrEqual(viewport.height);
  expect((box?.x ?? 0) + (box?.width ?? Infinity)).toBeLessThanOrEqual(viewport.width);
  await expect(close).toBeInViewport({ ratio: 1 });
  // The page behind is out of reach while it shows; Escape closes it and the focus returns.
  await page.keyboard.press('Tab');
  await expect(close).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(refused).toHaveCount(0);
  await expect(fourth).toBeFocused();

  // The tray at the bottom names each choice in full.
  const titles = page.getByRole('complementary').locator('.tray-title');
  await expect(titles).toHaveCount(3);
  for (let i = 0; i < 3; i++) {
    const title = titles.nth(i);
    await expect(title).toBeInViewport({ ratio: 1 });
    expect(await title.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    await expect(title).toHaveText(
      (await page.locator('li.card').nth(i).getByRole('heading').textContent()) ?? '',
    );
  }
});

test('in English, every project text left in French says so with lang="fr" (WCAG 3.1.2)', async ({
  page,
  kiosk,
}) => {
  // The sample translates titles and summaries, not descriptions; here two titles lose theirs.
  const untranslated = new Set<string>();
  await page.route('**/api/kiosk/getElection', async (route) => {
    const response = await route.fetch();
    const body = (await response.json()) as {
      value: { election: { projects: { id: string; i18n?: { en?: { title?: string } } }[] } };
    };
    for (const p of body.value.election.projects.slice(0, 2)) {
      delete p.i18n?.en?.title;
      untranslated.add(p.id);
    }
    await route.fulfill({ response, json: body });
  });
  await openWith(page, kiosk, '');
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.locator('.election-title')).toHaveAttribute('lang', 'fr');
  await page.getByRole('button', { name: 'I vote' }).click();
  await page.getByRole('combobox', { name: 'Your town' }).fill('Arras');
  await page
    .getByRole('option', { name: /^Arras\b/ })
    .first()
    .click();
  await page.getByLabel('Day').fill(paulette.day);
  await page.getByLabel('Month').fill(paulette.month);
  await page.getByLabel('Year').fill(paulette.year);
  await page.getByLabel('Your family name').fill(paulette.familyName);
  await page.getByLabel('Your first given name').fill(paulette.firstName);
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { name: 'My choices: 0 of 3' })).toBeVisible();

  const [frenchId] = [...untranslated];
  const frenchCard = page.locator(`li.card[data-project="${frenchId ?? ''}"]`);
  const englishCard = page
    .locator('li.card')
    .filter({ hasNot: page.locator('h2[lang]') })
    .first();
  await expect(frenchCard.getByRole('heading')).toHaveAttribute('lang', 'fr');
  await expect(englishCard.getByRole('heading')).not.toHaveAttribute('lang', /./);
  // Territory and theme names are the package's French.
  await expect(frenchCard.locator('.card-meta')).toHaveAttribute('lang', 'fr');

  // Chosen: the tray and the review mark the French title too.
  await frenchCard.getByRole('button', { name: 'Choose', exact: true }).click();
  const tray = page.getByRole('complementary');
  await expect(tray.locator('.tray-title')).toHaveAttribute('lang', 'fr');

  // The detail: translated title and summary in English, the description, carrier and names in French.
  await englishCard.getByRole('button', { name: 'Find out more' }).click();
  const detail = page.locator('section.detail');
  await expect(detail.getByRole('heading', { level: 1 })).not.toHaveAttribute('lang', /./);
  await expect(detail.locator('.plain p')).not.toHaveAttribute('lang', /./);
  await expect(detail.locator('.plain + h2 + div')).toHaveAttribute('lang', 'fr');
  for (const dd of await detail.locator('dd[lang]').all()) await expect(dd).toHaveAttribute('lang', 'fr');
  await expect(detail.locator('dd[lang="fr"]')).toHaveCount(3);
  await expect(detail.getByRole('definition').filter({ hasText: /^€\d/ })).toHaveCount(1);
  await page.getByRole('button', { name: 'Back to the projects' }).click();

  await page.getByRole('button', { name: 'See my vote' }).click();
  await expect(page.locator('.review-title')).toHaveAttribute('lang', 'fr');
  await expect(page.locator('.review-list .tag')).toHaveAttribute('lang', 'fr');

  // In French nothing needs marking: the page's own lang says it.
  await page.getByRole('button', { name: 'Français' }).click();
  await expect(page.locator('.review-title')).not.toHaveAttribute('lang', /./);
});

test('from the top of the projects, "Aller à mes choix" reaches the tray in two key presses', async ({
  page,
}) => {
  await enterAs(page);
  await chooseButtons(page).first().click();
  await page.getByRole('heading', { level: 1, name: 'Les projets' }).focus();
  await tabTo(page, /^Aller à mes choix$/, 1);
  const skip = page.getByRole('link', { name: 'Aller à mes choix' });
  await expect(skip).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Mes choix : 1 sur 3' })).toBeFocused();
  await tabTo(page, /^Voir mon vote$/, 1);
  // Without the skip link, the tray still comes after the filters and before the 54 cards.
  await page.getByRole('heading', { level: 1, name: 'Les projets' }).focus();
  const presses = await tabTo(page, /^Voir mon vote$/, 30);
  const filters = await page.locator('.filters button, .filters input, .skip-to').count();
  expect(presses).toBe(filters + 1);
});

test('a cast the kiosk could not store shows why, stays on the review, and can be tried again', async ({
  page,
  kiosk,
}) => {
  await enterAs(page);
  await chooseButtons(page).first().click();
  await page.getByRole('button', { name: 'Voir mon vote' }).click();
  // The disk fails: the core answers storage_failed (what it does when the transaction cannot commit).
  await page.route('**/api/kiosk/castBallot', (route) =>
    route.fulfill({
      json: { ok: false, error: { code: 'storage_failed', message: 'Écriture impossible.' } },
    }),
  );
  await page.getByRole('button', { name: 'Valider mon vote' }).click();
  await expect(page.getByRole('alert')).toHaveText(
    'Votre vote n’a pas pu être enregistré. Réessayez, ou demandez à la personne de l’accueil.',
  );
  await expect(page.getByRole('heading', { level: 1, name: 'Vérifiez votre vote' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Merci !' })).toHaveCount(0);
  expect(ballots(kiosk)).toEqual([]);

  await page.unrouteAll();
  await page.getByRole('button', { name: 'Valider mon vote' }).click();
  await expect(page.getByRole('heading', { name: 'Merci !' })).toBeVisible();
  expect(ballots(kiosk)).toHaveLength(1);
});
