/**
 * The mediator's PIN pad: large touch keys, the physical keyboard's digits too (the field is a real,
 * masked input), errors and the lockout announced by an `aria-live` region. With no PIN yet it asks the
 * mediator to choose one, twice.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFocusOnMount } from '../components/useFocusOnMount';
import { useMediator } from '../stores/app';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;
const MAX_DIGITS = 12;

export function MediatorPin(): React.JSX.Element {
  const { t } = useTranslation();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const status = useMediator((s) => s.pin);
  const error = useMediator((s) => s.error);
  const busy = useMediator((s) => s.busy);
  const { submitPin, cancel } = useMediator.getState();
  const [digits, setDigits] = useState('');
  /** While choosing a first code: the first entry, waiting to be typed again. */
  const [chosen, setChosen] = useState<string | null>(null);
  const [localError, setLocalError] = useState<string | null>(null);
  const choosing = status?.accounts.length === 0;
  const locked = status?.accounts[0]?.lockedOutUntil ?? null;

  const press = (key: string): void => {
    setLocalError(null);
    setDigits((d) => (d.length < MAX_DIGITS ? d + key : d));
  };
  const submit = async (): Promise<void> => {
    if (busy) return;
    if (!/^[0-9]{6,12}$/.test(digits)) {
      setLocalError(t('mediator.pinLength'));
      return;
    }
    if (choosing && chosen === null) {
      setChosen(digits);
      setDigits('');
      return;
    }
    if (choosing && chosen !== digits) {
      setChosen(null);
      setDigits('');
      setLocalError(t('mediator.pinMismatch'));
      return;
    }
    const pin = digits;
    setDigits('');
    setChosen(null);
    await submitPin(pin);
  };

  const title = choosing
    ? chosen === null
      ? t('mediator.chooseTitle')
      : t('mediator.confirmTitle')
    : t('mediator.pinTitle');
  const message =
    localError ??
    (error?.code === 'pin_locked' || locked
      ? t('mediator.lockedOut', {
          time: locked ? new Date(locked).toLocaleTimeString('fr-FR', { timeStyle: 'short' }) : '',
        })
      : error?.code === 'unauthorized' && error.details?.triesLeft !== undefined
        ? t('mediator.wrongPin', { count: Number(error.details?.triesLeft ?? 0) })
        : error
          ? t(`errors.${error.code}`, { defaultValue: '' }) || error.message
          : null);

  return (
    <section className="screen narrow mediator-pin" aria-labelledby="pin-title">
      <h1 id="pin-title" tabIndex={-1} ref={heading}>
        {title}
      </h1>
      <p className="lead">{choosing ? t('mediator.chooseIntro') : t('mediator.pinIntro')}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label className="label" htmlFor="mediator-pin">
          {t('mediator.pinLabel')}
        </label>
        <input
          id="mediator-pin"
          className="input pin-input"
          type="password"
          // The pad below types the digits: no system keyboard over it.
          inputMode="none"
          autoComplete="off"
          maxLength={MAX_DIGITS}
          value={digits}
          aria-invalid={message !== null}
          aria-describedby="pin-message"
          onChange={(e) => {
            setLocalError(null);
            setDigits(e.target.value.replace(/[^0-9]/g, '').slice(0, MAX_DIGITS));
          }}
        />
        <div id="pin-message" className="pin-message" aria-live="assertive">
          {message ? (
            <p className="notice error">{message}</p>
          ) : (
            chosen !== null && <p className="notice info">{t('mediator.confirmIntro')}</p>
          )}
        </div>
        <div className="pin-pad" role="group" aria-label={t('mediator.pad')}>
          {KEYS.map((key) => (
            <button key={key} type="button" className="button pin-key" onClick={() => press(key)}>
              {key}
            </button>
          ))}
          <button
            type="button"
            className="button pin-key"
            aria-label={t('mediator.erase')}
            onClick={() => setDigits((d) => d.slice(0, -1))}
          >
            ⌫
          </button>
          <button type="button" className="button pin-key" onClick={() => press('0')}>
            0
          </button>
          <button type="submit" className="button primary pin-key" disabled={busy}>
            {t('mediator.ok')}
          </button>
        </div>
      </form>
      <div className="actions">
        <button type="button" className="button secondary" onClick={cancel}>
          {t('mediator.cancel')}
        </button>
      </div>
    </section>
  );
}
