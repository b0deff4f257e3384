/**
 * The HTML error page of the web plugin (unknown page, refused form, internal error): the status, a
 * French title and message, and the way back to the results.
 */
import { html } from '../html';
import { page } from '../layout';

export function errorPage(status: number, title: string, message: string): string {
  return page({
    title: `Erreur ${status} : ${title}`,
    nav: { kind: 'public', current: null },
    body: html`<h1>${title}</h1>
      <p class="notice error">${message}</p>
      <p><a href="/">Retour aux résultats</a></p>`,
  });
}
