/**
 * Where the server's migrations (`src/server/migrations/NNNN-name.sql`) are found. The same code runs
 * from TypeScript source (tsx, vitest: this module sits beside the folder) and from the esbuild bundle
 * `out/server/cli.js` (the folder is then `src/server/migrations` under the package root): we walk up from
 * this module until one of the two places exists, so neither runner needs a trick of its own.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readMigrationsDir, type Migration } from '../shared/node/sqlite';

export function serverMigrationsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    for (const candidate of [join(dir, 'migrations'), join(dir, 'src', 'server', 'migrations')])
      if (existsSync(join(candidate, '0001-init.sql'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('server migrations folder (src/server/migrations) not found');
    dir = parent;
  }
}

export const serverMigrations = (): Migration[] => readMigrationsDir(serverMigrationsDir());
