/**
 * A PIN field with its on-screen pad: large touch keys, the physical keyboard's digits too (the field is
 * a real, masked input), a message region read out at once (`aria-live`). Used to log in, to create and
 * add accounts, and to change one's own PIN.
 */
import { useTranslation } from 'react-i18next';
import { pinDigits, PIN_MAX } from '../lib/pin';
import { FieldLabel, hintId } from './FieldLabel';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

interface PinPadProps {
  id: string;
  label: string;
  value: string;
  onChange: (digits: string) => void;
  /** The pad's own submit key ("Valider"); the field sits inside the caller's form. */
  submitLabel: string;
  busy?: boolean;
  /** An error to show under the field (marks it invalid), or an information. */
  message?: { kind: 'error' | 'info'; text: string } | null;
  hint?: string;
}

export function PinPad({
  id,
  label,
  value,
  onChange,
  submitLabel,
  busy = false,
  message = null,
  hint,
}: PinPadProps): React.JSX.Element {
  const { t } = useTranslation();
  const press = (key: string): void => onChange(pinDigits(value + key));
  const described = [hint ? hintId(id) : null, `${id}-message`].filter(Boolean).join(' ');
  return (
    <div className="pin-block">
      <div className="pin-field">
        <FieldLabel fieldId={id} label={label} hint={hint} />
        <input
          id={id}
          className="input pin-input"
          type="password"
          // The pad below types the digits: no system keyboard over it.
          inputMode="none"
          autoComplete="off"
          maxLength={PIN_MAX}
          value={value}
          aria-invalid={message?.kind === 'error'}
          aria-describedby={described}
          onChange={(e) => onChange(pinDigits(e.target.value))}
        />
        <div id={`${id}-message`} className="pin-message" aria-live="assertive">
          {message && <p className={`notice ${message.kind}`}>{message.text}</p>}
        </div>
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
          onClick={() => onChange(value.slice(0, -1))}
        >
          ⌫
        </button>
        <button type="button" className="button pin-key" onClick={() => press('0')}>
          0
        </button>
        <button type="submit" className="button primary pin-key" disabled={busy}>
          {submitLabel}
        </button>
      </div>
    </div>
  );
}
