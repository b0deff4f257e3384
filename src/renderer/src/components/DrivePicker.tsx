/**
 * The USB stick to write to or read from, picked among the removable drives the kiosk found (never a
 * path to type): big choices with the stick's name and free space, and "Chercher à nouveau" after
 * plugging one in. Used by the USB export and the offline setup.
 */
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { RemovableDrive } from '../../../shared/api';

interface DrivePickerProps {
  drives: RemovableDrive[] | null;
  selected: string | null;
  onSelect: (driveId: string) => void;
  onRefresh: () => void;
  busy?: boolean;
}

export function formatBytes(bytes: number, language: string): string {
  const units = language.startsWith('fr') ? ['o', 'Ko', 'Mo', 'Go', 'To'] : ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  const shown = value >= 10 || unit === 0 ? Math.round(value) : Math.round(value * 10) / 10;
  return `${shown.toLocaleString(language.startsWith('fr') ? 'fr-FR' : 'en-GB')} ${units[unit]}`;
}

export function DrivePicker({
  drives,
  selected,
  onSelect,
  onRefresh,
  busy = false,
}: DrivePickerProps): React.JSX.Element {
  const { t, i18n } = useTranslation();

  // The only stick plugged in is the one meant.
  useEffect(() => {
    const only = drives?.length === 1 ? drives[0] : undefined;
    if (only && selected === null) onSelect(only.id);
  }, [drives, selected, onSelect]);

  return (
    <fieldset className="drive-picker">
      <legend className="label">{t('drives.legend')}</legend>
      <div aria-live="polite">
        {drives === null ? (
          <p className="hint">{t('drives.looking')}</p>
        ) : drives.length === 0 ? (
          <p className="notice info">{t('drives.none')}</p>
        ) : null}
      </div>
      {drives && drives.length > 0 && (
        <ul className="drive-list">
          {drives.map((drive) => (
            <li key={drive.id}>
              <label className={selected === drive.id ? 'drive on' : 'drive'}>
                <input
                  type="radio"
                  name="drive"
                  value={drive.id}
                  checked={selected === drive.id}
                  onChange={() => onSelect(drive.id)}
                />
                <span className="drive-name">{drive.label}</span>
                {drive.freeBytes !== null && (
                  <span className="drive-free">
                    {t('drives.free', { size: formatBytes(drive.freeBytes, i18n.language) })}
                  </span>
                )}
              </label>
            </li>
          ))}
        </ul>
      )}
      <button type="button" className="button" disabled={busy} onClick={onRefresh}>
        {t('drives.refresh')}
      </button>
    </fieldset>
  );
}

/** Files written so far, and once synced to the stick, that it may be removed. */
export function UsbProgress({
  progress,
  ejectSafe,
}: {
  progress: { done: number; total: number } | null;
  ejectSafe: boolean | null;
}): React.JSX.Element {
  const { t } = useTranslation();
  return (
    <div aria-live="polite" className="usb-progress">
      {progress && ejectSafe === null && (
        <>
          <label className="label" htmlFor="usb-progress">
            {t('drives.progressLabel')}
          </label>
          <progress id="usb-progress" max={Math.max(1, progress.total)} value={progress.done} />
          <p>{t('drives.progress', { done: progress.done, total: progress.total })}</p>
        </>
      )}
      {ejectSafe === true && <p className="notice info eject-safe">{t('drives.ejectSafe')}</p>}
      {ejectSafe === false && <p className="notice warning">{t('drives.notYetSafe')}</p>}
    </div>
  );
}
