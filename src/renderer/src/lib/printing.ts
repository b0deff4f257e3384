/**
 * How the screens print and save a PDF. Inside Electron the preload gives `window.kioskShell`: a report is
 * saved as a PDF in the kiosk's reports folder, and with a printer configured, a receipt or a report
 * prints on it with no dialog. In the browser harness there is no shell: the browser's print dialog does
 * both ("Enregistrer au format PDF" is one of its printers). Either way the print CSS keeps only the
 * report, or only the receipt while `data-printing="receipt"` is set on the root element. The page's
 * own objects come in as `PrintDeps` (../print-deps.ts), so this runs in a unit test too.
 */
import type { SignedReport } from '../../../shared/api';
import type { AppError } from '../../../shared/result';
import type { KioskShell, PrintKind } from '../../../shared/shell';

export interface PrintDeps {
  /** The shell's bridge, present in Electron only. */
  shell: KioskShell | undefined;
  /** The browser's print dialog. */
  print: () => void;
  /** Where `data-printing` is set while a receipt prints (the document's root element). */
  root: { dataset: Record<string, string | undefined> };
  /** Runs once the browser's print dialog is closed. */
  afterPrint: (done: () => void) => void;
}

/** What became of a print or a PDF, for the screen's status line. */
export type PrintOutcome =
  | { kind: 'dialog' }
  | { kind: 'printed' }
  | { kind: 'saved'; path: string }
  | { kind: 'failed'; error: AppError };

/** The PDF's name: the report's kind, day and id, nothing a file system could read as a path. */
export function reportPdfName(report: SignedReport): string {
  const kind = report.kind === 'opening' ? 'ouverture' : 'cloture';
  const id = report.reportId.replace(/[^A-Za-z0-9]/g, '').slice(0, 16) || 'sans-id';
  return `rapport-${kind}-${report.day}-${id}.pdf`;
}

/** "Enregistrer en PDF": through the shell when there is one, else the browser's dialog. */
export async function saveReportPdf(report: SignedReport, deps: PrintDeps): Promise<PrintOutcome> {
  if (!deps.shell) {
    deps.print();
    return { kind: 'dialog' };
  }
  const answer = await deps.shell.savePdf({ fileName: reportPdfName(report) });
  return answer.ok ? { kind: 'saved', path: answer.value.path } : { kind: 'failed', error: answer.error };
}

/**
 * Prints the page on the kiosk's printer with no dialog when the shell has one (`printer`, from the
 * kiosk's status), else opens the browser's dialog. A receipt prints alone: `data-printing` is set for
 * the time of the print.
 */
export async function printPage(kind: PrintKind, printer: boolean, deps: PrintDeps): Promise<PrintOutcome> {
  const root = deps.root;
  if (kind === 'receipt') root.dataset['printing'] = 'receipt';
  const done = (): void => {
    if (kind === 'receipt') delete root.dataset['printing'];
  };
  if (!deps.shell || !printer) {
    deps.afterPrint(done);
    deps.print();
    return { kind: 'dialog' };
  }
  try {
    const answer = await deps.shell.printSilently({ kind });
    return answer.ok ? { kind: 'printed' } : { kind: 'failed', error: answer.error };
  } finally {
    done();
  }
}
