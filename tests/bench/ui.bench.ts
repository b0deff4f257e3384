/**
 * `npm run bench:ui`: what the voter's screen costs, as JSON on stdout (progress on stderr), beside the
 * kiosk bench. Needs the built renderer and generated data (`npm run build`).
 *
 * 1. Renderer JavaScript, gzip (out/renderer/assets/*.js; fonts and images excluded): target ≤ 250 KB.
 * 2. Largest image of the sample package (resources/sample/images): target ≤ 150 KB, modern format.
 * 3. Tap on a card's "Choisir" → the selection painted, p95 over 100 real touch taps in Chromium through
 *    the browser harness (target ≤ 100 ms). Measured in the page: from the touch event's timeStamp to the
 *    first frame after the button's aria-pressed changed (requestAnimationFrame, then a task after the
 *    paint). Beside it, the same tap on a bare DOM button on the same page in the same run: the ratio
 *    says what React and the stores add, whatever the machine's load.
 * 4. Welcome screen painted after load: first contentful paint and the frame where "Je vote" is on
 *    screen, median of 10 loads.
 * Nothing here asserts a time: the figures are reported with their targets.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from '@playwright/test';
import { SingleBar } from 'cli-progress';
import { openKiosk } from '../../src/main/core/kiosk';
import { provisionFrom } from '../../src/main/core/provision';
import { startHarness } from '../../src/main/harness/server';
import { chromiumPath } from '../../playwright.config';

const TAPS = Number(process.env['BENCH_TAPS'] ?? 100);
const LOADS = 10;
const rendererAssets = resolve('out/renderer/assets');
const imagesDir = resolve('resources/sample/images');

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};
const round = (n: number, digits = 1): number => Number(n.toFixed(digits));

function bundleSize(): { files: number; rawBytes: number; gzipBytes: number } {
  const files = readdirSync(rendererAssets).filter((f) => f.endsWith('.js'));
  let rawBytes = 0;
  let gzipBytes = 0;
  for (const file of files) {
    const bytes = readFileSync(join(rendererAssets, file));
    rawBytes += bytes.length;
    gzipBytes += gzipSync(bytes, { level: 9 }).length;
  }
  return { files: files.length, rawBytes, gzipBytes };
}

function largestImage(): { file: string; bytes: number; format: string; count: number } {
  const files = readdirSync(imagesDir).filter((f) => /\.(webp|avif|png|jpe?g)$/i.test(f));
  let best = { file: '', bytes: 0 };
  for (const file of files) {
    const bytes = statSync(join(imagesDir, file)).size;
    if (bytes > best.bytes) best = { file, bytes };
  }
  return { ...best, format: extname(best.file).slice(1).toLowerCase(), count: files.length };
}

/**
 * Installs the in-page probe: a capturing touchstart listener keeps the event's timeStamp; the caller's
 * target mutation then waits for the next frame and a task after it (the paint), and stores the delay.
 */
async function installProbe(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __tapStart: number; __delays: number[]; __watch: (el: Element) => void };
    w.__delays = [];
    w.__tapStart = 0;
    document.addEventListener('touchstart', (e) => (w.__tapStart = e.timeStamp), { capture: true });
    w.__watch = (el: Element) => {
      const observer = new MutationObserver(() => {
        observer.disconnect();
        requestAnimationFrame(() => {
          setTimeout(() => w.__delays.push(performance.now() - w.__tapStart), 0);
        });
      });
      observer.observe(el, { attributes: true, attributeFilter: ['aria-pressed'] });
    };
  });
}

async function tapSeries(page: Page, selector: string, label: string): Promise<number[]> {
  const bar = new SingleBar({
    format: `${label.padEnd(16)} [{bar}] {value}/{total}`,
    stream: process.stderr,
    hideCursor: true,
    noTTYOutput: true,
    notTTYSchedule: 2000,
  });
  bar.start(TAPS, 0);
  const target = page.locator(selector).first();
  for (let i = 0; i < TAPS; i++) {
    await target.evaluate((el) => (window as unknown as { __watch: (e: Element) => void }).__watch(el));
    const before = await page.evaluate(() => (window as unknown as { __delays: number[] }).__delays.length);
    await target.tap();
    await page.waitForFunction(
      (n) => (window as unknown as { __delays: number[] }).__delays.length > n,
      before,
    );
    bar.increment();
  }
  bar.stop();
  return page.evaluate(() => (window as unknown as { __delays: number[] }).__delays.splice(0));
}

async function main(): Promise<void> {
  const bundle = bundleSize();
  const image = largestImage();

  const dir = mkdtempSync(join(tmpdir(), 'isoloir-bench-ui-'));
  const generated = provisionFrom(resolve('resources/generated'), 'Banc UI');
  const kiosk = openKiosk({
    dbPath: join(dir, 'kiosk.sqlite'),
    provision: generated.provision,
    ...(generated.communesPath ? { communesPath: generated.communesPath } : {}),
  });
  const harness = await startHarness({ kiosk, rendererDir: resolve('out/renderer') });
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  try {
    // 4. Welcome screen after load, each in a fresh context (cold cache).
    const fcp: number[] = [];
    const welcome: number[] = [];
    process.stderr.write(`loads: ${LOADS} fresh page loads\n`);
    for (let i = 0; i < LOADS; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.addInitScript(() => {
        const w = window as unknown as { __welcome: number };
        const observer = new MutationObserver(() => {
          const found = Array.from(document.querySelectorAll('button')).some(
            (b) => b.textContent === 'Je vote',
          );
          if (found) {
            observer.disconnect();
            requestAnimationFrame(() => setTimeout(() => (w.__welcome = performance.now()), 0));
          }
        });
        document.addEventListener('DOMContentLoaded', () =>
          observer.observe(document.body, { childList: true, subtree: true }),
        );
      });
      await page.goto(harness.url);
      await page.waitForFunction(() => (window as unknown as { __welcome?: number }).__welcome !== undefined);
      const timing = await page.evaluate(() => ({
        fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
        welcome: (window as unknown as { __welcome: number }).__welcome,
      }));
      fcp.push(timing.fcp);
      welcome.push(timing.welcome);
      await context.close();
    }

    // 3. Taps: a voter on the grid, then the same "Choisir" tapped on and off.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, hasTouch: true });
    const page = await context.newPage();
    await page.goto(harness.url);
    await page.getByRole('button', { name: 'Je vote' }).click();
    await page.getByRole('combobox', { name: 'Votre commune' }).fill('Arras');
    await page
      .getByRole('option', { name: /^Arras\b/ })
      .first()
      .click();
    await page.getByLabel('Jour').fill('14');
    await page.getByLabel('Mois').fill('07');
    await page.getByLabel('Année').fill('1962');
    await page.getByLabel('Votre nom de famille').fill('Banc');
    await page.getByLabel('Votre premier prénom').fill('Mesure');
    await page.getByRole('button', { name: 'Continuer' }).click();
    await page.getByRole('heading', { level: 1, name: 'Les projets' }).waitFor();
    await installProbe(page);
    const cardTaps = await tapSeries(page, 'li.card button.choose', 'card taps');
    // Baseline: a bare button in the same page, toggled by a plain listener.
    await page.evaluate(() => {
      const b = document.createElement('button');
      b.id = 'bench-baseline';
      b.textContent = 'baseline';
      b.setAttribute('aria-pressed', 'false');
      b.style.cssText = 'position:fixed;left:8px;bottom:8px;z-index:99;min-height:48px';
      b.addEventListener('click', () =>
        b.setAttribute('aria-pressed', b.getAttribute('aria-pressed') === 'true' ? 'false' : 'true'),
      );
      document.body.append(b);
    });
    const baseTaps = await tapSeries(page, '#bench-baseline', 'baseline taps');
    await context.close();

    const p95 = percentile(cardTaps, 95);
    const baseP95 = percentile(baseTaps, 95);
    const result = {
      bench: 'ui',
      at: new Date().toISOString(),
      rendererJs: {
        files: bundle.files,
        rawKB: round(bundle.rawBytes / 1024),
        gzipKB: round(bundle.gzipBytes / 1024),
        targetGzipKB: 250,
        withinTarget: bundle.gzipBytes <= 250 * 1024,
      },
      largestImage: {
        file: image.file,
        format: image.format,
        kB: round(image.bytes / 1024),
        images: image.count,
        targetKB: 150,
        withinTarget: image.bytes <= 150 * 1024 && ['webp', 'avif'].includes(image.format),
      },
      tapToPaint: {
        taps: cardTaps.length,
        p50Ms: round(percentile(cardTaps, 50)),
        p95Ms: round(p95),
        maxMs: round(Math.max(...cardTaps)),
        baselineP50Ms: round(percentile(baseTaps, 50)),
        baselineP95Ms: round(baseP95),
        ratioP95: round(p95 / baseP95, 2),
        targetP95Ms: 100,
        withinTarget: p95 <= 100,
      },
      welcomePaint: {
        loads: LOADS,
        fcpMedianMs: round(percentile(fcp, 50)),
        welcomeReadyMedianMs: round(percentile(welcome, 50)),
        welcomeReadyMaxMs: round(Math.max(...welcome)),
      },
    };
    const json = JSON.stringify(result, null, 2);
    mkdirSync('test-results', { recursive: true });
    writeFileSync('test-results/bench-ui.json', json + '\n');
    process.stdout.write(json + '\n');
  } finally {
    await browser.close();
    await harness.close();
    kiosk.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
