/**
 * Export to a USB stick: pick the stick among the drives found, write the batches to it with a progress
 * bar, and a clear "Vous pouvez retirer la clé" once the files are synced to it.
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DrivePicker, UsbProgress } from '../components/DrivePicker';
import { useMediator } from '../stores/app';
import { ErrorAt } from '../components/MediatorNotices';

export function MediatorUsb(): React.JSX.Element {
  const { t } = useTranslation();
  const drives = useMediator((s) => s.drives);
  const busy = useMediator((s) => s.busy);
  const exporting = useMediator((s) => s.exporting);
  const exported = useMediator((s) => s.exported);
  const progress = useMediator((s) => s.sync?.usbExport ?? null);
  const [selected, setSelected] = useState<string | null>(null);
  const m = useMediator.getState();
  const select = useCallback((id: string) => setSelected(id), []);

  useEffect(() => {
    void useMediator.getState().listDrives();
  }, []);

  return (
    <section className="mediator-block narrow-block" aria-labelledby="m-usb">
      <h2 id="m-usb">{t('mediator.usb')}</h2>
      <p>{t('drives.exportIntro')}</p>
      <DrivePicker
        drives={drives}
        selected={selected}
        onSelect={select}
        onRefresh={() => void m.listDrives()}
        busy={busy}
      />
      <div className="actions">
        <button
          type="button"
          className="button primary big"
          disabled={busy || exporting || selected === null}
          onClick={() => selected && void m.exportUsb(selected)}
        >
          {t('mediator.usbExport')}
        </button>
      </div>
      <UsbProgress
        progress={exporting ? (progress ?? { done: 0, total: 0 }) : null}
        ejectSafe={exported ? exported.ejectSafe : null}
      />
      {exported && (
        <p className="usb-done">
          {t('drives.done', { written: exported.written, skipped: exported.skipped })}
        </p>
      )}
      <ErrorAt at="usb" />
      <ErrorAt at="drives" />
    </section>
  );
}
