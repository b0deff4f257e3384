/**
 * The selection tray (issue 3 §4), always in view while browsing: "Mes choix : 2 sur 3", the chosen
 * titles with remove buttons, the over-vote explanation, and the way on to the review screen.
 */
import { useTranslation } from 'react-i18next';
import type { Project } from '../../../shared/wire';
import { projectText } from '../lib/projects';
import { useSelection, useSession } from '../stores/app';

export function Tray({ projects }: { projects: ReadonlyMap<string, Project> }): React.JSX.Element {
  const { t, i18n } = useTranslation();
  const chosen = useSelection((s) => s.chosen);
  const max = useSelection((s) => s.maxChoices);
  const min = useSelection((s) => s.minChoices);
  const notice = useSelection((s) => s.notice);
  const remove = useSelection((s) => s.remove);
  const clearNotice = useSelection((s) => s.clearNotice);
  const goTo = useSession((s) => s.goTo);
  const title = (id: string): string => {
    const p = projects.get(id);
    return p ? projectText(p, 'title', i18n.language) : id;
  };
  const announcement =
    notice?.kind === 'added'
      ? t('tray.added', { title: title(notice.projectId) })
      : notice?.kind === 'removed'
        ? t('tray.removed', { title: title(notice.projectId) })
        : '';

  return (
    <aside className="tray" aria-labelledby="tray-title">
      <h2 id="tray-title" className="tray-count" aria-live="polite" aria-atomic="true">
        {t('tray.count', { count: chosen.length, max })}
      </h2>
      <div className="tray-slots" aria-hidden="true">
        {Array.from({ length: max }, (_, i) => (
          <span key={i} className={i < chosen.length ? 'slot filled' : 'slot'} />
        ))}
      </div>
      <button
        type="button"
        className="button primary tray-review"
        disabled={chosen.length < min}
        onClick={() => goTo('review')}
      >
        {t('tray.review')}
      </button>
      {chosen.length === 0 ? (
        <p className="tray-empty">{t('tray.empty')}</p>
      ) : (
        <ol className="tray-list">
          {chosen.map((id) => (
            <li key={id}>
              <div>
                <span className="tray-title">{title(id)}</span>
                <button
                  type="button"
                  className="button small secondary"
                  aria-label={t('tray.removeLabel', { title: title(id) })}
                  onClick={() => remove(id)}
                >
                  {t('tray.remove')}
                </button>
              </div>
            </li>
          ))}
        </ol>
      )}
      <div role="alert" className="tray-alert-region">
        {notice?.kind === 'full' && (
          <div className="notice warning">
            <p>{t('tray.full', { max, title: title(notice.projectId) })}</p>
            <button type="button" className="button small secondary" onClick={clearNotice}>
              OK
            </button>
          </div>
        )}
      </div>
      <p className="sr-only" role="status">
        {announcement}
      </p>
    </aside>
  );
}
