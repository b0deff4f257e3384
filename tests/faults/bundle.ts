/**
 * Child processes that fault tests start and kill many times are bundled once into one file each: tsx
 * would transform dozens of modules at every start (seconds each on a loaded 2-core machine). Bundles
 * sit under test-results/ (git-ignored) so that npm packages still resolve from the project's
 * node_modules, and the server's migrations from src/server/migrations (src/server/migrations.ts walks
 * up to them); a kiosk bundle gets a copy of the kiosk migrations beside it, where the core reads them
 * outside Vite (src/main/core/migrations.ts).
 */
import { cpSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';

const repoRoot = resolve(import.meta.dirname, '../..');

/** Bundles `entry` (a path from the repository's root) into `outfile`, Node ESM, packages external. */
export async function bundleScript(
  entry: string,
  outfile: string,
  options: { kioskMigrations?: boolean } = {},
): Promise<string> {
  mkdirSync(dirname(outfile), { recursive: true });
  await build({
    entryPoints: [join(repoRoot, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  });
  if (options.kioskMigrations)
    cpSync(join(repoRoot, 'src/main/core/migrations'), join(dirname(outfile), 'migrations'), {
      recursive: true,
    });
  return outfile;
}
