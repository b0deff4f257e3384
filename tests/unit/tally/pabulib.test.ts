// The Pabulib writer: the file parses back (with a small independent parser following pabulib.org/format)
// with matching counts, quoting survives titles holding ";" and '"', and votes are shuffled and renumbered.
import { describe, expect, it } from 'vitest';
import { pbField, writePabulib } from '../../../src/shared/pabulib';
import { sampleElection } from './fixtures';

/** Splits one `;`-separated line with CSV double-quote rules. */
function splitPb(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ';') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

function parsePb(text: string) {
  const sections: Record<string, Record<string, string>[]> = {};
  let section = '';
  let header: string[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (['META', 'PROJECTS', 'VOTES'].includes(line)) {
      section = line;
      header = [];
      sections[section] = [];
      continue;
    }
    const fields = splitPb(line);
    if (header.length === 0) {
      header = fields;
      continue;
    }
    expect(fields.length).toBe(header.length);
    sections[section]?.push(Object.fromEntries(header.map((h, i) => [h, fields[i] ?? ''])));
  }
  const meta = Object.fromEntries((sections.META ?? []).map((r) => [r.key, r.value]));
  return { meta, projects: sections.PROJECTS ?? [], votes: sections.VOTES ?? [] };
}

/** Deterministic RNG for the test (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('Pabulib writer', () => {
  const election = sampleElection();
  const groups = [
    { choices: ['jardin-arras', 'repair-cafe'], count: 40 },
    { choices: ['epicerie-calais'], count: 30 },
    { choices: ['ressourcerie', 'tiers-lieu-lens', 'velo-ecole'], count: 30 },
  ];

  it('writes META, PROJECTS and VOTES that parse back with matching counts', () => {
    const text = writePabulib(election, groups, { random: rng(7), selected: ['jardin-arras'] });
    const { meta, projects, votes } = parsePb(text);
    expect(meta).toMatchObject({
      country: 'France',
      unit: 'Pas-de-Calais',
      instance: '2024',
      num_projects: '6',
      num_votes: '100',
      budget: '60000',
      vote_type: 'approval',
      rule: 'greedy',
      date_begin: '01.09.2024', // the local day as written, not the UTC one (31 August)
      date_end: '30.09.2024',
      min_length: '1',
      max_length: '3',
      language: 'fr',
    });
    expect(projects).toHaveLength(6);
    const jardin = projects.find((p) => p.project_id === 'jardin-arras');
    expect(jardin).toEqual({
      project_id: 'jardin-arras',
      cost: '12000',
      votes: '40',
      name: 'Projet jardin-arras; "test"',
      category: 'environnement',
      district: 'Arrageois',
      selected: '1',
    });
    expect(projects.find((p) => p.project_id === 'epicerie-calais')?.selected).toBe('0');
    expect(votes).toHaveLength(100);
    expect(Object.keys(votes[0] ?? {})).toEqual(['voter_id', 'vote']);
    expect(votes.map((v) => v.voter_id)).toEqual(Array.from({ length: 100 }, (_, i) => String(i + 1)));
    // Votes per project recounted from the VOTES section match the PROJECTS section.
    for (const p of projects) {
      const n = votes.filter((v) => (v.vote ?? '').split(',').includes(p.project_id ?? '')).length;
      expect(String(n)).toBe(p.votes);
    }
  });

  it('shuffles the votes: their order is not the input order', () => {
    const inputOrder = groups.flatMap((g) => Array.from({ length: g.count }, () => g.choices.join(',')));
    const shuffled = parsePb(writePabulib(election, groups, { random: rng(1), selected: [] })).votes.map(
      (v) => v.vote,
    );
    expect(shuffled).not.toEqual(inputOrder);
    expect([...shuffled].sort()).toEqual([...inputOrder].sort());
    const again = parsePb(writePabulib(election, groups, { random: rng(2), selected: [] })).votes.map(
      (v) => v.vote,
    );
    expect(again).not.toEqual(shuffled);
  });

  it('quotes only the fields that need it', () => {
    expect(pbField('simple')).toBe('simple');
    expect(pbField('a;b')).toBe('"a;b"');
    expect(pbField('il a dit "oui"')).toBe('"il a dit ""oui"""');
  });
});
