/**
 * A short text field (a mediator's name, a counter's label, a server address, a code) with the on-screen
 * keyboard under it on demand: counters' kiosks often have no physical keyboard.
 */
import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FieldLabel, hintId } from './FieldLabel';
import { Keyboard } from './Keyboard';

const TECHNICAL_SYMBOLS = [':', '/', '.', '_', '@', '#'] as const;

interface NameFieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  hint?: string;
  maxLength?: number;
  invalid?: boolean;
  /** Monospace, no spelling help: addresses, codes, fingerprints. */
  technical?: boolean;
  autoFocus?: boolean;
  testId?: string;
}

export function NameField({
  label,
  value,
  onChange,
  hint,
  maxLength = 200,
  invalid = false,
  technical = false,
  testId,
}: NameFieldProps): React.JSX.Element {
  const { t } = useTranslation();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [keyboard, setKeyboard] = useState(false);
  const type = (text: string): void => {
    onChange((value + text).slice(0, maxLength));
    input.current?.focus();
  };
  return (
    <div className="field">
      <FieldLabel fieldId={id} label={label} hint={hint} />
      <div className="search-row">
        <input
          ref={input}
          id={id}
          className={technical ? 'input technical' : 'input'}
          value={value}
          maxLength={maxLength}
          autoComplete="off"
          spellCheck={false}
          autoCapitalize={technical ? 'off' : 'words'}
          aria-invalid={invalid}
          aria-describedby={hint ? hintId(id) : undefined}
          data-testid={testId}
          onChange={(e) => onChange(e.target.value)}
        />
        <button
          type="button"
          className={keyboard ? 'button on' : 'button'}
          aria-pressed={keyboard}
          aria-label={t('setup.keyboardFor', { field: label })}
          onClick={() => setKeyboard((k) => !k)}
        >
          {t('browse.keyboard')}
        </button>
      </div>
      {keyboard && (
        <div className="field-keyboard">
          <Keyboard
            layout="text"
            onText={type}
            onBackspace={() => onChange(value.slice(0, -1))}
            onHide={() => setKeyboard(false)}
            digits={technical}
            {...(technical ? { symbols: TECHNICAL_SYMBOLS } : {})}
          />
        </div>
      )}
    </div>
  );
}
