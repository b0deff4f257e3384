/**
 * The public results page (`/`): key figures, the ranking as an accessible bar chart and as a table (its
 * text equivalent), the funded projects under both allocation rules, participation by territory and age,
 * and per-kiosk subtotals (hidden below the threshold so that a small counter's voters stay secret).
 */
import { UNKNOWN_TERRITORY } from '../../../shared/tally';
import type { WebElection, WebResults } from '../ports';
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

/**
 * Horizontal bar chart: HTML rows whose bars are small inline SVGs sized in percent (SVG attributes, not
 * inline style, so the pages hold under a strict `style-src` too); labels wrap and the chart reflows on a
 * phone. The whole chart is one `role="img"` with a name and a description for screen readers; the table
 * that follows carries every figure for those who need them.
 */
export function barChart(ranked: RankedProject[], t: PublicText, f: Formats): SafeHtml {
  const maxVotes = Math.max(0, ...ranked.map((p) => p.votes));
  const leaders = ranked
    .slice(0, 3)
    .map((p) => `${p.title} (${t.votes(f.integer(p.votes), p.votes)})`)
    .join(', ');
  const description = ranked.length === 0 ? t.chartNone : t.chartDesc(ranked.length, leaders);
  const rows = ranked.map((p) => {
    // At least a sliver for a project with votes, so that it never looks like zero.
    const percent = maxVotes === 0 ? 0 : Math.max(p.votes > 0 ? 0.5 : 0, (100 * p.votes) / maxVotes);
    return html`<div class="bar-row">
      <span class="bar-label">${p.rank}. ${p.title}</span>
      <span class="bar-track"
        ><svg class="bar" width="100%" height="20" aria-hidden="true" focusable="false">
          <rect x="0" y="0" width="${percent.toFixed(2)}%" height="20" fill="#1f4e79"></rect></svg
        ><span class="bar-value">${f.integer(p.votes)}</span></span
      >
    </div>`;
  });
  return html`<figure class="chart">
    <div class="bars" role="img" aria-label="${t.chartTitle}" aria-describedby="chart-desc">${rows}</div>
    <p id="chart-desc" class="visually-hidden" aria-hidden="true">${description}</p>
    <figcaption>${t.chartCaption}</figcaption>
  </figure>`;
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

export function resultsPage(
  election: WebElection | null,
  results: WebResults | null,
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
  if (election === null || results === null) {
    return page({
      title: t.resultsTitle,
      nav,
      body: html`<h1>${t.noElectionHeading}</h1>
        <p class="notice">${t.noElection}</p>`,
    });
  }
  const territoryName = new Map(election.territories.map((x) => [x.id, x.name]));
  const byId = new Map(results.projects.map((p) => [p.id, p]));
  const greedy = new Set(results.allocation.greedy.funded);
  const mes = new Set(results.allocation.mes.funded);
  const ranked = rankProjects(results.projects);
  const territoryTotal = results.byTerritory.reduce((s, x) => s + x.participations, 0);
  const ageTotal = results.byAgeBracket.reduce((s, a) => s + a.participations, 0);
  const badge = (funded: boolean): SafeHtml =>
    funded
      ? html`<span class="badge yes">${t.funded}</span>`
      : html`<span class="badge neutral">${t.notFunded}</span>`;

  const body = html`
    <h1>${election.title}</h1>
    <p class="lead">
      ${t.lead(f.date(election.opensAt), f.date(election.closesAt), f.date(now.toISOString()), f.time(now))}
    </p>

    <ul class="figures" aria-label="${t.keyFigures}">
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
      <li><span class="value">${f.euros(results.allocation.budget)}</span> ${t.budget}</li>
    </ul>

    <h2 id="classement">${t.ranking}</h2>
    ${barChart(ranked, t, f)}
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

    <h2 id="finances">${t.fundedHeading}</h2>
    <div class="columns">
      ${fundedList('greedy', results.allocation.greedy, results.allocation.budget, byId, t, f)}
      ${fundedList('mes', results.allocation.mes, results.allocation.budget, byId, t, f)}
    </div>

    <h2 id="participation">${t.participation}</h2>
    <div class="columns">
      <div class="table-wrap">
        <table>
          <caption>
            ${t.byTerritoryCaption}
          </caption>
          <thead>
            <tr>
              <th scope="col">${t.colTerritory}</th>
              <th scope="col" class="num">${t.colParticipants}</th>
              <th scope="col" class="num">${t.colShare}</th>
              <th scope="col" class="num">${t.colTerritoryVotes}</th>
            </tr>
          </thead>
          <tbody>
            ${results.byTerritory.map(
              (x) =>
                html`<tr>
                  <th scope="row">${x.territoryId === UNKNOWN_TERRITORY ? t.territoryUnknown : x.name}</th>
                  <td class="num">${f.integer(x.participations)}</td>
                  <td class="num">${f.percent(x.participations, territoryTotal)}</td>
                  <td class="num">${f.integer(x.votes)}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
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
