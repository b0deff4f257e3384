/**
 * One project in full: image, "En bref", description, carrier, cost, territory, theme, and
 * "Choisir ce projet". Closing it puts the focus back on the card it was opened from.
 */
import { useTranslation } from 'react-i18next';
import type { Project } from '../../../shared/wire';
import { useFocusOnMount } from '../components/useFocusOnMount';
import { formatCost, packageLangAttr, projectText, projectTextLangAttr } from '../lib/projects';
import { useSelection, useSession } from '../stores/app';

interface DetailProps {
  project: Project;
  territory: string;
  image: string | undefined;
}

export function ProjectDetail({ project, territory, image }: DetailProps): React.JSX.Element {
  const { t, i18n } = useTranslation();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const isChosen = useSelection((s) => s.chosen.includes(project.id));
  const toggle = useSelection((s) => s.toggle);
  const closeDetail = useSession((s) => s.closeDetail);
  const lang = i18n.language;
  const plainField = projectText(project, 'plainSummary', lang) ? 'plainSummary' : 'summary';
  const plain = projectText(project, plainField, lang);
  const french = packageLangAttr(lang);
  const back = (): void => {
    closeDetail();
    requestAnimationFrame(() => document.getElementById(`more-${project.id}`)?.focus());
  };
  return (
    <section className="screen detail" aria-labelledby="detail-title">
      <button type="button" className="button secondary" onClick={back}>
        <span aria-hidden="true">← </span>
        {t('detail.back')}
      </button>
      <div className="detail-grid">
        <div>
          <h1
            id="detail-title"
            tabIndex={-1}
            ref={heading}
            lang={projectTextLangAttr(project, 'title', lang)}
          >
            {projectText(project, 'title', lang)}
          </h1>
          <div className="plain">
            <h2>{t('detail.plain')}</h2>
            <p lang={projectTextLangAttr(project, plainField, lang)}>{plain}</p>
          </div>
          <h2>{t('detail.description')}</h2>
          <div lang={projectTextLangAttr(project, 'description', lang)}>
            {projectText(project, 'description', lang)
              .split(/\n+/)
              .map((para, i) => (
                <p key={i}>{para}</p>
              ))}
          </div>
        </div>
        <div>
          {image && <img className="detail-image" src={image} alt="" />}
          <dl className="facts">
            <dt>{t('detail.carrier')}</dt>
            <dd lang={french}>{project.carrier}</dd>
            <dt>{t('detail.cost')}</dt>
            <dd>{formatCost(project.cost, lang)}</dd>
            <dt>{t('detail.territory')}</dt>
            <dd lang={french}>{territory}</dd>
            <dt>{t('detail.theme')}</dt>
            <dd lang={french}>{project.theme}</dd>
          </dl>
          <button
            type="button"
            className={isChosen ? 'button choose on big' : 'button primary big'}
            onClick={() => toggle(project.id)}
          >
            {isChosen ? t('detail.remove') : t('detail.choose')}
          </button>
        </div>
      </div>
    </section>
  );
}
