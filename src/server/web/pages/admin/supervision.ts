/**
 * The supervision page: each kiosk's last reported status (version, clock offset, free disk, ballots
 * pending, day state) and what needs the central team (silent while open, clock off, disk low), with
 * the CSV download, a one-time mediator reset per kiosk, and the offline enrolment by USB.
 */
import type { KioskStatusRow } from '../../../kiosk-status';
import { formatDateTime, formatInteger, plural } from '../../format';
import { html, type SafeHtml } from '../../html';
import { adminPage } from './layout';

const dayLabel = { open: 'Ouverte', paused: 'En pause', closed: 'Fermée' } as const;

function flagBadges(row: KioskStatusRow, silentAfterMinutes: number): SafeHtml | string {
  if (row.revoked) return html`<span class="badge neutral">Révoquée</span>`;
  if (!row.status) return html`<span class="badge neutral">Aucun état reçu</span>`;
  if (row.flags.length === 0) return html`<span class="badge yes">Normale</span>`;
  const text = {
    silent: `Muette depuis plus de ${plural(silentAfterMinutes, 'minute')}, journée ouverte`,
    clock: 'Horloge décalée de plus de 5 minutes',
    disk: 'Moins de 1 Go libre',
  } as const;
  return html`${row.flags.map((f) => html`<span class="badge bad">${text[f]}</span> `)}`;
}

const offset = (ms: number): string => {
  const seconds = Math.round(ms / 1000);
  if (Math.abs(seconds) < 60) return `${seconds} s`;
  return `${seconds > 0 ? '+' : '−'}${formatInteger(Math.round(Math.abs(seconds) / 60))} min`;
};

const gigabytes = (bytes: number): string =>
  `${new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 }).format(bytes / 1024 ** 3)} Go`;

export type SupervisionNotice = { kind: 'error'; message: string } | null;

export function supervisionPage(
  csrf: string,
  rows: KioskStatusRow[],
  silentAfterMinutes: number,
  notice: SupervisionNotice = null,
): string {
  const flagged = rows.filter((r) => r.flags.length > 0).length;
  return adminPage(
    'Supervision',
    'supervision',
    csrf,
    html`<h1>Supervision des bornes</h1>
      ${notice ? html`<p class="notice error" role="alert">${notice.message}</p>` : ''}
      <p>
        Chaque borne envoie son état à chaque synchronisation.
        ${
          flagged > 0
            ? html`<strong>${plural(flagged, 'borne demande', 'bornes demandent')} votre attention.</strong>`
            : 'Aucune borne ne demande d’attention.'
        }
        <a href="/admin/kiosks.csv" download>Télécharger l’état des bornes (CSV)</a>
      </p>
      ${
        rows.length === 0
          ? html`<p class="notice">Aucune borne inscrite.</p>`
          : html`<div class="table-wrap">
              <table>
                <caption>
                  Dernier état reçu de chaque borne
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Borne</th>
                    <th scope="col">Dernier contact</th>
                    <th scope="col">Version</th>
                    <th scope="col" class="num">Décalage d’horloge</th>
                    <th scope="col" class="num">Disque libre</th>
                    <th scope="col" class="num">Bulletins en attente</th>
                    <th scope="col">Journée</th>
                    <th scope="col">État</th>
                    <th scope="col">Médiateurs</th>
                  </tr>
                </thead>
                <tbody>
                  ${rows.map(
                    (r) =>
                      html`<tr>
                        <th scope="row">${r.label}<br /><code>${r.kioskId}</code></th>
                        <td>${formatDateTime(r.lastSeenAt)}</td>
                        <td>${r.status?.appVersion ?? '—'}</td>
                        <td class="num">${r.status ? offset(r.status.clockOffsetMs) : '—'}</td>
                        <td class="num">${r.status ? gigabytes(r.status.freeDiskBytes) : '—'}</td>
                        <td class="num">${r.status ? formatInteger(r.status.pendingBallots) : '—'}</td>
                        <td>
                          ${r.status ? dayLabel[r.status.day] : '—'}${r.status?.training ? ' (entraînement)' : ''}
                        </td>
                        <td>${flagBadges(r, silentAfterMinutes)}</td>
                        <td>
                          ${
                            r.revoked
                              ? '—'
                              : html`<form method="post" action="/admin/bornes/reinitialiser-mediateurs">
                                  <input type="hidden" name="csrf" value="${csrf}" />
                                  <input type="hidden" name="kioskId" value="${r.kioskId}" />
                                  <button type="submit">
                                    Réinitialiser les médiateurs<span class="visually-hidden">
                                      de la borne ${r.label}</span
                                    >
                                  </button>
                                </form>`
                          }
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
      }
      <p>
        « Réinitialiser les médiateurs » télécharge un fichier à usage unique, valable 48 heures, qui permet à
        la borne de créer de nouveaux comptes médiateurs. La borne le reçoit aussi à sa prochaine
        synchronisation ; sinon, portez-le sur une clé USB.
      </p>
      <h2 id="usb">Inscrire une borne sans réseau (clé USB)</h2>
      <p>
        La borne a écrit sur la clé un fichier <code>isoloir-enrol-request-….json</code>. Ouvrez-le avec un
        éditeur de texte, copiez tout son contenu ci-dessous, puis rapportez à la borne le fichier de réponse
        téléchargé.
      </p>
      <form method="post" action="/admin/inscription-usb" class="stack">
        <input type="hidden" name="csrf" value="${csrf}" />
        <label for="usb-request">Contenu du fichier de demande</label>
        <textarea id="usb-request" name="request" rows="6" required></textarea>
        <button type="submit">Créer le fichier de réponse</button>
      </form>`,
  );
}
