/**
 * The frame every admin page shares: the page shell with the admin navigation (the current section and
 * the logout form's CSRF token) and " — administration" in the title. The admin pages (one file each
 * in this folder) are pure rendering from `WebDeps` data; authentication, CSRF and rate limiting live in
 * the plugin's admin routes. No secret is ever rendered except a freshly created enrolment code, once,
 * to the person who made it.
 */
import type { SafeHtml } from '../../html';
import { page, type AdminSection } from '../../layout';

export const adminPage = (title: string, current: AdminSection, csrf: string, body: SafeHtml): string =>
  page({ title: `${title} — administration`, nav: { kind: 'admin', current, csrf }, body });
