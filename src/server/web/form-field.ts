/**
 * A form field's accessible wiring, for the pages that explain a refused submit beside the field: the
 * label holds the hint (`<id>-hint`) and the error (`<id>-error`), and the input names both in
 * `aria-describedby` and is marked invalid while the error stands. Those ids are derived here only.
 */
import { html, type SafeHtml } from './html';

/** The field's label, its hint, and the error when the last submit was refused for this field. */
export const fieldLabel = (id: string, text: string, hint: string, error: string | undefined): SafeHtml =>
  html`<label for="${id}"
    >${text}
    <span class="hint" id="${id}-hint">${hint}</span>
    ${error ? html`<span class="field-error" id="${id}-error">${error}</span>` : ''}
  </label>`;

/** The input's attributes that point to its hint and error. */
export const fieldAria = (id: string, error: string | undefined): SafeHtml =>
  html`aria-describedby="${error ? `${id}-hint ${id}-error` : `${id}-hint`}"
  ${error ? html`aria-invalid="true"` : ''}`;
