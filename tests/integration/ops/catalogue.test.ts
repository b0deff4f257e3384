/**
 * The election package built from the catalogue spreadsheet: the example folder builds a package that
 * the server signs and the kiosk's own verifier accepts; Excel's BOM and `;`, or a plain `,` file, read
 * alike; every problem of a file is reported with its line, and nothing is written; the window is exact
 * across Paris's clock changes.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { verifyElectionDocument } from '../../../src/main/core/election';
import { buildCatalogue, parseEuros } from '../../../src/server/catalogue';
import { main } from '../../../src/server/cli';
import { initDataDir, openDataDir } from '../../../src/server/datadir';
import { parisWindow } from '../../../src/server/paris-time';

const example = resolve('resources/catalogue-example');
const images = join(example, 'images');
let tmp: string;
beforeEach(() => (tmp = mkdtempSync(join(tmpdir(), 'isoloir-catalogue-'))));
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

const options = {
  imagesDir: images,
  electionId: 'exemple-2027',
  title: 'Budget citoyen 2027',
  budget: 60_000,
};
const september = { opens: '2027-09-01', closes: '2027-09-30' };

async function cli(...args: string[]): Promise<{ code: number; out: string; errors: string }> {
  const out: string[] = [];
  const errors: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi
    .spyOn(console, 'error')
    .mockImplementation((...a: unknown[]) => void errors.push(a.join(' ')));
  try {
    const code = await main(['node', 'cli', ...args]);
    return { code, out: out.join('\n'), errors: errors.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

const HEADER = 'titre;résumé;description;territoire;thème;porteur;coût;image';

test('the example builds, the server signs it, and the kiosk verifier accepts it', async () => {
  const out = join(tmp, 'paquet.json');
  const built = await cli(
    'election',
    'build',
    '--projects',
    join(example, 'projets.csv'),
    '--images',
    images,
    '--id',
    'exemple-2027',
    '--title',
    'Budget citoyen 2027',
    '--budget',
    '60000',
    '--opens',
    '2027-09-01',
    '--closes',
    '2027-09-30',
    '--out',
    out,
  );
  expect(built.errors).toBe('');
  expect(built.code).toBe(0);
  const dir = join(tmp, 'central');
  initDataDir(dir);
  expect((await cli('election', 'publish', out, '--data', dir)).code).toBe(0);
  const data = openDataDir(dir);
  const stored = data.store.currentElection();
  data.store.close();
  expect(stored).not.toBeNull();
  const verified = verifyElectionDocument(
    { payload: stored!.payload, signature: stored!.signature },
    data.authority.publicKey,
  );
  expect(verified.ok).toBe(true);
  if (!verified.ok) return;
  const pkg = verified.value.election;
  expect(pkg.projects.map((p) => [p.id, p.territoryId, p.cost])).toEqual([
    ['jardin-saint-nicolas', 'arrageois', 18_500],
    ['chorale-avion', 'lens-lievin', 9_000],
    ['laverie-solidaire-calais', 'calaisis', 42_000],
    ['accueil-jour-lens', 'lens-lievin', 27_300],
  ]);
  expect(pkg.projects[0]!.description).toContain('l’année.\nLes habitants'.replace('’', "'"));
  expect(pkg.projects[1]!.description).toContain('personnes âgées.\n\nLe projet');
  expect(pkg.projects[0]!.image).toMatch(/^data:image\/webp;base64,UklGR/);
  expect(pkg.projects[0]!.plainSummary).toBe('Un jardin pour les habitants du quartier.');
  expect(pkg.territories).toHaveLength(8);
  expect(Date.parse(pkg.opensAt)).toBe(Date.UTC(2027, 7, 31, 22));
  expect(Date.parse(pkg.closesAt)).toBe(Date.UTC(2027, 8, 30, 22));
  // Not told: a week after the close to carry the last batches in.
  expect(pkg.lateDeliveryHours).toBe(168);
});

test('--late-delivery sets the window after the close; outside 1 to 2160 hours nothing is written', async () => {
  const build = (hours: string, out: string) =>
    cli(
      ...['election', 'build', '--projects', join(example, 'projets.csv'), '--images', images],
      ...['--id', 'exemple-2027', '--title', 'Budget citoyen 2027', '--budget', '60000'],
      ...['--opens', '2027-09-01', '--closes', '2027-09-30', '--late-delivery', hours, '--out', out],
    );
  const out = join(tmp, 'paquet.json');
  expect((await build('72', out)).code).toBe(0);
  expect((JSON.parse(readFileSync(out, 'utf8')) as { lateDeliveryHours: number }).lateDeliveryHours).toBe(72);
  for (const hours of ['0', '2161']) {
    const refused = join(tmp, `paquet-${hours}.json`);
    const built = await build(hours, refused);
    expect(built.code).not.toBe(0);
    expect(built.errors).toContain('lateDeliveryHours');
    expect(existsSync(refused)).toBe(false);
  }
});

test('a BOM and `;`, or no BOM and `,`, give the same package', () => {
  const rows = [
    'Jardin;Un jardin.;"Un ""grand"" jardin;\navec des bancs.";Arrageois;Environnement;Asso;12 000 €;jardin-saint-nicolas.webp',
    'Chorale;Une chorale.;Des chants.;lens-lievin;Culture;Asso;"9 000";chorale-avion.webp',
  ];
  const semi = join(tmp, 'semi.csv');
  writeFileSync(semi, `\ufeff${HEADER}\r\n${rows.join('\r\n')}\r\n`);
  const comma = join(tmp, 'comma.csv');
  // Same content with `,`: fields holding a comma or a quote are quoted.
  writeFileSync(
    comma,
    [
      HEADER.split(';').join(','),
      'Jardin,Un jardin.,"Un ""grand"" jardin;\navec des bancs.",Arrageois,Environnement,Asso,"12 000 €",jardin-saint-nicolas.webp',
      'Chorale,Une chorale.,Des chants.,lens-lievin,Culture,Asso,9 000,chorale-avion.webp',
    ].join('\n'),
  );
  const a = buildCatalogue({ ...options, ...september, maxChoices: 2, projectsCsv: semi });
  const b = buildCatalogue({ ...options, ...september, maxChoices: 2, projectsCsv: comma });
  expect(a.ok && b.ok).toBe(true);
  // Each build draws its own token salt (one per election); everything else is the same.
  const unsalted = (r: typeof a): unknown =>
    r.ok ? { ...r.value, tokenKdf: { ...r.value.tokenKdf, salt: 'drawn' } } : r;
  expect(a.ok && b.ok && a.value.tokenKdf.salt !== b.value.tokenKdf.salt).toBe(true);
  expect(unsalted(a)).toEqual(unsalted(b));
  if (a.ok) {
    expect(a.value.projects[0]!.description).toBe('Un "grand" jardin;\navec des bancs.');
    expect(a.value.projects.map((p) => p.id)).toEqual(['jardin', 'chorale']);
  }
});

test('every problem is reported with its line, and nothing is written', async () => {
  const csv = join(tmp, 'errors.csv');
  writeFileSync(
    csv,
    [
      HEADER,
      'Jardin;Un jardin.;"Sur deux\nlignes";Arrageois;Environnement;Asso;12 000,50 €;jardin-saint-nicolas.webp',
      'Chorale;Une chorale.;Des chants.;Atlantide;Culture;Asso;9000;chorale-avion.webp',
      '',
      'Laverie;;Des machines.;Calaisis;Emploi;Asso;42000;absente.webp',
      'Jardin;Encore.;Encore.;Calaisis;Emploi;Asso;1000;../secret.webp',
    ].join('\n'),
  );
  const built = buildCatalogue({ ...options, ...september, projectsCsv: csv });
  expect(built.ok).toBe(false);
  expect(built.problems?.map((p) => `${p.line ?? '-'} ${p.message}`)).toEqual([
    '2 le coût « 12 000,50 € » n’est pas un nombre entier d’euros.',
    expect.stringMatching(/^4 le territoire « Atlantide » est inconnu/),
    '6 le résumé est vide.',
    expect.stringMatching(/^6 l’image « absente\.webp » est introuvable/),
    '7 l’identifiant « jardin » est déjà celui de la ligne 2 (ajoutez une colonne id).',
    '7 l’image « ../secret.webp » doit être un simple nom de fichier du dossier d’images.',
  ]);

  const out = join(tmp, 'paquet.json');
  const run = await cli(
    'election',
    'build',
    '--projects',
    csv,
    '--images',
    images,
    '--id',
    'x-2027',
    '--title',
    'X',
    '--budget',
    '1',
    '--opens',
    '2027-09-01',
    '--closes',
    '2027-09-30',
    '--out',
    out,
  );
  expect(run.code).toBe(1);
  expect(run.errors).toContain('6 problème(s), aucun paquet écrit');
  expect(run.errors).toContain(
    'errors.csv, ligne 2 : le coût « 12 000,50 € » n’est pas un nombre entier d’euros.',
  );
  expect(existsSync(out)).toBe(false);
});

test('a file that is not UTF-8, a missing column and a bad date are refused plainly', () => {
  const latin1 = join(tmp, 'latin1.csv');
  writeFileSync(latin1, Buffer.from(`${HEADER}\nCafé;x;x;Arrageois;x;x;1;a.webp\n`, 'latin1'));
  const a = buildCatalogue({ ...options, ...september, projectsCsv: latin1 });
  expect(a.problems?.[0]?.message).toMatch(/pas en UTF-8.*CSV UTF-8/);
  const missing = join(tmp, 'missing.csv');
  writeFileSync(missing, 'titre;résumé;description;territoire;thème;porteur;image\n');
  const b = buildCatalogue({ ...options, ...september, projectsCsv: missing });
  expect(b.problems).toEqual([{ file: 'missing.csv', line: 1, message: 'colonne « cout » manquante.' }]);
  const c = buildCatalogue({ ...options, opens: '2027-09-31', closes: '2027-09-30', projectsCsv: missing });
  expect(c.problems?.some((p) => p.file === 'dates')).toBe(true);
});

test('costs as a French spreadsheet writes them', () => {
  for (const [text, value] of [
    ['12000', 12_000],
    ['12 000', 12_000],
    ['12\u00a0000 €', 12_000],
    ['12\u202f000€', 12_000],
    ['1 234 567', 1_234_567],
  ] as const)
    expect(parseEuros(text)).toBe(value);
  for (const text of ['12 000,50 €', '12,5', '12.000', '-5', '', 'douze', '1 23', '1e5'])
    expect(parseEuros(text)).toBeNull();
});

describe('the window in Paris time', () => {
  test('1 to 30 September: 00:00 and 24:00 in summer time', () => {
    const w = parisWindow('2027-09-01', '2027-09-30');
    expect(w).toEqual({ opensAt: '2027-09-01T00:00:00+02:00', closesAt: '2027-10-01T00:00:00+02:00' });
    expect(new Date(w!.opensAt).toISOString()).toBe('2027-08-31T22:00:00.000Z');
    expect(new Date(w!.closesAt).toISOString()).toBe('2027-09-30T22:00:00.000Z');
  });

  test('a day of the spring change lasts 23 hours, one of the autumn change 25', () => {
    const spring = parisWindow('2027-03-28', '2027-03-28')!;
    expect(spring).toEqual({ opensAt: '2027-03-28T00:00:00+01:00', closesAt: '2027-03-29T00:00:00+02:00' });
    expect(Date.parse(spring.closesAt) - Date.parse(spring.opensAt)).toBe(23 * 3_600_000);
    const autumn = parisWindow('2027-10-31', '2027-10-31')!;
    expect(autumn).toEqual({ opensAt: '2027-10-31T00:00:00+02:00', closesAt: '2027-11-01T00:00:00+01:00' });
    expect(Date.parse(autumn.closesAt) - Date.parse(autumn.opensAt)).toBe(25 * 3_600_000);
    // A window across the autumn change: 30 days of 24 hours and one of 25.
    const across = parisWindow('2026-10-15', '2026-11-13')!;
    expect(Date.parse(across.closesAt) - Date.parse(across.opensAt)).toBe((30 * 24 + 1) * 3_600_000);
    expect(new Date(across.closesAt).toISOString()).toBe('2026-11-13T23:00:00.000Z');
  });

  test('winter days and impossible dates', () => {
    expect(parisWindow('2027-01-01', '2027-01-31')).toEqual({
      opensAt: '2027-01-01T00:00:00+01:00',
      closesAt: '2027-02-01T00:00:00+01:00',
    });
    expect(parisWindow('2027-02-29', '2027-03-01')).toBeNull();
    expect(parisWindow('01/09/2027', '2027-09-30')).toBeNull();
  });
});
