/**
 * A name (optional) and a new PIN typed twice on the pad, with, for a change of one's own PIN, the
 * current one first: the first mediator of the setup, an account added by another mediator, "Changer
 * mon code". The PIN is checked here only for its form (6 to 12 digits, both entries the same); the core
 * decides the rest.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isValidPin } from '../lib/pin';
import { NameField } from './NameField';
import { PinPad } from './PinPad';

type Stage = 'current' | 'pin' | 'again';

interface AccountFormProps {
  withName: boolean;
  withCurrent?: boolean;
  submitLabel: string;
  busy: boolean;
  /** The core's refusal, in words, shown under the pad. */
  error: string | null;
  onSubmit: (input: { name: string; pin: string; currentPin: string }) => Promise<boolean>;
}

export function AccountForm({
  withName,
  withCurrent = false,
  submitLabel,
  busy,
  error,
  onSubmit,
}: AccountFormProps): React.JSX.Element {
  const { t } = useTranslation();
  const [stage, setStage] = useState<Stage>(withCurrent ? 'current' : 'pin');
  const [name, setName] = useState('');
  const [currentPin, setCurrentPin] = useState('');
  const [first, setFirst] = useState('');
  const [digits, setDigits] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);

  const reset = (): void => {
    setStage(withCurrent ? 'current' : 'pin');
    setCurrentPin('');
    setFirst('');
    setDigits('');
  };

  const next = async (): Promise<void> => {
    if (busy) return;
    setLocalError(null);
    if (withName && name.trim() === '') {
      setLocalError(t('accounts.nameMissing'));
      return;
    }
    if (stage === 'current') {
      if (digits.length === 0) return;
      setCurrentPin(digits);
      setDigits('');
      setStage('pin');
      return;
    }
    if (!isValidPin(digits)) {
      setLocalError(t('login.pinLength'));
      return;
    }
    if (stage === 'pin') {
      setFirst(digits);
      setDigits('');
      setStage('again');
      return;
    }
    if (digits !== first) {
      setFirst('');
      setDigits('');
      setStage('pin');
      setLocalError(t('accounts.pinMismatch'));
      return;
    }
    const done = await onSubmit({ name: name.trim(), pin: digits, currentPin });
    if (done) setName('');
    reset();
  };

  const label =
    stage === 'current'
      ? t('accounts.currentPin')
      : stage === 'pin'
        ? t('accounts.newPin')
        : t('accounts.newPinAgain');
  const message = localError ?? error;
  return (
    <form
      className="account-form"
      onSubmit={(e) => {
        e.preventDefault();
        void next();
      }}
    >
      {withName && (
        <NameField
          label={t('accounts.name')}
          hint={t('accounts.nameHint')}
          value={name}
          onChange={setName}
          maxLength={60}
        />
      )}
      <PinPad
        // A new field for each stage, so a screen reader announces what is asked now.
        key={stage}
        id={`account-pin-${stage}`}
        label={label}
        hint={stage === 'pin' ? t('accounts.pinHint') : undefined}
        value={digits}
        onChange={(d) => {
          setLocalError(null);
          setDigits(d);
        }}
        submitLabel={stage === 'again' ? submitLabel : t('accounts.next')}
        busy={busy}
        message={
          message
            ? { kind: 'error', text: message }
            : stage === 'again'
              ? { kind: 'info', text: t('accounts.againIntro') }
              : null
        }
      />
    </form>
  );
}
