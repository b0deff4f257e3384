/**
 * `npm test`: build, type-check, then every Vitest and Playwright test, even when an earlier stage
 * failed, so one run shows everything. Prints a last line `N passed, N failed` summed from the two JSON
 * reports, and exits non-zero when anything failed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const run = (cmd: string, args: string[]): boolean =>
  spawnSync(cmd, args, { stdio: 'inherit', env: process.env }).status === 0;

rmSync('test-results/vitest.json', { force: true });
rmSync('test-results/playwright.json', { force: true });
mkdirSync('test-results', { recursive: true });

let stagesFailed = 0;
for (const [name, args] of [
  ['build', ['run', 'build']],
  ['typecheck', ['run', 'typecheck']],
] as const) {
  if (!run('npm', [...args])) {
    console.error(`\n✗ ${name} failed`);
    stagesFailed++;
  }
}
const unitOk = run('npx', ['vitest', 'run']);
const e2eOk = run('npx', ['playwright', 'test']);

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

function vitestCounts(): Counts | null {
  if (!existsSync('test-results/vitest.json')) return null;
  const r = JSON.parse(readFileSync('test-results/vitest.json', 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
  };
  return { passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests + r.numTodoTests };
}

function playwrightCounts(): Counts | null {
  if (!existsSync('test-results/playwright.json')) return null;
  const r = JSON.parse(readFileSync('test-results/playwright.json', 'utf8')) as {
    stats: { expected: number; unexpected: number; flaky: number; skipped: number };
  };
  return { passed: r.stats.expected + r.stats.flaky, failed: r.stats.unexpected, skipped: r.stats.skipped };
}

const v = vitestCounts();
const p = playwrightCounts();
// A runner that could not even write its report counts as one failure, never as zero.
const passed = (v?.passed ?? 0) + (p?.passed ?? 0);
const failed =
  (v?.failed ?? 1) +
  (p?.failed ?? 1) +
  stagesFailed +
  (unitOk || (v?.failed ?? 0) > 0 ? 0 : 1) +
  (e2eOk || (p?.failed ?? 0) > 0 ? 0 : 1);
const skipped = (v?.skipped ?? 0) + (p?.skipped ?? 0);
console.log(
  `\nvitest: ${JSON.stringify(v)}  playwright: ${JSON.stringify(p)}  stages failed: ${stagesFailed}`,
);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed === 0 ? 0 : 1);
