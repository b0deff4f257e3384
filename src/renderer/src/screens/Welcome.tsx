/**
 * Welcome: one sentence on who can vote and how, and a big "Je vote" button. The language
 * switch and the display settings sit in the header, on every screen.
 */
import { useTranslation } from 'react-i18next';
import { useFocusOnMount } from '../components/useFocusOnMount';
import { packageLangAttr } from '../lib/projects';
import { useSession } from '../stores/app';

export function Welcome(): React.JSX.Element {
  const { t, i18n } = useTranslation();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const status = useSession((s) => s.status);
  const election = useSession((s) => s.election);
  const loadError = useSession((s) => s.loadError);
  const start = useSession((s) => s.start);
  const open = status?.state === 'open' && election !== null;
  const message = loadError
    ? t('welcome.loadFailed')
    : status === null
      ? t('app.loading')
      : status.state === 'not_open'
        ? t('welcome.notOpen')
        : status.state === 'closed'
          ? t('welcome.closed')
          : status.state === 'no_election'
            ? t('welcome.noElection')
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
        <p className="notice info" role="status">
          {message}
        </p>
      )}
      <p className="help">{t('welcome.help')}</p>
    </section>
  );
}
