/**
 * Welcome: one sentence on who can vote and how, and a big "Je vote" button, shown only on
 * an open day (or in training); a paused or closed counter says so, and when it opens again if a mediator
 * said. The language switch and the display settings sit in the header, on every screen.
 */
import { useTranslation } from 'react-i18next';
import { useFocusOnMount } from '../components/useFocusOnMount';
import { canVote, sameDay, sayDay, sayTime, voterEntry } from '../lib/day';
import { packageLangAttr } from '../lib/projects';
import { useSession } from '../stores/app';

export function Welcome(): React.JSX.Element {
  const { t, i18n } = useTranslation();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const status = useSession((s) => s.status);
  const election = useSession((s) => s.election);
  const loadError = useSession((s) => s.loadError);
  const start = useSession((s) => s.start);
  const entry = voterEntry(status);
  const open = canVote(entry) && election !== null;
  const reopensAt = status?.day.reopensAt ?? null;
  const reopens =
    reopensAt === null
      ? ''
      : sameDay(reopensAt, new Date())
        ? t('welcome.reopensToday', { time: sayTime(reopensAt, i18n.language) })
        : t('welcome.reopensOn', {
            day: sayDay(reopensAt, i18n.language),
            time: sayTime(reopensAt, i18n.language),
          });
  const message = loadError
    ? t('welcome.loadFailed')
    : entry === 'loading'
      ? t('app.loading')
      : entry === 'not_open'
        ? t('welcome.notOpen')
        : entry === 'closed'
          ? t('welcome.closed')
          : entry === 'no_election' || entry === 'setup'
            ? t('welcome.noElection')
            : entry === 'paused'
              ? `${t('welcome.paused')} ${reopens}`.trim()
              : entry === 'day_closed'
                ? `${t('welcome.dayClosed')} ${reopens}`.trim()
                : null;

  return (
    <section className="screen welcome" aria-labelledby="welcome-title">
      <h1 id="welcome-title" tabIndex={-1} ref={heading}>
        {t('welcome.title')}
      </h1>
      {election && (
        <p className="election-title" lang={packageLangAttr(i18n.language)}>
          {election.election.title}
        </p>
      )}
      {/* Who may vote and how many projects: the election package says, not the interface. */}
      {election && (
        <p className="lead">
          {t('welcome.intro', {
            count: election.election.maxChoices,
            minAge: election.election.minAge,
          })}
        </p>
      )}
      {open ? (
        <button type="button" className="button primary huge" onClick={start}>
          {t('welcome.start')}
        </button>
      ) : (
        <p className="notice info welcome-state" role="status">
          {message}
        </p>
      )}
      <p className="help">{t('welcome.help')}</p>
    </section>
  );
}
