import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CommuneDirectory, defaultCommunesPath } from '../../../src/main/core/communes';
import { openTestKiosk, sampleCommunes, tempDir, unwrap } from './fixtures';
import type { TestKiosk } from './fixtures';

const names = (list: Array<{ name: string }>): string[] => list.map((c) => c.name);

describe('commune search (small fixture)', () => {
  const directory = new CommuneDirectory(sampleCommunes);

  it('ignores accents, case and hyphens', () => {
    expect(names(directory.search('HENIN BEAUMONT', 5))).toEqual(['Hénin-Beaumont']);
    expect(names(directory.search('lievin', 5))).toEqual(['Liévin']);
    expect(names(directory.search('ecoivres', 5))).toEqual(['Écoivres']);
    expect(names(directory.search('boulogne-sur', 5))).toEqual(['Boulogne-sur-Mer']);
  });

  it('ranks the exact name, then name prefixes, then word prefixes, then substrings', () => {
    // "saint": two names start with it, one has it as a later word.
    expect(names(directory.search('saint', 5))).toEqual([
      'Saint-Omer',
      'Saint-Nicolas',
      'Ablain-Saint-Nazaire',
    ]);
    expect(names(directory.search('lens', 5))[0]).toBe('Lens');
    // "mines" is a word prefix of Bully-les-Mines; "ine" only a substring of it.
    expect(names(directory.search('mines', 5))).toEqual(['Bully-les-Mines']);
    expect(names(directory.search('ine', 5))).toEqual(['Bully-les-Mines']);
  });

  it('understands "st" for saint and words in any order', () => {
    expect(names(directory.search('st omer', 5))).toEqual(['Saint-Omer']);
    expect(names(directory.search('omer saint', 5))).toEqual(['Saint-Omer']);
  });

  it('finds communes by postal code prefix', () => {
    expect(names(directory.search('62100', 5))).toEqual(['Calais']);
    expect(names(directory.search('621', 10))).toEqual([
      'Calais',
      'Hénin-Beaumont',
      'Ablain-Saint-Nazaire',
      'Bully-les-Mines',
    ]);
    expect(directory.search('59000', 5)).toEqual([]);
  });

  it('respects the limit and answers nothing for an empty query', () => {
    expect(directory.search('a', 2)).toHaveLength(2);
    expect(directory.search('   ', 5)).toEqual([]);
    expect(directory.search('--', 5)).toEqual([]);
  });

  it('tells an unknown code of the département from a code of another département', () => {
    expect(directory.lookup('62041').ok).toBe(true);
    const outside = directory.lookup('59350');
    expect(!outside.ok && outside.error.code).toBe('commune_outside_department');
    const unknown = directory.lookup('62999');
    expect(!unknown.ok && unknown.error.code).toBe('commune_unknown');
  });
});

describe('searchCommunes through the kiosk', () => {
  const tmp = tempDir();
  let t: TestKiosk;
  beforeAll(async () => {
    t = await openTestKiosk(tmp.dir);
  });
  afterAll(() => {
    t.close();
    tmp.remove();
  });

  it('adds the territory from the election package', async () => {
    const found = await unwrap(t.kiosk.handlers.searchCommunes({ query: 'cal', limit: 8 }));
    expect(found).toEqual([
      { code: '62193', name: 'Calais', postalCodes: ['62100'], territoryId: 'calaisis' },
    ]);
    const other = await unwrap(t.kiosk.handlers.searchCommunes({ query: 'wimereux', limit: 8 }));
    expect(other[0]?.territoryId).toBeNull();
  });
});

describe('the real generated communes file', () => {
  const path = resolve('resources/generated/communes-62.json');
  const present = existsSync(path);
  if (!present) console.warn(`SKIPPED: ${path} is missing — run "npm run build:data" first (npm test does).`);

  it.skipIf(!present)('holds the 887 communes of the Pas-de-Calais and is found by default', () => {
    expect(defaultCommunesPath()).toBe(path);
    const directory = CommuneDirectory.fromFile(path);
    expect(directory.size).toBe(887);
    expect(directory.lookup('62041').ok && directory.lookup('62041')).toMatchObject({
      value: { name: 'Arras' },
    });
  });

  it.skipIf(!present)('ranks the big towns first for short queries', () => {
    const directory = CommuneDirectory.fromFile(path);
    expect(names(directory.search('arras', 3))[0]).toBe('Arras');
    expect(names(directory.search('calais', 3))[0]).toBe('Calais');
    expect(names(directory.search('lens', 3))[0]).toBe('Lens');
    expect(names(directory.search('st omer', 3))).toEqual(['Saint-Omer', 'Saint-Omer-Capelle']);
    expect(names(directory.search('boulogne', 3))).toContain('Boulogne-sur-Mer');
    expect(names(directory.search('62000', 3))).toContain('Arras');
    for (const c of directory.search('hesdin', 10)) expect(c.name.toLowerCase()).toContain('hesdin');
  });
});
