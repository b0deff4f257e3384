/** The kiosk's signed opening and closing reports, newest first, each opened as a printable page. */
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useMediator } from '../stores/app';
import { ErrorAt } from '../components/MediatorNotices';

export function MediatorReports(): React.JSX.Element {
  const { t, i18n } = useTranslation();
  const reports = useMediator((s) => s.reports);
  const m = useMediator.getState();

  useEffect(() => {
    void useMediator.getState().loadReports();
  }, []);

  const sorted = [...(reports ?? [])].sort((a, b) =>
    a.day === b.day ? (a.kind === b.kind ? 0 : a.kind === 'closing' ? -1 : 1) : a.day < b.day ? 1 : -1,
  );
  return (
    <section className="mediator-block" aria-labelledby="m-reports">
      <h2 id="m-reports">{t('reports.title')}</h2>
      {reports === null ? (
        <p>{t('app.loading')}</p>
      ) : sorted.length === 0 ? (
        <p>{t('reports.none')}</p>
      ) : (
        <ul className="account-rows">
          {sorted.map((r) => {
            const day = new Date(`${r.day}T12:00:00`).toLocaleDateString(
              i18n.language.startsWith('fr') ? 'fr-FR' : 'en-GB',
              { dateStyle: 'long' },
            );
            const name = t(`reports.kind.${r.kind}`, { day });
            return (
              <li key={r.reportId}>
                <span className="account-name">{name}</span>
                <button
                  type="button"
                  className="button"
                  aria-label={t('reports.showLabel', { name })}
                  onClick={() => m.showReport(r)}
                >
                  {t('reports.show')}
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <ErrorAt at="reports" />
    </section>
  );
}
