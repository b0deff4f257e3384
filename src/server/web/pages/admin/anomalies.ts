/**
 * The anomalies page: refused requests by reason, equivocations, held batches, duplicate participations
 * and the day counts that do not reconcile. Never a choice, a token or a ballot id.
 */
import { formatDate, formatDateTime, formatInteger, plural } from '../../format';
import { html, type SafeHtml } from '../../html';
import type { WebAnomalies } from '../../ports';
import { adminPage } from './layout';

/** French reading of the wire error codes (DESIGN §4) counted as rejections. */
const rejectionLabels: Record<string, string> = {
  malformed: 'Requête mal formée',
  enrolment_code_invalid: 'Code d’inscription inconnu, utilisé ou expiré',
  unknown_kiosk: 'Borne inconnue ou révoquée',
  bad_signature: 'Signature invalide',
  out_of_order: 'Lot hors séquence',
  conflict: 'Équivoque : autre contenu pour un lot déjà reçu',
  too_large: 'Requête trop volumineuse',
  invalid_content: 'Contenu refusé (règles du vote, chaîne, élection)',
  not_found: 'Introuvable',
  rate_limited: 'Trop de requêtes',
  unauthorized: 'Non autorisé',
  no_election: 'Aucune élection publiée',
  internal: 'Erreur interne',
};

/** A key figure tile: the number large, then its French label in the right number. */
const figure = (n: number, singular: string, pluralForm: string): SafeHtml =>
  html`<li><span class="value">${formatInteger(n)}</span> ${Math.abs(n) >= 2 ? pluralForm : singular}</li>`;

const none = (what: string): SafeHtml => html`<p>Aucun${what}.</p>`;

export function anomaliesPage(csrf: string, a: WebAnomalies, labels: Map<string, string>): string {
  const kiosk = (id: string): SafeHtml => html`${labels.get(id) ?? 'Borne inconnue'}<br /><code>${id}</code>`;
  return adminPage(
    'Anomalies',
    'anomalies',
    csrf,
    html`<h1>Anomalies</h1>
      <ul class="figures" aria-label="Résumé">
        ${figure(
          a.rejections.reduce((sum, r) => sum + r.count, 0),
          'requête refusée',
          'requêtes refusées',
        )}
        ${figure(a.equivocations.length, 'équivoque', 'équivoques')}
        ${figure(a.heldBatches.length, 'lot retenu', 'lots retenus')}
        ${figure(a.duplicateParticipations, 'participation en double', 'participations en double')}
        ${figure(a.dayCountMismatches.length, 'écart de comptage journalier', 'écarts de comptage journalier')}
      </ul>

      <h2>Requêtes refusées</h2>
      ${
        a.rejections.length === 0
          ? none('e requête refusée')
          : html`<div class="table-wrap">
              <table>
                <caption>
                  Requêtes refusées, par motif
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Motif</th>
                    <th scope="col">Code</th>
                    <th scope="col" class="num">Nombre</th>
                  </tr>
                </thead>
                <tbody>
                  ${a.rejections.map(
                    (r) =>
                      html`<tr>
                        <th scope="row">${rejectionLabels[r.code] ?? r.code}</th>
                        <td><code>${r.code}</code></td>
                        <td class="num">${formatInteger(r.count)}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
      }

      <h2>Équivoques</h2>
      <p>
        Une borne a envoyé un autre contenu pour un numéro de lot déjà reçu. Elle est signalée et ses lots
        suivants sont retenus (conservés, non comptés) jusqu’à examen.
      </p>
      ${
        a.equivocations.length === 0
          ? none('e équivoque')
          : html`<div class="table-wrap">
              <table>
                <caption>
                  Envois équivoques refusés
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Borne</th>
                    <th scope="col" class="num">Lot</th>
                    <th scope="col">Reçu le</th>
                  </tr>
                </thead>
                <tbody>
                  ${a.equivocations.map(
                    (e) =>
                      html`<tr>
                        <td>${kiosk(e.kioskId)}</td>
                        <td class="num">${e.seq}</td>
                        <td>${formatDateTime(e.receivedAt)}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
      }

      <h2>Lots retenus</h2>
      ${
        a.heldBatches.length === 0
          ? none(' lot retenu')
          : html`<div class="table-wrap">
              <table>
                <caption>
                  Lots conservés mais non comptés
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Borne</th>
                    <th scope="col" class="num">Lot</th>
                    <th scope="col" class="num">Bulletins</th>
                    <th scope="col">Reçu le</th>
                  </tr>
                </thead>
                <tbody>
                  ${a.heldBatches.map(
                    (b) =>
                      html`<tr>
                        <td>${kiosk(b.kioskId)}</td>
                        <td class="num">${b.seq}</td>
                        <td class="num">${formatInteger(b.ballots)}</td>
                        <td>${formatDateTime(b.receivedAt)}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
      }

      <h2>Participations en double</h2>
      <p>
        ${plural(a.duplicateParticipations, 'participation', 'participations')}
        reçue${a.duplicateParticipations >= 2 ? 's' : ''} de plus d’une borne (même personne, bornes hors
        ligne au même moment). Elles sont comptées une seule fois dans la participation ; les bulletins, eux,
        ne peuvent pas être reliés à une personne.
      </p>

      <h2>Écarts de comptage journalier</h2>
      ${
        a.dayCountMismatches.length === 0
          ? none(' écart')
          : html`<div class="table-wrap">
              <table>
                <caption>
                  Jours dont le lot de clôture annonce d’autres chiffres que ceux reçus
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Borne</th>
                    <th scope="col">Jour</th>
                    <th scope="col" class="num">Bulletins annoncés</th>
                    <th scope="col" class="num">Bulletins reçus</th>
                    <th scope="col" class="num">Participations annoncées</th>
                    <th scope="col" class="num">Participations reçues</th>
                  </tr>
                </thead>
                <tbody>
                  ${a.dayCountMismatches.map(
                    (m) =>
                      html`<tr>
                        <td>${kiosk(m.kioskId)}</td>
                        <td>${formatDate(m.day)}</td>
                        <td class="num">${formatInteger(m.declaredBallots)}</td>
                        <td class="num">${formatInteger(m.receivedBallots)}</td>
                        <td class="num">${formatInteger(m.declaredParticipations)}</td>
                        <td class="num">${formatInteger(m.receivedParticipations)}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
      }`,
  );
}
