/**
 * The page shell every web page shares: `lang`, one style sheet, a skip link, header with the navigation
 * (public or admin), one `<main id="contenu">`, footer. Keeping it in one function is what makes the
 * landmarks and the skip link hold on every page (RGAA 12.6, 12.7). Public pages also offer the other
 * language (the link carries its own `lang` and `hreflang`).
 */
import { STYLESHEET_PATH } from './assets';
import { html, raw, type SafeHtml } from './html';
import { localPath, publicText, type Lang } from './i18n';

/** Where every page's main content starts: the demo banner goes first inside it. */
const MAIN_START = '<main id="contenu" tabindex="-1">';

export type PublicSection = 'results' | 'receipt';
export type AdminSection =
  'kiosks' | 'supervision' | 'election' | 'anomalies' | 'codes' | 'exports' | 'login';

export interface PageInput {
  /** Document title, most specific first; " — isoloir" is added. */
  title: string;
  body: SafeHtml;
  /** Public navigation with this item marked current, or the admin navigation (French only). */
  nav:
    | {
        kind: 'public';
        current: PublicSection | null;
        lang?: Lang;
        /** This page in the other language (path and query), for the language switch. */
        otherLanguageHref?: string;
      }
    | { kind: 'admin'; current: AdminSection; csrf: string | null };
}

const navLink = (href: string, label: string, current: boolean): SafeHtml =>
  current
    ? html`<li><a href="${href}" aria-current="page">${label}</a></li>`
    : html`<li><a href="${href}">${label}</a></li>`;

function navigation(nav: PageInput['nav']): SafeHtml {
  if (nav.kind === 'public') {
    const lang = nav.lang ?? 'fr';
    const t = publicText[lang];
    const other = t.switchTo;
    return html`<nav aria-label="${t.navLabel}">
      <ul>
        ${navLink(localPath('/', lang), t.navResults, nav.current === 'results')}
        ${navLink(localPath('/recu', lang), t.navReceipt, nav.current === 'receipt')}
        ${
          nav.otherLanguageHref
            ? html`<li>
                <a
                  href="${nav.otherLanguageHref}"
                  lang="${other.lang}"
                  hreflang="${other.lang}"
                  title="${other.title}"
                  >${other.label}</a
                >
              </li>`
            : ''
        }
      </ul>
    </nav>`;
  }
  if (nav.csrf === null) {
    return html`<nav aria-label="Navigation principale">
      <ul>
        ${navLink('/', 'Résultats publics', false)}
      </ul>
    </nav>`;
  }
  return html`<nav aria-label="Administration">
    <ul>
      ${navLink('/admin/bornes', 'Bornes', nav.current === 'kiosks')}
      ${navLink('/admin/supervision', 'Supervision', nav.current === 'supervision')}
      ${navLink('/admin/anomalies', 'Anomalies', nav.current === 'anomalies')}
      ${navLink('/admin/election', 'Élection', nav.current === 'election')}
      ${navLink('/admin/codes', 'Codes d’inscription', nav.current === 'codes')}
      ${navLink('/admin/exports', 'Exports', nav.current === 'exports')}
      <li>
        <form method="post" action="/admin/deconnexion">
          <input type="hidden" name="csrf" value="${nav.csrf}" />
          <button type="submit" class="link-button">Se déconnecter</button>
        </form>
      </li>
    </ul>
  </nav>`;
}

export function page(input: PageInput): string {
  const lang: Lang = input.nav.kind === 'public' ? (input.nav.lang ?? 'fr') : 'fr';
  const t = publicText[lang];
  const admin = input.nav.kind === 'admin';
  const brand = admin ? 'isoloir — administration' : t.brand;
  const home = admin ? '/admin' : localPath('/', lang);
  return `<!doctype html>\n${
    html`<html lang="${lang}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${input.title} — isoloir</title>
        <link rel="stylesheet" href="${STYLESHEET_PATH}" />
      </head>
      <body>
        <a class="skip-link" href="#contenu">${t.skip}</a>
        <header class="site-header">
          <div class="inner">
            <a class="brand" href="${home}">${brand}</a>
            ${navigation(input.nav)}
          </div>
        </header>
        ${raw(MAIN_START)}${input.body}</main>
        <footer class="site-footer">
          <div class="inner">
            <p>${t.footer}</p>
          </div>
        </footer>
      </body>
    </html>`.value
  }`;
}

/**
 * A page drawn by `page`, with the banner of a demonstration that shows results during the vote, as the
 * first thing of the main content (inside the landmark, so the skip link lands on it).
 */
export function withLiveBanner(document: string, lang: Lang): string {
  const t = publicText[lang];
  const banner = html`<div class="demo-banner" role="note" aria-labelledby="demo-banner-title">
    <p><strong id="demo-banner-title">${t.liveBanner}</strong></p>
    <p>${t.liveBannerBody}</p>
  </div>`.value;
  const at = document.indexOf(MAIN_START);
  if (at < 0) return document;
  const end = at + MAIN_START.length;
  return document.slice(0, end) + banner + document.slice(end);
}
