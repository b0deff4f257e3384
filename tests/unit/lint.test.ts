/**
 * The import bans of eslint.config.js really bite. The environments (STYLE §7): the kiosk core and the
 * server cannot load Electron in any spelling, while the Electron shell may. The programs: each imports
 * only downward (`isoloir/layers`), one test per ban. Linted in memory with the project's config.
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

/** The rule each ban is reported by, for a synthetic `code` placed at `filePath`. */
async function layerProblems(code: string, filePath: string): Promise<string[]> {
  return (await problems(code, filePath)).filter((p) => p.endsWith(':isoloir/layers'));
}

describe('each program imports only downward', () => {
  it('the server cannot import the kiosk', async () => {
    const code = "import { openKiosk } from '../main/core/kiosk';\nexport const x = openKiosk;\n";
    expect(await layerProblems(code, 'src/server/probe.ts')).toEqual(['1:isoloir/layers']);
    expect(
      await layerProblems(
        "export const x = (): Promise<unknown> => import('../../main/core/store');\n",
        'src/server/web/probe.ts',
      ),
    ).toEqual(['1:isoloir/layers']);
    expect(
      await layerProblems(
        "import { openDatabase } from '../shared/node/sqlite';\nexport const x = openDatabase;\n",
        'src/server/probe.ts',
      ),
    ).toEqual([]);
  });

  it('the kiosk cannot import the server', async () => {
    const code = "export { ServerStore } from '../../server/store';\n";
    expect(await layerProblems(code, 'src/main/core/probe.ts')).toEqual(['1:isoloir/layers']);
    expect(
      await layerProblems(
        "import { startHarness } from './server';\nexport const x = startHarness;\n",
        'src/main/harness/probe.ts',
      ),
    ).toEqual([]);
  });

  it('no Node code imports the renderer', async () => {
    const code = "import type { Lang } from '../../renderer/src/i18n';\nexport type X = Lang;\n";
    for (const file of ['src/main/core/probe.ts', 'src/shared/node/probe.ts', 'src/server/web/probe.ts'])
      expect(await layerProblems(code, file), file).toEqual(['1:isoloir/layers']);
    expect(await layerProblems("import '../src/renderer/src/main';\n", 'scripts/probe.ts')).toEqual([
      '1:isoloir/layers',
    ]);
    expect(await layerProblems("import '../renderer/src/main';\n", 'src/preload/probe.ts')).toEqual([
      '1:isoloir/layers',
    ]);
    expect(
      await layerProblems(
        "import { parseApi } from '../../../shared/api';\nexport const x = parseApi;\n",
        'src/renderer/src/probe.ts',
      ),
    ).toEqual([]);
  });

  it('the Electron shell cannot import the harness', async () => {
    const code = "import { provisionFrom } from '../harness/provision';\nexport const x = provisionFrom;\n";
    expect(await layerProblems(code, 'src/main/electron/probe.ts')).toEqual(['1:isoloir/layers']);
    expect(
      await layerProblems(
        "import { openKiosk } from '../core/kiosk';\nexport const x = openKiosk;\n",
        'src/main/electron/probe.ts',
      ),
    ).toEqual([]);
  });
});
