/**
 * The shell's own IPC (src/shared/shell.ts): the page shown saved as an A4 PDF in the kiosk's reports
 * folder, and printed on the configured printer with no dialog. Like the kiosk API, only our window's
 * main frame on our origin may call, and every payload is parsed before anything runs; the answers are
 * Results. The PDF is written under a temporary name, fsynced, then renamed, so a power cut never leaves a
 * half report under a real name; folder 0700 and file 0600, as the kiosk's other data.
 */
import { chmodSync, mkdirSync } from 'node:fs';
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { writeFileDurably } from '../core/sync/usb-writer';
import { parseInput } from '../../shared/dispatch';
import { err, ok, type Result } from '../../shared/result';
import {
  shellChannel,
  shellContract,
  shellMethods,
  type ShellMethod,
  type ShellOutput,
  type ShellParsedInput,
} from '../../shared/shell';
import type { SenderCheck } from './ipc';

export interface PrintingOptions {
  /** Where PDFs are saved (created 0700 when missing). */
  reportsDir: string;
  /** The printer's name as the system knows it, or null: no printer on this kiosk. */
  printer: string | null;
  isTrustedSender: SenderCheck;
  /** Events only: never a file's content. */
  log?: (event: string, detail: Record<string, string | boolean>) => void;
}

/** The printer named by `ISOLOIR_PRINTER`; unset or blank means none. */
export function printerFromEnv(env: Record<string, string | undefined>): string | null {
  const name = env['ISOLOIR_PRINTER']?.trim();
  return name ? name : null;
}

/** Writes a report as `dir/fileName` (0600, folder 0700); `fileName` has already been checked to be a basename. */
export function writeReportFile(dir: string, fileName: string, bytes: Uint8Array): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // mkdir's mode applies only to a folder it creates: an older, looser one is tightened too.
  chmodSync(dir, 0o700);
  return writeFileDurably(dir, fileName, bytes);
}

/** `webContents.print` as a promise of its callback's answer. */
function printPage(sender: WebContents, deviceName: string): Promise<{ success: boolean; reason: string }> {
  return new Promise((resolve) => {
    sender.print({ silent: true, deviceName, printBackground: true }, (success, reason) =>
      resolve({ success, reason }),
    );
  });
}

type ShellHandlers = {
  [M in ShellMethod]: (input: ShellParsedInput<M>, sender: WebContents) => Promise<Result<ShellOutput<M>>>;
};

function shellHandlers(options: PrintingOptions): ShellHandlers {
  const log = options.log ?? ((): void => undefined);
  return {
    savePdf: async ({ fileName }, sender) => {
      try {
        const bytes = await sender.printToPDF({ pageSize: 'A4', printBackground: true });
        const path = writeReportFile(options.reportsDir, fileName, bytes);
        log('pdf_saved', { fileName });
        return ok({ path });
      } catch (cause) {
        const code = cause instanceof Error && 'code' in cause ? String(cause.code) : 'error';
        log('pdf_failed', { fileName, code });
        return err('pdf_failed', 'Le PDF n’a pas pu être enregistré. Réessayez, ou imprimez le rapport.');
      }
    },
    printSilently: async ({ kind }, sender) => {
      const printer = options.printer;
      if (printer === null) return err('no_printer', 'Aucune imprimante n’est configurée sur ce kiosque.');
      const answer = await printPage(sender, printer);
      log(answer.success ? 'printed' : 'print_failed', {
        kind,
        ...(answer.success ? {} : { reason: answer.reason }),
      });
      return answer.success
        ? ok({ printer })
        : err('print_failed', 'L’impression n’a pas abouti. Vérifiez l’imprimante.', {
            reason: answer.reason,
          });
    },
  };
}

export function registerShellIpc(ipcMain: IpcMain, options: PrintingOptions): void {
  const handlers = shellHandlers(options);
  for (const method of shellMethods) {
    ipcMain.handle(
      shellChannel(method),
      async (event: IpcMainInvokeEvent, input: unknown): Promise<Result<unknown>> => {
        if (!options.isTrustedSender(event)) {
          return err('unauthorized', 'Cette action n’est pas autorisée depuis cette page.');
        }
        const parsed = parseInput(shellContract[method].input, input);
        if (!parsed.ok) return parsed;
        const handler = handlers[method] as (input: unknown, sender: WebContents) => Promise<Result<unknown>>;
        try {
          return await handler(parsed.value, event.sender);
        } catch {
          return err('internal', 'Une erreur inattendue est survenue.');
        }
      },
    );
  }
}

export function unregisterShellIpc(ipcMain: IpcMain): void {
  for (const method of shellMethods) ipcMain.removeHandler(shellChannel(method));
}
