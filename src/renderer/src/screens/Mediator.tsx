/**
 * The mediator's space: a bar with who is logged in, the pages (the day, accounts, my PIN, reports, USB
 * export) and "Fermer l'espace médiateur", then the page. Polls the status every few seconds (faster
 * during a USB export); the core ends the session after idle minutes and the store follows.
 */
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useFocusOnMount } from '../components/useFocusOnMount';
import { useMediator } from '../stores/app';
import type { MediatorPage } from '../stores/mediator';
import { MediatorAccounts, MediatorChangePin } from './MediatorAccounts';
import { MediatorHome } from './MediatorHome';
import { MediatorReports } from './MediatorReports';
import { MediatorUsb } from './MediatorUsb';

const POLL_MS = 3000;
const EXPORT_POLL_MS = 500;
const PAGES: readonly MediatorPage[] = ['home', 'accounts', 'pin', 'reports', 'usb'];

export function Mediator(): React.JSX.Element {
  const { t } = useTranslation();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const page = useMediator((s) => s.page);
  const exporting = useMediator((s) => s.exporting);
  const current = useMediator((s) => s.accounts?.current ?? null);
  const { goTo, close } = useMediator.getState();

  useEffect(() => {
    const timer = setInterval(
      () => void useMediator.getState().refresh(),
      exporting ? EXPORT_POLL_MS : POLL_MS,
    );
    return () => clearInterval(timer);
  }, [exporting]);

  return (
    <section className="screen mediator" aria-labelledby="mediator-title">
      <div className="mediator-top">
        <h1 id="mediator-title" tabIndex={-1} ref={heading}>
          {t('mediator.title')}
          {current && <span className="mediator-who"> — {current.name}</span>}
        </h1>
        <button type="button" className="button primary" onClick={() => void close()}>
          {t('mediator.close')}
        </button>
      </div>
      <nav className="mediator-nav" aria-label={t('mediator.pages')}>
        {PAGES.map((p) => (
          <button
            key={p}
            type="button"
            className={page === p ? 'button on' : 'button'}
            aria-current={page === p ? 'page' : undefined}
            onClick={() => goTo(p)}
          >
            {t(`mediator.page.${p}`)}
          </button>
        ))}
      </nav>
      {page === 'home' && <MediatorHome />}
      {page === 'accounts' && <MediatorAccounts />}
      {page === 'pin' && <MediatorChangePin />}
      {page === 'reports' && <MediatorReports />}
      {page === 'usb' && <MediatorUsb />}
    </section>
  );
}
