/**
 * The commune list and the commune → territory rule of scripts/build-data.ts, on the real
 * @etalab/decoupage-administratif data that the build reads.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  EXPECTED_COMMUNE_COUNT,
  extractCommunes,
  loadDecoupage,
  mapCommunesToTerritories,
  parisMidnight,
  type Commune,
  type Decoupage,
} from '../../../scripts/build-data';

const territoryIds = [
  'arrageois',
  'artois',
  'audomarois',
  'boulonnais',
  'calaisis',
  'henin-carvin',
  'lens-lievin',
  'montreuillois-ternois',
];

let source: Decoupage;
let communes: Commune[];
let mapping: Record<string, string>;

beforeAll(() => {
  source = loadDecoupage();
  communes = extractCommunes(source.communes);
  mapping = mapCommunesToTerritories(source);
});

const codeOf = (name: string): string => {
  const matches = communes.filter((c) => c.name === name);
  expect(matches, name).toHaveLength(1);
  return matches[0]!.code;
};

describe('communes of Pas-de-Calais', () => {
  it('keeps exactly the 887 current communes, with unique 62xxx codes and postal codes', () => {
    expect(communes).toHaveLength(887);
    expect(new Set(communes.map((c) => c.code)).size).toBe(887);
    for (const c of communes) {
      expect(c.code).toMatch(/^62\d{3}$/);
      expect(c.name.length).toBeGreaterThan(0);
      expect(c.postalCodes.length).toBeGreaterThan(0);
      for (const postalCode of c.postalCodes) expect(postalCode).toMatch(/^62\d{3}$/);
      expect(Object.keys(c).sort()).toEqual(['code', 'name', 'postalCodes']);
    }
  });

  it('is sorted by name the French way (accents do not push a name to the end)', () => {
    const collator = new Intl.Collator('fr', { sensitivity: 'base' });
    for (let i = 1; i < communes.length; i++)
      expect(collator.compare(communes[i - 1]!.name, communes[i]!.name)).toBeLessThanOrEqual(0);
    expect(communes[0]!.name).toBe('Ablain-Saint-Nazaire');
    const names = communes.map((c) => c.name);
    // "Écuires" sorts among the E, not after "Zutkerque" as a byte order would put it.
    expect(names.indexOf('Écuires')).toBeLessThan(names.indexOf('Fampoux'));
  });

  it('fails loudly when the package no longer gives the expected count', () => {
    expect(() => extractCommunes(source.communes, EXPECTED_COMMUNE_COUNT + 1)).toThrow(/887 communes found/);
    expect(() => extractCommunes(source.communes.slice(0, 1000))).toThrow(/expected/);
  });
});

describe('commune → territory', () => {
  it('maps every commune, and only them, to one of the 8 territories, none left empty', () => {
    expect(Object.keys(mapping).sort()).toEqual(communes.map((c) => c.code).sort());
    const counts = new Map<string, number>();
    for (const territory of Object.values(mapping)) {
      expect(territoryIds).toContain(territory);
      counts.set(territory, (counts.get(territory) ?? 0) + 1);
    }
    for (const id of territoryIds) expect(counts.get(id) ?? 0, id).toBeGreaterThan(0);
  });

  it.each([
    ['Liévin', 'lens-lievin'],
    ['Lens', 'lens-lievin'],
    ['Hénin-Beaumont', 'henin-carvin'],
    ['Carvin', 'henin-carvin'],
    ['Oignies', 'henin-carvin'],
    ['Saint-Pol-sur-Ternoise', 'montreuillois-ternois'],
    ['Frévent', 'montreuillois-ternois'],
    ['Montreuil-sur-Mer', 'montreuillois-ternois'],
    ['Berck', 'montreuillois-ternois'],
    ['Calais', 'calaisis'],
    ['Audruicq', 'calaisis'],
    ['Arras', 'arrageois'],
    ['Bapaume', 'arrageois'],
    ['Béthune', 'artois'],
    ['Bruay-la-Buissière', 'artois'],
    ['Saint-Omer', 'audomarois'],
    ['Lumbres', 'audomarois'],
    ['Boulogne-sur-Mer', 'boulonnais'],
    ['Desvres', 'boulonnais'],
  ])('%s → %s', (name, territory) => {
    expect(mapping[codeOf(name)]).toBe(territory);
  });

  it('puts the whole CA d’Hénin-Carvin in henin-carvin and the rest of the Lens arrondissement in lens-lievin', () => {
    const henin = source.epcis.find((e) => e.code === '246200299')!;
    const members = new Set(henin.membres.map((m) => m.code));
    expect(members.size).toBe(14);
    for (const [code, territory] of Object.entries(mapping)) {
      if (members.has(code)) expect(territory).toBe('henin-carvin');
      else expect(territory).not.toBe('henin-carvin');
    }
    expect(Object.values(mapping).filter((t) => t === 'lens-lievin')).toHaveLength(36);
  });

  it('fails loudly when an exception EPCI is no longer found as expected', () => {
    const renamed: Decoupage = {
      ...source,
      epcis: source.epcis.map((e) => (e.code === '200069672' ? { ...e, nom: 'CC du Ternois renommée' } : e)),
    };
    expect(() => mapCommunesToTerritories(renamed)).toThrow(/CC du Ternois/);
  });

  it('fails loudly on an arrondissement it has no territory for', () => {
    const renamed: Decoupage = {
      ...source,
      arrondissements: source.arrondissements.map((a) =>
        a.code === '621' ? { ...a, nom: 'Arras-Nord' } : a,
      ),
    };
    expect(() => mapCommunesToTerritories(renamed)).toThrow(/Arras-Nord/);
  });
});

describe('election window (Europe/Paris)', () => {
  it.each([
    ['2026-11-27T15:00:00Z', 0, '2026-11-27T00:00:00+01:00'],
    ['2026-11-27T15:00:00Z', 30, '2026-12-27T00:00:00+01:00'],
    ['2026-07-14T09:00:00Z', 0, '2026-07-14T00:00:00+02:00'],
    // 23:30 UTC on 30 June is already 1 July in Paris.
    ['2026-06-30T22:30:00Z', 0, '2026-07-01T00:00:00+02:00'],
    ['2026-12-31T23:30:00Z', 0, '2027-01-01T00:00:00+01:00'],
    // Clocks change at 02:00/03:00 local time: midnight keeps the offset of the day before.
    ['2026-03-29T12:00:00Z', 0, '2026-03-29T00:00:00+01:00'],
    ['2026-10-25T12:00:00Z', 0, '2026-10-25T00:00:00+02:00'],
    ['2026-03-10T12:00:00Z', 30, '2026-04-09T00:00:00+02:00'],
    ['2028-02-15T12:00:00Z', 14, '2028-02-29T00:00:00+01:00'],
  ])('%s + %i days → %s', (now, days, expected) => {
    const midnight = parisMidnight(new Date(now), days);
    expect(midnight).toBe(expected);
    // And it really is local midnight: the instant formats as 00:00 in Paris.
    const local = new Intl.DateTimeFormat('fr-FR', {
      timeZone: 'Europe/Paris',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(new Date(midnight));
    expect(local).toBe('00:00');
  });
});
