/**
 * The committed sample election (resources/sample) and what `npm run build:data` makes of it: a package
 * that meets the wire contract, signed by a demo authority whose keys survive rebuilds.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildData,
  DemoAuthority,
  loadDecoupage,
  sampleDir,
  type Decoupage,
} from '../../../scripts/build-data';
import { parseJsonBytes, verifyDocument } from '../../../src/shared/node/crypto';
import { ElectionPackage, SignedDocument, type Project } from '../../../src/shared/wire';

const themes = [
  'Alimentation',
  'Mobilité',
  'Environnement',
  'Culture',
  'Solidarité',
  'Emploi et insertion',
  'Numérique',
  'Jeunesse',
  'Santé et bien-être',
  'Habitat',
];

const raw = JSON.parse(readFileSync(join(sampleDir, 'election.json'), 'utf8')) as Record<string, unknown>;
const sample = ElectionPackage.parse({
  ...raw,
  opensAt: '2026-09-01T00:00:00+02:00',
  closesAt: '2026-10-01T00:00:00+02:00',
});

describe('resources/sample/election.json', () => {
  it('leaves the window to the build, and meets the package contract once it is set', () => {
    expect(raw).not.toHaveProperty('opensAt');
    expect(raw).not.toHaveProperty('closesAt');
    expect(raw).not.toHaveProperty('communeTerritories');
    expect(sample).toMatchObject({
      v: 2,
      batchSize: 20,
      lateDeliveryHours: 168,
      tokenKdf: { logN: 15, r: 8, p: 1 },
      electionId: 'budget-citoyen-62-demo',
      minChoices: 1,
      maxChoices: 3,
      minAge: 11,
      department: '62',
    });
    expect(sample.budget).toBeGreaterThan(0);
    expect(sample.tieBreakSeed).toBeTruthy();
  });

  it('has 54 projects over the 8 territories, 6 to 8 each', () => {
    expect(sample.projects).toHaveLength(54);
    expect(sample.territories.map((t) => t.name)).toEqual([
      'Arrageois',
      'Artois',
      'Audomarois',
      'Boulonnais',
      'Calaisis',
      'Hénin-Carvin',
      'Lens-Liévin',
      'Montreuillois-Ternois',
    ]);
    for (const territory of sample.territories) {
      const count = sample.projects.filter((p) => p.territoryId === territory.id).length;
      expect(count, territory.id).toBeGreaterThanOrEqual(6);
      expect(count, territory.id).toBeLessThanOrEqual(8);
    }
  });

  it('gives every project a known theme, a cost of 5 000 to 60 000 € and every text, in French and English', () => {
    for (const p of sample.projects) {
      expect(themes, p.id).toContain(p.theme);
      expect(p.cost, p.id).toBeGreaterThanOrEqual(5_000);
      expect(p.cost, p.id).toBeLessThanOrEqual(60_000);
      expect(p.plainSummary, p.id).toBeTruthy();
      expect(p.i18n?.en?.title, p.id).toBeTruthy();
      expect(p.i18n?.en?.summary, p.id).toBeTruthy();
      expect(p.description.length, p.id).toBeGreaterThan(p.summary.length);
    }
    // The budget cannot fund everything: otherwise the vote would decide nothing.
    expect(sample.projects.reduce((sum, p) => sum + p.cost, 0)).toBeGreaterThan(sample.budget);
    expect(new Set(sample.projects.map((p) => p.theme)).size).toBe(themes.length);
  });

  it('never repeats a project text, title or carrier', () => {
    const fields: Array<(p: Project) => string | undefined> = [
      (p) => p.id,
      (p) => p.title,
      (p) => p.summary,
      (p) => p.description,
      (p) => p.plainSummary,
      (p) => p.carrier,
      (p) => p.image,
      (p) => p.i18n?.en?.title,
      (p) => p.i18n?.en?.summary,
    ];
    for (const field of fields) {
      const values = sample.projects.map(field);
      const repeated = values.filter((v, i) => values.indexOf(v) !== i);
      expect(repeated).toEqual([]);
    }
  });

  it('has a WebP image of 480×320 under 150 KB for every project, and no image left over', async () => {
    for (const p of sample.projects) {
      const path = join(sampleDir, 'images', p.image);
      expect(existsSync(path), p.image).toBe(true);
      expect(statSync(path).size, p.image).toBeLessThan(150 * 1024);
      const meta = await sharp(path).metadata();
      expect([meta.format, meta.width, meta.height], p.image).toEqual(['webp', 480, 320]);
    }
    const files = readdirSync(join(sampleDir, 'images')).sort();
    expect(files).toEqual(sample.projects.map((p) => p.image).sort());
  });
});

describe('buildData', () => {
  let outDir: string;
  let decoupage: Decoupage;
  const now = new Date('2026-11-27T10:00:00Z');

  beforeAll(() => {
    outDir = mkdtempSync(join(tmpdir(), 'isoloir-build-data-'));
    decoupage = loadDecoupage();
  });
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  const read = (name: string): string => readFileSync(join(outDir, name), 'utf8');

  it('writes the communes, the package opening today, and a signature that verifies with the demo key', () => {
    const summary = buildData({ outDir, now, decoupage });
    expect(summary).toMatchObject({ communes: 887, projects: 54, authorityCreated: true });

    const communes = JSON.parse(read('communes-62.json')) as unknown[];
    expect(communes).toHaveLength(887);

    const payload = ElectionPackage.parse(JSON.parse(read('sample-election.json')));
    expect(payload.opensAt).toBe('2026-11-27T00:00:00+01:00');
    expect(payload.closesAt).toBe('2026-12-27T00:00:00+01:00');
    expect(payload.receiptCheckUrl).toBeUndefined();
    expect(Object.keys(payload.communeTerritories ?? {})).toHaveLength(887);
    const used = new Set(Object.values(payload.communeTerritories ?? {}));
    expect([...used].sort()).toEqual(payload.territories.map((t) => t.id).sort());
    for (const p of payload.projects) expect(p.image).toMatch(/^data:image\/webp;base64,[A-Za-z0-9+/]+=*$/);

    const authority = DemoAuthority.parse(JSON.parse(read('demo-authority.json')));
    const signed = SignedDocument.parse(JSON.parse(read('sample-election.signed.json')));
    const verified = verifyDocument('election', signed, authority.authority.publicKey);
    expect(verified.ok).toBe(true);
    if (!verified.ok) return;
    expect(ElectionPackage.parse(parseJsonBytes(verified.bytes))).toEqual(payload);
    // Signed for elections only: the same bytes under another domain do not verify.
    expect(verifyDocument('batch', signed, authority.authority.publicKey).ok).toBe(false);
  });

  it('keeps the demo keys and gives the same bytes when run again on the same day', () => {
    const before = ['demo-authority.json', 'sample-election.json', 'sample-election.signed.json'].map(read);
    const summary = buildData({ outDir, now: new Date('2026-11-27T22:00:00Z'), decoupage });
    expect(summary.authorityCreated).toBe(false);
    const after = ['demo-authority.json', 'sample-election.json', 'sample-election.signed.json'].map(read);
    expect(after).toEqual(before);
  });

  it('moves the window with the date and adds the receipt address only when asked', () => {
    const keys = read('demo-authority.json');
    buildData({
      outDir,
      now: new Date('2027-06-15T08:00:00Z'),
      decoupage,
      receiptCheckUrl: 'https://vote.example/recu',
    });
    const payload = ElectionPackage.parse(JSON.parse(read('sample-election.json')));
    expect(payload.opensAt).toBe('2027-06-15T00:00:00+02:00');
    expect(payload.closesAt).toBe('2027-07-15T00:00:00+02:00');
    expect(payload.receiptCheckUrl).toBe('https://vote.example/recu');
    expect(read('demo-authority.json')).toBe(keys);
  });

  it('creates different keys on another machine (another folder)', () => {
    const other = mkdtempSync(join(tmpdir(), 'isoloir-build-data-'));
    try {
      buildData({ outDir: other, now, decoupage });
      const a = DemoAuthority.parse(JSON.parse(read('demo-authority.json')));
      const b = DemoAuthority.parse(JSON.parse(readFileSync(join(other, 'demo-authority.json'), 'utf8')));
      expect(b.authority.publicKey).not.toBe(a.authority.publicKey);
      expect(b.participationKey).not.toBe(a.participationKey);
      const signed = SignedDocument.parse(
        JSON.parse(readFileSync(join(other, 'sample-election.signed.json'), 'utf8')),
      );
      expect(verifyDocument('election', signed, a.authority.publicKey).ok).toBe(false);
      expect(verifyDocument('election', signed, b.authority.publicKey).ok).toBe(true);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
