/**
 * The kiosk application: header (with the training banner), then the setup while the kiosk is not in
 * service, else the mediator's screens when open (the login, the space, a signed report as a page), else
 * the voter's current screen with the escape hatch and the idle guard. Applies the voter's display
 * settings to <html> and loads the kiosk status and election on start. A kiosk whose database is damaged
 * shows only the start-failure screen.
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ScreenConfig } from './config';
import { EscapeHatch } from './components/EscapeHatch';
import { Header } from './components/Header';
import { IdleGuard } from './components/IdleGuard';
import { stopReading } from './components/ReadAloud';
import { ReportView } from './components/ReportView';
import { useIdle } from './components/useIdle';
import { i18n } from './i18n';
import { useMediator, useSelection, useSession, useSettings } from './stores/app';
import { Browse } from './screens/Browse';
import { Eligibility } from './screens/Eligibility';
import { Mediator } from './screens/Mediator';
import { MediatorLogin } from './screens/MediatorLogin';
import { MediatorRecovery } from './screens/MediatorRecovery';
import { Review } from './screens/Review';
import { Setup } from './screens/Setup';
import { StartFailure } from './screens/StartFailure';
import { ThankYou } from './screens/ThankYou';
import { Welcome } from './screens/Welcome';

export function App({ config }: { config: ScreenConfig }): React.JSX.Element {
  const { t } = useTranslation();
  const screen = useSession((s) => s.screen);
  const election = useSession((s) => s.election);
  const detailId = useSession((s) => s.detailId);
  const load = useSession((s) => s.load);
  const endVoter = useSession((s) => s.endVoter);
  const status = useSession((s) => s.status);
  // A damaged database: the core answers every call with it, and only its screen is shown.
  const startFailure = useSession((s) => (s.loadError?.code === 'kiosk_db_corrupt' ? s.loadError : null));
  const touch = useSession((s) => s.touch);
  const mediatorView = useMediator((s) => s.view);
  const openMediator = useMediator((s) => s.open);
  const report = useMediator((s) => s.report);
  const accounts = useMediator((s) => s.accounts);
  const loginError = useMediator((s) => (s.errorAt === 'login' ? s.error : null));
  const mediatorBusy = useMediator((s) => s.busy);
  const fromHatch = useMediator((s) => s.fromHatch);
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

  // The escape hatch's login, left alone (a voter held the corner and walked away), goes back.
  useIdle(mediatorView === 'login' && fromHatch, config.idleMs, () => useMediator.getState().cancel());

  const setupStep = status && status.setup !== 'done' ? status.setup : null;
  const mediatorShown = setupStep === null && mediatorView !== 'closed';
  const voterShown = setupStep === null && !mediatorShown && status !== null;
  const guarded = voterShown && (screen === 'eligibility' || screen === 'browse' || screen === 'review');
  const openHatch = useCallback(() => void useMediator.getState().open({ fromHatch: true }), []);

  // While a voter is active on a guarded screen, the core hears of it (at most once a minute), so the
  // session lasts as long as the voter is there.
  useEffect(() => {
    if (!guarded) return;
    const events = ['pointerdown', 'keydown', 'input', 'wheel'] as const;
    for (const type of events) document.addEventListener(type, touch, { capture: true, passive: true });
    return () => {
      for (const type of events) document.removeEventListener(type, touch, { capture: true });
    };
  }, [guarded, touch]);

  // The counter's state changes without a voter (another mediator, the time): the welcome screen follows.
  useEffect(() => {
    if (!(screen === 'welcome' && mediatorView === 'closed')) return;
    const timer = setInterval(() => void useSession.getState().load(), 30_000);
    return () => clearInterval(timer);
  }, [screen, mediatorView]);

  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <div className="app" inert={dialogOpen}>
        <Header />
        <main
          id="main"
          className={`main screen-${setupStep ? 'setup' : mediatorShown ? 'mediator' : screen}`}
          tabIndex={-1}
        >
          {startFailure && <StartFailure error={startFailure} />}
          {status === null && !startFailure && <p className="notice info">{t('app.loading')}</p>}
          {setupStep && <Setup step={setupStep} />}
          {mediatorShown && mediatorView === 'login' && (
            <MediatorLogin
              accounts={accounts}
              error={loginError}
              busy={mediatorBusy}
              onUnlock={(id, pin) => useMediator.getState().unlock(id, pin)}
              onCancel={() => useMediator.getState().cancel()}
              {...(fromHatch ? {} : { onRecover: () => useMediator.getState().showRecovery(true) })}
            />
          )}
          {mediatorShown && mediatorView === 'recovery' && <MediatorRecovery />}
          {mediatorShown && mediatorView === 'space' && report !== null && (
            <ReportView report={report} onBack={() => useMediator.getState().showReport(null)} />
          )}
          {mediatorShown && mediatorView === 'space' && report === null && <Mediator />}
          {voterShown && screen === 'welcome' && <Welcome />}
          {voterShown && screen === 'eligibility' && <Eligibility />}
          {voterShown && screen === 'browse' && <Browse />}
          {voterShown && screen === 'review' && <Review />}
          {voterShown && screen === 'thanks' && <ThankYou autoReturnMs={config.idleMs} />}
        </main>
        {voterShown && screen !== 'welcome' && <EscapeHatch onOpen={openHatch} />}
        {/* The mediator's entry: on the welcome screen only, never during a voter's session. */}
        {voterShown && screen === 'welcome' && (
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
