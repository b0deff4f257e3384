/**
 * What a corrected election package may change once ballots may exist: texts and images only. A
 * correction is a new signed package under the same `electionId` with a higher `revision`; the project
 * list and ids, costs, territories, dates, rules and every other field must stay exactly the same, or a
 * ballot cast under the old package could be read against different rules. The comparison works by
 * allow-list: a field not named below (including one added to the contract later) may not change.
 * Used by the server before it publishes a correction and by a kiosk before it applies one.
 */
import { err, ok, type Result } from './result';
import type { ElectionPackage, Project } from './wire';

/** Project fields that are words or pictures, never rules. */
const PROJECT_TEXT_FIELDS = [
  'title',
  'summary',
  'description',
  'plainSummary',
  'theme',
  'carrier',
  'i18n',
] as const satisfies readonly (keyof Project)[];
const PROJECT_IMAGE_FIELD = 'image' satisfies keyof Project;
/** Package fields that are words: the election's title. `revision` itself is checked apart. */
const PACKAGE_TEXT_FIELDS = ['title'] as const satisfies readonly (keyof ElectionPackage)[];

export interface RevisionChange {
  /** `title`, `projects[<id>].summary`, `opensAt`, … */
  path: string;
  kind: 'text' | 'image' | 'forbidden';
}

export interface RevisionReport {
  fromRevision: number;
  toRevision: number;
  /** Every field that differs, allowed or not, in package order. */
  changes: RevisionChange[];
}

export const revisionOf = (pkg: ElectionPackage): number => pkg.revision ?? 1;

/** Structural equality of JSON values (key order does not matter). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  const ak = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const bk = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return (
    ak.length === bk.length &&
    ak.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

/** Every difference between two packages, each marked allowed (text, image) or forbidden. */
export function packageChanges(previous: ElectionPackage, next: ElectionPackage): RevisionChange[] {
  const changes: RevisionChange[] = [];
  const prev = previous as Record<string, unknown>;
  const nxt = next as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(prev), ...Object.keys(nxt)])];
  for (const key of keys) {
    if (key === 'revision' || key === 'projects' || sameJson(prev[key], nxt[key])) continue;
    const isText = (PACKAGE_TEXT_FIELDS as readonly string[]).includes(key);
    changes.push({ path: key, kind: isText ? 'text' : 'forbidden' });
  }
  const sameList =
    previous.projects.length === next.projects.length &&
    previous.projects.every((p, i) => p.id === next.projects[i]?.id);
  if (!sameList) {
    changes.push({ path: 'projects', kind: 'forbidden' });
    return changes;
  }
  previous.projects.forEach((before, i) => {
    const after = next.projects[i] as Project;
    const b = before as Record<string, unknown>;
    const a = after as Record<string, unknown>;
    for (const key of [...new Set([...Object.keys(b), ...Object.keys(a)])]) {
      if (sameJson(b[key], a[key])) continue;
      const kind = (PROJECT_TEXT_FIELDS as readonly string[]).includes(key)
        ? 'text'
        : key === PROJECT_IMAGE_FIELD
          ? 'image'
          : 'forbidden';
      changes.push({ path: `projects[${before.id}].${key}`, kind });
    }
  });
  return changes;
}

export interface RevisionOptions {
  /**
   * Whether a ballot may already exist under the previous package. When none can (no ballot anywhere
   * and the election not yet open), a correction may change anything; by default it is assumed one can.
   */
  ballotsMayExist?: boolean;
}

/**
 * Whether `next` may replace `previous`: same election, a higher revision, and, when ballots may exist,
 * nothing but texts and images changed. The report lists every change for the person who approves it.
 */
export function allowedRevision(
  previous: ElectionPackage,
  next: ElectionPackage,
  options: RevisionOptions = {},
): Result<RevisionReport> {
  const fromRevision = revisionOf(previous);
  const toRevision = revisionOf(next);
  if (next.electionId !== previous.electionId)
    return err('conflict', `Ce paquet est celui d’une autre élection (${next.electionId}).`);
  if (toRevision <= fromRevision)
    return err(
      'conflict',
      `La correction doit porter un numéro de révision supérieur à ${fromRevision} (elle porte ${toRevision}).`,
      { fromRevision, toRevision },
    );
  const changes = packageChanges(previous, next);
  const forbidden = changes.filter((c) => c.kind === 'forbidden').map((c) => c.path);
  if (forbidden.length > 0 && options.ballotsMayExist !== false)
    return err(
      'conflict',
      `Des bulletins peuvent déjà exister : une correction ne peut changer que les textes et les images. ` +
        `Changements refusés : ${forbidden.join(', ')}.`,
      { forbidden: forbidden.join(',') },
    );
  return ok({ fromRevision, toRevision, changes });
}
