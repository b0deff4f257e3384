/**
 * "Mon vote a-t-il été compté ?" (`/recu?code=…`): the voter types the receipt code shown by the kiosk
 * ("7K3F-Q9XM") or arrives from its QR code with the full ballot id. The answer is yes or not yet, never
 * the choices: the server only knows whether a ballot with that id is counted.
 */
import { normaliseReceiptCode } from '../../../shared/receipt';
import { html, type SafeHtml } from '../html';
import { page } from '../layout';

/** What the person typed, as a lookup key: the 32-hex ballot id, or the 8-symbol receipt code. */
export function receiptLookupKey(typed: string): string | null {
  const compact = typed.trim().replace(/[\s-]+/g, '');
  if (/^[0-9a-fA-F]{32}$/.test(compact)) return compact.toLowerCase();
  return normaliseReceiptCode(compact);
}

export type ReceiptAnswer =
  | { kind: 'form' }
  | { kind: 'invalid'; typed: string }
  | { kind: 'counted'; typed: string }
  | { kind: 'not_yet'; typed: string };

function answerBlock(answer: ReceiptAnswer): SafeHtml {
  switch (answer.kind) {
    case 'form':
    case 'invalid':
      return html``;
    case 'counted':
      return html`<section class="notice success" aria-labelledby="reponse">
        <h2 id="reponse" class="answer">Oui, votre bulletin est bien compté.</h2>
        <p>
          Le bulletin du reçu <strong>${answer.typed}</strong> fait partie du décompte publié. Ce service ne
          montre jamais vos choix : personne ne peut savoir pour quels projets vous avez voté.
        </p>
      </section>`;
    case 'not_yet':
      return html`<section class="notice warning" aria-labelledby="reponse">
        <h2 id="reponse" class="answer">Pas encore…</h2>
        <p>Le bulletin du reçu <strong>${answer.typed}</strong> n’est pas encore dans le décompte.</p>
        <p>
          C’est normal si la borne où vous avez voté n’était pas connectée à internet : elle garde votre
          bulletin en sécurité et l’envoie lors de sa prochaine connexion, ou l’équipe le transporte sur une
          clé USB. Cela peut prendre quelques jours. Revenez vérifier plus tard.
        </p>
        <p>
          Vérifiez aussi le code : il figure sur votre reçu, sous la forme de deux groupes de quatre
          caractères (par exemple 7K3F-Q9XM). Si le problème persiste après la fin du vote, adressez-vous au
          lieu où vous avez voté.
        </p>
      </section>`;
  }
}

export function receiptPage(answer: ReceiptAnswer): string {
  const invalid = answer.kind === 'invalid';
  const value = answer.kind === 'form' ? '' : answer.typed;
  const body = html`
    <h1>Mon vote a-t-il été compté ?</h1>
    <p class="lead">
      Tapez le code de votre reçu de vote. Vous pouvez aussi scanner le QR code du reçu avec votre téléphone :
      il ouvre directement cette page.
    </p>
    ${answerBlock(answer)}
    <form class="stack" method="get" action="/recu" novalidate>
      <div>
        <label for="code"
          >Code du reçu
          <span class="hint" id="code-hint"
            >8 caractères, par exemple 7K3F-Q9XM, ou le numéro complet du bulletin</span
          >
          ${invalid ? html`<span class="field-error" id="code-error">Ce code n’a pas la bonne forme : il compte 8 caractères, lettres et chiffres (par exemple 7K3F-Q9XM).</span>` : ''}
        </label>
        <input
          type="text"
          id="code"
          name="code"
          value="${value}"
          autocomplete="off"
          autocapitalize="characters"
          spellcheck="false"
          maxlength="64"
          aria-describedby="${invalid ? 'code-hint code-error' : 'code-hint'}"
          ${invalid ? html`aria-invalid="true"` : ''}
        />
      </div>
      <button type="submit" class="primary">Vérifier</button>
    </form>
  `;
  const title =
    answer.kind === 'counted'
      ? 'Oui, votre bulletin est compté'
      : answer.kind === 'not_yet'
        ? 'Pas encore compté'
        : answer.kind === 'invalid'
          ? 'Erreur : code mal formé'
          : 'Mon vote a-t-il été compté ?';
  return page({ title, nav: { kind: 'public', current: 'receipt' }, body });
}
