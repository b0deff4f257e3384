/**
 * Thank-you, shown only once the core has answered the cast with a receipt, i.e. after the
 * durable commit: the receipt code, a QR code of the public receipt-check address when there is one, and
 * the way back to the welcome screen (also taken on its own after the idle delay). The texts say what the
 * code proves and no more: that the vote was counted once its group of votes has arrived, never what
 * was chosen (docs/secrecy.md, "Secrecy once published" §3).
 */
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFocusOnMount } from '../components/useFocusOnMount';
import { printPage, type PrintOutcome } from '../lib/printing';
import { browserPrintDeps } from '../print-deps';
import { useSession } from '../stores/app';

export function ThankYou({ autoReturnMs }: { autoReturnMs: number }): React.JSX.Element {
  const { t } = useTranslation();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const receipt = useSession((s) => s.receipt);
  const endVoter = useSession((s) => s.endVoter);
  const printer = useSession((s) => s.status?.printer ?? false);
  const [qr, setQr] = useState<string | null>(null);
  const [printing, setPrinting] = useState<'busy' | PrintOutcome | null>(null);
  // The receipt alone (print CSS keeps only `.receipt`): on the kiosk's printer with no dialog in
  // Electron, in the browser's print dialog in the harness.
  const printReceipt = async (): Promise<void> => {
    setPrinting('busy');
    setPrinting(await printPage('receipt', printer, browserPrintDeps()));
  };
  const checkUrl = receipt?.checkUrl ?? null;

  useEffect(() => {
    if (checkUrl === null) return;
    let cancelled = false;
    void QRCode.toString(checkUrl, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' }).then((svg) => {
      if (!cancelled) setQr(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`);
    });
    return () => {
      cancelled = true;
    };
  }, [checkUrl]);

  useEffect(() => {
    const timer = setTimeout(() => void endVoter(), autoReturnMs);
    return () => clearTimeout(timer);
  }, [autoReturnMs, endVoter]);

  if (receipt === null) return <></>;
  return (
    <section className="screen narrow thanks" aria-labelledby="thanks-title">
      <h1 id="thanks-title" tabIndex={-1} ref={heading}>
        {t('thanks.title')}
      </h1>
      <p className="lead">{t('thanks.text')}</p>
      {receipt.training && <p className="notice warning">{t('thanks.training')}</p>}
      <div className="receipt">
        <h2>{t('thanks.receipt')}</h2>
        <p className="receipt-code" data-testid="receipt-code">
          {receipt.receiptCode}
        </p>
        <p>{t('thanks.receiptHint')}</p>
        <p className="no-print">{t('thanks.receiptDelay')}</p>
        {!printer && <p className="no-print">{t('thanks.noPrinter')}</p>}
        <div className="no-print" aria-live="polite">
          {printing === 'busy' && <p>{t('thanks.printing')}</p>}
          {printing !== 'busy' && printing?.kind === 'printed' && <p>{t('thanks.printed')}</p>}
          {printing !== 'busy' && printing?.kind === 'failed' && (
            <p className="notice warning">{t('thanks.printFailed')}</p>
          )}
        </div>
        {qr && (
          <figure className="qr">
            <img src={qr} alt={t('thanks.qr')} width={200} height={200} />
            <figcaption>{t('thanks.qrHint')}</figcaption>
          </figure>
        )}
      </div>
      <div className="actions no-print">
        {printer && (
          <button
            type="button"
            className="button big"
            disabled={printing === 'busy'}
            onClick={() => void printReceipt()}
          >
            {t('thanks.print')}
          </button>
        )}
        <button type="button" className="button primary big" onClick={() => void endVoter()}>
          {t('thanks.done')}
        </button>
      </div>
    </section>
  );
}
