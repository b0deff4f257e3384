/**
 * The installers' configuration (electron-builder.yml) against the built `out/` (`npm run build`, which
 * `npm test` runs first): loaded and schema-checked by electron-builder itself, then its file patterns
 * evaluated with electron-builder's own matcher over this checkout. Building the installers needs
 * Electron's binaries, which cannot be downloaded here: this is the part of packaging that can be
 * checked without them.
 */
import { existsSync, readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { getFileMatchers } from 'app-builder-lib/out/fileMatcher';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import type { Configuration } from 'app-builder-lib';
import { DebugLogger } from 'builder-util';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../../..');
const outDir = join(root, 'out');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  main: string;
  dependencies: Record<string, string>;
};

/**
 * electron-builder's own matcher for one of the configuration's file sets, as it filters the app folder
 * (paths relative to root). Only the set's main entry (from the app folder) is used: the others have a
 * `from` of their own and are checked apart.
 */
function matcher(set: 'files' | 'asarUnpack'): (relativePath: string) => boolean {
  const matchers = getFileMatchers(config, set, '', {
    macroExpander: (pattern) => pattern,
    customBuildOptions: config,
    globalOutDir: join(root, 'dist'),
    defaultSrc: root,
  });
  const main = matchers?.find((m) => m.from === root);
  if (!main) throw new Error(`electron-builder.yml: no ${set} patterns for the app folder`);
  const filter = main.createFilter();
  return (relativePath) => {
    const file = join(root, relativePath);
    return filter(file, statSync(file) as Stats & { moduleFullFilePath?: string });
  };
}

/** Every file under `dir` (relative to root), skipping dependencies and version control. */
function walk(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === '.git') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...walk(path));
    else if (entry.isFile()) found.push(relative(root, path));
  }
  return found;
}

let config: Configuration;
let packed: string[];

beforeAll(async () => {
  if (!existsSync(join(outDir, 'main')) || !existsSync(join(outDir, 'renderer'))) {
    throw new Error(`${outDir} is missing or incomplete: run \`npm run build\` first (npm test does).`);
  }
  config = await getConfig(root, null, null);
  const files = matcher('files');
  // What electron-builder would put in app.asar from this checkout (dependencies aside, added apart).
  packed = walk(root).filter((file) => files(file));
});

describe('electron-builder.yml', () => {
  it('passes electron-builder’s own schema check', { timeout: 60_000 }, async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('packs the file package.json names as main, which exists in out/', () => {
    expect(existsSync(join(root, pkg.main))).toBe(true);
    expect(packed).toContain(pkg.main);
    expect(packed).toContain('package.json');
  });

  it('packs every chunk the main bundle loads, the preload and the renderer', () => {
    for (const dir of ['out/main', 'out/preload', 'out/renderer']) {
      const built = walk(join(root, dir)).filter((f) => !f.endsWith('.map'));
      expect(built.length).toBeGreaterThan(0);
      for (const file of built) expect(packed, file).toContain(file);
    }
    expect(packed).toContain('out/renderer/index.html');
  });

  it('packs the preload as one CommonJS file that requires nothing but electron', () => {
    const preload = packed.filter((f) => f.startsWith('out/preload/'));
    expect(preload).toEqual(['out/preload/index.cjs']);
    const source = readFileSync(join(root, 'out/preload/index.cjs'), 'utf8');
    const required = [...source.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
    expect(source).not.toMatch(/^\s*(import|export)\s/m);
  });

  it('packs no database, key, certificate, test, source, demo data or source map', () => {
    const forbidden =
      /(\.sqlite(-wal|-shm)?|\.db|\.pem|\.key|\.map|\.tsbuildinfo)$|^(src|tests|scripts|\.demo|\.data|resources|test-results|dist|build|deploy|docs)\/|^out\/(server|harness|types)\/|demo-authority/;
    expect(packed.filter((f) => forbidden.test(f))).toEqual([]);
    // Only the three built folders and package.json: nothing else of the checkout slips in.
    expect(packed.filter((f) => !/^(out\/(main|preload|renderer)\/|package\.json$)/.test(f))).toEqual([]);
  });

  it('ships only the communes list as an extra resource, never the demo authority key', () => {
    const extra = (config.extraResources ?? []) as { from: string; to: string }[];
    expect(extra).toEqual([
      { from: 'resources/generated/communes-62.json', to: 'generated/communes-62.json' },
    ]);
    const linuxExtra = (config.linux?.extraResources ?? []) as { from: string }[];
    for (const { from } of linuxExtra) expect(existsSync(join(root, from)), from).toBe(true);
  });

  it('unpacks better-sqlite3’s native binary from the archive, and only native code', () => {
    expect(pkg.dependencies).toHaveProperty('better-sqlite3');
    const unpack = matcher('asarUnpack');
    const binary = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';
    expect(existsSync(join(root, binary)), `${binary} (npm ci builds it)`).toBe(true);
    expect(unpack(binary)).toBe(true);
    expect(unpack('node_modules/better-sqlite3/lib/database.js')).toBe(true);
    for (const file of packed) expect(unpack(file), file).toBe(false);
    expect(config.asar).not.toBe(false);
  });

  it('sets the Electron fuses', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
      enableCookieEncryption: true,
    });
  });

  it('builds AppImage and deb for Linux, a per-machine NSIS installer for Windows, both starting at login', () => {
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.win?.target).toEqual([{ target: 'nsis', arch: ['x64'] }]);
    expect(config.nsis?.perMachine).toBe(true);
    const include = config.nsis?.include;
    expect(typeof include).toBe('string');
    const nsh = readFileSync(join(root, include as string), 'utf8');
    expect(nsh).toMatch(/!macro customInstall[\s\S]*CurrentVersion\\Run/);
    expect(nsh).toMatch(/!macro customUnInstall[\s\S]*DeleteRegValue/);
    const afterInstall = readFileSync(join(root, config.deb?.afterInstall as string), 'utf8');
    expect(afterInstall).toContain('/etc/xdg/autostart/isoloir-kiosk.desktop');
    expect(afterInstall).toContain('chrome-sandbox');
  });
});
