/**
 * One project in full (issue 3 §3): image, "En bref", description, carrier, cost, territory, theme, and
 * "Choisir ce projet". Closing it puts the focus back on the card it was opened from.
 */
import { useTranslation } from 'react-i18next';
import type { Project } from '../../../shared/wire';
import { useFocusOnMount } from '../components/useFocusOnMount';
import { formatCost, projectText } from '../lib/projects';
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
  const plain = projectText(project, 'plainSummary', lang) || projectText(project, 'summary', lang);
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
            lang={lang === 'fr' || !project.i18n?.[lang]?.title ? 'fr' : lang}
          >
            {projectText(project, 'title', lang)}
          </h1>
          <div className="plain">
            <h2>{t('detail.plain')}</h2>
            <p>{plain}</p>
          </div>
          <h2>{t('detail.description')}</h2>
          {projectText(project, 'description', lang)
            .split(/\n+/)
            .map((para, i) => (
              <p key={i}>{para}</p>
            ))}
        </div>
        <div>
          {image && <img className="detail-image" src={image} alt="" />}
          <dl className="facts">
            <dt>{t('detail.carrier')}</dt>
            <dd>{project.carrier}</dd>
            <dt>{t('detail.cost')}</dt>
            <dd>{formatCost(project.cost)}</dd>
            <dt>{t('detail.territory')}</dt>
            <dd>{territory}</dd>
            <dt>{t('detail.theme')}</dt>
            <dd>{project.theme}</dd>
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
