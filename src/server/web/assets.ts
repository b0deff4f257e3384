/**
 * The pages' static files: one style sheet (kept as a TypeScript string so it travels inside the bundled
 * server CLI) and the Atkinson Hyperlegible font, read from the installed @fontsource package — no
 * network font, no CDN. Served with long cache lifetimes under `/static/`.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export const STYLESHEET_PATH = '/static/isoloir.css';
export const FONT_PREFIX = '/static/fonts/';

/** The only font files served: regular and bold, latin subset (it covers French, œ and € included). */
export const FONT_FILES = [
  'atkinson-hyperlegible-latin-400-normal.woff2',
  'atkinson-hyperlegible-latin-700-normal.woff2',
] as const;
export type FontFile = (typeof FONT_FILES)[number];

export const isFontFile = (name: string): name is FontFile =>
  (FONT_FILES as readonly string[]).includes(name);

const fontCache = new Map<FontFile, Buffer>();

/** Where @fontsource lives: resolved from this module, else from the working directory (bundled CLI). */
function fontFolder(): string {
  const bases = [import.meta.url, join(process.cwd(), 'package.json')];
  for (const base of bases) {
    try {
      const pkg = createRequire(base).resolve('@fontsource/atkinson-hyperlegible/package.json');
      return join(pkg, '..', 'files');
    } catch {
      // try the next base
    }
  }
  throw new Error('@fontsource/atkinson-hyperlegible introuvable');
}

export function readFont(name: FontFile): Buffer {
  const cached = fontCache.get(name);
  if (cached) return cached;
  const bytes = readFileSync(join(fontFolder(), name));
  fontCache.set(name, bytes);
  return bytes;
}

/*
 * Colours are chosen for WCAG AA contrast on white (text ≥ 4.5:1, large text and UI ≥ 3:1):
 * ink #1b1b1b (17:1), blue #1f4e79 (8.6:1), muted #4a4a4a (8.9:1), success #1e6b34 (6.6:1),
 * warning #8a4b00 (6.1:1), danger #a4161a (7.6:1). Focus: a thick outline that never disappears.
 */
export const STYLESHEET = `
@font-face {
  font-family: 'Atkinson Hyperlegible';
  font-style: normal;
  font-weight: 400;
  font-display: swap;
  src: url('${FONT_PREFIX}${FONT_FILES[0]}') format('woff2');
}
@font-face {
  font-family: 'Atkinson Hyperlegible';
  font-style: normal;
  font-weight: 700;
  font-display: swap;
  src: url('${FONT_PREFIX}${FONT_FILES[1]}') format('woff2');
}
:root {
  --ink: #1b1b1b;
  --muted: #4a4a4a;
  --blue: #1f4e79;
  --blue-light: #e8f0f8;
  --line: #c9d3de;
  --success: #1e6b34;
  --success-light: #e6f4ea;
  --warning: #8a4b00;
  --warning-light: #fff4e0;
  --danger: #a4161a;
  --danger-light: #fdecec;
  --focus: #ffbf47;
}
* { box-sizing: border-box; }
html { font-size: 112.5%; }
body {
  margin: 0;
  font-family: 'Atkinson Hyperlegible', system-ui, sans-serif;
  line-height: 1.5;
  color: var(--ink);
  background: #fff;
}
a { color: var(--blue); text-underline-offset: 0.15em; }
a:hover { text-decoration-thickness: 0.15em; }
:focus-visible {
  outline: 4px solid var(--ink);
  outline-offset: 2px;
  box-shadow: 0 0 0 8px var(--focus);
}
.skip-link {
  position: absolute;
  left: 0.5rem;
  top: -4rem;
  padding: 0.5rem 1rem;
  background: var(--ink);
  color: #fff;
  z-index: 10;
}
.skip-link:focus { top: 0.5rem; }
.site-header {
  background: var(--blue);
  color: #fff;
  padding: 0.75rem 1rem;
}
.site-header .inner, main, .site-footer .inner { max-width: 68rem; margin: 0 auto; }
.site-header .inner { display: flex; flex-wrap: wrap; gap: 0.5rem 2rem; align-items: center; justify-content: space-between; }
.brand { color: #fff; font-weight: 700; font-size: 1.2rem; text-decoration: none; }
.brand:hover { text-decoration: underline; }
.site-header nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: 0.25rem 1.25rem; margin: 0; padding: 0; }
.site-header nav a { color: #fff; }
.site-header nav a[aria-current='page'] { font-weight: 700; text-decoration-thickness: 0.2em; }
.site-header form { display: inline; margin: 0; }
.link-button {
  font: inherit;
  color: #fff;
  background: none;
  border: 0;
  padding: 0;
  text-decoration: underline;
  text-underline-offset: 0.15em;
  cursor: pointer;
}
main { padding: 1rem 1rem 3rem; }
h1 { font-size: 2rem; line-height: 1.2; margin: 1rem 0 0.5rem; }
h2 { font-size: 1.5rem; margin: 2.5rem 0 0.75rem; border-bottom: 3px solid var(--blue); padding-bottom: 0.25rem; }
h3 { font-size: 1.2rem; margin: 1.5rem 0 0.5rem; }
.lead { font-size: 1.1rem; color: var(--muted); margin-top: 0; }
.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(13rem, 100%), 1fr)); gap: 1rem; margin: 1.5rem 0; padding: 0; list-style: none; }
.figures li { border: 2px solid var(--line); border-radius: 0.5rem; padding: 0.75rem 1rem; }
.figures .value { display: block; font-size: 2rem; font-weight: 700; color: var(--blue); }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1.5rem; }
caption { text-align: left; font-weight: 700; padding: 0.5rem 0; }
th, td { text-align: left; padding: 0.45rem 0.6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th { border-bottom: 3px solid var(--blue); background: var(--blue-light); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody tr:nth-child(even) { background: #f6f8fa; }
code { font-size: 0.9em; word-break: break-all; }
.chart { margin: 1rem 0; }
.bars { display: grid; gap: 0.35rem; }
.bar-row { display: grid; grid-template-columns: minmax(0, 2fr) minmax(0, 3fr); gap: 0.1rem 1rem; align-items: center; }
.bar-label { font-size: 0.95rem; }
.bar-track { display: flex; align-items: center; gap: 0.5rem; }
.bar-track .bar { flex: 1 1 auto; display: block; min-width: 0; }
.bar-value { font-variant-numeric: tabular-nums; min-width: 3ch; font-weight: 700; }
@media (max-width: 40rem) {
  .bar-row { grid-template-columns: 1fr; }
}
.chart-svg { display: block; max-width: 100%; height: auto; }
.table-details { margin: 0.5rem 0 1.5rem; }
.table-details summary { cursor: pointer; font-weight: 700; color: var(--blue); padding: 0.25rem 0; }
.demo-banner { background: var(--warning-light); border-left: 6px solid var(--warning); padding: 0.5rem 1rem; margin: 1rem 0; }
.demo-banner p { margin: 0.25rem 0; }
.demo-banner strong { color: var(--warning); font-size: 1.1rem; }
.visually-hidden {
  position: absolute !important;
  width: 1px;
  height: 1px;
  overflow: hidden;
  clip: rect(0 0 0 0);
  clip-path: inset(50%);
  white-space: nowrap;
}
.chart figcaption { color: var(--muted); }
.columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(20rem, 100%), 1fr)); gap: 0 2rem; }
.funded { padding-left: 1.5rem; }
.funded li { margin: 0.25rem 0; }
.badge { display: inline-block; padding: 0 0.4rem; border-radius: 0.25rem; font-size: 0.9rem; font-weight: 700; white-space: nowrap; }
.badge.yes { color: var(--success); background: var(--success-light); }
.badge.warn { color: var(--warning); background: var(--warning-light); }
.badge.bad { color: var(--danger); background: var(--danger-light); }
.badge.neutral { color: var(--muted); background: #eef0f2; }
.notice { border-left: 6px solid var(--blue); background: var(--blue-light); padding: 0.75rem 1rem; margin: 1rem 0; }
.notice.success { border-color: var(--success); background: var(--success-light); }
.notice.warning { border-color: var(--warning); background: var(--warning-light); }
.notice.error { border-color: var(--danger); background: var(--danger-light); }
.notice > :first-child { margin-top: 0; }
.notice h2 { border: 0; padding: 0; margin-bottom: 0.5rem; }
.notice > :last-child { margin-bottom: 0; }
.notice .answer { font-size: 1.3rem; font-weight: 700; }
form.stack { display: grid; gap: 1rem; max-width: 32rem; margin: 1rem 0; }
label { font-weight: 700; display: block; }
.hint { color: var(--muted); font-weight: 400; display: block; }
.field-error { color: var(--danger); font-weight: 700; display: block; }
input[type='text'], input[type='password'], input[type='number'] {
  font: inherit;
  width: 100%;
  padding: 0.5rem 0.6rem;
  border: 2px solid var(--ink);
  border-radius: 0.25rem;
  margin-top: 0.25rem;
}
input[aria-invalid='true'] { border-color: var(--danger); border-width: 3px; }
button.primary, a.button {
  font: inherit;
  font-weight: 700;
  display: inline-block;
  justify-self: start;
  padding: 0.6rem 1.4rem;
  border: 2px solid var(--blue);
  border-radius: 0.3rem;
  color: #fff;
  background: var(--blue);
  text-decoration: none;
  cursor: pointer;
}
button.primary:hover, a.button:hover { background: #163a5a; }
button.danger { font: inherit; font-weight: 700; padding: 0.6rem 1.4rem; border: 2px solid var(--danger); border-radius: 0.3rem; color: #fff; background: var(--danger); cursor: pointer; }
button.danger:hover { background: #7a1013; }
.code-once { font-size: 2rem; font-weight: 700; letter-spacing: 0.1em; font-family: ui-monospace, monospace; }
.site-footer { border-top: 1px solid var(--line); padding: 1rem; color: var(--muted); font-size: 0.95rem; }
.site-footer a { color: var(--blue); }
@media print {
  .site-header nav, .skip-link, .site-footer { display: none; }
  .site-header { background: none; color: var(--ink); }
  .brand { color: var(--ink); }
}
`;
