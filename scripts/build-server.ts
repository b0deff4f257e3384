/**
 * Last step of `npm run build`: bundles the central server's two commands into out/server/ with esbuild
 * (Node, ESM, npm packages left as imports), so they run with plain `node` without tsx. An entry whose
 * source does not exist yet is skipped with a note rather than failing the whole build.
 */
import { existsSync } from 'node:fs';
import { build } from 'esbuild';

const entries = [
  { source: 'src/server/cli.ts', out: 'out/server/cli.js' },
  { source: 'src/server/verify/cli.ts', out: 'out/server/verify.js' },
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
