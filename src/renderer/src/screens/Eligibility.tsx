/**
 * Eligibility: commune, birth date in three large fields, names with the on-screen
 * keyboard, an honest word on why names are asked, and refusals in plain words with what to do next.
 * The typed data lives only in this component's state: it is gone once the screen unmounts.
 */
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Commune } from '../../../shared/api';
import { CommuneField } from '../components/CommuneField';
import { Keyboard } from '../components/Keyboard';
import { useFocusOnMount } from '../components/useFocusOnMount';
import { checkDate } from '../lib/date';
import { useSession } from '../stores/app';

type FieldName = 'commune' | 'day' | 'month' | 'year' | 'familyName' | 'firstName';
const numeric: Record<FieldName, number | null> = {
  commune: null,
  day: 2,
  month: 2,
  year: 4,
  familyName: null,
  firstName: null,
};
const nextField: Partial<Record<FieldName, FieldName>> = { day: 'month', month: 'year', year: 'familyName' };

type Problem = 'commune' | 'date' | 'name';

export function Eligibility(): React.JSX.Element {
  const { t } = useTranslation();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const checking = useSession((s) => s.checking);
  const refusal = useSession((s) => s.refusal);
  const minAge = useSession((s) => s.election?.election.minAge ?? 11);
  const checkEligibility = useSession((s) => s.checkEligibility);
  const clearRefusal = useSession((s) => s.clearRefusal);
  const endVoter = useSession((s) => s.endVoter);

  const [values, setValues] = useState<Record<Exclude<FieldName, 'commune'>, string> & { commune: string }>({
    commune: '',
    day: '',
    month: '',
    year: '',
    familyName: '',
    firstName: '',
  });
  const [commune, setCommune] = useState<Commune | null>(null);
  const [assisted, setAssisted] = useState(false);
  const [activeField, setActiveField] = useState<FieldName>('commune');
  const [problems, setProblems] = useState<Problem[]>([]);
  const [keyboardShown, setKeyboardShown] = useState(true);
  const summaryRef = useRef<HTMLDivElement>(null);
  const refusalRef = useRef<HTMLHeadingElement>(null);
  const fieldRefs = useRef<Partial<Record<FieldName, HTMLInputElement | null>>>({});

  const setField = (field: FieldName, value: string): void => {
    const max = numeric[field];
    const cleaned = max === null ? value.slice(0, 100) : value.replace(/\D/g, '').slice(0, max);
    setValues((v) => ({ ...v, [field]: cleaned }));
  };

  const focusField = (field: FieldName): void => {
    setActiveField(field);
    fieldRefs.current[field]?.focus();
  };

  const onKeyboardText = (text: string): void => {
    const field = activeField;
    const max = numeric[field];
    const current = values[field];
    if (max !== null && !/^\d$/.test(text)) return;
    const updated = current + text;
    setField(field, updated);
    // On the number pad, a full field moves on to the next one, as on a paper form's boxes.
    const next = nextField[field];
    if (max !== null && updated.length >= max && next) focusField(next);
    else fieldRefs.current[field]?.focus();
  };
  const onKeyboardBackspace = (): void => {
    setField(activeField, values[activeField].slice(0, -1));
  };

  const submit = async (): Promise<void> => {
    const found: Problem[] = [];
    if (commune === null) found.push('commune');
    const date = checkDate({ day: values.day, month: values.month, year: values.year });
    if (date.kind !== 'ok') found.push('date');
    if (values.familyName.trim() === '' || values.firstName.trim() === '') found.push('name');
    setProblems(found);
    if (found.length > 0 || commune === null || date.kind !== 'ok') {
      requestAnimationFrame(() => summaryRef.current?.focus());
      return;
    }
    const accepted = await checkEligibility({
      communeCode: commune.code,
      birthDate: date.iso,
      familyName: values.familyName.trim(),
      firstName: values.firstName.trim(),
      assisted,
    });
    if (!accepted) requestAnimationFrame(() => refusalRef.current?.focus());
  };

  if (refusal !== null) {
    const known = t(`errors.${refusal.code}`, { minAge, defaultValue: '' });
    return (
      <section className="screen narrow" aria-labelledby="refusal-title">
        <div className="refusal" role="alert">
          <h1 id="refusal-title" tabIndex={-1} ref={refusalRef}>
            {t('eligibility.refusalTitle')}
          </h1>
          <p className="lead">{known || refusal.message || t('errors.generic')}</p>
        </div>
        <div className="actions">
          <button type="button" className="button secondary" onClick={clearRefusal}>
            {t('eligibility.fix')}
          </button>
          <button type="button" className="button primary" onClick={() => void endVoter()}>
            {t('eligibility.home')}
          </button>
        </div>
      </section>
    );
  }

  const dateCheck = checkDate({ day: values.day, month: values.month, year: values.year });
  const problemText: Record<Problem, string> = {
    commune: t('eligibility.missingCommune'),
    date: dateCheck.kind === 'invalid' ? t('eligibility.invalidDate') : t('eligibility.missingDate'),
    name: t('eligibility.missingName'),
  };
  const has = (p: Problem): boolean => problems.includes(p);
  const textInput = (field: 'familyName' | 'firstName', problem: Problem): React.JSX.Element => (
    <div className="field">
      <label className="label" htmlFor={`field-${field}`}>
        {t(`eligibility.${field}`)}
      </label>
      {/* The token hashes the FIRST given name (DESIGN §3.2): the same one at every kiosk. */}
      {field === 'firstName' && (
        <p className="hint" id="first-name-hint">
          {t('eligibility.firstNameHint')}
        </p>
      )}
      <input
        id={`field-${field}`}
        ref={(el) => {
          fieldRefs.current[field] = el;
        }}
        className="input"
        type="text"
        inputMode="none"
        autoComplete="off"
        spellCheck={false}
        autoCapitalize="words"
        maxLength={100}
        value={values[field]}
        aria-invalid={(has(problem) && values[field].trim() === '') || undefined}
        aria-describedby={[
          field === 'firstName' ? 'first-name-hint' : '',
          'why-names',
          has(problem) ? 'problem-name' : '',
        ]
          .filter(Boolean)
          .join(' ')}
        onFocus={() => setActiveField(field)}
        onChange={(e) => setField(field, e.target.value)}
      />
    </div>
  );
  const dateInput = (field: 'day' | 'month' | 'year'): React.JSX.Element => (
    <div className={`date-part date-${field}`}>
      <label className="label" htmlFor={`field-${field}`}>
        {t(`eligibility.${field}`)}
      </label>
      <input
        id={`field-${field}`}
        ref={(el) => {
          fieldRefs.current[field] = el;
        }}
        className="input"
        type="text"
        inputMode="none"
        autoComplete="off"
        maxLength={numeric[field] ?? 4}
        value={values[field]}
        aria-invalid={has('date') || undefined}
        aria-describedby={['birth-hint', has('date') ? 'problem-date' : ''].filter(Boolean).join(' ')}
        onFocus={() => setActiveField(field)}
        onChange={(e) => setField(field, e.target.value)}
      />
    </div>
  );

  return (
    <section className="screen" aria-labelledby="eligibility-title">
      <h1 id="eligibility-title" tabIndex={-1} ref={heading}>
        {t('eligibility.title')}
      </h1>
      <p className="lead">{t('eligibility.intro')}</p>
      {/* Why names are asked, in one honest sentence always in view; the rest for who wants it. */}
      <div className="why">
        <p id="why-names">{t('eligibility.why')}</p>
        <details>
          <summary>{t('eligibility.whyMore')}</summary>
          <p>{t('eligibility.whyHow')}</p>
          <p>{t('eligibility.whyApart')}</p>
          <p>{t('eligibility.whyLimit')}</p>
        </details>
      </div>

      {problems.length > 0 && (
        <div
          className="problems"
          role="alert"
          tabIndex={-1}
          ref={summaryRef}
          aria-labelledby="problems-title"
        >
          <h2 id="problems-title">{t('eligibility.errorsTitle')}</h2>
          <ul>
            {problems.map((p) => (
              <li key={p} id={`problem-${p}`}>
                {problemText[p]}
              </li>
            ))}
          </ul>
        </div>
      )}

      <form
        className="eligibility-form"
        noValidate
        // The fields ask the system for no keyboard of its own (inputMode="none": a Windows touch kiosk
        // would cover ours); a finger on a field brings ours back if it was hidden.
        onPointerDown={(e) => {
          if (
            e.pointerType !== 'mouse' &&
            e.target instanceof HTMLInputElement &&
            e.target.inputMode === 'none'
          )
            setKeyboardShown(true);
        }}
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <div className="form-grid">
          <div className="form-column">
            <CommuneField
              query={values.commune}
              onQuery={(q) => setField('commune', q)}
              commune={commune}
              onCommune={(c) => {
                setCommune(c);
                // The on-screen keys now serve the next answer, the birth date.
                if (c !== null) setActiveField('day');
              }}
              onFocus={() => setActiveField('commune')}
              invalid={has('commune') && commune === null}
              errorId={has('commune') ? 'problem-commune' : undefined}
            />
            <fieldset className="field date-field">
              <legend className="label">{t('eligibility.birthDate')}</legend>
              <p className="hint" id="birth-hint">
                {t('eligibility.birthDateHint')}
              </p>
              <div className="date-parts">
                {dateInput('day')}
                {dateInput('month')}
                {dateInput('year')}
              </div>
            </fieldset>
            <div className="name-row">
              {textInput('familyName', 'name')}
              {textInput('firstName', 'name')}
            </div>
            <label className="check">
              <input type="checkbox" checked={assisted} onChange={(e) => setAssisted(e.target.checked)} />
              <span>{t('eligibility.assisted')}</span>
            </label>
          </div>
          <div className="form-column keyboard-column">
            {keyboardShown ? (
              <Keyboard
                layout={numeric[activeField] === null ? 'text' : 'numeric'}
                digits={activeField === 'commune'}
                onText={onKeyboardText}
                onBackspace={onKeyboardBackspace}
                onHide={() => setKeyboardShown(false)}
              />
            ) : (
              <button type="button" className="button secondary" onClick={() => setKeyboardShown(true)}>
                {t('browse.keyboard')}
              </button>
            )}
            <div className="actions">
              <button type="button" className="button secondary" onClick={() => void endVoter()}>
                {t('eligibility.back')}
              </button>
              <button type="submit" className="button primary big" disabled={checking}>
                {checking ? t('eligibility.checking') : t('eligibility.continue')}
              </button>
            </div>
          </div>
        </div>
      </form>
    </section>
  );
}
