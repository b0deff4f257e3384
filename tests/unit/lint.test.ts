/**
 * The environment bans of eslint.config.js (STYLE §7) really bite: the kiosk core and the server cannot
 * load Electron in any spelling, while the Electron shell may. Linted in memory with the project's config.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function problems(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.line}:${m.ruleId ?? 'parse'}`);
}

const electronLoads = [
  "import { app } from 'electron';\nexport const x = app;\n",
  "import { app } from 'electron/main';\nexport const x = app;\n",
  "export const x = (): Promise<unknown> => import('electron');\n",
  "import { createRequire } from 'node:module';\nexport const x = createRequire(import.meta.url)('electron');\n",
];

describe('no Electron outside the shell', () => {
  for (const file of ['src/main/core/probe.ts', 'src/main/core/sync/probe.ts', 'src/server/probe.ts']) {
    it(`refuses every way of loading electron in ${file}`, async () => {
      for (const code of electronLoads) {
        const found = await problems(code, file);
        expect(
          found.some((p) => /no-restricted-(imports|syntax)$/.test(p)),
          code,
        ).toBe(true);
      }
    });
  }

  it('lets the shell import it, the core load other modules, and the harness find its path', async () => {
    expect(
      await problems(
        "import { createRequire } from 'node:module';\nexport const x = createRequire(import.meta.url).resolve('electron/package.json');\n",
        'src/main/harness/probe.ts',
      ),
    ).toEqual([]);
    expect(await problems(electronLoads[0] ?? '', 'src/main/electron/probe.ts')).toEqual([]);
    expect(
      await problems(
        "import { createRequire } from 'node:module';\nexport const x = createRequire(import.meta.url)('better-sqlite3');\n",
        'src/main/core/probe.ts',
      ),
    ).toEqual([]);
  });
});
