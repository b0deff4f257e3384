/**
 * Idle safety: after `idleMs` without a touch, click or key, a countdown asks "Êtes-vous
 * toujours là ?"; when it reaches zero the voter is wiped from memory (session, choices, typed data,
 * display settings) and the welcome screen returns. Only the dialog's buttons stop the countdown, so a
 * stray touch on the screen behind cannot keep an abandoned vote open.
 */
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useIdle } from './useIdle';
import { useFocusTrap } from './useModal';

interface IdleGuardProps {
  idleMs: number;
  countdownMs: number;
  onExpire: () => void;
  /** True while the dialog shows, so the App can make the screen behind inert. */
  onOpenChange: (open: boolean) => void;
}

export function IdleGuard({
  idleMs,
  countdownMs,
  onExpire,
  onOpenChange,
}: IdleGuardProps): React.JSX.Element | null {
  const { t } = useTranslation();
  const [deadline, setDeadline] = useState<number | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const stayRef = useRef<HTMLButtonElement>(null);
  const dialogRef = useRef<HTMLDivElement>(null);
  useFocusTrap(dialogRef);
  const expireRef = useRef(onExpire);
  const openRef = useRef(onOpenChange);
  useEffect(() => {
    expireRef.current = onExpire;
    openRef.current = onOpenChange;
  });

  // Watching for activity while no countdown runs.
  useIdle(deadline === null, idleMs, () => {
    setNow(Date.now());
    setDeadline(Date.now() + countdownMs);
    openRef.current(true);
  });

  // The countdown itself.
  useEffect(() => {
    if (deadline === null) return;
    stayRef.current?.focus();
    const tick = setInterval(() => {
      const current = Date.now();
      setNow(current);
      if (current >= deadline) {
        clearInterval(tick);
        openRef.current(false);
        expireRef.current();
      }
    }, 250);
    return () => clearInterval(tick);
  }, [deadline]);

  if (deadline === null) return null;
  const seconds = Math.max(0, Math.ceil((deadline - now) / 1000));
  const stay = (): void => {
    setDeadline(null);
    openRef.current(false);
  };
  return (
    <div className="overlay idle-overlay">
      <div
        ref={dialogRef}
        className="dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="idle-title"
        aria-describedby="idle-text"
        onKeyDown={(e) => {
          if (e.key === 'Escape') stay();
        }}
      >
        <h2 id="idle-title">{t('idle.title')}</h2>
        <p id="idle-text" className="lead">
          {t('idle.text', { count: seconds })}
        </p>
        <p className="countdown" aria-hidden="true">
          {seconds}
        </p>
        <div className="actions">
          <button
            type="button"
            className="button secondary"
            onClick={() => {
              openRef.current(false);
              expireRef.current();
            }}
          >
            {t('idle.quit')}
          </button>
          <button type="button" ref={stayRef} className="button primary big" onClick={stay}>
            {t('idle.stay')}
          </button>
        </div>
      </div>
    </div>
  );
}
