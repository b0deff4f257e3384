/**
 * The selection tray, always in view while browsing: "Mes choix : 2 sur 3", the chosen
 * titles with remove buttons, and the way on to the review screen. A 4th pick is explained in a dialog
 * over the page, in view at every text size (the tray itself may sit at the bottom, short and scrolling).
 * It comes before the grid in the page's order, so the keyboard reaches it without crossing 54 cards.
 */
import type { Ref } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import type { Project } from '../../../shared/wire';
import { projectText, projectTextLangAttr } from '../lib/projects';
import { useSelection, useSession } from '../stores/app';
import { ConfirmDialog } from './ConfirmDialog';

interface TrayProps {
  projects: ReadonlyMap<string, Project>;
  /** The tray's heading, where "Aller à mes choix" puts the focus. */
  headingRef?: Ref<HTMLHeadingElement>;
}

export function Tray({ projects, headingRef }: TrayProps): React.JSX.Element {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const chosen = useSelection((s) => s.chosen);
  const max = useSelection((s) => s.maxChoices);
  const min = useSelection((s) => s.minChoices);
  const notice = useSelection((s) => s.notice);
  const remove = useSelection((s) => s.remove);
  const clearNotice = useSelection((s) => s.clearNotice);
  const goTo = useSession((s) => s.goTo);
  const plainTitle = (id: string): string => {
    const p = projects.get(id);
    return p ? projectText(p, 'title', lang) : id;
  };
  /** The `lang` of a chosen project's title: French where the package has no translation. */
  const titleLang = (id: string): string | undefined => {
    const p = projects.get(id);
    return p && projectTextLangAttr(p, 'title', lang);
  };
  /** A sentence naming a project (`<project>{{title}}</project>` in the strings), its title in its language. */
  const sentence = (key: string, id: string): React.JSX.Element => (
    <Trans
      i18nKey={key}
      values={{ title: plainTitle(id) }}
      components={{ project: <span lang={titleLang(id)} /> }}
    />
  );
  const announcement =
    notice?.kind === 'added'
      ? sentence('tray.added', notice.projectId)
      : notice?.kind === 'removed'
        ? sentence('tray.removed', notice.projectId)
        : null;

  return (
    <aside className="tray" id="tray" aria-labelledby="tray-title">
      <h2
        id="tray-title"
        ref={headingRef}
        tabIndex={-1}
        className="tray-count"
        aria-live="polite"
        aria-atomic="true"
      >
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
              <span className="tray-title" lang={titleLang(id)}>
                {plainTitle(id)}
              </span>
              <button
                type="button"
                className="button small secondary"
                aria-label={t('tray.removeLabel', { title: plainTitle(id) })}
                onClick={() => remove(id)}
              >
                {t('tray.remove')}
              </button>
            </li>
          ))}
        </ol>
      )}
      {notice?.kind === 'full' && (
        <ConfirmDialog
          title={t('tray.fullTitle', { count: max })}
          text={sentence('tray.fullText', notice.projectId)}
          cancelLabel={t('tray.fullClose')}
          onCancel={clearNotice}
        />
      )}
      <p className="sr-only" role="status">
        {announcement}
      </p>
    </aside>
  );
}
