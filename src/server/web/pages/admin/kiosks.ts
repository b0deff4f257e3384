/**
 * The kiosks page (every enrolled kiosk, its last contact, counted ballots and state, and the notice
 * after a revocation) and the confirmation page before revoking one.
 */
import { formatDateTime, formatInteger, plural } from '../../format';
import { html } from '../../html';
import type { WebKiosk } from '../../ports';
import { adminPage } from './layout';

/** After a revocation, the kiosks page says which one (by label, from the server's list). */
export type KiosksNotice = { kind: 'revoked'; label: string; already: boolean } | null;

export function kiosksPage(csrf: string, kiosks: WebKiosk[], notice: KiosksNotice = null): string {
  const flagged = kiosks.filter((k) => k.flagged).length;
  const total = kiosks.reduce((s, k) => s + k.ballots, 0);
  return adminPage(
    'Bornes',
    'kiosks',
    csrf,
    html`<h1>Bornes</h1>
      ${
        notice
          ? html`<p class="notice success" role="status">
              ${
                notice.already
                  ? html`La borne « ${notice.label} » était déjà révoquée.`
                  : html`La borne « ${notice.label} » est révoquée : ses envois sont désormais refusés ; ses
                    lots déjà reçus restent tels quels.`
              }
            </p>`
          : ''
      }
      <p>
        ${plural(kiosks.length, 'borne inscrite', 'bornes inscrites')},
        ${plural(total, 'bulletin compté', 'bulletins comptés')}${
          flagged > 0
            ? html`, <strong>${plural(flagged, 'borne signalée', 'bornes signalées')}</strong> (voir les
                <a href="/admin/anomalies">anomalies</a>)`
            : ''
        }.
      </p>
      ${
        kiosks.length === 0
          ? html`<p class="notice">
              Aucune borne inscrite. Créez un <a href="/admin/codes">code d’inscription</a> et saisissez-le
              sur la borne.
            </p>`
          : html`<div class="table-wrap">
              <table>
                <caption>
                  Bornes inscrites, par identifiant
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Borne</th>
                    <th scope="col">Identifiant</th>
                    <th scope="col">Inscrite le</th>
                    <th scope="col">Dernier contact</th>
                    <th scope="col" class="num">Dernier lot reçu</th>
                    <th scope="col" class="num">Bulletins comptés</th>
                    <th scope="col">État</th>
                    <th scope="col">Action</th>
                  </tr>
                </thead>
                <tbody>
                  ${kiosks.map(
                    (k) =>
                      html`<tr>
                        <th scope="row">${k.label}</th>
                        <td><code>${k.kioskId}</code></td>
                        <td>${formatDateTime(k.enrolledAt)}</td>
                        <td>${formatDateTime(k.lastSeenAt)}</td>
                        <td class="num">${formatInteger(k.highWater)}</td>
                        <td class="num">${formatInteger(k.ballots)}</td>
                        <td>
                          ${
                            k.revoked
                              ? html`<span class="badge neutral">Révoquée</span>`
                              : k.flagged
                                ? html`<span class="badge bad">Signalée : lots retenus</span>`
                                : html`<span class="badge yes">Normale</span>`
                          }
                        </td>
                        <td>
                          ${
                            k.revoked
                              ? '—'
                              : html`<a href="/admin/bornes/revoquer?borne=${k.kioskId}"
                                  >Révoquer<span class="visually-hidden"> la borne ${k.label}</span></a
                                >`
                          }
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
      }`,
  );
}

/** The confirmation before revoking: what it does, and one CSRF-protected button. */
export function revokePage(csrf: string, kiosk: WebKiosk): string {
  return adminPage(
    'Révoquer une borne',
    'kiosks',
    csrf,
    html`<h1>Révoquer la borne « ${kiosk.label} »</h1>
      <p>Identifiant : <code>${kiosk.kioskId}</code></p>
      <p>
        Une borne volée, perdue ou hors d’usage doit être révoquée. Ensuite, le serveur refuse ses lots et ses
        demandes de la liste des participants (réponse 401). Les
        ${plural(kiosk.ballots, 'bulletin déjà compté', 'bulletins déjà comptés')} et ses lots déjà reçus
        restent tels quels. La révocation ne peut pas être annulée.
      </p>
      <form method="post" action="/admin/bornes/revoquer" class="stack">
        <input type="hidden" name="csrf" value="${csrf}" />
        <input type="hidden" name="kioskId" value="${kiosk.kioskId}" />
        <button type="submit" class="danger">Révoquer définitivement cette borne</button>
      </form>
      <p><a href="/admin/bornes">Annuler et revenir à la liste des bornes</a></p>`,
  );
}
