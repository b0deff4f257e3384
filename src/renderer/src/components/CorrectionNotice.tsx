/**
 * A correction of the election waiting on the mediator's home: what it changes, project by project, and
 * the button that applies it; then, in a live region that stays in place, that it was applied.
 */
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { CorrectionChange } from '../../../shared/api';
import { useMediator } from '../stores/app';
import { ErrorAt } from './MediatorNotices';

export function CorrectionNotice(): React.JSX.Element {
  const { t } = useTranslation();
  const correction = useMediator((s) => (s.sync?.pendingCorrectionRevision != null ? s.correction : null));
  const applied = useMediator((s) => s.correctionApplied);
  const busy = useMediator((s) => s.busy);
  const result = useRef<HTMLParagraphElement>(null);

  // The button goes away once applied: the focus moves to the sentence that says so.
  useEffect(() => {
    if (applied !== null) result.current?.focus();
  }, [applied]);

  const field = (change: CorrectionChange): string => {
    const name = t(`mediator.correction.fields.${change.field}`, { defaultValue: change.field });
    return change.kind === 'rule' ? t('mediator.correction.rule', { field: name }) : name;
  };

  return (
    <>
      {correction && (
        <div className="notice warning correction" data-testid="correction-notice">
          <h3 id="m-correction">{t('mediator.correction.title')}</h3>
          <p>
            {t('mediator.correction.intro', { from: correction.fromRevision, to: correction.toRevision })}
          </p>
          <h4 id="m-correction-changes">{t('mediator.correction.changes')}</h4>
          <ul aria-labelledby="m-correction-changes">
            {correction.changes.map((change) => (
              <li key={`${change.projectId ?? ''}.${change.field}`}>
                {change.projectId === null
                  ? t('mediator.correction.electionChange', { field: field(change) })
                  : t('mediator.correction.projectChange', {
                      project: change.projectTitle ?? change.projectId,
                      field: field(change),
                    })}
              </li>
            ))}
          </ul>
          <button
            type="button"
            className="button primary"
            disabled={busy}
            onClick={() => void useMediator.getState().applyCorrection()}
          >
            {t('mediator.correction.apply')}
          </button>
          <ErrorAt at="correction" />
        </div>
      )}
      <div aria-live="polite">
        {applied !== null && (
          <p className="notice info" tabIndex={-1} ref={result} data-testid="correction-applied">
            {t('mediator.correction.applied', { revision: applied })}
          </p>
        )}
      </div>
    </>
  );
}
