/**
 * The admin dashboard pages (behind the admin password): login, kiosks, anomalies, enrolment codes and
 * exports. Pure rendering from `WebDeps` data; authentication, CSRF and rate limiting live in the plugin.
 * No secret is ever rendered except a freshly created enrolment code, once, to the person who made it.
 */
import type { WebAnomalies, WebCreatedEnrolmentCode, WebEnrolmentCode, WebKiosk } from '../ports';
import { formatDate, formatDateTime, formatInteger, plural } from '../format';
import { html, type SafeHtml } from '../html';
import { page, type AdminSection } from '../layout';

const adminPage = (title: string, current: AdminSection, csrf: string, body: SafeHtml): string =>
  page({ title: `${title} — administration`, nav: { kind: 'admin', current, csrf }, body });

// ---------------------------------------------------------------- login

export type LoginNotice = 'none' | 'wrong_password' | 'logged_out' | 'expired' | 'csrf';

const loginNotices: Record<Exclude<LoginNotice, 'none'>, SafeHtml> = {
  wrong_password: html`<p class="notice error" id="login-error" role="alert">Mot de passe incorrect.</p>`,
  logged_out: html`<p class="notice success" role="status">Vous êtes déconnecté.</p>`,
  expired: html`<p class="notice">Connectez-vous pour accéder à l’administration.</p>`,
  csrf: html`<p class="notice error" role="alert">Le formulaire a expiré. Recommencez.</p>`,
};

export function loginPage(loginToken: string, notice: LoginNotice, attemptsPerMinute = 5): string {
  const failed = notice === 'wrong_password';
  return page({
    title: failed ? 'Erreur : connexion refusée' : 'Connexion',
    nav: { kind: 'admin', current: 'login', csrf: null },
    body: html`<h1>Connexion à l’administration</h1>
      ${notice === 'none' ? '' : loginNotices[notice]}
      <form class="stack" method="post" action="/admin/connexion">
        <input type="hidden" name="csrf" value="${loginToken}" />
        <div>
          <label for="password">Mot de passe administrateur</label>
          <input
            type="password"
            id="password"
            name="password"
            required
            autocomplete="current-password"
            maxlength="1024"
            ${failed ? html`aria-invalid="true" aria-describedby="login-error"` : ''}
          />
        </div>
        <button type="submit" class="primary">Se connecter</button>
      </form>
      <p>
        Le mot de passe a été affiché une seule fois lors de l’installation du serveur (<code>init</code>).
        Après ${attemptsPerMinute} essais en une minute, la connexion est bloquée une minute.
      </p>`,
  });
}

export function tooManyAttemptsPage(): string {
  return page({
    title: 'Erreur : trop de tentatives',
    nav: { kind: 'admin', current: 'login', csrf: null },
    body: html`<h1>Trop de tentatives</h1>
      <p class="notice error" role="alert">
        Trop d’essais de connexion depuis cette adresse. Attendez une minute avant de réessayer.
      </p>
      <p><a href="/admin/connexion">Retour à la connexion</a></p>`,
  });
}

// ---------------------------------------------------------------- kiosks

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

// ---------------------------------------------------------------- anomalies

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

// ---------------------------------------------------------------- enrolment codes

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
  const describedBy = (id: string, error: string | undefined): string =>
    error === undefined ? `${id}-hint` : `${id}-hint ${id}-error`;
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
          <label for="label"
            >Nom de la borne
            <span class="hint" id="label-hint">Par exemple : Comptoir d’Arras, salle 2</span>
            ${e.label ? html`<span class="field-error" id="label-error">${e.label}</span>` : ''}
          </label>
          <input
            type="text"
            id="label"
            name="label"
            value="${form.label}"
            required
            maxlength="200"
            aria-describedby="${describedBy('label', e.label)}"
            ${e.label ? html`aria-invalid="true"` : ''}
          />
        </div>
        <div>
          <label for="hours"
            >Valable pendant (heures)
            <span class="hint" id="hours-hint">De 1 à 720 heures (30 jours)</span>
            ${e.hours ? html`<span class="field-error" id="hours-error">${e.hours}</span>` : ''}
          </label>
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
            aria-describedby="${describedBy('hours', e.hours)}"
            ${e.hours ? html`aria-invalid="true"` : ''}
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

// ---------------------------------------------------------------- exports

export function exportsPage(csrf: string, error: string | null): string {
  return adminPage(
    error ? 'Erreur : export impossible' : 'Exports',
    'exports',
    csrf,
    html`<h1>Exports</h1>
      ${error ? html`<p class="notice error" role="alert">${error}</p>` : ''}
      <h2>Paquet d’audit</h2>
      <p>
        Le paquet d’audit contient l’élection signée, les bornes et leurs clés publiques, chaque lot reçu tel
        quel et les résultats. N’importe qui peut recompter le vote avec la commande
        <code>npm run verify -- &lt;paquet&gt;</code>, sans ce serveur.
      </p>
      <p><a class="button" href="/admin/exports/audit" download>Télécharger le paquet d’audit (.jsonl)</a></p>
      <h2>Fichier Pabulib</h2>
      <p>
        Les bulletins au format ouvert Pabulib (<code>.pb</code>), mélangés et renumérotés, pour les
        chercheurs et les outils de comparaison des règles de répartition.
      </p>
      <p>
        <a class="button" href="/admin/exports/pabulib" download>Télécharger le fichier Pabulib (.pb)</a>
      </p>`,
  );
}

// ---------------------------------------------------------------- errors

export function errorPage(status: number, title: string, message: string): string {
  return page({
    title: `Erreur ${status} : ${title}`,
    nav: { kind: 'public', current: null },
    body: html`<h1>${title}</h1>
      <p class="notice error">${message}</p>
      <p><a href="/">Retour aux résultats</a></p>`,
  });
}
