/**
 * Thank-you, shown only once the core has answered the cast with a receipt, i.e. after the
 * durable commit: the receipt code, a QR code of the public receipt-check address when there is one, and
 * the way back to the welcome screen (also taken on its own after the idle delay).
 */
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFocusOnMount } from '../components/useFocusOnMount';
import { useSession } from '../stores/app';

export function ThankYou({ autoReturnMs }: { autoReturnMs: number }): React.JSX.Element {
  const { t } = useTranslation();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const receipt = useSession((s) => s.receipt);
  const endVoter = useSession((s) => s.endVoter);
  const [qr, setQr] = useState<string | null>(null);
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
        {qr && (
          <figure className="qr">
            <img src={qr} alt={t('thanks.qr')} width={200} height={200} />
            <figcaption>{t('thanks.qrHint')}</figcaption>
          </figure>
        )}
      </div>
      <div className="actions">
        <button type="button" className="button primary big" onClick={() => void endVoter()}>
          {t('thanks.done')}
        </button>
      </div>
    </section>
  );
}
