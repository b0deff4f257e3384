/**
 * Comparing the published results with the recount: every difference by path, and the French sentence
 * an observer reads for a project whose vote count differs.
 */
import type { Results } from '../../shared/tally';

/** Deep comparison listing each difference by path (arrays of objects with an id compare by id). */
export function diffValues(published: unknown, recount: unknown, path = ''): string[] {
  if (Object.is(published, recount)) return [];
  const label = path === '' ? '(racine)' : path;
  if (Array.isArray(published) && Array.isArray(recount)) {
    const idOf = (x: unknown): string | null => {
      if (typeof x !== 'object' || x === null) return null;
      const o = x as Record<string, unknown>;
      for (const k of ['id', 'kioskId', 'territoryId', 'ageBracket'])
        if (typeof o[k] === 'string') return `${k}=${o[k]}`;
      return null;
    };
    const keyed = published.every((x) => idOf(x) !== null) && recount.every((x) => idOf(x) !== null);
    if (keyed) {
      const out: string[] = [];
      const rec = new Map(recount.map((x) => [idOf(x) as string, x]));
      const pub = new Map(published.map((x) => [idOf(x) as string, x]));
      for (const [id, x] of pub) {
        if (!rec.has(id)) out.push(`${label}[${id}] : publié, absent du recomptage`);
        else out.push(...diffValues(x, rec.get(id), `${path}[${id}]`));
      }
      for (const id of rec.keys())
        if (!pub.has(id)) out.push(`${label}[${id}] : recompté, absent des résultats publiés`);
      if (out.length === 0 && published.map(idOf).join() !== recount.map(idOf).join())
        out.push(`${label} : ordre différent`);
      return out;
    }
    if (published.length !== recount.length || published.some((x, i) => diffValues(x, recount[i]).length))
      return [`${label} : publié ${JSON.stringify(published)}, recompté ${JSON.stringify(recount)}`];
    return [];
  }
  if (
    typeof published === 'object' &&
    published !== null &&
    typeof recount === 'object' &&
    recount !== null &&
    !Array.isArray(published) &&
    !Array.isArray(recount)
  ) {
    const a = published as Record<string, unknown>;
    const b = recount as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => diffValues(a[k], b[k], path === '' ? k : `${path}.${k}`));
  }
  return [`${label} : publié ${JSON.stringify(published)}, recompté ${JSON.stringify(recount)}`];
}

/** The French sentence for a project whose vote count differs, as an observer reads it. */
export function projectDifferences(published: Results, recount: Results): string[] {
  const rec = new Map(recount.projects.map((p) => [p.id, p.votes]));
  return published.projects
    .filter((p) => rec.has(p.id) && rec.get(p.id) !== p.votes)
    .map((p) => `projet ${p.id} : ${p.votes} voix publiées, ${rec.get(p.id) ?? 0} recomptées`);
}
