/**
 * The central team's commands for trusting kiosks (docs/server.md): answering an offline enrolment
 * request carried on a USB stick, signing a one-time mediator reset, withdrawing an unused code, and
 * verifying a kiosk's signed opening or closing report. A failure throws an Error whose French message
 * the CLI prints.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command, Option } from 'commander';
import { openDataDir, type DataDir } from './datadir';
import { answerUsbEnrolment } from './enrol-usb';
import { withdrawEnrolmentCode } from './enrolment';
import { createMediatorReset, DEFAULT_RESET_HOURS } from './mediator-reset';
import { reportLines, verifyReportFile } from './verify-report';

const dataOption = () => new Option('--data <dir>', 'dossier de données du serveur').makeOptionMandatory();

function withData<T>(dir: string, fn: (data: DataDir) => T): T {
  const data = openDataDir(dir);
  try {
    return fn(data);
  } finally {
    data.store.close();
  }
}

/** Written whole or not at all: a temporary file beside the target, then renamed over it. */
function writeWhole(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, path);
}

const positiveNumber = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} : nombre positif attendu (« ${value} »).`);
  return n;
};

export function registerTrustCommands(program: Command): void {
  program
    .command('enrol-usb <request>')
    .description(
      'inscription hors ligne : transforme le fichier de demande d’une borne en fichier de réponse signé',
    )
    .addOption(dataOption())
    .option('--out <file>', 'fichier de réponse (défaut : isoloir-enrol-answer-<borne>.json à côté)')
    .action((requestPath: string, opts: { data: string; out?: string }) =>
      withData(opts.data, ({ store, authority }) => {
        let bytes: Buffer;
        try {
          bytes = readFileSync(requestPath);
        } catch {
          throw new Error(`Fichier de demande illisible : ${requestPath}`);
        }
        const answer = answerUsbEnrolment(store, authority, bytes, new Date());
        if (!answer.ok) throw new Error(answer.error.message);
        const out = opts.out ?? join(dirname(requestPath), answer.value.fileName);
        writeWhole(out, `${JSON.stringify(answer.value.document)}\n`);
        const label = store.kiosk(answer.value.kioskId)?.label ?? '';
        console.log(`Borne « ${label} » (${answer.value.kioskId}) inscrite.`);
        console.log(`Réponse à rapporter à la borne (clé USB) : ${out}`);
      }),
    );

  const kiosk = program.commands.find((c) => c.name() === 'kiosk') ?? program.command('kiosk');
  kiosk
    .command('reset-mediators <kioskId>')
    .description(
      'signe une réinitialisation à usage unique des comptes médiateurs d’une borne (fichier, et servie en ligne une fois)',
    )
    .addOption(dataOption())
    .option('--expires <hours>', 'validité en heures', positiveNumber('--expires'), DEFAULT_RESET_HOURS)
    .requiredOption('--out <file>', 'fichier de réinitialisation à porter à la borne')
    .action((kioskId: string, opts: { data: string; expires: number; out: string }) =>
      withData(opts.data, ({ store, authority }) => {
        const reset = createMediatorReset(store, authority, kioskId, opts.expires, new Date());
        if (!reset.ok) throw new Error(reset.error.message);
        writeWhole(opts.out, `${JSON.stringify(reset.value.document)}\n`);
        console.log(
          `Réinitialisation des médiateurs de « ${reset.value.label} » (${reset.value.kioskId}), valable jusqu’au ${reset.value.expiresAt} :`,
        );
        console.log(opts.out);
      }),
    );

  program
    .command('enrol-code-withdraw <id>')
    .description('retire un code d’inscription pas encore utilisé (perdu, ou donné au mauvais lieu)')
    .addOption(dataOption())
    .action((idText: string, opts: { data: string }) =>
      withData(opts.data, ({ store }) => {
        const id = Number(idText);
        if (!Number.isInteger(id) || id <= 0) throw new Error(`Numéro de code invalide (« ${idText} »).`);
        const withdrawn = withdrawEnrolmentCode(store, id, new Date());
        if (!withdrawn.ok) throw new Error(withdrawn.error.message);
        console.log(`Code d’inscription n° ${id} retiré : il n’inscrira aucune borne.`);
      }),
    );

  program
    .command('verify-report <file>')
    .description('vérifie le rapport signé d’une borne (JSON, ou PDF imprimé par la borne)')
    .addOption(dataOption())
    .action((file: string, opts: { data: string }) =>
      withData(opts.data, ({ store }) => {
        const verified = verifyReportFile(store, file);
        if (!verified.ok) throw new Error(verified.error.message);
        for (const line of reportLines(verified.value)) console.log(line);
      }),
    );
}
