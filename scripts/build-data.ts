/**
 * `npm run build:data`: turns the committed sample (resources/sample) and the official commune list
 * (@etalab/decoupage-administratif) into what the kiosk, the server and the tests read at run time, in
 * resources/generated/ (gitignored):
 *   - communes-62.json              the 887 current communes of Pas-de-Calais, `{code, name, postalCodes}`
 *   - sample-election.json          the demo election package payload, opening today (Europe/Paris)
 *   - demo-authority.json           a demo authority key pair and participation key, created once per machine
 *   - sample-election.signed.json   that payload signed by the demo authority
 * The pure pieces (commune extraction, commune → territory mapping, election window) are exported for
 * tests; the file only writes when run as a script.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { generateKeyPair, signDocument } from '../src/shared/node/crypto';
import { ElectionPackage, base64url } from '../src/shared/wire';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const sampleDir = join(projectRoot, 'resources', 'sample');
export const generatedDir = join(projectRoot, 'resources', 'generated');

/** Pas-de-Calais has 887 communes since 1 January 2025; any other count means the package changed. */
export const EXPECTED_COMMUNE_COUNT = 887;
const DEPARTMENT = '62';

// ---------------------------------------------------------------- source data (decoupage-administratif)

const RawCommune = z.object({
  code: z.string(),
  nom: z.string(),
  type: z.string(),
  departement: z.string().optional(),
  arrondissement: z.string().optional(),
  codesPostaux: z.array(z.string()).optional(),
});
export type RawCommune = z.infer<typeof RawCommune>;

const RawArrondissement = z.object({ code: z.string(), nom: z.string(), departement: z.string() });
export type RawArrondissement = z.infer<typeof RawArrondissement>;

const RawEpci = z.object({
  code: z.string(),
  nom: z.string(),
  membres: z.array(z.object({ code: z.string(), nom: z.string() })),
});
export type RawEpci = z.infer<typeof RawEpci>;

export interface Decoupage {
  communes: RawCommune[];
  arrondissements: RawArrondissement[];
  epcis: RawEpci[];
}

/**
 * Reads the package's JSON files directly: its main entry (index.js) is broken, and `createRequire`
 * finds the files wherever npm placed the package.
 */
export function loadDecoupage(): Decoupage {
  const require = createRequire(import.meta.url);
  const read = (name: string): unknown => require(`@etalab/decoupage-administratif/data/${name}.json`);
  return {
    communes: z.array(RawCommune).parse(read('communes')),
    arrondissements: z.array(RawArrondissement).parse(read('arrondissements')),
    epcis: z.array(RawEpci).parse(read('epci')),
  };
}

// ---------------------------------------------------------------- communes

export interface Commune {
  code: string;
  name: string;
  postalCodes: string[];
}

const currentCommunesOf62 = (communes: RawCommune[]): RawCommune[] =>
  communes.filter((c) => c.type === 'commune-actuelle' && c.departement === DEPARTMENT);

/**
 * The current communes of département 62, sorted by name as a French reader expects. Throws when the count
 * is not the expected one: a package update must be looked at by a person, not shipped silently.
 */
export function extractCommunes(communes: RawCommune[], expected = EXPECTED_COMMUNE_COUNT): Commune[] {
  const collator = new Intl.Collator('fr', { sensitivity: 'base' });
  const result = currentCommunesOf62(communes)
    .map((c) => ({ code: c.code, name: c.nom, postalCodes: [...(c.codesPostaux ?? [])].sort() }))
    .sort((a, b) => collator.compare(a.name, b.name) || a.code.localeCompare(b.code));
  if (result.length !== expected)
    throw new Error(
      `Pas-de-Calais: ${result.length} communes found in @etalab/decoupage-administratif, ${expected} expected. ` +
        'The package changed: check the new list, then update EXPECTED_COMMUNE_COUNT.',
    );
  return result;
}

// ---------------------------------------------------------------- commune → territory

/**
 * The 8 territories of the Département's "Budget citoyen" follow the arrondissements, with two
 * exceptions taken from the intercommunalities (EPCI), which the Département's territories follow where
 * an arrondissement holds two of them:
 *   - arrondissement of Arras     → arrageois, except the communes of the CC du Ternois (SIREN 200069672),
 *     which belong to the Ternois half of montreuillois-ternois;
 *   - arrondissement of Béthune   → artois;
 *   - arrondissement of Saint-Omer → audomarois;
 *   - arrondissement of Boulogne-sur-Mer → boulonnais;
 *   - arrondissement of Calais    → calaisis;
 *   - arrondissement of Montreuil → montreuillois-ternois;
 *   - arrondissement of Lens      → lens-lievin, except the communes of the CA d'Hénin-Carvin
 *     (SIREN 246200299) → henin-carvin.
 * Arrondissements are found by name and EPCIs by SIREN and name, so a renumbering fails loudly instead of
 * mapping communes to the wrong territory. Since 2017 every EPCI of the département lies inside one
 * arrondissement, so this rule never splits an EPCI.
 */
export const territoryOfArrondissement: Readonly<Record<string, string>> = {
  Arras: 'arrageois',
  Béthune: 'artois',
  'Saint-Omer': 'audomarois',
  'Boulogne-sur-Mer': 'boulonnais',
  Calais: 'calaisis',
  Montreuil: 'montreuillois-ternois',
  Lens: 'lens-lievin',
};

export const territoryExceptions: ReadonlyArray<{ siren: string; name: string; territoryId: string }> = [
  { siren: '246200299', name: "CA d'Hénin-Carvin", territoryId: 'henin-carvin' },
  { siren: '200069672', name: 'CC du Ternois', territoryId: 'montreuillois-ternois' },
];

/** Commune INSEE code → territory id for every current commune of 62; throws if one is left unmapped. */
export function mapCommunesToTerritories(source: Decoupage): Record<string, string> {
  const communes = currentCommunesOf62(source.communes);
  const territoryOfArrondissementCode = new Map<string, string>();
  for (const a of source.arrondissements.filter((x) => x.departement === DEPARTMENT)) {
    const territory = territoryOfArrondissement[a.nom];
    if (!territory) throw new Error(`arrondissement ${a.code} ${a.nom}: no territory for it`);
    territoryOfArrondissementCode.set(a.code, territory);
  }
  const mapping: Record<string, string> = {};
  for (const c of communes) {
    const territory = c.arrondissement ? territoryOfArrondissementCode.get(c.arrondissement) : undefined;
    if (!territory) throw new Error(`commune ${c.code} ${c.nom}: arrondissement ${c.arrondissement} unknown`);
    mapping[c.code] = territory;
  }
  for (const exception of territoryExceptions) {
    const epci = source.epcis.find((e) => e.code === exception.siren);
    if (!epci || epci.nom !== exception.name)
      throw new Error(
        `EPCI ${exception.siren} "${exception.name}" not found in epci.json: check the package`,
      );
    // The CC du Ternois reaches over the border into the Somme: its members outside 62 are not ours.
    const members = epci.membres.filter((m) => m.code in mapping);
    if (members.length === 0) throw new Error(`${epci.nom}: no member commune in département 62`);
    for (const member of members) mapping[member.code] = exception.territoryId;
  }
  // Sorted keys: the generated file, and so the signed package, are byte-stable across rebuilds.
  return Object.fromEntries(Object.entries(mapping).sort(([a], [b]) => a.localeCompare(b)));
}

// ---------------------------------------------------------------- election window

const offsetFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Paris',
  timeZoneName: 'longOffset',
});
const dateFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** "+01:00" or "+02:00": the offset of Paris at an instant. */
function parisOffset(instant: number): string {
  const name = offsetFormat.formatToParts(instant).find((p) => p.type === 'timeZoneName')?.value ?? '';
  const match = /GMT([+-]\d{2}:\d{2})?/.exec(name);
  return match?.[1] ?? '+00:00';
}

/** Midnight in Paris of the Paris calendar day of `now`, plus `days` days, as ISO with its offset. */
export function parisMidnight(now: Date, days = 0): string {
  const [y, m, d] = dateFormat.format(now).split('-').map(Number) as [number, number, number];
  const utcMidnight = Date.UTC(y, m - 1, d + days);
  const date = new Date(utcMidnight).toISOString().slice(0, 10);
  // Paris changes its clocks at 01:00 UTC, never near midnight: the offset in force three hours before
  // UTC midnight (late evening of the day before, in Paris) is the one in force at Paris midnight.
  const offset = parisOffset(utcMidnight - 3 * 3600_000);
  return `${date}T00:00:00${offset}`;
}

// ---------------------------------------------------------------- sample package

/** The committed sample: the package without its window, images as file names. */
export const SampleElection = z.looseObject({ projects: z.array(z.looseObject({ image: z.string() })) });

export const DemoAuthority = z.strictObject({
  authority: z.strictObject({ publicKey: base64url.length(43), privateKey: base64url.length(43) }),
  participationKey: base64url.min(43),
});
export type DemoAuthority = z.infer<typeof DemoAuthority>;

export interface BuildOptions {
  outDir?: string;
  now?: Date;
  receiptCheckUrl?: string | undefined;
  /** Source data; read from the installed package when absent. */
  decoupage?: Decoupage;
}

export interface BuildSummary {
  outDir: string;
  communes: number;
  territoryCounts: Record<string, number>;
  projects: number;
  opensAt: string;
  closesAt: string;
  signedBytes: number;
  largestImageBytes: number;
  authorityCreated: boolean;
}

/** Writes only when the content changed, so a rebuild leaves files (and their dates) untouched. */
function writeIfChanged(path: string, content: string): void {
  if (existsSync(path) && readFileSync(path, 'utf8') === content) return;
  writeFileSync(path, content);
}

export function buildData(options: BuildOptions = {}): BuildSummary {
  const outDir = options.outDir ?? generatedDir;
  const now = options.now ?? new Date();
  const source = options.decoupage ?? loadDecoupage();
  mkdirSync(outDir, { recursive: true });

  const communes = extractCommunes(source.communes);
  writeIfChanged(join(outDir, 'communes-62.json'), `${JSON.stringify(communes)}\n`);
  const communeTerritories = mapCommunesToTerritories(source);

  const sample = SampleElection.parse(JSON.parse(readFileSync(join(sampleDir, 'election.json'), 'utf8')));
  let largestImageBytes = 0;
  const projects = sample.projects.map((project) => {
    const path = join(sampleDir, 'images', project.image);
    if (!existsSync(path))
      throw new Error(`image ${project.image} missing: run npx tsx scripts/make-sample-images.ts`);
    const bytes = readFileSync(path);
    largestImageBytes = Math.max(largestImageBytes, bytes.length);
    return { ...project, image: `data:image/webp;base64,${bytes.toString('base64')}` };
  });
  const opensAt = parisMidnight(now);
  const closesAt = parisMidnight(now, 30);
  const { projects: _, ...rest } = sample;
  const candidate = {
    ...rest,
    opensAt,
    closesAt,
    projects,
    communeTerritories,
    ...(options.receiptCheckUrl ? { receiptCheckUrl: options.receiptCheckUrl } : {}),
  };
  // Parsed before signing: a sample that does not meet the contract must never be signed.
  const parsed = ElectionPackage.safeParse(candidate);
  if (!parsed.success)
    throw new Error(`resources/sample/election.json is invalid:\n${z.prettifyError(parsed.error)}`);
  const payload = parsed.data;
  const territoryIds = new Set(payload.territories.map((t) => t.id));
  for (const [code, territory] of Object.entries(communeTerritories))
    if (!territoryIds.has(territory))
      throw new Error(`commune ${code}: territory ${territory} not in the package`);
  writeIfChanged(join(outDir, 'sample-election.json'), `${JSON.stringify(payload, null, 2)}\n`);

  const authorityPath = join(outDir, 'demo-authority.json');
  const authorityCreated = !existsSync(authorityPath);
  if (authorityCreated) {
    const authority: DemoAuthority = {
      authority: generateKeyPair(),
      participationKey: randomBytes(32).toString('base64url'),
    };
    writeFileSync(authorityPath, `${JSON.stringify(authority, null, 2)}\n`, { mode: 0o600 });
  }
  const demo = DemoAuthority.parse(JSON.parse(readFileSync(authorityPath, 'utf8')));

  // Ed25519 signatures are deterministic: the same payload and key give the same file.
  const signed = `${JSON.stringify(signDocument('election', payload, demo.authority.privateKey), null, 2)}\n`;
  writeIfChanged(join(outDir, 'sample-election.signed.json'), signed);

  const territoryCounts: Record<string, number> = {};
  for (const t of Object.values(communeTerritories)) territoryCounts[t] = (territoryCounts[t] ?? 0) + 1;
  return {
    outDir,
    communes: communes.length,
    territoryCounts,
    projects: payload.projects.length,
    opensAt,
    closesAt,
    signedBytes: Buffer.byteLength(signed),
    largestImageBytes,
    authorityCreated,
  };
}

function main(): void {
  const started = performance.now();
  const s = buildData({ receiptCheckUrl: process.env.ISOLOIR_RECEIPT_URL || undefined });
  const kb = (n: number): string => `${Math.round(n / 1024)} KB`;
  console.log(`build:data → ${s.outDir}`);
  console.log(`  communes-62.json              ${s.communes} communes`);
  console.log(
    `  communeTerritories            ${Object.entries(s.territoryCounts)
      .map(([t, n]) => `${t} ${n}`)
      .join(', ')}`,
  );
  console.log(`  sample-election.json          ${s.projects} projects, open ${s.opensAt} → ${s.closesAt}`);
  console.log(`  largest image                 ${kb(s.largestImageBytes)}`);
  console.log(
    `  demo-authority.json           ${s.authorityCreated ? 'created (new keys)' : 'kept (existing keys)'}`,
  );
  console.log(`  sample-election.signed.json   ${kb(s.signedBytes)}`);
  console.log(`  done in ${Math.round(performance.now() - started)} ms`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    main();
  } catch (error) {
    console.error(`build:data failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
