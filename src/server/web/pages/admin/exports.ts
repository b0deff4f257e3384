/**
 * The exports page: the audit bundle and the Pabulib file to download, and why an export failed.
 */
import { formatDateTime } from '../../format';
import { html } from '../../html';
import type { WebPublication } from '../../ports';
import { adminPage } from './layout';

export function exportsPage(
  csrf: string,
  error: string | null,
  publication: WebPublication | null = null,
): string {
  return adminPage(
    error ? 'Erreur : export impossible' : 'Exports',
    'exports',
    csrf,
    html`<h1>Exports</h1>
      ${error ? html`<p class="notice error" role="alert">${error}</p>` : ''}
      ${
        publication?.phase === 'embargoed'
          ? html`<p class="notice warning">
              Les deux exports contiennent les choix des votants : ils ne sont disponibles qu’après la clôture
              du vote, le ${formatDateTime(publication.closesAt)} (embargo sur les résultats).
            </p>`
          : ''
      }
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
