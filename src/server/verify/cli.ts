/**
 * `npm run verify -- <bundle.jsonl> [--authority <key>]`: the observer's recount of an audit bundle.
 * Prints the French report on stdout, a progress bar on stderr, and exits 0 only when everything matches.
 */
import { Command } from 'commander';
import { SingleBar, Presets } from 'cli-progress';
import { formatReport, verifyBundle } from './verify';

const program = new Command()
  .name('isoloir-verify')
  .description("Recompte un lot d'audit isoloir sans le serveur / recounts an isoloir audit bundle")
  .argument('<bundle>', "fichier du lot d'audit (JSON lines)")
  .option('--authority <key>', "clé publique de l'autorité (base64url), publiée par le Département")
  .option('--quiet', 'sans barre de progression')
  .option('--json', 'rapport en JSON (machine-readable) au lieu du texte');

async function main(): Promise<number> {
  program.parse();
  const [bundle] = program.args;
  const opts = program.opts<{ authority?: string; quiet?: boolean; json?: boolean }>();
  if (!bundle) return 2;
  // Not a terminal (CI, a pipe): cli-progress then prints a plain line every few seconds instead.
  const bar = opts.quiet
    ? null
    : new SingleBar(
        {
          format: 'lecture {bar} {percentage}% | {value}/{total} octets',
          stream: process.stderr,
          noTTYOutput: !process.stderr.isTTY,
          notTTYSchedule: 5000,
        },
        Presets.shades_classic,
      );
  let started = false;
  try {
    const report = await verifyBundle(bundle, {
      authorityPublicKey: opts.authority,
      onProgress: (read, total) => {
        if (!bar) return;
        if (!started) {
          bar.start(total, 0);
          started = true;
        }
        bar.update(read);
      },
    });
    bar?.stop();
    process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    return report.ok ? 0 : 1;
  } catch (error) {
    bar?.stop();
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`Lecture impossible du lot : ${message}\n`);
    return 1;
  }
}

// `verify bundle | head`: the reader has gone. Drop the rest of the report quietly, but keep the
// verdict in the exit code (a script with `set -o pipefail` still sees a failed recount).
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

main().then(
  (code) => {
    process.exitCode = code;
  },
  () => {
    process.exitCode = 1;
  },
);
