/**
 * Pure helpers over the election package's projects: per-voter shuffled order, accent-insensitive
 * search, filters, and texts in the voter's language (French by default, the package's translation
 * when it has one).
 */
import type { Project } from '../../../shared/wire';
import { searchKey } from '../../../shared/text';

/** Fisher–Yates with a uniform source in [0, 1): each voter sees the projects in a new order. */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const a = out[i] as T;
    out[i] = out[j] as T;
    out[j] = a;
  }
  return out;
}

/** Uniform random in [0, 1) from the platform's CSPRNG (Math.random is predictable). */
export function cryptoRandom(): number {
  const buf = new Uint32Array(1);
  crypto.getRandomValues(buf);
  return (buf[0] ?? 0) / 2 ** 32;
}

export type ProjectText = 'title' | 'summary' | 'description' | 'plainSummary';

export function projectText(project: Project, field: ProjectText, lang: string): string {
  const translated = lang === 'fr' ? undefined : project.i18n?.[lang]?.[field];
  return translated ?? project[field] ?? '';
}

export interface ProjectFilter {
  query: string;
  territoryId: string | null;
  theme: string | null;
}

export const emptyFilter: ProjectFilter = { query: '', territoryId: null, theme: null };

/** Every word of the query must appear (accents and case ignored) in the title, summary, theme, carrier or territory. */
export function filterProjects(
  projects: readonly Project[],
  filter: ProjectFilter,
  territoryName: (id: string) => string,
  lang: string,
): Project[] {
  const words = searchKey(filter.query).split(' ').filter(Boolean);
  return projects.filter((p) => {
    if (filter.territoryId !== null && p.territoryId !== filter.territoryId) return false;
    if (filter.theme !== null && p.theme !== filter.theme) return false;
    if (words.length === 0) return true;
    const haystack = searchKey(
      [
        projectText(p, 'title', lang),
        projectText(p, 'summary', lang),
        p.title,
        p.summary,
        p.theme,
        p.carrier,
        territoryName(p.territoryId),
      ].join(' '),
    );
    return words.every((w) => haystack.includes(w));
  });
}

export function themesOf(projects: readonly Project[]): string[] {
  return [...new Set(projects.map((p) => p.theme))].sort((a, b) => a.localeCompare(b, 'fr'));
}

const euros = new Intl.NumberFormat('fr-FR', {
  style: 'currency',
  currency: 'EUR',
  maximumFractionDigits: 0,
});
export const formatCost = (cost: number): string => euros.format(cost);
