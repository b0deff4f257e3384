/**
 * Last step of `npm run build`: bundles the central server's two commands into out/server/, and the
 * browser harness (the Linux counter kiosk of deploy/kiosk/) into out/harness/, with esbuild (Node, ESM,
 * npm packages left as imports), so they run with plain `node` without tsx. An entry whose source does
 * not exist yet is skipped with a note rather than failing the whole build.
 */
import { cpSync, existsSync } from 'node:fs';
import { build } from 'esbuild';

const entries = [
  { source: 'src/server/cli.ts', out: 'out/server/cli.js' },
  { source: 'src/server/verify/cli.ts', out: 'out/server/verify.js' },
  { source: 'src/main/harness/cli.ts', out: 'out/harness/cli.js' },
];

for (const entry of entries) {
  if (!existsSync(entry.source)) {
    console.log(`build-server: ${entry.source} absent, ignoré`);
    continue;
  }
  await build({
    entryPoints: [entry.source],
    outfile: entry.out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
  console.log(`build-server: ${entry.source} → ${entry.out}`);
}

// The kiosk core reads its migrations from a folder beside the running module when no Vite embedded
// them (src/main/core/migrations.ts): the harness bundle gets a copy.
if (existsSync('out/harness/cli.js')) {
  cpSync('src/main/core/migrations', 'out/harness/migrations', { recursive: true });
  console.log('build-server: src/main/core/migrations → out/harness/migrations');
}
