/**
 * The screens' choice between the Electron shell and the browser's print: with `window.kioskShell` a
 * report is saved through it (a safe file name, the path it answers) and, with a printer configured, a
 * receipt or a report prints through it with no dialog; without the shell (the browser harness), or in
 * Electron without a printer, the browser's print dialog opens. A receipt is marked for the print CSS only
 * while it prints.
 */
import { describe, expect, it, vi } from 'vitest';
import type { SignedReport } from '../../../src/shared/api';
import { ok, err } from '../../../src/shared/result';
import { PdfFileName, type KioskShell } from '../../../src/shared/shell';
import {
  printPage,
  reportPdfName,
  saveReportPdf,
  type PrintDeps,
} from '../../../src/renderer/src/lib/printing';

const report = {
  reportId: '0a1b2c3d4e5f6a7b',
  kind: 'closing',
  day: '2026-12-02',
  document: { payload: '', signature: '', keyId: '' },
} as unknown as SignedReport;

function fakeDeps(shell?: Partial<KioskShell>) {
  const root = { dataset: {} as Record<string, string | undefined> };
  const afterPrint: (() => void)[] = [];
  const printingDuringShell: (string | undefined)[] = [];
  const fullShell: KioskShell | undefined = shell && {
    savePdf: vi.fn(async () => ok({ path: '/k/reports/x.pdf' })),
    printSilently: vi.fn(async () => {
      printingDuringShell.push(root.dataset['printing']);
      return ok({ printer: 'P' });
    }),
    ...shell,
  };
  const deps: PrintDeps = {
    shell: fullShell,
    print: vi.fn(),
    root,
    afterPrint: (done) => afterPrint.push(done),
  };
  return { deps, root, afterPrint, printingDuringShell, shell: fullShell };
}

describe('reportPdfName', () => {
  it('names the PDF after the report, with a name the shell accepts', () => {
    expect(reportPdfName(report)).toBe('rapport-cloture-2026-12-02-0a1b2c3d4e5f6a7b.pdf');
    const odd = { ...report, kind: 'opening', reportId: '../../etc/passwd' } as SignedReport;
    expect(reportPdfName(odd)).toBe('rapport-ouverture-2026-12-02-etcpasswd.pdf');
    expect(PdfFileName.safeParse(reportPdfName(odd)).success).toBe(true);
    expect(PdfFileName.safeParse(reportPdfName({ ...report, reportId: '//' })).success).toBe(true);
  });
});

describe('saveReportPdf', () => {
  it('saves through the shell in Electron and says where', async () => {
    const { deps, shell } = fakeDeps({});
    expect(await saveReportPdf(report, deps)).toEqual({ kind: 'saved', path: '/k/reports/x.pdf' });
    expect(shell?.savePdf).toHaveBeenCalledWith({ fileName: reportPdfName(report) });
    expect(deps.print).not.toHaveBeenCalled();
  });

  it('passes the shell’s refusal on to the screen', async () => {
    const { deps } = fakeDeps({
      savePdf: async () => err('pdf_failed', 'Le PDF n’a pas pu être enregistré.'),
    });
    expect(await saveReportPdf(report, deps)).toMatchObject({
      kind: 'failed',
      error: { code: 'pdf_failed' },
    });
  });

  it('opens the browser’s print dialog in the harness', async () => {
    const { deps } = fakeDeps();
    expect(await saveReportPdf(report, deps)).toEqual({ kind: 'dialog' });
    expect(deps.print).toHaveBeenCalledTimes(1);
  });
});

describe('printPage', () => {
  it('prints a receipt silently through the shell when a printer is configured, marked only meanwhile', async () => {
    const { deps, root, shell, printingDuringShell } = fakeDeps({});
    expect(await printPage('receipt', true, deps)).toEqual({ kind: 'printed' });
    expect(shell?.printSilently).toHaveBeenCalledWith({ kind: 'receipt' });
    expect(printingDuringShell).toEqual(['receipt']);
    expect(root.dataset['printing']).toBeUndefined();
    expect(deps.print).not.toHaveBeenCalled();
  });

  it('says when the printer failed, and unmarks the receipt', async () => {
    const { deps, root } = fakeDeps({
      printSilently: async () => err('print_failed', 'L’impression n’a pas abouti.'),
    });
    expect(await printPage('receipt', true, deps)).toMatchObject({
      kind: 'failed',
      error: { code: 'print_failed' },
    });
    expect(root.dataset['printing']).toBeUndefined();
  });

  it('prints a report silently without marking a receipt', async () => {
    const { deps, shell, printingDuringShell } = fakeDeps({});
    expect(await printPage('report', true, deps)).toEqual({ kind: 'printed' });
    expect(shell?.printSilently).toHaveBeenCalledWith({ kind: 'report' });
    expect(printingDuringShell).toEqual([undefined]);
  });

  it('opens the print dialog in the harness, the receipt marked until the dialog closes', async () => {
    const { deps, root, afterPrint } = fakeDeps();
    expect(await printPage('receipt', true, deps)).toEqual({ kind: 'dialog' });
    expect(deps.print).toHaveBeenCalledTimes(1);
    expect(root.dataset['printing']).toBe('receipt');
    for (const done of afterPrint) done();
    expect(root.dataset['printing']).toBeUndefined();
  });

  it('opens the print dialog in Electron when no printer is configured, never the silent print', async () => {
    const { deps, shell } = fakeDeps({});
    expect(await printPage('report', false, deps)).toEqual({ kind: 'dialog' });
    expect(deps.print).toHaveBeenCalledTimes(1);
    expect(shell?.printSilently).not.toHaveBeenCalled();
  });
});
