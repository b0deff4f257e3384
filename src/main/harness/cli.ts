/**
 * `npm run harness`: the kiosk core behind the browser harness, for any Chromium on this machine.
 *
 *   npm run harness -- --db .demo/kiosk.sqlite --port 5180
 *
 * A kiosk with no keys opens on its setup screens (enrolment online or by USB), as on a counter.
 *
 * Prints the address to open (the secret is in its fragment, the voter screens' idle delays in its
 * query: --idle-seconds, 90 by default, then --countdown-seconds, 30); Ctrl+C stops it cleanly.
 * --receipt-printer says the kiosk prints receipts: the thank-you screen offers the browser's print.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { startKiosk, type Kiosk, type KioskOptions } from '../core/kiosk';
import { SyncSettingsError, syncOptionsFromSettings } from '../core/sync/settings';
import { defaultIdleDelays, idleDelaysFromSettings, idleQuery } from '../../shared/idle';
import { startHarness } from './server';
import { writeUrlFile } from './url-file';

const port = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('port: 0 à 65535');
  return n;
};

interface Flags {
  db: string;
  communes?: string;
  port: number;
  renderer: string;
  idleSeconds?: string;
  countdownSeconds?: string;
  backoffMax?: string;
  urlFile?: string;
  mediatorPin?: string;
  receiptPrinter?: boolean;
}

async function main(): Promise<void> {
  const program = new Command()
    .name('harness')
    .description('Kiosque isoloir dans un navigateur (127.0.0.1 uniquement)')
    .option('--db <file>', 'fichier SQLite du kiosque', process.env['ISOLOIR_DB'] ?? '.demo/kiosk.sqlite')
    .option('--communes <file>', 'liste des communes', process.env['ISOLOIR_COMMUNES'])
    .option('--port <n>', 'port (0 = au hasard)', port, Number(process.env['ISOLOIR_PORT'] ?? 0))
    .option('--renderer <dir>', 'interface construite', 'out/renderer')
    .option(
      '--idle-seconds <s>',
      'secondes sans toucher l’écran avant « Êtes-vous toujours là ? » (90 par défaut)',
      process.env['ISOLOIR_IDLE_SECONDS'],
    )
    .option(
      '--countdown-seconds <s>',
      'secondes de ce compte à rebours avant que le vote en cours soit effacé (30 par défaut)',
      process.env['ISOLOIR_COUNTDOWN_SECONDS'],
    )
    .option(
      '--backoff-max <secondes>',
      'attente maximale entre deux essais d’envoi (300 par défaut)',
      process.env['ISOLOIR_BACKOFF_MAX_S'],
    )
    .option(
      '--url-file <file>',
      'écrit l’adresse (avec son secret) dans ce fichier, mode 0600, au lieu de l’afficher',
      process.env['ISOLOIR_URL_FILE'],
    )
    .option(
      '--mediator-pin <pin>',
      'crée le compte « Médiateur démo » avec ce code (ou l’ouvre s’il existe) : clés ouvertes, prêt à voter',
      process.env['ISOLOIR_MEDIATOR_PIN'],
    )
    .option(
      '--receipt-printer',
      'le kiosque a une imprimante à reçus : « Imprimer mon reçu » ouvre l’impression du navigateur',
    )
    .parse();
  const flags = program.opts<Flags>();
  // The database, its journal and the address file: readable by this account only.
  process.umask(0o077);
  // Checked before anything opens: a wrong delay stops here, with the option's name.
  let delays = defaultIdleDelays;
  try {
    delays = idleDelaysFromSettings(flags, {
      idleSeconds: '--idle-seconds (ISOLOIR_IDLE_SECONDS)',
      countdownSeconds: '--countdown-seconds (ISOLOIR_COUNTDOWN_SECONDS)',
    });
  } catch (error) {
    program.error(error instanceof Error ? error.message : String(error));
  }

  const dbPath = resolve(flags.db);
  mkdirSync(dirname(dbPath), { recursive: true });
  const options: KioskOptions = {
    dbPath,
    log: (event, detail) => console.log(JSON.stringify({ event, ...detail })),
    // npm sets it from package.json when the harness runs as `npm run harness`.
    ...(process.env['npm_package_version'] ? { appVersion: process.env['npm_package_version'] } : {}),
    sync: syncOptionsFromSettings({ backoffMaxSeconds: flags.backoffMax }),
  };
  if (flags.communes) options.communesPath = resolve(flags.communes);
  if (flags.receiptPrinter) options.receiptPrinter = true;

  const started = startKiosk(options);
  // A damaged database: the screens still open, and show the mediator the start error.
  const kiosk = started.ok ? started.kiosk : null;
  if (!started.ok) console.error(`isoloir : le kiosque n’a pas pu démarrer : ${started.error.message}`);
  if (kiosk && flags.mediatorPin) await signInDemoMediator(kiosk, flags.mediatorPin);
  const harness = await startHarness({
    kiosk: { handlers: started.ok ? started.kiosk.handlers : started.handlers },
    rendererDir: resolve(flags.renderer),
    port: flags.port,
  });
  // The renderer reads the delays from the address's query; the secret stays in the fragment.
  const voterUrl = `${harness.origin}/${idleQuery(delays)}#token=${harness.token}`;
  const name = kiosk ? `Kiosque ${kiosk.kioskId} prêt` : 'Kiosque en panne, l’écran dit quoi faire';
  if (flags.urlFile) console.log(`${name} : adresse écrite dans ${writeUrlFile(flags.urlFile, voterUrl)}`);
  else console.log(`\n${name}. Ouvrez dans Chromium :\n\n  ${voterUrl}\n`);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    harness
      .close()
      .finally(() => kiosk?.close())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/**
 * What a mediator does at the kiosk, through the same API: the first account at first start, else
 * unlocking it. Opens the kiosk's keys, so a demo or a test can vote at once.
 */
async function signInDemoMediator(kiosk: Kiosk, pin: string): Promise<void> {
  const name = 'Médiateur démo';
  const status = await kiosk.handlers.mediatorStatus({});
  if (!status.ok) throw new Error(status.error.message);
  const account = status.value.accounts.find((a) => a.name === name);
  const opened = account
    ? await kiosk.handlers.unlockMediator({ accountId: account.id, pin })
    : await kiosk.handlers.createFirstMediator({ name, pin });
  if (!opened.ok) throw new Error(`${name} : ${opened.error.message}`);
}

main().catch((error: unknown) => {
  // A settings problem has a French message saying what to do; the rest, a stack.
  console.error(error instanceof SyncSettingsError ? error.message : error);
  process.exit(1);
});
