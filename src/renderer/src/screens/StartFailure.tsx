/**
 * The kiosk could not start because its database is damaged (the core's `kiosk_db_corrupt`): no voter
 * screen, only what the mediator must do — erase nothing, call the central team with the kiosk's id and
 * the path of the kept file, keep the USB stick of the last backup.
 */
import { useTranslation } from 'react-i18next';
import type { AppError } from '../../../shared/result';
import { useFocusOnMount } from '../components/useFocusOnMount';

export function StartFailure({ error }: { error: AppError }): React.JSX.Element {
  const { t } = useTranslation();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const kioskId = error.details?.kioskId;
  const keptAs = error.details?.keptAs;
  return (
    <section className="start-failure" aria-labelledby="start-failure-title">
      <h1 id="start-failure-title" ref={heading} tabIndex={-1}>
        {t('startFailure.title')}
      </h1>
      <p className="lead">{t('startFailure.lead')}</p>
      <p className="notice error" role="alert">
        {t('startFailure.doNotErase')}
      </p>
      <p>{t('startFailure.call')}</p>
      <dl className="facts">
        <dt>{t('startFailure.kioskId')}</dt>
        <dd>{typeof kioskId === 'string' ? kioskId : t('startFailure.kioskIdUnknown')}</dd>
        <dt>{t('startFailure.keptAs')}</dt>
        <dd>{typeof keptAs === 'string' ? keptAs : '–'}</dd>
      </dl>
      <p>{t('startFailure.recovery')}</p>
    </section>
  );
}
