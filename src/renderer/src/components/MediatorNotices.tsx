/**
 * The mediator's pages' feedback: the last refusal of an action beside it, and a success said once.
 */
import { useTranslation } from 'react-i18next';
import { useMediator } from '../stores/app';
import type { MediatorAction } from '../stores/mediator';

/** The last refusal of one action, in words, beside it. */
export function ErrorAt({ at }: { at: MediatorAction }): React.JSX.Element {
  const { t, i18n } = useTranslation();
  const error = useMediator((s) => (s.errorAt === at ? s.error : null));
  // The core's message is French and says the reason (e.g. why the day cannot open); other languages
  // get the translation of its code.
  const text = (code: string, message: string): string =>
    i18n.language === 'fr' && message ? message : t(`errors.${code}`, { defaultValue: '' }) || message;
  return (
    <div aria-live="assertive">
      {error && (
        <p className="notice error">
          {error.details?.triesLeft !== undefined
            ? t('mediator.wrongPin', { count: Number(error.details.triesLeft) })
            : text(error.code, error.message) || t('errors.generic')}
        </p>
      )}
    </div>
  );
}

/** A success said once (mediator.done.*). */
export function Notice(): React.JSX.Element {
  const { t } = useTranslation();
  const notice = useMediator((s) => s.notice);
  return (
    <div aria-live="polite">{notice && <p className="notice info">{t(`mediator.done.${notice}`)}</p>}</div>
  );
}
