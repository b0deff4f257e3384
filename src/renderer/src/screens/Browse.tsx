/**
 * Browsing the projects: a grid of cards in this voter's shuffled order, filters by
 * territory and theme, "Près de chez moi", accent-insensitive search, and a detail view. The grid stays
 * mounted (hidden) while a detail is open, so the filters survive the round trip. In the page's order
 * the tray comes after the filters and before the 54 cards, with skip links to it and to the cards.
 */
import { useMemo, useRef, useState, type MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Project } from '../../../shared/wire';
import { Keyboard } from '../components/Keyboard';
import { useFocusOnMount } from '../components/useFocusOnMount';
import {
  emptyFilter,
  filterProjects,
  packageLangAttr,
  projectText,
  projectTextLangAttr,
  themesOf,
  type ProjectFilter,
} from '../lib/projects';
import { useSelection, useSession } from '../stores/app';
import { ProjectDetail } from './ProjectDetail';
import { Tray } from '../components/Tray';

function ProjectCard({
  project,
  territory,
  image,
}: {
  project: Project;
  territory: string;
  image: string | undefined;
}): React.JSX.Element {
  const { t, i18n } = useTranslation();
  const isChosen = useSelection((s) => s.chosen.includes(project.id));
  const toggle = useSelection((s) => s.toggle);
  const openDetail = useSession((s) => s.openDetail);
  const lang = i18n.language;
  const title = projectText(project, 'title', lang);
  const titleId = `card-title-${project.id}`;
  return (
    <li className={isChosen ? 'card chosen' : 'card'} data-project={project.id}>
      {image ? (
        <img className="card-image" src={image} alt="" loading="lazy" decoding="async" />
      ) : (
        <div className="card-image" />
      )}
      <div className="card-body">
        <h2 className="card-title" id={titleId} lang={projectTextLangAttr(project, 'title', lang)}>
          {title}
        </h2>
        <p className="card-meta" lang={packageLangAttr(lang)}>
          <span className="tag">{territory}</span> <span className="tag theme">{project.theme}</span>
        </p>
        <div className="card-actions">
          <button
            type="button"
            id={`more-${project.id}`}
            className="button secondary"
            aria-describedby={titleId}
            onClick={() => openDetail(project.id)}
          >
            {t('browse.more')}
          </button>
          <button
            type="button"
            className={isChosen ? 'button choose on' : 'button choose'}
            aria-pressed={isChosen}
            aria-describedby={titleId}
            onClick={() => toggle(project.id)}
          >
            <span aria-hidden="true">{isChosen ? '✓ ' : '+ '}</span>
            {isChosen ? t('browse.chosen') : t('browse.choose')}
          </button>
        </div>
      </div>
    </li>
  );
}

/**
 * One filter as a row of large toggle buttons (a native <select> is small and fiddly on a touch screen):
 * a pressed button shows only its projects, pressing it again shows them all again.
 */
function FilterGroup({
  id,
  label,
  options,
  selected,
  onSelect,
}: {
  id: string;
  label: string;
  options: readonly { value: string; name: string }[];
  selected: string | null;
  onSelect: (value: string | null) => void;
}): React.JSX.Element {
  const { i18n } = useTranslation();
  return (
    <div className="filter-group" role="group" aria-labelledby={`${id}-label`}>
      <span className="label" id={`${id}-label`}>
        {label}
      </span>
      {/* The names are the package's, in French. */}
      <div className="chips" lang={packageLangAttr(i18n.language)}>
        {options.map((option) => {
          const on = option.value === selected;
          return (
            <button
              key={option.value}
              type="button"
              className={on ? 'button chip on' : 'button chip'}
              aria-pressed={on}
              onClick={() => onSelect(on ? null : option.value)}
            >
              {on && <span aria-hidden="true">✓ </span>}
              {option.name}
            </button>
          );
        })}
      </div>
    </div>
  );
}

export function Browse(): React.JSX.Element {
  const { t, i18n } = useTranslation();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const view = useSession((s) => s.election);
  const order = useSession((s) => s.order);
  const voter = useSession((s) => s.voter);
  const detailId = useSession((s) => s.detailId);
  const max = useSelection((s) => s.maxChoices);
  const [filter, setFilter] = useState<ProjectFilter>(emptyFilter);
  const [keyboardShown, setKeyboardShown] = useState(false);
  const trayHeading = useRef<HTMLHeadingElement>(null);
  const gridRef = useRef<HTMLUListElement>(null);
  /** A skip link moves the focus itself: the address (and the harness's fragment) stays as it is. */
  const skipTo = (e: MouseEvent, target: HTMLElement | null): void => {
    e.preventDefault();
    target?.focus();
  };

  const election = view?.election;
  const byId = useMemo(() => new Map((election?.projects ?? []).map((p) => [p.id, p])), [election]);
  const territoryName = useMemo(() => {
    const names = new Map((election?.territories ?? []).map((x) => [x.id, x.name]));
    return (id: string): string => names.get(id) ?? id;
  }, [election]);
  const ordered = useMemo(
    () => order.map((id) => byId.get(id)).filter((p): p is Project => p !== undefined),
    [order, byId],
  );
  const themes = useMemo(() => themesOf(ordered), [ordered]);
  const shown = useMemo(
    () => filterProjects(ordered, filter, territoryName, i18n.language),
    [ordered, filter, territoryName, i18n.language],
  );
  if (!view || !election) return <p>{t('app.loading')}</p>;
  const home = voter?.territoryId ?? null;
  const nearMe = home !== null && filter.territoryId === home;

  return (
    <div className="browse-layout">
      <div className="screen browse-top" hidden={detailId !== null}>
        <h1 id="browse-title" tabIndex={-1} ref={heading}>
          {t('browse.title')}
        </h1>
        <p className="lead">{t('browse.intro', { count: max })}</p>
        {/* For the keyboard: past the filters, to the choices or to the cards. */}
        <div className="skip-links">
          <a className="skip-to" href="#tray" onClick={(e) => skipTo(e, trayHeading.current)}>
            {t('browse.skipToChoices')}
          </a>
          <a className="skip-to" href="#projects" onClick={(e) => skipTo(e, gridRef.current)}>
            {t('browse.skipToProjects')}
          </a>
        </div>
        <div className="filters" role="search">
          <div className="field search-field">
            <label className="label" htmlFor="search">
              {t('browse.search')}
            </label>
            <div className="search-row">
              <input
                id="search"
                className="input"
                type="search"
                // Our keyboard, not the system's (which would cover the screen); a finger opens ours.
                inputMode="none"
                onPointerDown={(e) => {
                  if (e.pointerType !== 'mouse') setKeyboardShown(true);
                }}
                autoComplete="off"
                spellCheck={false}
                placeholder={t('browse.searchPlaceholder')}
                value={filter.query}
                maxLength={100}
                onChange={(e) => setFilter((f) => ({ ...f, query: e.target.value }))}
              />
              <button
                type="button"
                className="button secondary"
                aria-expanded={keyboardShown}
                aria-controls="search-keyboard"
                onClick={() => setKeyboardShown((k) => !k)}
              >
                {t('browse.keyboard')}
              </button>
            </div>
          </div>
          {keyboardShown && (
            <div id="search-keyboard">
              <Keyboard
                layout="text"
                onText={(text) => setFilter((f) => ({ ...f, query: (f.query + text).slice(0, 100) }))}
                onBackspace={() => setFilter((f) => ({ ...f, query: f.query.slice(0, -1) }))}
                onHide={() => setKeyboardShown(false)}
              />
            </div>
          )}
          <div className="filter-buttons">
            {home !== null && (
              <button
                type="button"
                className={nearMe ? 'button toggle on' : 'button toggle'}
                aria-pressed={nearMe}
                onClick={() => setFilter((f) => ({ ...f, territoryId: nearMe ? null : home }))}
              >
                <span aria-hidden="true">⌂ </span>
                {t('browse.nearMe')}
              </button>
            )}
            <button type="button" className="button secondary" onClick={() => setFilter(emptyFilter)}>
              {t('browse.clear')}
            </button>
          </div>
          <FilterGroup
            id="territory"
            label={t('browse.territory')}
            options={election.territories.map((x) => ({ value: x.id, name: x.name }))}
            selected={filter.territoryId}
            onSelect={(territoryId) => setFilter((f) => ({ ...f, territoryId }))}
          />
          <FilterGroup
            id="theme"
            label={t('browse.theme')}
            options={themes.map((x) => ({ value: x, name: x }))}
            selected={filter.theme}
            onSelect={(theme) => setFilter((f) => ({ ...f, theme }))}
          />
        </div>
      </div>
      {detailId !== null && byId.get(detailId) && (
        <ProjectDetail
          project={byId.get(detailId) as Project}
          territory={territoryName((byId.get(detailId) as Project).territoryId)}
          image={view.imageUrls[detailId]}
        />
      )}
      {/* Before the cards in the page's order (after the filters), beside or below them on screen. */}
      <Tray projects={byId} headingRef={trayHeading} />
      <div className="browse-list" hidden={detailId !== null}>
        <p className="result-count" role="status">
          {t('browse.count', { count: shown.length })}
        </p>
        <ul className="grid" id="projects" tabIndex={-1} ref={gridRef} aria-label={t('browse.title')}>
          {shown.map((p) => (
            <ProjectCard
              key={p.id}
              project={p}
              territory={territoryName(p.territoryId)}
              image={view.imageUrls[p.id]}
            />
          ))}
        </ul>
      </div>
    </div>
  );
}
