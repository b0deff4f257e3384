/**
 * "Mon vote a-t-il été compté ?" (`/recu?code=…`): the voter types the receipt code shown by the kiosk
 * ("7K3F-Q9XM") or arrives from its QR code. The answer is the kiosk and the group (batch) the vote
 * arrived with, or not yet; never the choices: a receipt is bound to its batch, not to a ballot.
 */
import { normaliseReceiptCode } from '../../../shared/receipt';
import { fieldAria, fieldLabel } from '../form-field';
import { html, type SafeHtml } from '../html';
import { localPath, publicText, type Lang, type PublicText } from '../i18n';
import { page } from '../layout';

/** What the person typed, as the 8-symbol receipt code, or null. */
export const receiptLookupKey = (typed: string): string | null => normaliseReceiptCode(typed.trim());

/** A receipt code as the voter's receipt shows it ("7K3F-Q9XM"). */
export const receiptDisplay = (key: string): string => `${key.slice(0, 4)}-${key.slice(4)}`;

export type ReceiptAnswer =
  | { kind: 'form' }
  | { kind: 'invalid'; typed: string }
  | { kind: 'counted'; typed: string; kiosk: string; batch: number }
  | { kind: 'not_yet'; typed: string };

function answerBlock(answer: ReceiptAnswer, t: PublicText): SafeHtml {
  switch (answer.kind) {
    case 'form':
    case 'invalid':
      return html``;
    case 'counted':
      return html`<section class="notice success" aria-labelledby="reponse">
        <h2 id="reponse" class="answer">${t.yes}</h2>
        <p>${t.yesBody(answer.typed, answer.kiosk, answer.batch)}</p>
        <p>${t.yesSecret}</p>
      </section>`;
    case 'not_yet':
      return html`<section class="notice warning" aria-labelledby="reponse">
        <h2 id="reponse" class="answer">${t.notYet}</h2>
        <p>${t.notYetBody(answer.typed)}</p>
        <p>${t.notYetOffline}</p>
        <p>${t.notYetCheck}</p>
      </section>`;
  }
}

export function receiptPage(answer: ReceiptAnswer, lang: Lang = 'fr'): string {
  const t = publicText[lang];
  const error = answer.kind === 'invalid' ? t.codeError : undefined;
  const value = answer.kind === 'form' ? '' : answer.typed;
  const body = html`
    <h1>${t.receiptHeading}</h1>
    <p class="lead">${t.receiptLead}</p>
    ${answerBlock(answer, t)}
    <form class="stack" method="get" action="/recu" novalidate>
      ${lang === 'fr' ? '' : html`<input type="hidden" name="lang" value="${lang}" />`}
      <div>
        ${fieldLabel('code', t.codeLabel, t.codeHint, error)}
        <input
          type="text"
          id="code"
          name="code"
          value="${value}"
          autocomplete="off"
          autocapitalize="characters"
          spellcheck="false"
          maxlength="64"
          ${fieldAria('code', error)}
        />
      </div>
      <button type="submit" class="primary">${t.check}</button>
    </form>
  `;
  const title =
    answer.kind === 'counted'
      ? t.titleYes
      : answer.kind === 'not_yet'
        ? t.titleNotYet
        : answer.kind === 'invalid'
          ? t.titleInvalid
          : t.receiptHeading;
  // The switch keeps the typed code so the answer is not lost when changing language.
  const query: Record<string, string> = answer.kind === 'form' ? {} : { code: answer.typed };
  return page({
    title,
    nav: {
      kind: 'public',
      current: 'receipt',
      lang,
      otherLanguageHref: localPath('/recu', t.switchTo.lang, query),
    },
    body,
  });
}
