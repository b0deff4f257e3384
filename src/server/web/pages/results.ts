/**
 * The public results page (`/`). During the vote (embargo): participation only, as figures and a chart
 * by territory, and when the results will be published. After the close (or in a demo that lifted the
 * embargo): key figures, votes per project as a server-drawn SVG chart with the same figures in a table,
 * the funded projects of both allocation rules side by side, participation by territory (chart) and age,
 * and per-kiosk subtotals (hidden below the threshold so that a small counter's voters stay secret).
 */
import { UNKNOWN_TERRITORY } from '../../../shared/tally';
import { lateDeliveryEnd } from '../../../shared/wire';
import { barChartSvg } from '../charts';
import type { WebElection, WebPublication, WebResults } from '../ports';
import { html, type SafeHtml } from '../html';
import { formats, localPath, publicText, type Formats, type Lang, type PublicText } from '../i18n';
import { page } from '../layout';

type RankedProject = WebResults['projects'][number] & { rank: number };

/** Competition ranking ("1, 2, 2, 4"): equal votes share a rank. Input is already sorted votes desc. */
export function rankProjects(projects: WebResults['projects']): RankedProject[] {
  let rank = 0;
  let previousVotes: number | null = null;
  return projects.map((p, i) => {
    if (p.votes !== previousVotes) rank = i + 1;
    previousVotes = p.votes;
    return { ...p, rank };
  });
}

/** Votes per project as a server-drawn SVG chart, funded projects (the Département's rule) in the strong colour. */
export function projectsChart(
  ranked: RankedProject[],
  fundedByGreedy: Set<string>,
  t: PublicText,
  f: Formats,
): SafeHtml {
  const leaders = ranked
    .slice(0, 3)
    .map((p) => `${p.title} (${t.votes(f.integer(p.votes), p.votes)})`)
    .join(', ');
  return html`<figure class="chart">
    ${barChartSvg({
      id: 'chart-projects',
      title: t.chartTitle,
      description: ranked.length === 0 ? t.chartNone : t.chartDesc(ranked.length, leaders),
      bars: ranked.map((p) => ({
        label: `${p.rank}. ${p.title}`,
        value: p.votes,
        valueText: f.integer(p.votes),
        strong: fundedByGreedy.has(p.id),
      })),
      strongLegend: t.legendFunded,
      weakLegend: t.legendOther,
    })}
    <figcaption>${t.chartCaption}</figcaption>
  </figure>`;
}

/** Participants per territory: the chart, then its table behind "Voir le tableau". */
function participationByTerritory(
  byTerritory: { territoryId: string; name: string; participations: number; votes?: number }[],
  t: PublicText,
  f: Formats,
): SafeHtml {
  const total = byTerritory.reduce((s, x) => s + x.participations, 0);
  const name = (x: { territoryId: string; name: string }) =>
    x.territoryId === UNKNOWN_TERRITORY ? t.territoryUnknown : x.name;
  const sorted = [...byTerritory].sort((a, b) => b.participations - a.participations);
  const leader = sorted[0];
  const withVotes = byTerritory.some((x) => x.votes !== undefined);
  return html`<figure class="chart">
      ${barChartSvg({
        id: 'chart-territories',
        title: t.participationChartTitle,
        description: t.participationChartDesc(
          f.integer(total),
          leader ? `${name(leader)} (${f.integer(leader.participations)})` : '—',
        ),
        bars: sorted.map((x) => ({
          label: name(x),
          value: x.participations,
          valueText: f.integer(x.participations),
          strong: true,
        })),
      })}
    </figure>
    <details class="table-details">
      <summary>${t.seeTable}</summary>
      <div class="table-wrap">
        <table>
          <caption>
            ${withVotes ? t.byTerritoryCaption : t.participationTableCaption}
          </caption>
          <thead>
            <tr>
              <th scope="col">${t.colTerritory}</th>
              <th scope="col" class="num">${t.colParticipants}</th>
              <th scope="col" class="num">${t.colShare}</th>
              ${withVotes ? html`<th scope="col" class="num">${t.colTerritoryVotes}</th>` : ''}
            </tr>
          </thead>
          <tbody>
            ${sorted.map(
              (x) =>
                html`<tr>
                  <th scope="row">${name(x)}</th>
                  <td class="num">${f.integer(x.participations)}</td>
                  <td class="num">${f.percent(x.participations, total)}</td>
                  ${x.votes !== undefined ? html`<td class="num">${f.integer(x.votes)}</td>` : ''}
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </details>`;
}

/** The election's title, then the lead: the vote's dates and when the figures were drawn. */
function heading(election: WebElection, lead: PublicText['lead'], now: Date, f: Formats): SafeHtml {
  return html`<h1>${election.title}</h1>
    <p class="lead">
      ${lead(f.date(election.opensAt), f.date(election.closesAt), f.date(now.toISOString()), f.time(now))}
    </p>`;
}

/**
 * The key figures both pages open with: ballots counted, participants and duplicate participations;
 * `more` adds the tiles that only the full results show.
 */
function keyFigures(results: WebResults, t: PublicText, f: Formats, more: SafeHtml | string = ''): SafeHtml {
  return html`<ul class="figures" aria-label="${t.keyFigures}">
    <li><span class="value">${f.integer(results.ballots)}</span> ${t.ballots(results.ballots)}</li>
    <li>
      <span class="value">${f.integer(results.participations)}</span>
      ${t.participants(results.participations)}
    </li>
    <li>
      <span class="value">${f.integer(results.duplicateParticipations)}</span>
      ${t.duplicates(results.duplicateParticipations)}
      <span class="hint">${t.duplicatesHint}</span>
    </li>
    ${more}
  </ul>`;
}

/** During the vote: participation only, and when the results will be published. */
function embargoedPage(
  election: WebElection,
  results: WebResults,
  publication: WebPublication,
  now: Date,
  t: PublicText,
  f: Formats,
  nav: Parameters<typeof page>[0]['nav'],
): string {
  const closes = new Date(publication.closesAt);
  const body = html`
    ${heading(election, t.embargoLead, now, f)}
    <section class="notice" aria-labelledby="embargo">
      <h2 id="embargo">${t.embargoHeading}</h2>
      <p>${t.embargoNotice(f.date(publication.closesAt), f.time(closes))}</p>
    </section>
    ${keyFigures(results, t, f)}
    <h2 id="participation">${t.participation}</h2>
    ${participationByTerritory(
      results.byTerritory.map(({ territoryId, name, participations }) => ({
        territoryId,
        name,
        participations,
      })),
      t,
      f,
    )}
  `;
  return page({ title: `${t.resultsTitle} — ${election.title}`, nav, body });
}

function fundedList(
  rule: 'greedy' | 'mes',
  allocation: { funded: string[]; spent: number },
  budget: number,
  byId: Map<string, WebResults['projects'][number]>,
  t: PublicText,
  f: Formats,
): SafeHtml {
  const id = `rule-${rule}`;
  const items = allocation.funded.map((projectId) => {
    const p = byId.get(projectId);
    return p
      ? html`<li>${p.title} — ${f.euros(p.cost)} (${t.votes(f.integer(p.votes), p.votes)})</li>`
      : html`<li>${projectId}</li>`;
  });
  return html`<section aria-labelledby="${id}">
    <h3 id="${id}">${rule === 'greedy' ? t.ruleGreedy : t.ruleMes}</h3>
    <p>${rule === 'greedy' ? t.greedyExplain : t.mesExplain}</p>
    ${
      items.length === 0
        ? html`<p>${t.noneFunded}</p>`
        : html`<ol class="funded">
            ${items}
          </ol>`
    }
    <p>${t.fundedSummary(allocation.funded.length, f.euros(allocation.spent), f.euros(budget))}</p>
  </section>`;
}

/** After the close, while batches may still arrive (the package's late delivery window), the figures can move. */
function provisionalNotice(election: WebElection, now: Date, t: PublicText, f: Formats): SafeHtml {
  const end = lateDeliveryEnd(election);
  if (now.getTime() < Date.parse(election.closesAt) || now.getTime() > end) return html``;
  const at = new Date(end);
  return html`<p class="notice">${t.provisional(f.date(at.toISOString()), f.time(at))}</p>`;
}

export function resultsPage(
  election: WebElection | null,
  results: WebResults | null,
  publication: WebPublication | null,
  now: Date,
  kioskSubtotalThreshold: number,
  lang: Lang = 'fr',
): string {
  const t = publicText[lang];
  const f = formats(lang);
  const nav = {
    kind: 'public',
    current: 'results',
    lang,
    otherLanguageHref: localPath('/', t.switchTo.lang),
  } as const;
  if (election === null || results === null || publication === null) {
    return page({
      title: t.resultsTitle,
      nav,
      body: html`<h1>${t.noElectionHeading}</h1>
        <p class="notice">${t.noElection}</p>`,
    });
  }
  if (publication.phase === 'embargoed') return embargoedPage(election, results, publication, now, t, f, nav);
  const territoryName = new Map(election.territories.map((x) => [x.id, x.name]));
  const byId = new Map(results.projects.map((p) => [p.id, p]));
  const greedy = new Set(results.allocation.greedy.funded);
  const mes = new Set(results.allocation.mes.funded);
  const ranked = rankProjects(results.projects);
  const ageTotal = results.byAgeBracket.reduce((s, a) => s + a.participations, 0);
  const badge = (funded: boolean): SafeHtml =>
    funded
      ? html`<span class="badge yes">${t.funded}</span>`
      : html`<span class="badge neutral">${t.notFunded}</span>`;

  const body = html`
    ${heading(election, t.lead, now, f)} ${provisionalNotice(election, now, t, f)}
    ${keyFigures(
      results,
      t,
      f,
      html`<li><span class="value">${f.euros(results.allocation.budget)}</span> ${t.budget}</li>`,
    )}

    <h2 id="classement">${t.ranking}</h2>
    ${projectsChart(ranked, greedy, t, f)}
    <details class="table-details">
      <summary>${t.seeTable}</summary>
      <div class="table-wrap">
        <table>
          <caption>
            ${t.rankingCaption(results.projects.length)}
          </caption>
          <thead>
            <tr>
              <th scope="col" class="num">${t.colRank}</th>
              <th scope="col">${t.colProject}</th>
              <th scope="col">${t.colTerritory}</th>
              <th scope="col" class="num">${t.colVotes}</th>
              <th scope="col" class="num">${t.colCost}</th>
              <th scope="col">${t.ruleGreedy}</th>
              <th scope="col">${t.colMes}</th>
            </tr>
          </thead>
          <tbody>
            ${ranked.map(
              (p) =>
                html`<tr>
                  <td class="num">${p.rank}</td>
                  <th scope="row">${p.title}</th>
                  <td>${territoryName.get(p.territoryId) ?? p.territoryId}</td>
                  <td class="num">${f.integer(p.votes)}</td>
                  <td class="num">${f.euros(p.cost)}</td>
                  <td>${badge(greedy.has(p.id))}</td>
                  <td>${badge(mes.has(p.id))}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </details>

    <h2 id="finances">${t.fundedHeading}</h2>
    <div class="columns">
      ${fundedList('greedy', results.allocation.greedy, results.allocation.budget, byId, t, f)}
      ${fundedList('mes', results.allocation.mes, results.allocation.budget, byId, t, f)}
    </div>

    <h2 id="participation">${t.participation}</h2>
    ${participationByTerritory(results.byTerritory, t, f)}
    <div class="columns">
      <div class="table-wrap">
        <table>
          <caption>
            ${t.byAgeCaption}
          </caption>
          <thead>
            <tr>
              <th scope="col">${t.colAge}</th>
              <th scope="col" class="num">${t.colParticipants}</th>
              <th scope="col" class="num">${t.colShare}</th>
            </tr>
          </thead>
          <tbody>
            ${results.byAgeBracket.map(
              (a) =>
                html`<tr>
                  <th scope="row">${t.age(a.ageBracket)}</th>
                  <td class="num">${f.integer(a.participations)}</td>
                  <td class="num">${f.percent(a.participations, ageTotal)}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </div>

    <h2 id="bornes">${t.byKiosk}</h2>
    <p>${t.byKioskExplain(kioskSubtotalThreshold)}</p>
    <div class="table-wrap">
      <table>
        <caption>
          ${t.byKioskCaption}
        </caption>
        <thead>
          <tr>
            <th scope="col">${t.colKiosk}</th>
            <th scope="col" class="num">${t.colBallots}</th>
          </tr>
        </thead>
        <tbody>
          ${results.byKiosk.map(
            (k) =>
              html`<tr>
                <th scope="row">${k.label}</th>
                <td class="num">
                  ${k.ballots === null ? t.hidden(kioskSubtotalThreshold) : f.integer(k.ballots)}
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
  `;
  return page({ title: `${t.resultsTitle} — ${election.title}`, nav, body });
}
