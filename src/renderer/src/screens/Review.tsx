/**
 * Review: the choices, a notice when fewer than the maximum are chosen (it informs, never
 * blocks), "Modifier", and "Valider mon vote", which the session store lets through once only.
 */
import { useTranslation } from 'react-i18next';
import { useFocusOnMount } from '../components/useFocusOnMount';
import { packageLangAttr, projectText, projectTextLangAttr } from '../lib/projects';
import { useSelection, useSession } from '../stores/app';

export function Review(): React.JSX.Element {
  const { t, i18n } = useTranslation();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const election = useSession((s) => s.election?.election);
  const casting = useSession((s) => s.casting);
  const castError = useSession((s) => s.castError);
  const cast = useSession((s) => s.cast);
  const goTo = useSession((s) => s.goTo);
  const endVoter = useSession((s) => s.endVoter);
  const chosen = useSelection((s) => s.chosen);
  const max = useSelection((s) => s.maxChoices);
  const min = useSelection((s) => s.minChoices);
  const projects = new Map((election?.projects ?? []).map((p) => [p.id, p]));
  const territories = new Map((election?.territories ?? []).map((x) => [x.id, x.name]));
  const remaining = max - chosen.length;
  const sessionLost = castError?.code === 'session_unknown' || castError?.code === 'session_expired';

  return (
    <section className="screen narrow" aria-labelledby="review-title">
      <h1 id="review-title" tabIndex={-1} ref={heading}>
        {t('review.title')}
      </h1>
      <p className="lead">{t('review.intro')}</p>
      <ol className="review-list">
        {chosen.map((id) => {
          const p = projects.get(id);
          return (
            <li key={id}>
              <span className="review-title" lang={p && projectTextLangAttr(p, 'title', i18n.language)}>
                {p ? projectText(p, 'title', i18n.language) : id}
              </span>
              {p && (
                <span className="tag" lang={packageLangAttr(i18n.language)}>
                  {territories.get(p.territoryId) ?? p.territoryId}
                </span>
              )}
            </li>
          );
        })}
      </ol>
      {chosen.length < min ? (
        <p className="notice warning">{t('review.none', { count: min })}</p>
      ) : (
        remaining > 0 && (
          <p className="notice info" id="under-vote">
            {t('review.under', { count: remaining })}
          </p>
        )
      )}
      <p>{t('review.final')}</p>
      <div role="alert">
        {castError && (
          <p className="notice error">
            {t(`errors.${castError.code}`, { defaultValue: '' }) || castError.message || t('errors.generic')}
          </p>
        )}
      </div>
      <p className="sr-only" role="status">
        {casting ? t('review.sending') : ''}
      </p>
      <div className="actions">
        {sessionLost ? (
          <button type="button" className="button primary" onClick={() => void endVoter()}>
            {t('eligibility.home')}
          </button>
        ) : (
          <>
            <button
              type="button"
              className="button secondary"
              disabled={casting}
              onClick={() => goTo('browse')}
            >
              {t('review.edit')}
            </button>
            <button
              type="button"
              className="button primary big"
              disabled={casting || chosen.length < min}
              aria-describedby={remaining > 0 && chosen.length >= min ? 'under-vote' : undefined}
              onClick={() => void cast(chosen)}
            >
              {casting ? t('review.sending') : t('review.confirm')}
            </button>
          </>
        )}
      </div>
    </section>
  );
}
