/**
 * The communes a voter may live in (département 62), read from `resources/generated/communes-62.json`
 * (built from @etalab/decoupage-administratif by scripts/build-data.ts), and the search the voter uses to
 * pick theirs: by name, ignoring accents, case and hyphens ("st omer" finds Saint-Omer), or by postal code.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Commune } from '../../shared/api';
import { err, ok, type Result } from '../../shared/result';
import { searchKey } from '../../shared/text';
import { inseeCode } from '../../shared/wire';

const CommuneFile = z.array(
  z.object({ code: inseeCode, name: z.string().min(1), postalCodes: z.array(z.string().regex(/^\d{5}$/)) }),
);
type CommuneEntry = z.infer<typeof CommuneFile>[number];

const FILE_NAME = 'communes-62.json';

/**
 * Where the generated file is: beside the packaged app's resources (Electron), else the first
 * `resources/generated/` found walking up from this module (TS sources, the electron-vite bundle in
 * out/main, the server bundle), else from the working directory.
 */
export function defaultCommunesPath(): string {
  const candidates: string[] = [];
  const resourcesPath = (process as { resourcesPath?: string }).resourcesPath;
  if (resourcesPath)
    candidates.push(join(resourcesPath, 'generated', FILE_NAME), join(resourcesPath, FILE_NAME));
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    candidates.push(join(dir, 'resources', 'generated', FILE_NAME));
    dir = dirname(dir);
  }
  candidates.push(resolve('resources', 'generated', FILE_NAME));
  return candidates.find((path) => existsSync(path)) ?? resolve('resources', 'generated', FILE_NAME);
}

interface Indexed {
  entry: CommuneEntry;
  key: string;
  words: string[];
}

/** Common abbreviations people type for the names of communes ("st omer", "ste catherine"). */
const ABBREVIATIONS: Record<string, string> = { st: 'saint', ste: 'sainte' };

/** The typed words, and (if different) the same words with abbreviations spelt out. */
function queryVariants(query: string): string[][] {
  const words = searchKey(query)
    .split(' ')
    .filter((w) => w.length > 0);
  const expanded = words.map((w) => ABBREVIATIONS[w] ?? w);
  return expanded.join(' ') === words.join(' ') ? [words] : [words, expanded];
}

/** 0 exact, 1 name starts with the query, 2 every word starts a word of the name, 3 substring, -1 none. */
function rankOf(c: { key: string; words: string[] }, words: string[]): number {
  const whole = words.join(' ');
  if (c.key === whole) return 0;
  if (c.key.startsWith(whole)) return 1;
  if (words.every((w) => c.words.some((cw) => cw.startsWith(w)))) return 2;
  if (c.key.includes(whole)) return 3;
  return -1;
}

export class CommuneDirectory {
  private readonly byCode = new Map<string, CommuneEntry>();
  private readonly indexed: Indexed[];

  constructor(
    entries: readonly CommuneEntry[],
    /** Département these communes belong to: codes of others are "outside", not "unknown". */
    readonly department = '62',
  ) {
    for (const entry of entries) this.byCode.set(entry.code, entry);
    this.indexed = entries.map((entry) => {
      const key = searchKey(entry.name);
      return { entry, key, words: key.split(' ') };
    });
  }

  /** The communes of `department` in a communes file (the election package names the département). */
  static fromFile(path: string, department = '62'): CommuneDirectory {
    const parsed = CommuneFile.safeParse(JSON.parse(readFileSync(path, 'utf8')) as unknown);
    if (!parsed.success)
      throw new Error(`${path}: not a communes file (${parsed.error.issues[0]?.message ?? ''})`);
    return new CommuneDirectory(
      parsed.data.filter((c) => c.code.startsWith(department)),
      department,
    );
  }

  get size(): number {
    return this.indexed.length;
  }

  /** The commune of an INSEE code, or why it cannot be used. */
  lookup(code: string): Result<CommuneEntry> {
    const entry = this.byCode.get(code);
    if (entry) return ok(entry);
    if (!code.startsWith(this.department))
      return err(
        'commune_outside_department',
        'Ce vote est réservé aux habitants du Pas-de-Calais. Merci de votre intérêt !',
      );
    return err(
      'commune_unknown',
      'Nous ne trouvons pas cette commune. Cherchez-la par son nom ou son code postal.',
    );
  }

  /**
   * Digits: communes whose postal code starts with them. Otherwise, by name: the name itself first,
   * then names starting with the query, then names where every typed word starts a word of the name,
   * then names containing it; shorter names first within each group, then alphabetical.
   */
  search(query: string, limit: number, territoryOf: (code: string) => string | null = () => null): Commune[] {
    const trimmed = query.trim();
    if (trimmed.length === 0) return [];
    const toCommune = (entry: CommuneEntry): Commune => ({
      code: entry.code,
      name: entry.name,
      postalCodes: entry.postalCodes,
      territoryId: territoryOf(entry.code),
    });
    const digits = trimmed.replace(/\s+/g, '');
    if (/^\d+$/.test(digits)) {
      return this.indexed
        .filter((c) => c.entry.postalCodes.some((p) => p.startsWith(digits)) || c.entry.code === digits)
        .sort((a, b) => minPostal(a).localeCompare(minPostal(b)) || a.key.localeCompare(b.key))
        .slice(0, limit)
        .map((c) => toCommune(c.entry));
    }
    const variants = queryVariants(trimmed);
    if (variants[0]?.length === 0) return [];
    const ranked: Array<{ c: Indexed; rank: number }> = [];
    for (const c of this.indexed) {
      const ranks = variants.map((words) => rankOf(c, words)).filter((r) => r >= 0);
      if (ranks.length > 0) ranked.push({ c, rank: Math.min(...ranks) });
    }
    return ranked
      .sort((a, b) => a.rank - b.rank || a.c.key.length - b.c.key.length || a.c.key.localeCompare(b.c.key))
      .slice(0, limit)
      .map(({ c }) => toCommune(c.entry));
  }
}

const minPostal = (c: Indexed): string => [...c.entry.postalCodes].sort()[0] ?? '';

/**
 * The communes of the département the current election names (the sample ships département 62), read
 * once per département; a missing or empty list is a `not_ready` refusal the voter can show.
 */
export class CommuneCache {
  private directory: CommuneDirectory | null = null;

  constructor(
    private readonly pathOf: () => string,
    private readonly log: (event: string, detail?: Record<string, string>) => void,
  ) {}

  for(department: string): Result<CommuneDirectory> {
    if (this.directory?.department === department) return ok(this.directory);
    const path = this.pathOf();
    try {
      this.directory = CommuneDirectory.fromFile(path, department);
    } catch {
      this.log('communes_missing', { path });
      return err('not_ready', 'La liste des communes manque sur ce kiosque. Appelez le médiateur.');
    }
    if (this.directory.size === 0) {
      this.log('communes_missing', { path, department });
      return err(
        'not_ready',
        'La liste des communes de ce département manque sur ce kiosque. Appelez le médiateur.',
      );
    }
    return ok(this.directory);
  }
}
