/**
 * On-screen AZERTY keyboard: kiosks have no physical keyboard. Keys never take the focus
 * (mousedown is cancelled), so the field being typed in stays focused and a physical keyboard keeps
 * working beside it. Keys are left out of the Tab order: keyboard users type directly.
 */
import type { MouseEvent } from 'react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

export type KeyboardLayout = 'text' | 'numeric';

interface KeyboardProps {
  layout: KeyboardLayout;
  onText: (text: string) => void;
  onBackspace: () => void;
  onHide?: () => void;
  /** The digit row (postal codes); names have no use for it and the screen is short. */
  digits?: boolean;
  /** One more row of characters (an address's ':' '/' '.'). */
  symbols?: readonly string[];
}

const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'];
const LETTER_ROWS = [
  ['a', 'z', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p'],
  ['q', 's', 'd', 'f', 'g', 'h', 'j', 'k', 'l', 'm'],
  ['w', 'x', 'c', 'v', 'b', 'n', '’', '-'],
];
const ACCENTS = ['é', 'è', 'ê', 'ë', 'à', 'â', 'ç', 'ù', 'û', 'ü', 'ô', 'î', 'ï', 'œ'];

const keepFocus = (e: MouseEvent): void => e.preventDefault();

export function Keyboard({
  layout,
  onText,
  onBackspace,
  onHide,
  digits = true,
  symbols,
}: KeyboardProps): React.JSX.Element {
  const { t } = useTranslation();
  const [caps, setCaps] = useState(false);
  const key = (char: string, extraClass = ''): React.JSX.Element => {
    const shown = caps ? char.toLocaleUpperCase('fr') : char;
    return (
      <button
        key={char}
        type="button"
        tabIndex={-1}
        className={`key ${extraClass}`}
        onMouseDown={keepFocus}
        onClick={() => onText(char === '’' ? "'" : shown)}
      >
        {shown}
      </button>
    );
  };
  const backspace = (
    <button
      type="button"
      tabIndex={-1}
      className="key key-wide"
      onMouseDown={keepFocus}
      onClick={onBackspace}
      aria-label={t('keyboard.backspace')}
    >
      <span aria-hidden="true">⌫</span> {t('keyboard.backspace')}
    </button>
  );
  const hide = onHide ? (
    <button type="button" tabIndex={-1} className="key key-wide" onMouseDown={keepFocus} onClick={onHide}>
      {t('keyboard.hide')}
    </button>
  ) : null;

  if (layout === 'numeric') {
    return (
      <div className="keyboard keyboard-numeric" role="group" aria-label={t('keyboard.numeric')}>
        <div className="key-row">{DIGITS.slice(0, 3).map((d) => key(d))}</div>
        <div className="key-row">{DIGITS.slice(3, 6).map((d) => key(d))}</div>
        <div className="key-row">{DIGITS.slice(6, 9).map((d) => key(d))}</div>
        <div className="key-row">
          {key('0')}
          {backspace}
        </div>
        {hide && <div className="key-row">{hide}</div>}
      </div>
    );
  }
  return (
    <div className="keyboard" role="group" aria-label={t('keyboard.label')}>
      {digits && <div className="key-row">{DIGITS.map((d) => key(d))}</div>}
      {symbols && <div className="key-row">{symbols.map((c) => key(c))}</div>}
      {LETTER_ROWS.map((row, i) => (
        <div className="key-row" key={i}>
          {row.map((c) => key(c))}
        </div>
      ))}
      <div className="key-row">{ACCENTS.slice(0, 7).map((c) => key(c))}</div>
      <div className="key-row">{ACCENTS.slice(7).map((c) => key(c))}</div>
      <div className="key-row">
        <button
          type="button"
          tabIndex={-1}
          className="key key-wide"
          aria-pressed={caps}
          onMouseDown={keepFocus}
          onClick={() => setCaps((c) => !c)}
        >
          <span aria-hidden="true">⇧</span> {t('keyboard.caps')}
        </button>
        <button
          type="button"
          tabIndex={-1}
          className="key key-space"
          onMouseDown={keepFocus}
          onClick={() => onText(' ')}
        >
          {t('keyboard.space')}
        </button>
        {backspace}
        {hide}
      </div>
    </div>
  );
}
