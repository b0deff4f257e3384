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

/** The package's own texts (titles, themes, territories, carriers…) are French. */
export const PACKAGE_LANG = 'fr';

export function projectText(project: Project, field: ProjectText, lang: string): string {
  const translated = lang === PACKAGE_LANG ? undefined : project.i18n?.[lang]?.[field];
  return translated ?? project[field] ?? '';
}

/** The language `projectText` answers in: the voter's where the package translates that text, else French. */
export function projectTextLang(project: Project, field: ProjectText, lang: string): string {
  return lang !== PACKAGE_LANG && project.i18n?.[lang]?.[field] !== undefined ? lang : PACKAGE_LANG;
}

/**
 * The `lang` attribute for a text written in `textLang` on a screen in `uiLang`: set only where they
 * differ, so a screen reader switches voice for a French text in the English interface (WCAG 3.1.2).
 */
export const langIfOther = (textLang: string, uiLang: string): string | undefined =>
  textLang === uiLang ? undefined : textLang;

/** `lang` for a project text shown with `projectText`: French where the translation is missing. */
export const projectTextLangAttr = (
  project: Project,
  field: ProjectText,
  uiLang: string,
): string | undefined => langIfOther(projectTextLang(project, field, uiLang), uiLang);

/** `lang` for the package's untranslated names (themes, territories, carriers, the election title). */
export const packageLangAttr = (uiLang: string): string | undefined => langIfOther(PACKAGE_LANG, uiLang);

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

const locales: Record<string, string> = { fr: 'fr-FR', en: 'en-GB' };

/** A cost in euros written the way the voter's language writes it (12 000 € / €12,000). */
export const formatCost = (cost: number, lang: string = PACKAGE_LANG): string =>
  new Intl.NumberFormat(locales[lang] ?? 'fr-FR', {
    style: 'currency',
    currency: 'EUR',
    maximumFractionDigits: 0,
  }).format(cost);
