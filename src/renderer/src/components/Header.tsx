/**
 * The header on every screen: the language switch (Français / English), the display settings (three
 * text sizes, high contrast), where a voice exists, read-aloud, and during a vote the voter's "Abandonner".
 */
import { useTranslation } from 'react-i18next';
import { languages } from '../i18n';
import { textSizes } from '../stores/settings';
import { useMediator, useSession, useSettings } from '../stores/app';
import { QuitButton } from './QuitButton';
import { ReadAloud } from './ReadAloud';

const languageNames: Record<(typeof languages)[number], string> = { fr: 'Français', en: 'English' };

export function Header(): React.JSX.Element {
  const { t, i18n } = useTranslation();
  const training = useSession((s) => s.status?.training ?? false);
  const screen = useSession((s) => s.screen);
  const mediatorOpen = useMediator((s) => s.view !== 'closed');
  const voting = !mediatorOpen && (screen === 'eligibility' || screen === 'browse' || screen === 'review');
  const textSize = useSettings((s) => s.textSize);
  const highContrast = useSettings((s) => s.highContrast);
  const panelOpen = useSettings((s) => s.panelOpen);
  const { setTextSize, setHighContrast, setPanelOpen } = useSettings.getState();

  return (
    <header className="header">
      <div className="header-bar">
        <p className="app-name">{t('app.name')}</p>
        <div className="header-tools">
          <div className="languages" role="group" aria-label={t('header.language')}>
            {languages.map((lng) => (
              <button
                key={lng}
                type="button"
                lang={lng}
                className={i18n.language === lng ? 'button header-button on' : 'button header-button'}
                aria-pressed={i18n.language === lng}
                onClick={() => void i18n.changeLanguage(lng)}
              >
                {languageNames[lng]}
              </button>
            ))}
          </div>
          <button
            type="button"
            className={panelOpen ? 'button header-button on' : 'button header-button'}
            aria-expanded={panelOpen}
            aria-controls="display-panel"
            onClick={() => setPanelOpen(!panelOpen)}
          >
            <span aria-hidden="true">Aa </span>
            {t('header.display')}
          </button>
          <ReadAloud />
          {voting && <QuitButton />}
        </div>
      </div>
      {training && (
        <p className="training-banner" role="note">
          {t('app.training')}
        </p>
      )}
      <div
        id="display-panel"
        className="display-panel"
        hidden={!panelOpen}
        role="region"
        aria-label={t('header.displayTitle')}
      >
        <div className="panel-group" role="group" aria-labelledby="text-size-label">
          <span id="text-size-label" className="label">
            {t('header.textSize')}
          </span>
          <div className="panel-buttons">
            {textSizes.map((size) => (
              <button
                key={size}
                type="button"
                className={`button size-${size} ${textSize === size ? 'on' : ''}`}
                aria-pressed={textSize === size}
                onClick={() => setTextSize(size)}
              >
                {t(`header.size${size}`)}
              </button>
            ))}
          </div>
        </div>
        <div className="panel-group">
          <button
            type="button"
            className={highContrast ? 'button on' : 'button'}
            aria-pressed={highContrast}
            onClick={() => setHighContrast(!highContrast)}
          >
            {t('header.contrast')}
          </button>
        </div>
        <p className="hint">{t('header.settingsNote')}</p>
        <button type="button" className="button secondary" onClick={() => setPanelOpen(false)}>
          {t('header.close')}
        </button>
      </div>
    </header>
  );
}
