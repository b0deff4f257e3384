/**
 * The voter application: header, the current screen, the idle guard. Applies the voter's display
 * settings to <html> and loads the kiosk status and election on start.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ScreenConfig } from './config';
import { Header } from './components/Header';
import { IdleGuard } from './components/IdleGuard';
import { stopReading } from './components/ReadAloud';
import { useIdle } from './components/useIdle';
import { i18n } from './i18n';
import { useMediator, useSelection, useSession, useSettings } from './stores/app';
import { Browse } from './screens/Browse';
import { Eligibility } from './screens/Eligibility';
import { Mediator } from './screens/Mediator';
import { MediatorPin } from './screens/MediatorPin';
import { Review } from './screens/Review';
import { ThankYou } from './screens/ThankYou';
import { Welcome } from './screens/Welcome';

export function App({ config }: { config: ScreenConfig }): React.JSX.Element {
  const { t } = useTranslation();
  const screen = useSession((s) => s.screen);
  const election = useSession((s) => s.election);
  const detailId = useSession((s) => s.detailId);
  const load = useSession((s) => s.load);
  const endVoter = useSession((s) => s.endVoter);
  const mediatorView = useMediator((s) => s.view);
  const openMediator = useMediator((s) => s.open);
  const textSize = useSettings((s) => s.textSize);
  const highContrast = useSettings((s) => s.highContrast);
  const [dialogOpen, setDialogOpen] = useState(false);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => {
    if (election)
      useSelection.getState().configure(election.election.minChoices, election.election.maxChoices);
  }, [election]);

  useEffect(() => {
    const root = document.documentElement;
    root.dataset.textSize = String(textSize);
    root.dataset.contrast = highContrast ? 'high' : 'normal';
  }, [textSize, highContrast]);

  // A new screen (or a project's detail) starts at its top, wherever the previous one was scrolled.
  useEffect(() => {
    window.scrollTo(0, 0);
  }, [screen, detailId]);

  // Back on the welcome screen, the next voter starts in French with nothing read aloud.
  useEffect(() => {
    if (screen === 'welcome') {
      stopReading();
      void i18n.changeLanguage('fr');
    }
  }, [screen]);

  // Someone may set the text size, the contrast or English on the welcome screen and walk away without
  // voting: after the idle delay there too, the next person finds the kiosk as it starts (no countdown,
  // there is nothing to lose). The mediator's space has its own session and is left alone.
  useIdle(screen === 'welcome' && mediatorView === 'closed', config.idleMs, () => {
    stopReading();
    useSettings.getState().reset();
    void i18n.changeLanguage('fr');
  });

  const guarded = screen === 'eligibility' || screen === 'browse' || screen === 'review';
  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <div className="app" inert={dialogOpen}>
        <Header />
        <main id="main" className={`main screen-${screen}`} tabIndex={-1}>
          {screen === 'welcome' && mediatorView === 'closed' && <Welcome />}
          {screen === 'welcome' && mediatorView === 'pin' && <MediatorPin />}
          {screen === 'welcome' && mediatorView === 'space' && <Mediator />}
          {screen === 'eligibility' && <Eligibility />}
          {screen === 'browse' && <Browse />}
          {screen === 'review' && <Review />}
          {screen === 'thanks' && <ThankYou autoReturnMs={config.idleMs} />}
        </main>
        {/* The mediator's entry: on the welcome screen only, never during a voter's session. */}
        {screen === 'welcome' && mediatorView === 'closed' && (
          <footer className="voter-footer welcome-footer">
            <button type="button" className="button small mediator-entry" onClick={() => void openMediator()}>
              {t('mediator.entry')}
            </button>
          </footer>
        )}
      </div>
      {guarded && (
        <IdleGuard
          key={screen === 'eligibility' ? 'eligibility' : 'vote'}
          idleMs={config.idleMs}
          countdownMs={config.countdownMs}
          onOpenChange={setDialogOpen}
          onExpire={() => {
            setDialogOpen(false);
            void endVoter();
          }}
        />
      )}
    </>
  );
}
