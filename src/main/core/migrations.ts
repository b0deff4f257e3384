/**
 * The kiosk's own migrations (./migrations/NNNN-name.sql), found wherever the code runs:
 * - in a Vite build (electron-vite main bundle, and vitest) the files are embedded at build time by
 *   `import.meta.glob(…, { query: '?raw' })`, so the bundle carries its SQL and needs no folder beside it;
 * - under plain Node/tsx (`npm run harness`, the crash test's child, the benchmark) there is no Vite:
 *   `import.meta.env` is undefined there, so the files are read from disk next to this module.
 * A new migration file is picked up by both paths without any edit here.
 */
import { fileURLToPath } from 'node:url';
import { migrationsFromFiles, readMigrationsDir, type Migration } from '../../shared/node/sqlite';

/** The parts of Vite's `import.meta` used here; absent (undefined) under plain Node. */
interface ViteImportMeta {
  env?: unknown;
  glob?: (
    pattern: string,
    options: { query: '?raw'; import: 'default'; eager: true },
  ) => Record<string, string>;
}

function embedded(): Record<string, string> | null {
  // Vite rewrites the literal `import.meta.glob(…)` call below into an object at build time; the guard
  // keeps plain Node from ever reaching it.
  if (!(import.meta as ViteImportMeta).env) return null;
  return (import.meta as unknown as Required<ViteImportMeta>).glob('./migrations/*.sql', {
    query: '?raw',
    import: 'default',
    eager: true,
  });
}

export function kioskMigrations(): Migration[] {
  const files = embedded();
  if (files)
    return migrationsFromFiles(
      Object.entries(files).map(([path, sql]) => ({ fileName: path.slice(path.lastIndexOf('/') + 1), sql })),
    );
  return readMigrationsDir(fileURLToPath(new URL('./migrations/', import.meta.url)));
}
