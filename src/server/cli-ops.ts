/**
 * The server's operations commands, registered on the CLI of `cli.ts`: building the election package
 * from the catalogue spreadsheet, database backup and restore, the authority key's escrow, the kiosk
 * backup key and recovery, and accepting a revoked kiosk's batches up to a seq. Results go to stdout,
 * progress to stderr; a failure throws an Error whose French message the CLI prints.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { verifyDocument } from '../shared/node/crypto';
import { DEFAULT_LATE_DELIVERY_HOURS } from '../shared/wire';
import { backupDatabase, restoreDatabase } from './backup';
import { buildCatalogue, formatProblem, type CatalogueOptions } from './catalogue';
import { DB_FILE, KEY_FILE, openDataDir } from './datadir';
import {
  ed25519PublicKeyOf,
  escrowFileText,
  MIN_PASSPHRASE_LENGTH,
  openAuthorityEscrow,
  sealAuthorityKey,
} from './escrow';
import { progressBar } from './progress';
import { openKioskBackup, recoverKioskBackup } from './recover';
import { ensureRecoveryKey, readRecoveryKey } from './recovery-key';
import { ServerStore } from './store';

const dataOption = () => new Option('--data <dir>', 'dossier de données du serveur').makeOptionMandatory();

const int = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} : entier positif attendu (« ${value} »).`);
  return n;
};

/** Writes a file under a temporary name, then renames it: never half a file under the final name. */
function writeAtomically(path: string, content: string, mode = 0o644): void {
  const partial = `${path}.partial`;
  writeFileSync(partial, content, { mode });
  renameSync(partial, path);
}

/** The escrow passphrase: from a file (first line) or ISOLOIR_ESCROW_PASSPHRASE, never an argument. */
function passphrase(file: string | undefined): string {
  const value = file
    ? (readFileSync(file, 'utf8').split(/\r?\n/)[0] ?? '')
    : (process.env.ISOLOIR_ESCROW_PASSPHRASE ?? '');
  if (value.length < MIN_PASSPHRASE_LENGTH)
    throw new Error(
      `Phrase secrète absente ou trop courte (${MIN_PASSPHRASE_LENGTH} caractères au moins) : ` +
        'donnez --passphrase-file <fichier> ou la variable ISOLOIR_ESCROW_PASSPHRASE.',
    );
  return value;
}

/**
 * `election build`'s options: the catalogue's own settings under their own names, and the flags whose
 * names differ from the catalogue's (files by path, `--id`, `--late-delivery`).
 */
type BuildOpts = Omit<
  CatalogueOptions,
  'projectsCsv' | 'imagesDir' | 'territoriesCsv' | 'base' | 'electionId' | 'lateDeliveryHours'
> & {
  projects: string;
  images: string;
  territories?: string;
  base?: string;
  id?: string;
  lateDelivery?: number;
  out: string;
};

export function registerOperationsCommands(program: Command): void {
  const election = program.commands.find((c) => c.name() === 'election') ?? program.command('election');
  election
    .command('build')
    .description('construit le paquet d’élection depuis le tableur des projets (CSV) et un dossier d’images')
    .requiredOption(
      '--projects <csv>',
      'projets : titre, résumé, description, territoire, thème, porteur, coût, image',
    )
    .requiredOption('--images <dir>', 'dossier des images nommées dans le CSV')
    .option(
      '--territories <csv>',
      'territoires (id, nom) ; défaut : ceux du paquet --base, sinon les 8 du 62',
    )
    .option('--base <json>', 'paquet dont garder les autres champs (règles, budget, carte des communes…)')
    .option('--id <electionId>', 'identifiant de l’élection')
    .option('--title <text>', 'titre de l’élection')
    .option('--budget <euros>', 'budget total en euros', int('--budget'))
    .option('--min-choices <n>', 'choix au moins (défaut 1)', int('--min-choices'))
    .option('--max-choices <n>', 'choix au plus (défaut 3)', int('--max-choices'))
    .option('--min-age <n>', 'âge minimum (défaut 11)', int('--min-age'))
    .option('--department <code>', 'département (défaut 62)')
    .option('--revision <n>', 'numéro de révision (correction d’un paquet publié)', int('--revision'))
    .option(
      '--late-delivery <hours>',
      `lots encore acceptés N heures après la clôture : dernier lot de chaque borne, clés USB apportées en retard (défaut ${DEFAULT_LATE_DELIVERY_HOURS}, soit 7 jours)`,
      int('--late-delivery'),
    )
    .requiredOption('--opens <AAAA-MM-JJ>', 'premier jour du vote (ouvre à 00:00, heure de Paris)')
    .requiredOption('--closes <AAAA-MM-JJ>', 'dernier jour du vote (ferme à 24:00, heure de Paris)')
    .requiredOption('--out <json>', 'fichier du paquet à écrire')
    .action((opts: BuildOpts) => {
      const { projects, images, territories, base: basePath, id, lateDelivery, out, ...settings } = opts;
      let base: Record<string, unknown> | undefined;
      if (basePath) {
        try {
          base = JSON.parse(readFileSync(basePath, 'utf8')) as Record<string, unknown>;
        } catch {
          throw new Error(`Paquet de base illisible ou JSON invalide : ${basePath}`);
        }
      }
      const built = buildCatalogue({
        ...settings,
        projectsCsv: projects,
        imagesDir: images,
        territoriesCsv: territories,
        base,
        electionId: id,
        lateDeliveryHours: lateDelivery,
      });
      if (!built.ok) {
        const problems = built.problems ?? [];
        throw new Error(
          `${problems.length || 1} problème(s), aucun paquet écrit :\n${problems.length ? problems.map(formatProblem).join('\n') : built.error.message}`,
        );
      }
      writeAtomically(out, `${JSON.stringify(built.value, null, 2)}\n`);
      const p = built.value;
      console.log(
        `Paquet ${p.electionId} écrit : ${out} (${p.projects.length} projets, du ${p.opensAt} au ${p.closesAt}).`,
      );
      console.log(`Publiez-le : election publish ${out} --data <dossier>`);
    });

  program
    .command('backup')
    .description(
      'sauvegarde la base pendant que le serveur tourne (API de sauvegarde de SQLite), sans les clés',
    )
    .addOption(dataOption())
    .requiredOption('--out <file>', 'fichier de sauvegarde à créer')
    .action(async (opts: { data: string; out: string }) => {
      const bar = progressBar('Sauvegarde');
      const done = await backupDatabase(opts.data, opts.out, { onProgress: (d, t) => bar.update(d, t) });
      bar.stop();
      if (!done.ok) throw new Error(done.error.message);
      const s = done.value;
      console.log(
        `Sauvegarde écrite : ${opts.out} (${s.bytes} octets, ${s.batches} lots, ${s.ballots} bulletins, ` +
          `schéma ${s.schemaVersion}, ${s.ms} ms, intégrité vérifiée). Les clés n’y sont pas.`,
      );
    });

  program
    .command('restore')
    .description('restaure une sauvegarde dans un dossier de données (serveur arrêté)')
    .requiredOption('--from <file>', 'fichier de sauvegarde')
    .addOption(dataOption())
    .option('--force', 'remplace la base existante (gardée à côté sous un autre nom)')
    .action((opts: { from: string; data: string; force?: boolean }) => {
      const restored = restoreDatabase(opts.from, opts.data, { force: opts.force === true });
      if (!restored.ok) throw new Error(restored.error.message);
      const r = restored.value;
      console.log(
        `Base restaurée dans ${opts.data} : ${r.kiosks} borne(s), ${r.batches} lot(s), ${r.ballots} bulletin(s).`,
      );
      if (r.previousKeptAs) console.log(`L’ancienne base est gardée : ${r.previousKeptAs}`);
      if (!existsSync(join(opts.data, KEY_FILE)))
        console.log(
          `Clé d’autorité absente : remettez-la (authority-escrow import <fichier> --data ${opts.data}) avant serve.`,
        );
      console.log('Les bornes renverront d’elles-mêmes les lots reçus après la sauvegarde.');
    });

  const escrow = program.command('authority-escrow').description('séquestre hors ligne de la clé d’autorité');
  escrow
    .command('export')
    .description('écrit la clé d’autorité scellée par une phrase secrète (à imprimer ou garder hors ligne)')
    .addOption(dataOption())
    .requiredOption('--out <file>', 'fichier à écrire')
    .option('--passphrase-file <file>', 'fichier dont la première ligne est la phrase secrète')
    .action((opts: { data: string; out: string; passphraseFile?: string }) => {
      openDataDir(opts.data).store.close(); // checks the folder and its key
      const keys = readAuthorityKeyFile(readFileSync(join(opts.data, KEY_FILE), 'utf8'));
      if (existsSync(opts.out)) throw new Error(`${opts.out} existe déjà.`);
      const line = sealAuthorityKey(keys, passphrase(opts.passphraseFile));
      writeAtomically(opts.out, escrowFileText(line, keys.publicKey, new Date()), 0o600);
      console.log(`Clé d’autorité scellée : ${opts.out}. Ligne à garder (ou en QR code) :`);
      console.log(line);
    });
  escrow
    .command('import <file>')
    .description('remet la clé d’autorité depuis un séquestre dans le dossier de données')
    .addOption(dataOption())
    .option('--passphrase-file <file>', 'fichier dont la première ligne est la phrase secrète')
    .option('--force', 'remplace une clé présente (gardée à côté)')
    .action((file: string, opts: { data: string; passphraseFile?: string; force?: boolean }) => {
      const keyPath = join(opts.data, KEY_FILE);
      if (!existsSync(opts.data))
        throw new Error(`${opts.data} n’existe pas : restaurez d’abord la base (restore) ou lancez init.`);
      if (existsSync(keyPath) && !opts.force)
        throw new Error(`${keyPath} existe déjà : --force pour la remplacer.`);
      const opened = openAuthorityEscrow(readFileSync(file, 'utf8'), passphrase(opts.passphraseFile));
      if (!opened.ok) throw new Error(opened.error.message);
      if (existsSync(join(opts.data, DB_FILE))) {
        const store = new ServerStore(join(opts.data, DB_FILE));
        try {
          const current = store.currentElection();
          if (current && !verifyDocument('election', current, opened.value.publicKey).ok)
            throw new Error(
              'Cette clé n’a pas signé l’élection publiée dans ce dossier : rien n’a été changé.',
            );
        } finally {
          store.close();
        }
      }
      if (existsSync(keyPath)) renameSync(keyPath, `${keyPath}.avant-import-${Date.now()}`);
      writeAtomically(keyPath, `${JSON.stringify({ v: 1, ...opened.value })}\n`, 0o600);
      console.log(`Clé d’autorité remise en place : ${keyPath} (clé publique ${opened.value.publicKey}).`);
    });

  program
    .command('kiosk-backup-key')
    .description('crée si besoin la clé de récupération des sauvegardes de bornes et affiche sa clé publique')
    .addOption(dataOption())
    .action((opts: { data: string }) => {
      const { publicKey, created } = ensureRecoveryKey(opts.data);
      console.log(
        `${created ? 'Clé créée' : 'Clé existante'} ; clé publique (X25519) des sauvegardes de bornes :`,
      );
      console.log(publicKey);
    });

  program
    .command('recover-backup <file>')
    .description(
      'déchiffre la sauvegarde d’une borne et en importe les lots (les lots déjà reçus sont des doublons)',
    )
    .addOption(dataOption())
    .action((file: string, opts: { data: string }) => {
      const data = openDataDir(opts.data);
      try {
        const backup = openKioskBackup(readFileSync(file), readRecoveryKey(opts.data).privateKey);
        if (!backup.ok) throw new Error(backup.error.message);
        const s = recoverKioskBackup(data.store, data.authority, backup.value, new Date());
        console.log(
          `Borne ${s.kioskId} : ${s.batches} lot(s) ; ${s.accepted.length} accepté(s), ` +
            `${s.duplicate.length} déjà reçu(s), ${s.refused.length} refusé(s).`,
        );
        for (const r of s.refused) console.log(`  refusé lot ${r.seq ?? '?'} : ${r.error} — ${r.message}`);
        if (s.refused.length) process.exitCode = 2;
      } finally {
        data.store.close();
      }
    });

  const kiosk = program.commands.find((c) => c.name() === 'kiosk') ?? program.command('kiosk');
  kiosk
    .command('accept-through <kioskId> <seq>')
    .description('révoque une borne mais accepte encore ses lots jusqu’au numéro donné, jamais au-delà')
    .addOption(dataOption())
    .action((kioskId: string, seqText: string, opts: { data: string }) => {
      const seq = int('seq')(seqText);
      const data = openDataDir(opts.data);
      try {
        const found = data.store.kiosk(kioskId.trim().toLowerCase());
        if (!found) throw new Error(`Aucune borne inscrite sous l’identifiant « ${kioskId.slice(0, 64)} ».`);
        if (seq < found.highWater)
          throw new Error(
            `La borne a déjà envoyé ${found.highWater} lot(s) : le numéro ne peut pas être inférieur.`,
          );
        data.store.revokeKioskAcceptingThrough(found.kioskId, seq);
        console.log(
          `Borne « ${found.label} » (${found.kioskId}) révoquée ; ses lots sont acceptés jusqu’au numéro ${seq}, jamais au-delà.`,
        );
      } finally {
        data.store.close();
      }
    });
}

/** The authority key file's content (`{v, publicKey, privateKey}`), checked for coherence. */
function readAuthorityKeyFile(text: string): { publicKey: string; privateKey: string } {
  const value = JSON.parse(text) as { publicKey?: unknown; privateKey?: unknown };
  if (typeof value.publicKey !== 'string' || typeof value.privateKey !== 'string')
    throw new Error('Fichier de clé d’autorité illisible.');
  if (ed25519PublicKeyOf(value.privateKey) !== value.publicKey)
    throw new Error('La clé d’autorité est incohérente (clé publique et clé privée ne vont pas ensemble).');
  return { publicKey: value.publicKey, privateKey: value.privateKey };
}
