/**
 * The real catalogue: an election package (`ElectionPackage`, src/shared/wire.ts) built from what the
 * central team keeps in a spreadsheet. One CSV row per project (title, summary, description, territory,
 * theme, carrier, cost, image file; optional id and "en bref"), a folder of images embedded as data: URLs
 * as the sample's are, an optional CSV of territories, and the window as calendar days in Paris.
 *
 * The CSV is what Excel or LibreOffice write: UTF-8 with or without a BOM, `;` (French Excel) or `,`
 * between fields, quoted fields holding separators, quotes and newlines. It is read by csv-parse rather
 * than by hand: quoting and multi-line fields are where hand-written parsers go wrong.
 *
 * Every problem of the files is collected with its line number and reported at once, in French; nothing
 * is built while one remains.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { err, ok, type Result } from '../shared/result';
import { foldAccents } from '../shared/text';
import { newTokenKdf } from '../shared/node/crypto';
import {
  DEFAULT_BATCH_SIZE,
  DEFAULT_LATE_DELIVERY_HOURS,
  ElectionPackage,
  type Project,
  type Territory,
} from '../shared/wire';
import { parisWindow } from './paris-time';

/** The 8 territories of the Pas-de-Calais Budget citoyen, used when no territory file is given. */
export const PAS_DE_CALAIS_TERRITORIES: Territory[] = [
  { id: 'arrageois', name: 'Arrageois' },
  { id: 'artois', name: 'Artois' },
  { id: 'audomarois', name: 'Audomarois' },
  { id: 'boulonnais', name: 'Boulonnais' },
  { id: 'calaisis', name: 'Calaisis' },
  { id: 'henin-carvin', name: 'Hénin-Carvin' },
  { id: 'lens-lievin', name: 'Lens-Liévin' },
  { id: 'montreuillois-ternois', name: 'Montreuillois-Ternois' },
];

/**
 * Largest image file: its data: URL must fit the contract's 200 000 characters (base64 grows by 4/3),
 * and a card needs far less (the sample's are about 5 KB).
 */
export const MAX_IMAGE_BYTES = 148_000;

const IMAGE_TYPES: Record<string, { mime: string; magic: (b: Buffer) => boolean }> = {
  '.webp': {
    mime: 'image/webp',
    magic: (b) =>
      b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  },
  '.png': {
    mime: 'image/png',
    magic: (b) => b.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex')),
  },
  '.jpg': { mime: 'image/jpeg', magic: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  '.jpeg': { mime: 'image/jpeg', magic: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
};

/** Column names as a person may write them (compared without case, accents or spaces). */
const PROJECT_COLUMNS = {
  id: ['id', 'identifiant'],
  title: ['title', 'titre'],
  summary: ['summary', 'resume'],
  description: ['description'],
  territory: ['territory', 'territoire'],
  theme: ['theme'],
  carrier: ['carrier', 'porteur', 'porteurdeprojet'],
  cost: ['cost', 'cout', 'montant'],
  image: ['image', 'imagefile', 'fichierimage', 'photo'],
  plainSummary: ['plainsummary', 'enbref'],
} as const;
type ProjectColumn = keyof typeof PROJECT_COLUMNS;
const REQUIRED: ProjectColumn[] = [
  'title',
  'summary',
  'description',
  'territory',
  'theme',
  'carrier',
  'cost',
  'image',
];

const TERRITORY_COLUMNS = { id: ['id', 'identifiant'], name: ['name', 'nom'] } as const;

/** Field limits of the contract, to report them by line rather than by zod path. */
const LIMITS: Partial<Record<ProjectColumn, number>> = {
  title: 200,
  summary: 1000,
  description: 10000,
  theme: 100,
  carrier: 200,
  plainSummary: 1000,
};

const COLUMN_LABELS: Record<ProjectColumn, string> = {
  id: 'l’identifiant',
  title: 'le titre',
  summary: 'le résumé',
  description: 'la description',
  territory: 'le territoire',
  theme: 'le thème',
  carrier: 'le porteur',
  cost: 'le coût',
  image: 'l’image',
  plainSummary: 'le « en bref »',
};

export interface CatalogueOptions {
  projectsCsv: string;
  imagesDir: string;
  territoriesCsv?: string;
  /** A package whose other fields (id, title, rules, budget, commune map, territories…) are kept. */
  base?: Record<string, unknown>;
  electionId?: string;
  title?: string;
  budget?: number;
  minChoices?: number;
  maxChoices?: number;
  minAge?: number;
  department?: string;
  revision?: number;
  /** Hours after the close during which batches carried late are still accepted. */
  lateDeliveryHours?: number;
  /** First and last day of the vote, `YYYY-MM-DD`, in Paris. */
  opens: string;
  closes: string;
}

export interface CatalogueProblem {
  /** File the problem is in (its base name), and the line, when there is one. */
  file: string;
  line?: number;
  message: string;
}

export const formatProblem = (p: CatalogueProblem): string =>
  p.line === undefined ? `${p.file} : ${p.message}` : `${p.file}, ligne ${p.line} : ${p.message}`;

/** A column header or a territory name, compared without case, accents, spaces or punctuation. */
const key = (text: string): string => foldAccents(text).replace(/[^a-z0-9]/g, '');

/** A stable project id from a title: lower case, no accents, words joined by hyphens. */
export const slugOf = (text: string): string =>
  foldAccents(text)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');

/**
 * A cost in whole euros as a French spreadsheet shows it: "12000", "12 000", "12 000 €" (any kind of
 * space between thousands). Anything else, decimals included, is refused.
 */
export function parseEuros(text: string): number | null {
  const cleaned = text
    .replace(/[\s\u00a0\u202f]+/g, ' ')
    .trim()
    .replace(/\s*€$/, '')
    .replace(/\s*EUR$/i, '');
  if (!/^\d{1,3}( \d{3})*$|^\d+$/.test(cleaned)) return null;
  const value = Number(cleaned.replace(/ /g, ''));
  return Number.isSafeInteger(value) ? value : null;
}

interface Row {
  line: number;
  cells: string[];
}

/** Reads a CSV file into rows with their first line number; a problem when it cannot be read. */
function readCsv(path: string): Result<{ header: Row; rows: Row[] }> {
  const name = basename(path);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return err('malformed', `${name} : fichier introuvable ou illisible.`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return err(
      'malformed',
      `${name} : le fichier n’est pas en UTF-8. Dans le tableur, enregistrez-le au format « CSV UTF-8 ».`,
    );
  }
  const firstLine = text.replace(/^\ufeff/, '').split(/\r?\n/, 1)[0] ?? '';
  const delimiter = (firstLine.match(/;/g) ?? []).length >= (firstLine.match(/,/g) ?? []).length ? ';' : ',';
  let records: { record: string[]; info: { lines: number }; raw: string }[];
  try {
    records = parse(text, {
      bom: true,
      delimiter,
      info: true,
      raw: true,
      skip_empty_lines: true,
      relax_column_count: true,
    }) as unknown as typeof records;
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    return err(
      'malformed',
      `${name}${line ? `, ligne ${line}` : ''} : CSV illisible (guillemet non fermé ou mal placé ?).`,
    );
  }
  const rows = records
    .map(({ record, info, raw }) => {
      const body = raw.replace(/^[\r\n]+/, '').replace(/\r?\n$/, '');
      return { line: info.lines - (body.match(/\n/g) ?? []).length, cells: record };
    })
    .filter((row) => row.cells.some((cell) => cell.trim() !== ''));
  const [header, ...rest] = rows;
  if (!header) return err('malformed', `${name} : le fichier est vide.`);
  return ok({ header, rows: rest });
}

/** Column index of each known column, and problems for unknown, repeated or missing ones. */
function mapColumns<C extends string>(
  file: string,
  header: Row,
  known: Record<C, readonly string[]>,
  required: readonly C[],
  problems: CatalogueProblem[],
): Partial<Record<C, number>> {
  const columns: Partial<Record<C, number>> = {};
  header.cells.forEach((cell, index) => {
    const name = key(cell);
    if (name === '') return;
    const column = (Object.keys(known) as C[]).find((c) => known[c].includes(name));
    if (!column) problems.push({ file, line: header.line, message: `colonne « ${cell.trim()} » inconnue.` });
    else if (columns[column] !== undefined)
      problems.push({ file, line: header.line, message: `colonne « ${cell.trim()} » en double.` });
    else columns[column] = index;
  });
  for (const column of required)
    if (columns[column] === undefined)
      problems.push({
        file,
        line: header.line,
        message: `colonne « ${known[column][known[column].length > 1 ? 1 : 0]} » manquante.`,
      });
  return columns;
}

function readTerritories(path: string, problems: CatalogueProblem[]): Territory[] {
  const file = basename(path);
  const csv = readCsv(path);
  if (!csv.ok) {
    problems.push({ file, message: csv.error.message.replace(`${file} : `, '') });
    return [];
  }
  const columns = mapColumns<keyof typeof TERRITORY_COLUMNS>(
    file,
    csv.value.header,
    TERRITORY_COLUMNS,
    ['name'],
    problems,
  );
  const territories: Territory[] = [];
  for (const row of csv.value.rows) {
    const name = (row.cells[columns.name ?? -1] ?? '').trim();
    const id =
      (columns.id === undefined ? slugOf(name) : (row.cells[columns.id] ?? '').trim()) || slugOf(name);
    if (!name || name.length > 200)
      problems.push({ file, line: row.line, message: 'nom de territoire vide ou trop long.' });
    else if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(id))
      problems.push({ file, line: row.line, message: `identifiant de territoire « ${id} » invalide.` });
    else if (territories.some((t) => t.id === id))
      problems.push({ file, line: row.line, message: `territoire « ${id} » en double.` });
    else territories.push({ id, name });
  }
  if (territories.length === 0 && problems.length === 0)
    problems.push({ file, message: 'aucun territoire.' });
  return territories;
}

/** The image file of a row as a data: URL, or a problem. */
function embedImage(imagesDir: string, fileName: string): string | { problem: string } {
  if (fileName === '') return { problem: 'l’image est vide.' };
  if (fileName !== basename(fileName) || fileName.startsWith('.'))
    return { problem: `l’image « ${fileName} » doit être un simple nom de fichier du dossier d’images.` };
  const type = IMAGE_TYPES[extname(fileName).toLowerCase()];
  if (!type) return { problem: `l’image « ${fileName} » n’est pas au format WebP, PNG ou JPEG.` };
  const path = join(imagesDir, fileName);
  if (!existsSync(path) || !statSync(path).isFile())
    return { problem: `l’image « ${fileName} » est introuvable dans ${imagesDir}.` };
  const bytes = readFileSync(path);
  if (bytes.length > MAX_IMAGE_BYTES)
    return {
      problem: `l’image « ${fileName} » pèse ${Math.ceil(bytes.length / 1024)} Ko : ${Math.floor(MAX_IMAGE_BYTES / 1024)} Ko au plus (480×320 en WebP suffit).`,
    };
  if (!type.magic(bytes)) return { problem: `le fichier « ${fileName} » n’est pas une image ${type.mime}.` };
  return `data:${type.mime};base64,${bytes.toString('base64')}`;
}

const intOption = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

/** Builds the package, or returns every problem found (with lines). Reads files; writes nothing. */
export function buildCatalogue(options: CatalogueOptions): Result<ElectionPackage> & {
  problems?: CatalogueProblem[];
} {
  const problems: CatalogueProblem[] = [];
  const base = options.base ?? {};
  const file = basename(options.projectsCsv);

  const territories = options.territoriesCsv
    ? readTerritories(options.territoriesCsv, problems)
    : Array.isArray(base.territories)
      ? z.array(z.object({ id: z.string(), name: z.string() })).parse(base.territories)
      : PAS_DE_CALAIS_TERRITORIES;
  const territoryByKey = new Map<string, string>();
  for (const t of territories) {
    territoryByKey.set(key(t.id), t.id);
    territoryByKey.set(key(t.name), t.id);
  }

  const window = parisWindow(options.opens, options.closes);
  if (!window)
    problems.push({
      file: 'dates',
      message: `date invalide (attendu AAAA-MM-JJ) : « ${options.opens} » ou « ${options.closes} ».`,
    });
  else if (Date.parse(window.opensAt) >= Date.parse(window.closesAt))
    problems.push({ file: 'dates', message: 'le dernier jour du vote précède le premier.' });

  const projects: Project[] = [];
  const csv = readCsv(options.projectsCsv);
  if (!csv.ok) problems.push({ file, message: csv.error.message.replace(`${file} : `, '') });
  else {
    const columns = mapColumns(file, csv.value.header, PROJECT_COLUMNS, REQUIRED, problems);
    const headerOk = REQUIRED.every((c) => columns[c] !== undefined);
    const seenIds = new Map<string, number>();
    for (const row of headerOk ? csv.value.rows : []) {
      const cell = (column: ProjectColumn): string => {
        const index = columns[column];
        return index === undefined ? '' : (row.cells[index] ?? '').replace(/\r\n?/g, '\n').trim();
      };
      const problem = (message: string) => problems.push({ file, line: row.line, message });
      const before = problems.length;
      for (const column of REQUIRED)
        if (column !== 'image' && cell(column) === '') problem(`${COLUMN_LABELS[column]} est vide.`);
      for (const [column, limit] of Object.entries(LIMITS) as [ProjectColumn, number][])
        if (cell(column).length > limit)
          problem(`${COLUMN_LABELS[column]} fait ${cell(column).length} caractères (${limit} au plus).`);
      const cost = parseEuros(cell('cost'));
      if (cell('cost') !== '' && cost === null)
        problem(`le coût « ${cell('cost')} » n’est pas un nombre entier d’euros.`);
      const territoryId = territoryByKey.get(key(cell('territory')));
      if (cell('territory') !== '' && !territoryId)
        problem(
          `le territoire « ${cell('territory')} » est inconnu (attendu : ${territories.map((t) => t.name).join(', ')}).`,
        );
      const id = cell('id') || slugOf(cell('title'));
      if (cell('title') !== '' || cell('id') !== '') {
        if (!/^[a-z0-9][a-z0-9-]{0,63}$/.test(id))
          problem(`l’identifiant « ${id} » est invalide (minuscules, chiffres et tirets).`);
        const previous = seenIds.get(id);
        if (previous !== undefined)
          problem(`l’identifiant « ${id} » est déjà celui de la ligne ${previous} (ajoutez une colonne id).`);
        else seenIds.set(id, row.line);
      }
      const image = embedImage(options.imagesDir, cell('image'));
      if (typeof image !== 'string') problem(image.problem);
      if (problems.length > before || typeof image !== 'string' || cost === null || !territoryId) continue;
      projects.push({
        id,
        title: cell('title'),
        summary: cell('summary'),
        description: cell('description'),
        territoryId,
        theme: cell('theme'),
        carrier: cell('carrier'),
        cost,
        image,
        ...(cell('plainSummary') ? { plainSummary: cell('plainSummary') } : {}),
      });
    }
    if (headerOk && csv.value.rows.length === 0) problems.push({ file, message: 'aucun projet.' });
  }

  const electionId =
    options.electionId ?? (typeof base.electionId === 'string' ? base.electionId : undefined);
  const title = options.title ?? (typeof base.title === 'string' ? base.title : undefined);
  const budget = options.budget ?? intOption(base.budget);
  if (!electionId) problems.push({ file: 'options', message: 'identifiant d’élection manquant (--id).' });
  if (!title) problems.push({ file: 'options', message: 'titre de l’élection manquant (--title).' });
  if (budget === undefined)
    problems.push({ file: 'options', message: 'budget manquant (--budget, en euros).' });
  if (problems.length > 0 || !window)
    return { ...err('malformed', problems.map(formatProblem).join('\n')), problems };

  const { projects: _p, opensAt: _o, closesAt: _c, territories: _t, ...kept } = base;
  const candidate = {
    ...kept,
    v: 2,
    // K and the token KDF: a base package keeps its own (a correction must not change them).
    batchSize: intOption(base.batchSize) ?? DEFAULT_BATCH_SIZE,
    tokenKdf: base.tokenKdf ?? newTokenKdf(),
    electionId,
    title,
    opensAt: window.opensAt,
    closesAt: window.closesAt,
    lateDeliveryHours:
      options.lateDeliveryHours ?? intOption(base.lateDeliveryHours) ?? DEFAULT_LATE_DELIVERY_HOURS,
    minChoices: options.minChoices ?? intOption(base.minChoices) ?? 1,
    maxChoices: options.maxChoices ?? intOption(base.maxChoices) ?? 3,
    minAge: options.minAge ?? intOption(base.minAge) ?? 11,
    department: options.department ?? (typeof base.department === 'string' ? base.department : '62'),
    budget,
    territories,
    projects,
    ...(options.revision !== undefined ? { revision: options.revision } : {}),
  };
  const parsed = ElectionPackage.safeParse(candidate);
  if (!parsed.success) {
    const problem = { file: 'paquet', message: z.prettifyError(parsed.error) };
    return { ...err('malformed', formatProblem(problem)), problems: [problem] };
  }
  return ok(parsed.data);
}
