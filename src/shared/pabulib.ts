/**
 * Pabulib export (https://pabulib.org/format): the election and its anonymous approval ballots as one
 * `.pb` file, so researchers can rerun any rule on it. Sections META, PROJECTS, VOTES; `;`-separated,
 * CSV quoting for fields holding `;` or `"`. Votes are shuffled with an injected RNG and renumbered
 * 1..n, and carry no other voter field: nothing in the file can link a vote to a kiosk, a day or a batch.
 */
import type { BallotGroup } from './allocation';
import type { ElectionPackage } from './wire';

export interface PabulibOptions {
  /** Uniform random number in [0, 1): shuffles the votes (inject a CSPRNG in production). */
  random: () => number;
  /** Funded by the `rule` named in META (greedy), for the `selected` column. */
  selected: readonly string[];
  /** `instance` META value, e.g. "2024". Default: year of opensAt. */
  instance?: string;
  description?: string;
}

/** Pabulib's CSV rule: quote a field holding `;`, `"` or a line break, doubling inner quotes. */
export function pbField(value: string | number): string {
  const text = String(value);
  if (!/[;"\r\n]/.test(text)) return text;
  return `"${text.replace(/"/g, '""')}"`;
}

const pbLine = (fields: (string | number)[]): string => fields.map(pbField).join(';');

/**
 * Pabulib dates are DD.MM.YYYY. The package's ISO date-times carry the local offset (+02:00 in
 * September), so their written date part is the local calendar day the vote opened or closed.
 */
function pbDate(iso: string): string {
  const [yyyy, mm, dd] = iso.slice(0, 10).split('-');
  return `${dd ?? ''}.${mm ?? ''}.${yyyy ?? ''}`;
}

/**
 * The lines of the `.pb` file, one by one (without "\n"), so a large export can be streamed. Memory:
 * one small integer per ballot for the shuffle (a permutation of group indexes).
 */
export function* pabulibLines(
  election: ElectionPackage,
  ballots: readonly BallotGroup[],
  options: PabulibOptions,
): Generator<string> {
  const numVotes = ballots.reduce((s, g) => s + g.count, 0);
  const votes = new Map<string, number>(election.projects.map((p) => [p.id, 0]));
  for (const g of ballots) for (const id of g.choices) votes.set(id, (votes.get(id) ?? 0) + g.count);
  const territoryName = new Map(election.territories.map((t) => [t.id, t.name]));
  const selected = new Set(options.selected);

  yield 'META';
  yield 'key;value';
  const meta: [string, string | number][] = [
    ['description', options.description ?? election.title],
    ['country', 'France'],
    ['unit', 'Pas-de-Calais'],
    ['instance', options.instance ?? election.opensAt.slice(0, 4)],
    ['num_projects', election.projects.length],
    ['num_votes', numVotes],
    ['budget', election.budget],
    ['vote_type', 'approval'],
    ['rule', 'greedy'],
    ['date_begin', pbDate(election.opensAt)],
    ['date_end', pbDate(election.closesAt)],
    ['min_length', election.minChoices],
    ['max_length', election.maxChoices],
    ['language', 'fr'],
  ];
  for (const entry of meta) yield pbLine(entry);

  yield 'PROJECTS';
  // `category` is Pabulib's theme column; the territory goes in an extra `district` column (Pabulib
  // allows additional columns; its own `district` is a META key for sub-jurisdictions).
  yield 'project_id;cost;votes;name;category;district;selected';
  for (const p of election.projects)
    yield pbLine([
      p.id,
      p.cost,
      votes.get(p.id) ?? 0,
      p.title,
      p.theme,
      territoryName.get(p.territoryId) ?? p.territoryId,
      selected.has(p.id) ? 1 : 0,
    ]);

  yield 'VOTES';
  yield 'voter_id;vote';
  // Fisher–Yates over one entry per ballot (the index of its group), then renumber 1..n.
  const order = new Uint32Array(numVotes);
  let n = 0;
  ballots.forEach((g, i) => {
    for (let k = 0; k < g.count; k++) order[n++] = i;
  });
  for (let i = numVotes - 1; i > 0; i--) {
    const j = Math.floor(options.random() * (i + 1));
    const t = order[i] as number;
    order[i] = order[j] as number;
    order[j] = t;
  }
  for (let i = 0; i < numVotes; i++) {
    const group = ballots[order[i] as number];
    yield `${i + 1};${group ? group.choices.join(',') : ''}`;
  }
}

/** The whole `.pb` file as one string (small elections, tests). */
export const writePabulib = (
  election: ElectionPackage,
  ballots: readonly BallotGroup[],
  options: PabulibOptions,
): string => `${[...pabulibLines(election, ballots, options)].join('\n')}\n`;
