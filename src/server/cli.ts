/**
 * The central server's command line: `npm run server -- <command> --data <dir>`, or
 * `node out/server/cli.js <command> --data <dir>` after `npm run build`. Results go to stdout, progress
 * bars and errors to stderr; a failing command exits non-zero with a French message and no stack.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { countingSettings, DB_FILE, initDataDir, openDataDir, setAdminPassword } from './datadir';
import { registerOperationsCommands } from './cli-ops';
import { registerTrustCommands } from './cli-trust';
import { createEnrolmentCode, DEFAULT_CODE_HOURS, revokeKiosk } from './enrolment';
import { auditBundleLines, pabulibExportLines, writeLines } from './exports';
import { currentElection } from './election';
import { importFolder } from './import';
import { progressBar } from './progress';
import { publicationOf, refusalNow, servedResults } from './publication';
import { publishPackage } from './publish';
import { startServer } from './serve';
import { proxyAddress, startupSummary } from './startup';
import { TallyCache } from './tally-cache';

class CliError extends Error {}

const LIVE_HELP = 'démonstration : lève l’embargo sur les résultats avant la clôture (chaque page le dit)';

/** Why an export of choices is refused now (before the close, embargo not lifted), or null. */
function exportEmbargo(store: Parameters<typeof currentElection>[0], liveResults: boolean): string | null {
  const election = currentElection(store);
  if (!election) return null;
  const refusal = refusalNow(election.pkg.closesAt, liveResults);
  return refusal ? `${refusal.code} : ${refusal.message}` : null;
}

// Recorded in the data folder once given, and used from then on by every command and the audit bundle.
const THRESHOLD_HELP =
  'sous-totaux par borne masqués sous ce nombre (enregistré ; défaut : la valeur enregistrée, sinon 10)';

const dataOption = () => new Option('--data <dir>', 'dossier de données du serveur').makeOptionMandatory();

const positiveInt = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new CliError(`${name} : entier positif attendu (« ${value} »).`);
  return n;
};

function withData<T>(dir: string, fn: (data: ReturnType<typeof openDataDir>) => T): T {
  const data = openDataDir(dir);
  try {
    return fn(data);
  } finally {
    data.store.close();
  }
}

export function buildCli(): Command {
  const program = new Command('isoloir-server')
    .description('Serveur central de dépouillement isoloir')
    .showHelpAfterError()
    .exitOverride();

  program
    .command('init')
    .description('crée le dossier de données, la clé d’autorité et le mot de passe administrateur')
    .addOption(dataOption())
    .action((opts: { data: string }) => {
      const { password, authorityPublicKey } = initDataDir(opts.data);
      console.log(`Dossier initialisé : ${opts.data}`);
      console.log(`Clé publique d’autorité : ${authorityPublicKey}`);
      console.log('Mot de passe administrateur (affiché une seule fois, notez-le) :');
      console.log(password);
    });

  program
    .command('admin-password')
    .description('remplace le mot de passe administrateur (nouveau mot de passe affiché une seule fois)')
    .addOption(dataOption())
    .action((opts: { data: string }) =>
      withData(opts.data, ({ store }) => {
        const password = randomBytes(15).toString('base64url');
        setAdminPassword(store, password);
        console.log('Nouveau mot de passe administrateur (affiché une seule fois, notez-le) :');
        console.log(password);
      }),
    );

  program
    .command('election')
    .description('élections')
    .command('publish <package>')
    .description('valide, signe et publie un paquet d’élection (JSON)')
    .addOption(dataOption())
    .action((file: string, opts: { data: string }) =>
      withData(opts.data, ({ store, authority }) => {
        let value: unknown;
        try {
          value = JSON.parse(readFileSync(file, 'utf8')) as unknown;
        } catch {
          throw new CliError(`Fichier illisible ou JSON invalide : ${file}`);
        }
        const published = publishPackage(store, authority, value, new Date());
        if (!published.ok) throw new CliError(published.error.message);
        const { electionId, outcome } = published.value;
        console.log(
          `Élection ${electionId} ${{ published: 'publiée', replaced: 'republiée', revised: 'corrigée' }[outcome]} et signée.`,
        );
        if (published.value.outcome === 'revised') {
          const { report } = published.value;
          console.log(`Révision ${report.fromRevision} → ${report.toRevision} ; changements :`);
          for (const c of report.changes) console.log(`  ${c.path} (${c.kind})`);
        }
      }),
    );

  program
    .command('enrol-code')
    .description('crée un code d’inscription à usage unique (affiché en dernière ligne)')
    .addOption(dataOption())
    .requiredOption('--label <text>', 'nom du lieu de la borne')
    .option('--expires <hours>', 'validité en heures', positiveInt('--expires'), DEFAULT_CODE_HOURS)
    .action((opts: { data: string; label: string; expires: number }) =>
      withData(opts.data, ({ store }) => {
        const created = createEnrolmentCode(store, opts.label, opts.expires, new Date());
        if (!created.ok) throw new CliError(created.error.message);
        console.log(
          `Code d’inscription pour « ${opts.label} », valable jusqu’au ${created.value.expiresAt} :`,
        );
        console.log(created.value.code);
      }),
    );

  program
    .command('kiosk')
    .description('bornes inscrites')
    .command('revoke <kioskId>')
    .description('révoque une borne : ses envois suivants sont refusés, ses lots déjà reçus restent')
    .addOption(dataOption())
    .action((kioskId: string, opts: { data: string }) =>
      withData(opts.data, ({ store }) => {
        const revoked = revokeKiosk(store, kioskId);
        if (!revoked.ok) throw new CliError(revoked.error.message);
        const { label } = revoked.value;
        console.log(
          revoked.value.alreadyRevoked
            ? `La borne « ${label} » (${revoked.value.kioskId}) était déjà révoquée.`
            : `Borne « ${label} » (${revoked.value.kioskId}) révoquée : ses envois sont désormais refusés ; ses lots déjà reçus restent tels quels.`,
        );
      }),
    );

  program
    .command('serve')
    .description('sert l’API et les pages web')
    .addOption(dataOption())
    .option('--host <host>', 'adresse d’écoute', '127.0.0.1')
    .option('--port <port>', 'port', positiveInt('--port'), 8080)
    .option('--tls-cert <file>', 'certificat TLS (PEM)')
    .option('--tls-key <file>', 'clé TLS (PEM)')
    .option('--trust-proxy <ip>', 'adresse IP du proxy inverse dont on croit X-Forwarded-For et -Proto')
    .option('--body-limit <bytes>', 'taille maximale d’une requête', positiveInt('--body-limit'))
    .option('--threshold <n>', THRESHOLD_HELP, positiveInt('--threshold'))
    .option('--live-results', LIVE_HELP)
    .option(
      '--enrol-per-minute <n>',
      'inscriptions permises par minute et par adresse IP',
      positiveInt('--enrol-per-minute'),
      10,
    )
    .option(
      '--silent-after <minutes>',
      'borne signalée muette après ce silence pendant sa journée ouverte',
      positiveInt('--silent-after'),
      60,
    )
    .option(
      '--public-url <url...>',
      'adresse(s) publique(s) du serveur : une inscription signée pour une autre adresse est refusée',
    )
    .addOption(
      new Option('--log-level <level>', 'journal (pino)')
        .choices(['debug', 'info', 'warn', 'error'])
        .default('info'),
    )
    .action(
      async (opts: {
        logLevel: string;
        enrolPerMinute: number;
        data: string;
        host: string;
        port: number;
        tlsCert?: string;
        tlsKey?: string;
        trustProxy?: string;
        bodyLimit?: number;
        threshold?: number;
        silentAfter: number;
        publicUrl?: string[];
        liveResults?: boolean;
      }) => {
        if (Boolean(opts.tlsCert) !== Boolean(opts.tlsKey))
          throw new CliError('--tls-cert et --tls-key vont ensemble.');
        const trustProxy = opts.trustProxy === undefined ? undefined : proxyAddress(opts.trustProxy);
        if (trustProxy === null)
          throw new CliError(`--trust-proxy : une seule adresse IP attendue (« ${opts.trustProxy ?? ''} »).`);
        const server = await startServer(opts.data, {
          host: opts.host,
          port: opts.port,
          ...(opts.tlsCert ? { tlsCert: opts.tlsCert } : {}),
          ...(opts.tlsKey ? { tlsKey: opts.tlsKey } : {}),
          ...(trustProxy ? { trustProxy } : {}),
          ...(opts.bodyLimit ? { bodyLimit: opts.bodyLimit } : {}),
          kioskSubtotalThreshold: opts.threshold,
          enrolPerMinute: opts.enrolPerMinute,
          silentAfterMinutes: opts.silentAfter,
          ...(opts.publicUrl ? { serverUrls: opts.publicUrl } : {}),
          liveResults: opts.liveResults === true,
          logger: { level: opts.logLevel },
        });
        if (opts.liveResults)
          console.log(
            'Démonstration : résultats affichés pendant le vote (--live-results), sur chaque page.',
          );
        console.log(`isoloir : serveur central à l’écoute sur ${server.url}`);
        const summary = startupSummary(
          server.data.store,
          { url: server.url, dataDir: opts.data, trustProxy },
          new Date(),
        );
        server.app.log.info(summary, 'server started');
        const stop = () => {
          void server.close().then(() => process.exit(0));
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      },
    );

  program
    .command('import <folder>')
    .description('importe les fichiers de lots d’une clé USB, dans l’ordre des numéros')
    .addOption(dataOption())
    .action((folder: string, opts: { data: string }) =>
      withData(opts.data, ({ store, authority }) => {
        const bar = progressBar('Import');
        const summary = importFolder(store, authority, folder, {
          onProgress: (done, total) => bar.update(done, total),
        });
        bar.stop();
        console.log(
          `${summary.files} fichier(s) : ${summary.accepted} accepté(s), ${summary.duplicate} doublon(s), ` +
            `${summary.refused.length} refusé(s).`,
        );
        for (const r of summary.refused) console.log(`  refusé ${r.file} : ${r.error} — ${r.message}`);
        if (summary.ignored.length) console.log(`  ignoré(s) : ${summary.ignored.join(', ')}`);
        if (summary.refused.length) process.exitCode = 2;
      }),
    );

  program
    .command('export-audit <file>')
    .description('écrit le paquet d’audit (JSON lines) pour un recomptage indépendant')
    .addOption(dataOption())
    .option('--live-results', LIVE_HELP)
    .action(async (file: string, opts: { data: string; liveResults?: boolean }) => {
      const data = openDataDir(opts.data);
      const embargo = exportEmbargo(data.store, opts.liveResults === true);
      data.store.close(); // the export opens its own snapshot connection
      if (embargo) throw new CliError(embargo);
      const bar = progressBar('Export');
      const bytes = await writeLines(
        file,
        auditBundleLines(join(opts.data, DB_FILE), data.authority, new Date(), {
          onProgress: (done, total) => bar.update(done, total),
        }),
      );
      bar.stop();
      console.log(`Paquet d’audit écrit : ${file} (${bytes} octets).`);
    });

  program
    .command('export-pb <file>')
    .description('écrit les bulletins au format Pabulib (.pb), mélangés et renumérotés')
    .addOption(dataOption())
    .option('--live-results', LIVE_HELP)
    .action(async (file: string, opts: { data: string; liveResults?: boolean }) => {
      const { store } = openDataDir(opts.data);
      const embargo = exportEmbargo(store, opts.liveResults === true);
      store.close();
      if (embargo) throw new CliError(embargo);
      const bar = progressBar('Export');
      const bytes = await writeLines(
        file,
        pabulibExportLines(join(opts.data, DB_FILE), {
          onProgress: (done, total) => bar.update(done, total),
        }),
      );
      bar.stop();
      console.log(`Fichier Pabulib écrit : ${file} (${bytes} octets).`);
    });

  program
    .command('results')
    .description('affiche les résultats')
    .addOption(dataOption())
    .option('--json', 'au format JSON (celui de GET /api/v1/results)')
    .option('--live-results', LIVE_HELP)
    .action((opts: { data: string; json?: boolean; liveResults?: boolean }) =>
      withData(opts.data, ({ store }) => {
        const { kioskSubtotalThreshold } = countingSettings(store);
        const results = new TallyCache(store, { kioskSubtotalThreshold }).results();
        const election = currentElection(store);
        if (!results || !election) throw new CliError('Aucune élection publiée.');
        const served = servedResults(
          results,
          publicationOf(election.pkg.closesAt, new Date(), opts.liveResults === true),
        );
        if (opts.json || served.embargoed) {
          console.log(JSON.stringify(served, null, 2));
          return;
        }
        console.log(
          `Élection ${results.electionId} : ${results.ballots} bulletin(s), ${results.participations} participation(s)`,
        );
        if (results.duplicateParticipations)
          console.log(`Participations en double : ${results.duplicateParticipations}`);
        results.projects.forEach((p, i) =>
          console.log(`${String(i + 1).padStart(3)}. ${p.title} — ${p.votes} voix`),
        );
        const { greedy, mes } = results.allocation;
        console.log(
          `Financés (règle du Département) : ${greedy.funded.join(', ') || '—'} (${greedy.spent} €)`,
        );
        console.log(`Financés (parts égales) : ${mes.funded.join(', ') || '—'} (${mes.spent} €)`);
      }),
    );

  registerOperationsCommands(program);
  registerTrustCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildCli().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version') return 0;
    if (typeof code === 'string' && code.startsWith('commander.')) return 1; // commander printed it
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
}

const invokedDirectly = (() => {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
})();
if (invokedDirectly) {
  // `results | head`: the reader has gone, so stop quietly as Unix tools do, not with a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(0);
  });
  void main(process.argv).then((code) => {
    // `serve` keeps running; every other command ends here.
    if (code !== 0) process.exit(code);
  });
}
