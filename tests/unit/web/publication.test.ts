/**
 * The embargo's decisions (src/server/publication.ts) and what the pages draw in each phase: before the
 * close no page, API body or kiosk state carries a project's votes, an allocation or a breakdown of
 * choices; after it (or in a demo that lifted it) they do; the charts are accessible SVG.
 */
import { describe, expect, it } from 'vitest';
import type { Results } from '../../../src/shared/tally';
import {
  EmbargoedResults,
  PublicKioskState,
  publicKioskState,
  publicationOf,
  refusalNow,
  servedResults,
} from '../../../src/server/publication';
import { barChartSvg } from '../../../src/server/web/charts';
import { withLiveBanner } from '../../../src/server/web/layout';
import { resultsPage } from '../../../src/server/web/pages/results';
import type { WebElection } from '../../../src/server/web/ports';

const closesAt = '2026-09-30T21:59:59.000Z';
const before = new Date('2026-09-15T10:00:00Z');
const after = new Date('2026-10-01T10:00:00Z');

// Vote numbers chosen so that none of them can appear by accident in a page (dates, counts, costs).
const results: Results = {
  electionId: 'e',
  ballots: 321,
  participations: 320,
  duplicateParticipations: 1,
  projects: [
    { id: 'p1', title: 'Jardin partagé', territoryId: 't1', cost: 40000, votes: 7919 },
    { id: 'p2', title: 'Ressourcerie', territoryId: 't2', cost: 30000, votes: 6911 },
  ],
  byKiosk: [{ kioskId: 'k1', label: 'Comptoir de Lens', ballots: 321 }],
  byTerritory: [
    { territoryId: 't1', name: 'Lens-Liévin', votes: 7919, participations: 200 },
    { territoryId: 't2', name: 'Artois', votes: 6911, participations: 120 },
  ],
  byAgeBracket: [{ ageBracket: '18-25', participations: 320 }],
  allocation: {
    budget: 60000,
    greedy: { funded: ['p1'], spent: 40000 },
    mes: { funded: ['p2'], spent: 30000 },
  },
};
const election: WebElection = {
  electionId: 'e',
  title: 'Budget citoyen',
  opensAt: '2026-09-01T00:00:00Z',
  closesAt,
  lateDeliveryHours: 48,
  budget: 60000,
  territories: [
    { id: 't1', name: 'Lens-Liévin' },
    { id: 't2', name: 'Artois' },
  ],
};
const voteNumbers = /7\s?919|6\s?911/;

describe('publication phase', () => {
  it('is embargoed before the close, closed from it, live only when lifted before it', () => {
    expect(publicationOf(closesAt, before, false).phase).toBe('embargoed');
    expect(publicationOf(closesAt, before, true).phase).toBe('live');
    expect(publicationOf(closesAt, new Date(closesAt), false).phase).toBe('closed');
    expect(publicationOf(closesAt, after, true).phase).toBe('closed');
  });

  it('serves participation only before the close, with the shape of docs/protocol.md', () => {
    const served = servedResults(results, publicationOf(closesAt, before, false));
    expect(EmbargoedResults.parse(served)).toEqual({
      electionId: 'e',
      embargoed: true,
      closesAt,
      ballots: 321,
      participations: 320,
      duplicateParticipations: 1,
      byTerritory: [
        { territoryId: 't1', name: 'Lens-Liévin', participations: 200 },
        { territoryId: 't2', name: 'Artois', participations: 120 },
      ],
    });
    expect(JSON.stringify(served)).not.toMatch(voteNumbers);
  });

  it('serves everything after the close, and says so when a demo lifted the embargo', () => {
    const closed = servedResults(results, publicationOf(closesAt, after, false));
    expect(closed).toEqual({ ...results, embargoed: false });
    const live = servedResults(results, publicationOf(closesAt, before, true));
    expect(live).toEqual({ ...results, embargoed: false, liveResults: true });
  });

  it('refuses exports of choices before the close with the stable code', () => {
    expect(refusalNow(closesAt, false, before)?.code).toBe('embargoed');
    expect(refusalNow(closesAt, false, before)?.message).toMatch(/embargo/);
    expect(refusalNow(closesAt, true, before)).toBeNull();
    expect(refusalNow(closesAt, false, after)).toBeNull();
  });

  it('gives the public no seq, head or time of a kiosk, and its count only after the close', () => {
    const exact = {
      kioskId: 'k1',
      label: 'Comptoir',
      highWater: 4,
      head: 'a'.repeat(64),
      lastSeenAt: '2026-09-15T09:00:00Z',
      ballots: 80,
      flagged: false,
    };
    const during = PublicKioskState.parse(publicKioskState(exact, publicationOf(closesAt, before, true), 10));
    expect(during).toEqual({ kioskId: 'k1', label: 'Comptoir', ballots: null, flagged: false });
    expect(publicKioskState(exact, publicationOf(closesAt, after, false), 10).ballots).toBe(80);
    expect(
      publicKioskState({ ...exact, ballots: 3 }, publicationOf(closesAt, after, false), 10).ballots,
    ).toBe(null);
  });
});

describe('results page by phase', () => {
  it('before the close: participation and when the results come, no vote number, no allocation', () => {
    const page = resultsPage(election, results, { phase: 'embargoed', closesAt }, before, 10);
    expect(page).not.toMatch(voteNumbers);
    expect(page).not.toContain('Jardin partagé');
    expect(page).not.toContain('Projets financés');
    expect(page).toContain('seront publiées à la clôture du vote, le 30 septembre 2026 à 23:59');
    expect(page).toContain('Participants par territoire');
    expect(page).toMatch(
      /<svg[^>]*role="img"[^>]*aria-labelledby="chart-territories-title chart-territories-desc"/,
    );
    const en = resultsPage(election, results, { phase: 'embargoed', closesAt }, before, 10, 'en');
    expect(en).toContain('will be published when voting closes, on 30 September 2026 at 23:59');
  });

  it('after the close: the project chart, its table, both rules side by side', () => {
    const page = resultsPage(election, results, { phase: 'closed', closesAt }, after, 10);
    expect(page).toMatch(voteNumbers);
    expect(page).toContain('<title id="chart-projects-title">Voix par projet</title>');
    expect(page).toContain('<summary>Voir le tableau</summary>');
    expect(page).toContain('id="rule-greedy"');
    expect(page).toContain('id="rule-mes"');
  });

  it('says the figures are provisional while batches may still arrive, and no more after the window', () => {
    // `after` is 12 h past the close, inside the package's 48 h late delivery window.
    const during = resultsPage(election, results, { phase: 'closed', closesAt }, after, 10);
    expect(during).toContain('Résultats provisoires');
    expect(during).toContain('2 octobre 2026');
    const past = new Date(Date.parse(closesAt) + 49 * 3_600_000);
    expect(resultsPage(election, results, { phase: 'closed', closesAt }, past, 10)).not.toContain(
      'Résultats provisoires',
    );
    // A demo's live results before the close are not "the last votes arriving".
    const before = new Date(Date.parse(closesAt) - 3_600_000);
    expect(resultsPage(election, results, { phase: 'live', closesAt }, before, 10)).not.toContain(
      'Résultats provisoires',
    );
  });
});

describe('bar chart', () => {
  it('is an SVG image with title and description, bars proportional to the values', () => {
    const svg = barChartSvg({
      id: 'c',
      title: 'T <b>',
      description: 'D',
      bars: [
        { label: 'A', value: 10, valueText: '10', strong: true },
        { label: 'B', value: 5, valueText: '5' },
        { label: 'C', value: 0, valueText: '0' },
      ],
      strongLegend: 'fort',
      weakLegend: 'faible',
    }).value;
    expect(svg).toContain('role="img"');
    expect(svg).toContain('<title id="c-title">T &lt;b&gt;</title>');
    expect(svg).toContain('<desc id="c-desc">D</desc>');
    const widths = [...svg.matchAll(/<rect[^>]*?width="([\d.]+)"[^>]*?height="20"/g)].map((m) =>
      Number(m[1]),
    );
    expect(widths).toHaveLength(3);
    expect(widths[0]).toBeCloseTo(2 * (widths[1] ?? 0), 1);
    expect(widths[2]).toBe(0);
    expect(svg).not.toMatch(/\sstyle=|<script/);
  });

  it('shortens long labels (the table keeps them whole)', () => {
    const long = 'x'.repeat(80);
    const svg = barChartSvg({
      id: 'c',
      title: 't',
      description: 'd',
      bars: [{ label: long, value: 1, valueText: '1' }],
    }).value;
    expect(svg).not.toContain(long);
    expect(svg).toContain('…');
  });
});

describe('demo banner', () => {
  it('goes first inside main, in the page language', () => {
    const page = resultsPage(election, results, { phase: 'live', closesAt }, before, 10);
    const withBanner = withLiveBanner(page, 'fr');
    expect(withBanner).toMatch(/<main id="contenu" tabindex="-1"><div class="demo-banner"/);
    expect(withBanner).toContain('Démonstration : résultats affichés pendant le vote');
    expect(withLiveBanner(page, 'en')).toContain('Demonstration: results shown while voting is open');
  });
});
