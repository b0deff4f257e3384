/**
 * The public results page (`/`): key figures, the ranking as an accessible bar chart and as a table (its
 * text equivalent), the funded projects under both allocation rules, participation by territory and age,
 * and per-kiosk subtotals (hidden below the threshold so that a small counter's voters stay secret).
 */
import type { WebElection, WebResults } from '../deps';
import { formatDate, formatEuros, formatInteger, formatPercent, plural } from '../format';
import { html, type SafeHtml } from '../html';
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

const ellipsis = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, max - 1).trimEnd()}…`;

/**
 * Horizontal bar chart as inline SVG. Its `role="img"` with title and description is what a screen reader
 * hears; the table that follows carries every figure for those who need them.
 */
export function barChart(ranked: RankedProject[]): SafeHtml {
  const rowHeight = 30;
  const top = 8;
  const labelWidth = 470;
  const barMax = 400;
  const width = 1000;
  const height = top * 2 + rowHeight * ranked.length;
  const maxVotes = Math.max(0, ...ranked.map((p) => p.votes));
  const leaders = ranked
    .slice(0, 3)
    .map((p) => `${p.title} (${plural(p.votes, 'voix', 'voix')})`)
    .join(', ');
  const description =
    ranked.length === 0
      ? 'Aucun projet.'
      : `Diagramme en barres des voix reçues par les ${ranked.length} projets, du plus choisi au moins choisi. ` +
        `En tête : ${leaders}. Tous les chiffres figurent dans le tableau qui suit.`;
  const rows = ranked.map((p, i) => {
    const y = top + i * rowHeight;
    const barWidth =
      maxVotes === 0 ? 0 : Math.max(p.votes > 0 ? 2 : 0, Math.round((barMax * p.votes) / maxVotes));
    return html`<g>
      <text x="0" y="${y + 20}" font-size="15" fill="#4a4a4a">${p.rank}.</text>
      <text x="36" y="${y + 20}" font-size="15" fill="#1b1b1b">${ellipsis(p.title, 52)}</text>
      <rect
        x="${labelWidth}"
        y="${y + 5}"
        width="${barWidth}"
        height="${rowHeight - 10}"
        fill="#1f4e79"
      ></rect>
      <text x="${labelWidth + barWidth + 8}" y="${y + 20}" font-size="15" fill="#1b1b1b"
        >${formatInteger(p.votes)}</text
      >
    </g>`;
  });
  return html`<figure class="chart">
    <svg
      role="img"
      aria-labelledby="chart-title chart-desc"
      viewBox="0 0 ${width} ${height}"
      width="${width}"
      height="${height}"
      font-family="Atkinson Hyperlegible, sans-serif"
    >
      <title id="chart-title">Voix par projet</title>
      <desc id="chart-desc">${description}</desc>
      ${rows}
    </svg>
    <figcaption>
      Voix par projet, du plus choisi au moins choisi. Le tableau ci-dessous donne les mêmes chiffres.
    </figcaption>
  </figure>`;
}

function fundedList(
  title: string,
  explanation: string,
  rule: { funded: string[]; spent: number },
  budget: number,
  byId: Map<string, WebResults['projects'][number]>,
): SafeHtml {
  const items = rule.funded.map((id) => {
    const p = byId.get(id);
    return p
      ? html`<li>${p.title} — ${formatEuros(p.cost)} (${plural(p.votes, 'voix', 'voix')})</li>`
      : html`<li>${id}</li>`;
  });
  return html`<section aria-labelledby="${title === 'greedy' ? 'rule-greedy' : 'rule-mes'}">
    <h3 id="${title === 'greedy' ? 'rule-greedy' : 'rule-mes'}">
      ${title === 'greedy' ? 'Règle du Département' : 'Méthode des parts égales'}
    </h3>
    <p>${explanation}</p>
    ${
      items.length === 0
        ? html`<p>Aucun projet financé.</p>`
        : html`<ol class="funded">
            ${items}
          </ol>`
    }
    <p>
      ${plural(rule.funded.length, 'projet financé', 'projets financés')} pour ${formatEuros(rule.spent)} sur
      un budget de ${formatEuros(budget)}.
    </p>
  </section>`;
}

export function resultsPage(
  election: WebElection | null,
  results: WebResults | null,
  now: Date,
  kioskSubtotalThreshold: number,
): string {
  if (election === null || results === null) {
    return page({
      title: 'Résultats',
      nav: { kind: 'public', current: 'results' },
      body: html`<h1>Résultats du Budget citoyen</h1>
        <p class="notice">
          Aucun vote n’est encore publié sur ce serveur. Revenez après l’ouverture du vote.
        </p>`,
    });
  }
  const territoryName = new Map(election.territories.map((t) => [t.id, t.name]));
  const byId = new Map(results.projects.map((p) => [p.id, p]));
  const greedy = new Set(results.allocation.greedy.funded);
  const mes = new Set(results.allocation.mes.funded);
  const ranked = rankProjects(results.projects);
  const totalTerritoryParticipations = results.byTerritory.reduce((s, t) => s + t.participations, 0);
  const totalAgeParticipations = results.byAgeBracket.reduce((s, a) => s + a.participations, 0);
  const yes = (funded: boolean): SafeHtml =>
    funded ? html`<span class="badge yes">Financé</span>` : html`<span class="badge neutral">Non</span>`;

  const body = html`
    <h1>${election.title}</h1>
    <p class="lead">
      Résultats du vote en présentiel (bornes isoloir), vote ouvert du ${formatDate(election.opensAt)} au
      ${formatDate(election.closesAt)}. Chiffres à jour au ${formatDate(now.toISOString())}, à
      ${new Intl.DateTimeFormat('fr-FR', { timeStyle: 'short', timeZone: 'Europe/Paris' }).format(now)}.
    </p>

    <ul class="figures" aria-label="Chiffres clés">
      <li>
        <span class="value">${formatInteger(results.ballots)}</span>
        ${results.ballots >= 2 ? 'bulletins comptés' : 'bulletin compté'}
      </li>
      <li>
        <span class="value">${formatInteger(results.participations)}</span>
        ${results.participations >= 2 ? 'participants' : 'participant'}
      </li>
      <li>
        <span class="value">${formatInteger(results.duplicateParticipations)}</span>
        ${results.duplicateParticipations >= 2 ? 'participations' : 'participation'} en double
        <span class="hint"
          >même personne venue voter à deux bornes hors ligne ; signalé, jamais relié à un bulletin</span
        >
      </li>
      <li><span class="value">${formatEuros(results.allocation.budget)}</span> budget à répartir</li>
    </ul>

    <h2 id="classement">Classement des projets</h2>
    ${barChart(ranked)}
    <div class="table-wrap">
      <table>
        <caption>
          Classement des ${results.projects.length} projets par nombre de voix
        </caption>
        <thead>
          <tr>
            <th scope="col" class="num">Rang</th>
            <th scope="col">Projet</th>
            <th scope="col">Territoire</th>
            <th scope="col" class="num">Voix</th>
            <th scope="col" class="num">Coût</th>
            <th scope="col">Règle du Département</th>
            <th scope="col">Parts égales</th>
          </tr>
        </thead>
        <tbody>
          ${ranked.map(
            (p) =>
              html`<tr>
                <td class="num">${p.rank}</td>
                <th scope="row">${p.title}</th>
                <td>${territoryName.get(p.territoryId) ?? p.territoryId}</td>
                <td class="num">${formatInteger(p.votes)}</td>
                <td class="num">${formatEuros(p.cost)}</td>
                <td>${yes(greedy.has(p.id))}</td>
                <td>${yes(mes.has(p.id))}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>

    <h2 id="finances">Projets financés</h2>
    <div class="columns">
      ${fundedList(
        'greedy',
        'La règle appliquée par le Département : les projets sont pris dans l’ordre des voix, tant que le budget restant couvre leur coût.',
        results.allocation.greedy,
        results.allocation.budget,
        byId,
      )}
      ${fundedList(
        'mes',
        'Pour comparaison, la méthode des parts égales (Method of Equal Shares) : le budget est partagé entre les votants, chacun finance les projets qu’il a choisis.',
        results.allocation.mes,
        results.allocation.budget,
        byId,
      )}
    </div>

    <h2 id="participation">Participation</h2>
    <div class="columns">
      <div class="table-wrap">
        <table>
          <caption>
            Participation et voix par territoire
          </caption>
          <thead>
            <tr>
              <th scope="col">Territoire</th>
              <th scope="col" class="num">Participants</th>
              <th scope="col" class="num">Part</th>
              <th scope="col" class="num">Voix pour ses projets</th>
            </tr>
          </thead>
          <tbody>
            ${results.byTerritory.map(
              (t) =>
                html`<tr>
                  <th scope="row">${t.name}</th>
                  <td class="num">${formatInteger(t.participations)}</td>
                  <td class="num">${formatPercent(t.participations, totalTerritoryParticipations)}</td>
                  <td class="num">${formatInteger(t.votes)}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
      <div class="table-wrap">
        <table>
          <caption>
            Participation par tranche d’âge
          </caption>
          <thead>
            <tr>
              <th scope="col">Âge</th>
              <th scope="col" class="num">Participants</th>
              <th scope="col" class="num">Part</th>
            </tr>
          </thead>
          <tbody>
            ${results.byAgeBracket.map(
              (a) =>
                html`<tr>
                  <th scope="row">
                    ${a.ageBracket.replace('-', ' à ').replace('+', ' ans et plus')}${
                      a.ageBracket.endsWith('+') ? '' : ' ans'
                    }
                  </th>
                  <td class="num">${formatInteger(a.participations)}</td>
                  <td class="num">${formatPercent(a.participations, totalAgeParticipations)}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </div>

    <h2 id="bornes">Bulletins par borne</h2>
    <p>
      Pour protéger le secret du vote dans les petits lieux, le nombre de bulletins d’une borne qui en a reçu
      moins de ${kioskSubtotalThreshold} n’est pas affiché ; ces bulletins sont bien comptés dans le total.
    </p>
    <div class="table-wrap">
      <table>
        <caption>
          Bulletins comptés par borne
        </caption>
        <thead>
          <tr>
            <th scope="col">Borne</th>
            <th scope="col" class="num">Bulletins</th>
          </tr>
        </thead>
        <tbody>
          ${results.byKiosk.map(
            (k) =>
              html`<tr>
                <th scope="row">${k.label}</th>
                <td class="num">
                  ${
                    k.ballots === null ? `moins de ${kioskSubtotalThreshold} votes` : formatInteger(k.ballots)
                  }
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
  `;
  return page({ title: `Résultats — ${election.title}`, nav: { kind: 'public', current: 'results' }, body });
}
