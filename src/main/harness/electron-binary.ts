/**
 * Where the Electron executable is, found without `require('electron')`: that package's index.js starts a
 * download when the binary is missing, which cannot work on a machine without internet. Used by the demo
 * and the Electron e2e test to choose between Electron and the browser harness.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type ElectronBinary = { path: string } | { missing: string };

export function findElectronBinary(env: Record<string, string | undefined> = process.env): ElectronBinary {
  let pkgDir: string;
  try {
    pkgDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { missing: 'the electron package is not installed' };
  }
  const pathFile = join(pkgDir, 'path.txt');
  if (!existsSync(pathFile))
    return { missing: `${pathFile} does not exist (the postinstall download never ran)` };
  const relative = readFileSync(pathFile, 'utf8').trim();
  const override = env['ELECTRON_OVERRIDE_DIST_PATH'];
  const binary = override ? join(override, relative) : join(pkgDir, 'dist', relative);
  return existsSync(binary) ? { path: binary } : { missing: `${binary} does not exist` };
}
