/**
 * The election page: the published election, and a form to publish a package built by the catalogue
 * command (`election build`), a correction included, exactly as `election publish` does.
 */
import { formatDateTime } from '../../format';
import { html } from '../../html';
import type { WebElection } from '../../ports';
import { adminPage } from './layout';

export type ElectionNotice =
  | { kind: 'published'; electionId: string; outcome: 'published' | 'replaced' | 'revised' }
  | { kind: 'error'; message: string }
  | null;

const outcomeText = {
  published: 'publiée',
  replaced: 'remplacée (aucune borne inscrite ne l’avait encore)',
  revised: 'corrigée (les bornes recevront la correction à leur prochaine synchronisation)',
} as const;

export function electionPage(csrf: string, election: WebElection | null, notice: ElectionNotice): string {
  return adminPage(
    'Élection',
    'election',
    csrf,
    html`<h1>Élection</h1>
      ${
        notice?.kind === 'published'
          ? html`<p class="notice success" role="status">
              L’élection « ${notice.electionId} » est ${outcomeText[notice.outcome]}.
            </p>`
          : notice?.kind === 'error'
            ? html`<p class="notice error" role="alert">${notice.message}</p>`
            : ''
      }
      ${
        election
          ? html`<p>
              Élection publiée : <strong>${election.title}</strong> (<code>${election.electionId}</code>), du
              ${formatDateTime(election.opensAt)} au ${formatDateTime(election.closesAt)}.
            </p>`
          : html`<p class="notice">Aucune élection n’est encore publiée.</p>`
      }
      <h2>Publier un paquet</h2>
      <p>
        Préparez le paquet avec la commande <code>election build</code> (tableau des projets et images), puis
        ouvrez le fichier JSON produit avec un éditeur de texte et collez tout son contenu ci-dessous. Le
        serveur le vérifie, le signe et le publie. Une fois des bornes inscrites, seul un paquet corrigé (même
        identifiant, numéro de révision plus grand) est accepté.
      </p>
      <form method="post" action="/admin/election" class="stack">
        <input type="hidden" name="csrf" value="${csrf}" />
        <label for="package">Contenu du paquet d’élection (JSON)</label>
        <textarea id="package" name="package" rows="10" required></textarea>
        <button type="submit">Vérifier, signer et publier</button>
      </form>`,
  );
}
