/**
 * An opening or closing report as a page: what the kiosk signed, in plain words, and at its foot the
 * signed document itself between the BEGIN and END lines (monospace, 76 characters a line) so a paper or
 * PDF copy can be checked by the server's `verify-report`. The print CSS keeps this page alone. In
 * Electron, "Enregistrer en PDF" saves it as an A4 PDF in the kiosk's reports folder and says where;
 * "Imprimer" prints it on the kiosk's printer with no dialog when one is configured, else opens the
 * system's print dialog. In the browser harness both open Chromium's print dialog, whose "Enregistrer au
 * format PDF" makes the PDF (lib/printing.ts).
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SignedReport } from '../../../shared/api';
import { printPage, saveReportPdf, type PrintOutcome } from '../lib/printing';
import { browserPrintDeps } from '../print-deps';
import { decodeReport, reportBlock } from '../lib/report';
import { useSession } from '../stores/app';
import { useFocusOnMount } from './useFocusOnMount';

function when(iso: string | null, language: string, never: string): string {
  if (!iso) return never;
  return new Date(iso).toLocaleString(language.startsWith('fr') ? 'fr-FR' : 'en-GB', {
    dateStyle: 'long',
    timeStyle: 'short',
  });
}

export function ReportView({
  report,
  onBack,
}: {
  report: SignedReport;
  onBack: () => void;
}): React.JSX.Element {
  const { t, i18n } = useTranslation();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const doc = decodeReport(report.document);
  const lng = i18n.language;
  const dayName = new Date(`${report.day}T12:00:00`).toLocaleDateString(
    lng.startsWith('fr') ? 'fr-FR' : 'en-GB',
    { dateStyle: 'full' },
  );
  const title = t(`report.title.${report.kind}`, { day: dayName });
  const printer = useSession((state) => state.status?.printer ?? false);
  const inShell = window.kioskShell !== undefined;
  const [busy, setBusy] = useState<'pdf' | 'print' | null>(null);
  const [outcome, setOutcome] = useState<{ action: 'pdf' | 'print'; result: PrintOutcome } | null>(null);

  const run = async (action: 'pdf' | 'print'): Promise<void> => {
    setBusy(action);
    setOutcome(null);
    const deps = browserPrintDeps();
    try {
      const result =
        action === 'pdf' ? await saveReportPdf(report, deps) : await printPage('report', printer, deps);
      setOutcome({ action, result });
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="screen narrow report" aria-labelledby="report-title">
      <div className="actions no-print">
        <button
          type="button"
          className="button primary big"
          disabled={busy !== null}
          onClick={() => void run('print')}
        >
          {t('report.print')}
        </button>
        <button type="button" className="button big" disabled={busy !== null} onClick={() => void run('pdf')}>
          {t('report.pdf')}
        </button>
        <button type="button" className="button secondary" onClick={onBack}>
          {t('report.back')}
        </button>
      </div>
      {!inShell && <p className="hint no-print">{t('report.pdfHint')}</p>}
      <div className="no-print" aria-live="polite" data-testid="report-output">
        {busy === 'pdf' && <p className="notice info">{t('report.pdfSaving')}</p>}
        {busy === 'print' && inShell && printer && <p className="notice info">{t('report.printing')}</p>}
        {outcome && <OutcomeNotice action={outcome.action} result={outcome.result} />}
      </div>
      <article className="report-page" data-testid="report">
        <h1 id="report-title" tabIndex={-1} ref={heading}>
          {title}
        </h1>
        {doc === null ? (
          <p className="notice warning">{t('report.unreadable')}</p>
        ) : (
          <>
            <dl className="facts report-facts">
              <dt>{t('report.kiosk')}</dt>
              <dd>
                {doc.label ?? '–'} <span className="mono">({doc.kioskId})</span>
              </dd>
              <dt>{t('report.election')}</dt>
              <dd className="mono">{doc.electionId}</dd>
              <dt>{t('report.at')}</dt>
              <dd>{when(doc.at, lng, '–')}</dd>
              <dt>{t('report.mediators')}</dt>
              <dd>{doc.mediators.length > 0 ? doc.mediators.join(', ') : '–'}</dd>
            </dl>
            <h2>{t('report.votes')}</h2>
            <dl className="facts report-facts">
              <dt>{t('report.participations')}</dt>
              <dd>{doc.participations}</dd>
              <dt>{t('report.ballots')}</dt>
              <dd>{doc.ballots}</dd>
              <dt>{t('report.assisted')}</dt>
              <dd>{doc.assisted}</dd>
              <dt>{t('report.training')}</dt>
              <dd>
                {t('report.trainingCounts', {
                  participations: doc.training.participations,
                  ballots: doc.training.ballots,
                })}
              </dd>
            </dl>
            <h2>{t('report.chain')}</h2>
            <dl className="facts report-facts">
              <dt>{t('report.batches')}</dt>
              <dd>
                {doc.batches.sealed === 0 || doc.batches.firstSeq === null
                  ? t('report.noBatch')
                  : t('report.batchRange', {
                      count: doc.batches.sealed,
                      first: doc.batches.firstSeq,
                      last: doc.batches.lastSeq,
                    })}
              </dd>
              <dt>{t('report.waiting')}</dt>
              <dd>{doc.waiting}</dd>
              <dt>{t('report.head')}</dt>
              <dd className="mono break">{doc.chainHead}</dd>
              <dt>{t('report.lastSync')}</dt>
              <dd>{when(doc.sync.lastSuccessAt, lng, t('report.never'))}</dd>
              <dt>{t('report.batchesWaiting')}</dt>
              <dd>{doc.sync.batchesWaiting}</dd>
            </dl>
            <h2>{t('report.incidents')}</h2>
            {doc.incidents.length === 0 ? (
              <p>{t('report.noIncident')}</p>
            ) : (
              <ul className="incidents">
                {doc.incidents.map((incident, i) => (
                  <li key={i}>
                    <strong>{when(incident.at, lng, '')}</strong> — {incident.text}
                  </li>
                ))}
              </ul>
            )}
            {doc.note !== null && (
              <>
                <h2>{t('report.note')}</h2>
                <p className="report-note">{doc.note}</p>
              </>
            )}
          </>
        )}
        <h2>{t('report.signed')}</h2>
        <p className="hint">{t('report.signedHint')}</p>
        <pre className="report-block" data-testid="report-block">
          {reportBlock(report.document)}
        </pre>
      </article>
    </section>
  );
}

/** What became of "Imprimer" or "Enregistrer en PDF"; nothing when the browser's dialog took over. */
function OutcomeNotice({
  action,
  result,
}: {
  action: 'pdf' | 'print';
  result: PrintOutcome;
}): React.JSX.Element | null {
  const { t } = useTranslation();
  switch (result.kind) {
    case 'dialog':
      return null;
    case 'saved':
      return (
        <p className="notice success">
          {t('report.pdfSaved')} <span className="mono break">{result.path}</span>
        </p>
      );
    case 'printed':
      return <p className="notice success">{t('report.printed')}</p>;
    case 'failed':
      return (
        <p className="notice warning">
          {action === 'pdf'
            ? t('report.pdfFailed')
            : result.error.code === 'no_printer'
              ? t('report.noPrinter')
              : t('report.printFailed')}
        </p>
      );
  }
}
