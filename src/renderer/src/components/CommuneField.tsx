/**
 * Commune by name or postal code with live suggestions: an ARIA 1.2 combobox (input + listbox).
 * Suggestions come from the core (`searchCommunes`); arrows and Enter pick one by keyboard, a tap picks
 * one by touch.
 */
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Commune } from '../../../shared/api';
import { api } from '../api';

interface CommuneFieldProps {
  query: string;
  onQuery: (query: string) => void;
  commune: Commune | null;
  onCommune: (commune: Commune | null) => void;
  onFocus: () => void;
  invalid: boolean;
  errorId?: string;
}

export function CommuneField(props: CommuneFieldProps): React.JSX.Element {
  const { query, onQuery, commune, onCommune, onFocus, invalid, errorId } = props;
  const { t } = useTranslation();
  const id = useId();
  const [suggestions, setSuggestions] = useState<Commune[]>([]);
  const [searched, setSearched] = useState('');
  const [active, setActive] = useState(-1);
  const inputRef = useRef<HTMLInputElement>(null);
  const changeRef = useRef<HTMLButtonElement>(null);
  // Picking a commune replaces the input by "Changer", and "Changer" brings the input back: the focus
  // follows to the control that took the place of the one that had it, instead of falling to <body>.
  const focusNext = useRef<'change' | 'input' | null>(null);
  useEffect(() => {
    if (focusNext.current === 'change') changeRef.current?.focus();
    if (focusNext.current === 'input') inputRef.current?.focus();
    focusNext.current = null;
  }, [commune]);

  useEffect(() => {
    const q = query.trim();
    if (commune !== null || q.length < 2) return;
    let cancelled = false;
    const timer = setTimeout(() => {
      void api.searchCommunes({ query: q, limit: 8 }).then((result) => {
        if (cancelled) return;
        setSuggestions(result.ok ? result.value : []);
        setSearched(q);
        setActive(-1);
      });
    }, 120);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [query, commune]);

  const pick = (c: Commune): void => {
    focusNext.current = 'change';
    onCommune(c);
    setSuggestions([]);
    setActive(-1);
  };

  if (commune !== null) {
    return (
      <div className="field">
        <span className="label" id={`${id}-label`}>
          {t('eligibility.commune')}
        </span>
        <div className="chosen-commune">
          <p id={`${id}-chosen`}>
            {t('eligibility.communeChosen', {
              name: `${commune.name} (${commune.postalCodes[0] ?? commune.code})`,
            })}
          </p>
          <button
            type="button"
            ref={changeRef}
            className="button secondary"
            aria-describedby={`${id}-chosen`}
            onClick={() => {
              focusNext.current = 'input';
              onCommune(null);
              onQuery('');
            }}
          >
            {t('eligibility.communeChange')}
          </button>
        </div>
      </div>
    );
  }

  const listId = `${id}-list`;
  const showList = query.trim().length >= 2 && searched === query.trim();
  const visible = showList ? suggestions : [];
  // A postal code of another département: say plainly that the vote is for Pas-de-Calais residents.
  const outside = /^\d{5}$/.test(query.trim()) && !query.trim().startsWith('62');
  const noneText = outside ? t('eligibility.communeOutside') : t('eligibility.communeNone');
  return (
    <div className="field">
      <label className="label" htmlFor={`${id}-input`}>
        {t('eligibility.commune')}
      </label>
      <p className="hint" id={`${id}-hint`}>
        {t('eligibility.communeHint')}
      </p>
      <input
        id={`${id}-input`}
        ref={inputRef}
        className="input"
        type="text"
        role="combobox"
        inputMode="none"
        autoComplete="off"
        spellCheck={false}
        aria-autocomplete="list"
        aria-expanded={visible.length > 0}
        aria-controls={listId}
        aria-activedescendant={active >= 0 ? `${id}-opt-${active}` : undefined}
        aria-describedby={[`${id}-hint`, errorId].filter(Boolean).join(' ')}
        aria-invalid={invalid || undefined}
        value={query}
        maxLength={100}
        onFocus={onFocus}
        onChange={(e) => onQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' && visible.length > 0) {
            e.preventDefault();
            setActive((a) => (a + 1) % visible.length);
          } else if (e.key === 'ArrowUp' && visible.length > 0) {
            e.preventDefault();
            setActive((a) => (a <= 0 ? visible.length - 1 : a - 1));
          } else if (e.key === 'Enter') {
            const c = visible[active >= 0 ? active : 0];
            if (c && (active >= 0 || visible.length === 1)) {
              e.preventDefault();
              pick(c);
            }
          } else if (e.key === 'Escape') {
            setSuggestions([]);
          }
        }}
      />
      <ul
        id={listId}
        role="listbox"
        aria-label={t('eligibility.commune')}
        className="suggestions"
        hidden={visible.length === 0}
      >
        {visible.map((c, i) => (
          <li
            key={c.code}
            id={`${id}-opt-${i}`}
            role="option"
            aria-selected={i === active}
            className={i === active ? 'option active' : 'option'}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => pick(c)}
          >
            <span className="option-name">{c.name}</span>{' '}
            <span className="option-code">{c.postalCodes.join(', ')}</span>
          </li>
        ))}
      </ul>
      <p className="sr-only" role="status">
        {showList
          ? suggestions.length === 0
            ? noneText
            : t('eligibility.communeCount', { count: suggestions.length })
          : ''}
      </p>
      {showList && suggestions.length === 0 && (
        <p className="notice warning" aria-hidden="true">
          {noneText}
        </p>
      )}
    </div>
  );
}
