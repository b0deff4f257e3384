/** Project helpers: the shuffle is a permutation, search ignores accents and case, filters combine. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Project } from '../../../shared/wire';
import {
  cryptoRandom,
  filterProjects,
  packageLangAttr,
  projectText,
  projectTextLang,
  projectTextLangAttr,
  shuffled,
  themesOf,
} from './projects';

const project = (id: string, title: string, territoryId: string, theme: string): Project => ({
  id,
  title,
  summary: `Résumé de ${title}`,
  description: 'Description.',
  territoryId,
  theme,
  carrier: 'Association',
  cost: 1000,
  image: 'x.webp',
});

const projects = [
  project('p1', 'Jardin partagé des Étangs', 'arrageois', 'Environnement'),
  project('p2', 'Café associatif', 'calaisis', 'Lien social'),
  project('p3', 'Épicerie solidaire', 'arrageois', 'Alimentation'),
];
const names = (id: string): string => ({ arrageois: 'Arrageois', calaisis: 'Calaisis' })[id] ?? id;

describe('project helpers', () => {
  it('shuffled returns a permutation of its input', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer()),
        fc.infiniteStream(fc.double({ min: 0, max: 0.999999, noNaN: true })),
        (items, randoms) => {
          const it = randoms[Symbol.iterator]();
          const out = shuffled(items, () => it.next().value as number);
          return out.length === items.length && [...out].sort().join() === [...items].sort().join();
        },
      ),
    );
  });

  it('shuffled moves the first project away from the front for some voters', () => {
    const ids = Array.from({ length: 54 }, (_, i) => `p${i}`);
    const firsts = new Set(Array.from({ length: 50 }, () => shuffled(ids, cryptoRandom)[0]));
    expect(firsts.size).toBeGreaterThan(10);
  });

  it('search ignores accents and case', () => {
    const filter = { query: 'ETANGS jardin', territoryId: null, theme: null };
    expect(filterProjects(projects, filter, names, 'fr').map((p) => p.id)).toEqual(['p1']);
    expect(
      filterProjects(projects, { query: 'epicerie', territoryId: null, theme: null }, names, 'fr').map(
        (p) => p.id,
      ),
    ).toEqual(['p3']);
  });

  it('search finds a territory by name, and filters combine', () => {
    expect(
      filterProjects(projects, { query: 'arrageois', territoryId: null, theme: null }, names, 'fr').map(
        (p) => p.id,
      ),
    ).toEqual(['p1', 'p3']);
    expect(
      filterProjects(
        projects,
        { query: '', territoryId: 'arrageois', theme: 'Alimentation' },
        names,
        'fr',
      ).map((p) => p.id),
    ).toEqual(['p3']);
  });

  it('uses a translation when the package has one, French otherwise', () => {
    const p = {
      ...project('p9', 'Vélo pour tous', 'calaisis', 'Mobilité'),
      i18n: { en: { title: 'Bikes for all' } },
    };
    expect(projectText(p, 'title', 'en')).toBe('Bikes for all');
    expect(projectText(p, 'title', 'fr')).toBe('Vélo pour tous');
    expect(projectText(p, 'summary', 'en')).toBe('Résumé de Vélo pour tous');
  });

  it('says which language each shown text is in, so a French fallback is marked lang="fr"', () => {
    const p = {
      ...project('p9', 'Vélo pour tous', 'calaisis', 'Mobilité'),
      i18n: { en: { title: 'Bikes for all' } },
    };
    expect(projectTextLang(p, 'title', 'en')).toBe('en');
    expect(projectTextLang(p, 'summary', 'en')).toBe('fr');
    expect(projectTextLang(p, 'title', 'fr')).toBe('fr');
    // The attribute only where the text's language is not the screen's.
    expect(projectTextLangAttr(p, 'title', 'en')).toBeUndefined();
    expect(projectTextLangAttr(p, 'description', 'en')).toBe('fr');
    expect(projectTextLangAttr(p, 'description', 'fr')).toBeUndefined();
    expect(packageLangAttr('en')).toBe('fr');
    expect(packageLangAttr('fr')).toBeUndefined();
  });

  it('lists each theme once', () => {
    expect(themesOf(projects)).toEqual(['Alimentation', 'Environnement', 'Lien social']);
  });
});
