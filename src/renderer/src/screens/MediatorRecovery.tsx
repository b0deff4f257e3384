/**
 * When no mediator can log in any more (PINs forgotten, staff gone): the central team's signed reset,
 * fetched online or read from a USB stick, replaces every account of the kiosk by a new one. Nothing
 * printed on the kiosk can do it; the core checks the reset's signature against the pinned authority.
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AccountForm } from '../components/AccountForm';
import { DrivePicker } from '../components/DrivePicker';
import { useFocusOnMount } from '../components/useFocusOnMount';
import { useMediator } from '../stores/app';

export function MediatorRecovery(): React.JSX.Element {
  const { t } = useTranslation();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const busy = useMediator((s) => s.busy);
  const drives = useMediator((s) => s.drives);
  const error = useMediator((s) => (s.errorAt === 'recovery' ? s.error : null));
  const m = useMediator.getState();
  const [source, setSource] = useState<'online' | 'usb'>('online');
  const [driveId, setDriveId] = useState<string | null>(null);
  const select = useCallback((id: string) => setDriveId(id), []);

  useEffect(() => {
    if (source === 'usb') void useMediator.getState().listDrives();
  }, [source]);

  return (
    <section className="screen narrow recovery" aria-labelledby="recovery-title">
      <h1 id="recovery-title" tabIndex={-1} ref={heading}>
        {t('recovery.title')}
      </h1>
      <p className="lead">{t('recovery.intro')}</p>
      <fieldset className="account-list">
        <legend className="label">{t('recovery.source')}</legend>
        {(['online', 'usb'] as const).map((s) => (
          <label key={s} className={source === s ? 'account-choice on' : 'account-choice'}>
            <input type="radio" name="recovery-source" checked={source === s} onChange={() => setSource(s)} />
            <span>{t(`recovery.${s}`)}</span>
          </label>
        ))}
      </fieldset>
      {source === 'usb' && (
        <DrivePicker
          drives={drives}
          selected={driveId}
          onSelect={select}
          onRefresh={() => void m.listDrives()}
          busy={busy}
        />
      )}
      <h2>{t('recovery.newAccount')}</h2>
      <AccountForm
        withName
        submitLabel={t('recovery.confirm')}
        busy={busy}
        error={error ? error.message || t('errors.generic') : null}
        onSubmit={({ name, pin }) =>
          m.recover({ source, ...(source === 'usb' && driveId ? { driveId } : {}), name, pin })
        }
      />
      <div className="actions">
        <button type="button" className="button secondary" onClick={() => m.showRecovery(false)}>
          {t('mediator.cancel')}
        </button>
      </div>
    </section>
  );
}
