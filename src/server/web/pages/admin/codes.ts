/**
 * The enrolment codes page: the form that creates a code (with its field errors), the new code shown
 * once to the person who made it, and the list of existing codes (never the codes themselves).
 */
import { formatDateTime } from '../../format';
import { fieldAria, fieldLabel } from '../../form-field';
import { html, type SafeHtml } from '../../html';
import type { WebCreatedEnrolmentCode, WebEnrolmentCode } from '../../ports';
import { adminPage } from './layout';

export interface CodesForm {
  label: string;
  hours: string;
  errors: { label?: string; hours?: string; general?: string };
}

const statusBadge: Record<WebEnrolmentCode['status'], SafeHtml> = {
  unused: html`<span class="badge yes">Non utilisé</span>`,
  used: html`<span class="badge neutral">Utilisé</span>`,
  expired: html`<span class="badge warn">Expiré</span>`,
};

export function codesPage(
  csrf: string,
  codes: WebEnrolmentCode[],
  form: CodesForm,
  created: (WebCreatedEnrolmentCode & { label: string }) | null,
): string {
  const order: WebEnrolmentCode['status'][] = ['unused', 'used', 'expired'];
  const sorted = [...codes].sort(
    (a, b) => order.indexOf(a.status) - order.indexOf(b.status) || b.createdAt.localeCompare(a.createdAt),
  );
  const e = form.errors;
  return adminPage(
    created
      ? 'Code créé'
      : e.label || e.hours || e.general
        ? 'Erreur : code non créé'
        : 'Codes d’inscription',
    'codes',
    csrf,
    html`<h1>Codes d’inscription</h1>
      ${
        created
          ? html`<section class="notice success" aria-labelledby="code-created">
              <h2 id="code-created">Code créé pour « ${created.label} »</h2>
              <p class="code-once" id="new-code">${created.code}</p>
              <p>
                Notez-le maintenant : il ne sera plus jamais affiché. Il sert une seule fois et expire le
                ${formatDateTime(created.expiresAt)}.
              </p>
            </section>`
          : ''
      }
      ${e.general ? html`<p class="notice error" role="alert">${e.general}</p>` : ''}
      <h2>Créer un code</h2>
      <p>
        Un code permet d’inscrire une borne une seule fois. Saisissez-le sur la borne, dans l’écran
        d’installation.
      </p>
      <form class="stack" method="post" action="/admin/codes" novalidate>
        <input type="hidden" name="csrf" value="${csrf}" />
        <div>
          ${fieldLabel('label', 'Nom de la borne', 'Par exemple : Comptoir d’Arras, salle 2', e.label)}
          <input
            type="text"
            id="label"
            name="label"
            value="${form.label}"
            required
            maxlength="200"
            ${fieldAria('label', e.label)}
          />
        </div>
        <div>
          ${fieldLabel('hours', 'Valable pendant (heures)', 'De 1 à 720 heures (30 jours)', e.hours)}
          <input
            type="number"
            id="hours"
            name="hours"
            value="${form.hours}"
            required
            min="1"
            max="720"
            step="1"
            inputmode="numeric"
            ${fieldAria('hours', e.hours)}
          />
        </div>
        <button type="submit" class="primary">Créer le code</button>
      </form>
      <h2>Codes existants</h2>
      ${
        sorted.length === 0
          ? html`<p>Aucun code créé.</p>`
          : html`<div class="table-wrap">
              <table>
                <caption>
                  Codes d’inscription : non utilisés, puis utilisés, puis expirés
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Borne prévue</th>
                    <th scope="col">État</th>
                    <th scope="col">Créé le</th>
                    <th scope="col">Expire le</th>
                    <th scope="col">Utilisé le</th>
                    <th scope="col">Borne inscrite</th>
                  </tr>
                </thead>
                <tbody>
                  ${sorted.map(
                    (c) =>
                      html`<tr>
                        <th scope="row">${c.label}</th>
                        <td>${statusBadge[c.status]}</td>
                        <td>${formatDateTime(c.createdAt)}</td>
                        <td>${formatDateTime(c.expiresAt)}</td>
                        <td>${c.usedAt === null ? '—' : formatDateTime(c.usedAt)}</td>
                        <td>${c.kioskId === null ? '—' : html`<code>${c.kioskId}</code>`}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>
            </div>`
      }`,
  );
}
