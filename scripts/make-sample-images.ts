/**
 * Draws the illustrative image of each sample project (resources/sample/images/*.webp) from
 * resources/sample/election.json: an SVG composed per project (theme colour and pictogram, a landscape of
 * its territory, a few shapes placed by a seed taken from the project id) rendered to WebP with sharp.
 * Run by hand when the sample changes (`npx tsx scripts/make-sample-images.ts`); the images are committed,
 * so sharp never sits in the build path.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { z } from 'zod';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const sampleDir = join(root, 'resources', 'sample');
const imagesDir = join(sampleDir, 'images');

export const IMAGE_WIDTH = 480;
export const IMAGE_HEIGHT = 320;
/** The kiosk's budget for one image (DESIGN/UI target); the sample aims far below. */
export const MAX_IMAGE_BYTES = 150 * 1024;

const SampleProjects = z.object({
  territories: z.array(z.object({ id: z.string(), name: z.string() })),
  projects: z.array(
    z.object({ id: z.string(), theme: z.string(), territoryId: z.string(), image: z.string() }),
  ),
});

/** One colour per theme: chosen far enough apart that the cards of a grid read as different themes. */
const themeColours: Record<string, string> = {
  Alimentation: '#d9692a',
  Mobilité: '#2f6db5',
  Environnement: '#3b8c4a',
  Culture: '#8e4db8',
  Solidarité: '#c93b52',
  'Emploi et insertion': '#a8701c',
  Numérique: '#475569',
  Jeunesse: '#5560c8',
  'Santé et bien-être': '#1f8fa3',
  Habitat: '#a0522d',
};

/** Pictograms on a 100×100 grid, drawn in the theme colour on a white disc. */
const pictograms: Record<string, string> = {
  Alimentation: `
    <path d="M50 32 C32 20 12 34 18 58 C24 82 40 90 50 83 C60 90 76 82 82 58 C88 34 68 20 50 32Z" fill="C" />
    <path d="M50 32 C50 24 52 16 56 10" fill="none" stroke="C" stroke-width="5" stroke-linecap="round" />
    <ellipse cx="64" cy="18" rx="11" ry="6" transform="rotate(-25 64 18)" fill="C" opacity="0.7" />`,
  Mobilité: `
    <g fill="none" stroke="C" stroke-width="5" stroke-linecap="round" stroke-linejoin="round">
      <circle cx="26" cy="64" r="16" /><circle cx="74" cy="64" r="16" />
      <path d="M26 64 L42 38 L64 38 L74 64 M42 38 L52 64 L26 64 M52 64 L64 38 M38 30 L48 30 M64 38 L60 28 L68 28" />
    </g>`,
  Environnement: `
    <rect x="45" y="58" width="10" height="30" rx="3" fill="C" opacity="0.8" />
    <circle cx="50" cy="36" r="20" fill="C" /><circle cx="34" cy="50" r="15" fill="C" />
    <circle cx="66" cy="50" r="15" fill="C" />`,
  Culture: `
    <g fill="C"><ellipse cx="30" cy="74" rx="12" ry="9" /><ellipse cx="70" cy="66" rx="12" ry="9" /></g>
    <path d="M40 74 L40 22 L80 14 L80 66" fill="none" stroke="C" stroke-width="6" stroke-linejoin="round" />
    <path d="M40 22 L80 14 L80 26 L40 34Z" fill="C" />`,
  Solidarité: `
    <path d="M50 84 C20 62 12 46 16 34 C20 20 40 16 50 32 C60 16 80 20 84 34 C88 46 80 62 50 84Z" fill="C" />
    <path d="M34 40 C36 34 42 32 46 36" fill="none" stroke="#fff" stroke-width="4" stroke-linecap="round" />`,
  'Emploi et insertion': gear(),
  Numérique: `
    <rect x="20" y="22" width="60" height="40" rx="4" fill="none" stroke="C" stroke-width="6" />
    <path d="M10 72 L90 72 L84 80 L16 80Z" fill="C" />
    <path d="M32 50 L44 38 L54 46 L68 32" fill="none" stroke="C" stroke-width="4" stroke-linecap="round" />`,
  Jeunesse: `
    <path d="M50 10 L76 40 L50 70 L24 40Z" fill="C" />
    <path d="M50 10 L50 70 M24 40 L76 40" stroke="#fff" stroke-width="3" />
    <path d="M50 70 C44 78 58 82 50 90" fill="none" stroke="C" stroke-width="4" stroke-linecap="round" />`,
  'Santé et bien-être': `
    <path d="M40 16 H60 V40 H84 V60 H60 V84 H40 V60 H16 V40 H40Z" fill="C" stroke="C" stroke-width="4"
      stroke-linejoin="round" />`,
  Habitat: `
    <path d="M14 48 L50 18 L86 48" fill="none" stroke="C" stroke-width="6" stroke-linecap="round"
      stroke-linejoin="round" />
    <path d="M24 44 L24 84 L76 84 L76 44 L50 24Z" fill="C" />
    <rect x="43" y="60" width="14" height="24" fill="#fff" /><rect x="30" y="52" width="10" height="10" fill="#fff" />`,
};

function gear(): string {
  const teeth = 8;
  const points: string[] = [];
  for (let i = 0; i < teeth * 4; i++) {
    const angle = (i / (teeth * 4)) * Math.PI * 2;
    const radius = i % 4 < 2 ? 40 : 30;
    points.push(
      `${(50 + radius * Math.cos(angle)).toFixed(1)},${(50 + radius * Math.sin(angle)).toFixed(1)}`,
    );
  }
  return `<polygon points="${points.join(' ')}" fill="C" /><circle cx="50" cy="50" r="13" fill="#fff" />`;
}

type Landscape = 'coast' | 'mining' | 'fields';

/** What a resident of each territory would recognise: the sea, the slag heaps, or rolling fields. */
const territoryLandscape: Record<string, Landscape> = {
  boulonnais: 'coast',
  calaisis: 'coast',
  'montreuillois-ternois': 'coast',
  'lens-lievin': 'mining',
  'henin-carvin': 'mining',
  arrageois: 'fields',
  artois: 'fields',
  audomarois: 'fields',
};

/** Small deterministic generator: the same project always gets the same picture. */
function seededRandom(seed: string): () => number {
  let state = createHash('sha256').update(seed).digest().readUInt32LE(0);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mix(hex: string, toward: string, amount: number): string {
  const channel = (h: string, i: number): number => parseInt(h.slice(1 + 2 * i, 3 + 2 * i), 16);
  const out = [0, 1, 2].map((i) =>
    Math.round(channel(hex, i) + (channel(toward, i) - channel(hex, i)) * amount)
      .toString(16)
      .padStart(2, '0'),
  );
  return `#${out.join('')}`;
}

const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function landscape(kind: Landscape, colour: string, random: () => number): string {
  const far = mix(colour, '#ffffff', 0.45);
  const near = mix(colour, '#000000', 0.15);
  const W = IMAGE_WIDTH;
  const H = IMAGE_HEIGHT;
  if (kind === 'coast') {
    const waves: string[] = [];
    for (let row = 0; row < 3; row++) {
      const y = H - 70 + row * 24;
      const phase = random() * 60;
      let d = `M${-phase} ${y}`;
      for (let x = -phase; x < W + 60; x += 60) d += ` q15 -10 30 0 t30 0`;
      waves.push(
        `<path d="${d} L${W} ${H} L0 ${H}Z" fill="${row === 2 ? near : far}" opacity="${0.55 + row * 0.2}" />`,
      );
    }
    return waves.join('');
  }
  if (kind === 'mining') {
    const x1 = 40 + random() * 120;
    const x2 = 280 + random() * 140;
    const h1 = 90 + random() * 40;
    const h2 = 60 + random() * 40;
    const heap = (x: number, h: number, fill: string): string =>
      `<path d="M${x - h * 1.4} ${H} L${x - 8} ${H - h} Q${x} ${H - h - 6} ${x + 8} ${H - h} L${x + h * 1.4} ${H}Z" fill="${fill}" />`;
    return `${heap(x1, h1, far)}${heap(x2, h2, far)}<rect x="0" y="${H - 34}" width="${W}" height="34" fill="${near}" />`;
  }
  const y1 = H - 70 - random() * 30;
  const y2 = H - 40 - random() * 20;
  return (
    `<path d="M0 ${y1} C${W * 0.3} ${y1 - 40} ${W * 0.6} ${y1 + 30} ${W} ${y1 - 10} L${W} ${H} L0 ${H}Z" fill="${far}" />` +
    `<path d="M0 ${y2} C${W * 0.4} ${y2 + 20} ${W * 0.7} ${y2 - 30} ${W} ${y2} L${W} ${H} L0 ${H}Z" fill="${near}" />`
  );
}

export function projectSvg(
  project: { id: string; theme: string; territoryId: string },
  territoryName: string,
): string {
  const colour = themeColours[project.theme];
  const pictogram = pictograms[project.theme];
  if (!colour || !pictogram)
    throw new Error(`project ${project.id}: no colour or pictogram for theme ${project.theme}`);
  const random = seededRandom(project.id);
  const W = IMAGE_WIDTH;
  const H = IMAGE_HEIGHT;
  const bubbles = Array.from({ length: 5 }, () => {
    const r = 12 + random() * 40;
    return `<circle cx="${(random() * W).toFixed(0)}" cy="${(random() * H * 0.6).toFixed(0)}" r="${r.toFixed(0)}" fill="#ffffff" opacity="${(0.12 + random() * 0.18).toFixed(2)}" />`;
  }).join('');
  const cx = 150 + random() * 180;
  const cy = 118 + random() * 20;
  const tilt = (random() - 0.5) * 16;
  const label = escapeXml(territoryName);
  const labelWidth = 24 + label.length * 10.5;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">
  <defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">
    <stop offset="0" stop-color="${mix(colour, '#ffffff', 0.78)}" />
    <stop offset="1" stop-color="${mix(colour, '#ffffff', 0.5)}" />
  </linearGradient></defs>
  <rect width="${W}" height="${H}" fill="url(#sky)" />
  ${bubbles}
  ${landscape(territoryLandscape[project.territoryId] ?? 'fields', colour, random)}
  <circle cx="${cx.toFixed(0)}" cy="${cy.toFixed(0)}" r="84" fill="#ffffff" stroke="${mix(colour, '#000000', 0.1)}" stroke-width="4" />
  <g transform="translate(${(cx - 62).toFixed(0)} ${(cy - 62).toFixed(0)}) scale(1.24) rotate(${tilt.toFixed(1)} 50 50)">
    ${pictogram.replace(/"C"/g, `"${colour}"`)}
  </g>
  <rect x="14" y="${H - 50}" width="${labelWidth.toFixed(0)}" height="36" rx="18" fill="#ffffff" opacity="0.92" />
  <text x="${(14 + labelWidth / 2).toFixed(0)}" y="${H - 26}" text-anchor="middle" font-family="DejaVu Sans, sans-serif" font-size="18" font-weight="bold" fill="${mix(colour, '#000000', 0.45)}">${label}</text>
</svg>`;
}

async function main(): Promise<void> {
  const sample = SampleProjects.parse(JSON.parse(readFileSync(join(sampleDir, 'election.json'), 'utf8')));
  const territoryNames = new Map(sample.territories.map((t) => [t.id, t.name]));
  mkdirSync(imagesDir, { recursive: true });
  let total = 0;
  let largest = 0;
  for (const [index, project] of sample.projects.entries()) {
    const svg = projectSvg(project, territoryNames.get(project.territoryId) ?? project.territoryId);
    const webp = await sharp(Buffer.from(svg)).webp({ quality: 70, effort: 6 }).toBuffer();
    if (webp.length > MAX_IMAGE_BYTES)
      throw new Error(`${project.image}: ${webp.length} bytes, over the budget`);
    writeFileSync(join(imagesDir, project.image), webp);
    total += webp.length;
    largest = Math.max(largest, webp.length);
    process.stdout.write(`\r  image ${index + 1}/${sample.projects.length}  ${project.image.padEnd(48)}`);
  }
  const wanted = new Set(sample.projects.map((p) => p.image));
  const orphans = readdirSync(imagesDir).filter((f) => !wanted.has(f));
  console.log(
    `\n${sample.projects.length} images in ${imagesDir}: ${Math.round(total / 1024)} KB in all, ` +
      `largest ${Math.round(largest / 1024)} KB`,
  );
  if (orphans.length > 0) console.log(`not used by any project (delete them?): ${orphans.join(', ')}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) await main();
