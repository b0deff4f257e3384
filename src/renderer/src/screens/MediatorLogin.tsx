/**
 * The mediator's login: pick your name among the kiosk's accounts, then your PIN on the pad. Wrong PINs
 * lock the account for a time that doubles each time (the core keeps it across restarts): the screen
 * says until when. Shown from the welcome screen's "Médiateur" button, from the escape hatch over a
 * voter's screen, and inside the setup when a mediator's session is needed again.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MediatorStatus } from '../../../shared/api';
import type { AppError } from '../../../shared/result';
import { PinPad } from '../components/PinPad';
import { useFocusOnMount } from '../components/useFocusOnMount';
import { sayTime } from '../lib/day';
import { PIN_MIN } from '../lib/pin';

interface MediatorLoginProps {
  accounts: MediatorStatus | null;
  error: AppError | null;
  busy: boolean;
  onUnlock: (accountId: string, pin: string) => Promise<boolean>;
  onCancel?: () => void;
  /** "Tous les codes sont perdus ?": the central team's reset. */
  onRecover?: () => void;
  /** The title's level-1 heading; inside the setup the page has its own. */
  heading?: boolean;
}

export function MediatorLogin({
  accounts,
  error,
  busy,
  onUnlock,
  onCancel,
  onRecover,
  heading = true,
}: MediatorLoginProps): React.JSX.Element {
  const { t, i18n } = useTranslation();
  const title = useFocusOnMount<HTMLHeadingElement>();
  const list = accounts?.accounts ?? [];
  const [picked, setChosen] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const [pin, setPin] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);

  // The only account is the one meant.
  const chosen = picked ?? (list.length === 1 ? (list[0]?.id ?? null) : null);

  // A lockout ends by itself: the clock moves on, and the pad comes back.
  useEffect(() => {
    const tick = setInterval(() => setNow(Date.now()), 5000);
    return () => clearInterval(tick);
  }, []);

  const account = list.find((a) => a.id === chosen) ?? null;
  const lockedUntil =
    account?.lockedOutUntil && new Date(account.lockedOutUntil).getTime() > now
      ? account.lockedOutUntil
      : null;

  const submit = async (): Promise<void> => {
    if (busy) return;
    if (account === null) {
      setLocalError(t('login.pickFirst'));
      return;
    }
    if (pin.length < PIN_MIN) {
      setLocalError(t('login.pinLength'));
      return;
    }
    const entered = pin;
    setPin('');
    await onUnlock(account.id, entered);
  };

  const message = localError
    ? localError
    : lockedUntil
      ? t('login.lockedOut', { time: sayTime(lockedUntil, i18n.language) })
      : error?.code === 'pin_locked'
        ? t('errors.pin_locked')
        : error?.code === 'unauthorized' && error.details?.triesLeft !== undefined
          ? t('mediator.wrongPin', { count: Number(error.details.triesLeft) })
          : error?.code === 'unauthorized' && account !== null
            ? t('login.wrongPin')
            : error
              ? t(`errors.${error.code}`, { defaultValue: '' }) || error.message
              : null;

  const Title = heading ? 'h1' : 'h2';
  return (
    <section className="screen narrow mediator-login" aria-labelledby="login-title">
      <Title id="login-title" tabIndex={-1} ref={title}>
        {t('login.title')}
      </Title>
      {list.length === 0 ? (
        <p className="notice info">{t('login.noAccount')}</p>
      ) : (
        <form
          className="login-grid"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <fieldset className="account-list">
            <legend className="label">{t('login.who')}</legend>
            {list.map((a) => (
              <label key={a.id} className={chosen === a.id ? 'account-choice on' : 'account-choice'}>
                <input
                  type="radio"
                  name="account"
                  value={a.id}
                  checked={chosen === a.id}
                  onChange={() => {
                    setChosen(a.id);
                    setLocalError(null);
                  }}
                />
                <span>{a.name}</span>
              </label>
            ))}
          </fieldset>
          <div>
            <PinPad
              id="mediator-pin"
              label={account ? t('login.pinFor', { name: account.name }) : t('login.pinLabel')}
              value={pin}
              onChange={(digits) => {
                setLocalError(null);
                setPin(digits);
              }}
              submitLabel={t('mediator.ok')}
              busy={busy || lockedUntil !== null}
              message={message ? { kind: 'error', text: message } : null}
            />
          </div>
        </form>
      )}
      {(onCancel ?? onRecover) && (
        <div className="actions">
          {onCancel && (
            <button type="button" className="button secondary" onClick={onCancel}>
              {t('mediator.cancel')}
            </button>
          )}
          {onRecover && (
            <button type="button" className="button small" onClick={onRecover}>
              {t('recovery.entry')}
            </button>
          )}
        </div>
      )}
    </section>
  );
}
