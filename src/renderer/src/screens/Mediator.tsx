/**
 * The mediator's space: at a glance the election and its state, training mode, the sync status (what
 * waits, the last success or error in plain French, the blocked-chain alarm, a new election waiting for
 * confirmation), and the day's actions: send now, close the day, export to a USB key, change the code,
 * close the space. Polls the status every few seconds; the core ends the session after 10 idle minutes.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { useFocusOnMount } from '../components/useFocusOnMount';
import { useMediator } from '../stores/app';
import type { MediatorAction } from '../stores/mediator';

const POLL_MS = 3000;
const EXPORT_POLL_MS = 500;

function when(iso: string | null | undefined, never: string): string {
  if (!iso) return never;
  return new Date(iso).toLocaleString('fr-FR', { dateStyle: 'short', timeStyle: 'short' });
}

function ErrorAt({ at }: { at: MediatorAction }): React.JSX.Element {
  const { t } = useTranslation();
  const error = useMediator((s) => (s.errorAt === at ? s.error : null));
  return (
    <div aria-live="assertive">
      {error && (
        <p className="notice error">
          {error.details?.triesLeft !== undefined
            ? t('mediator.wrongPin', { count: Number(error.details.triesLeft) })
            : error.message || t('errors.generic')}
        </p>
      )}
    </div>
  );
}

export function Mediator(): React.JSX.Element {
  const { t } = useTranslation();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const kiosk = useMediator((s) => s.kiosk);
  const sync = useMediator((s) => s.sync);
  const busy = useMediator((s) => s.busy);
  const dayClosed = useMediator((s) => s.dayClosed);
  const exporting = useMediator((s) => s.exporting);
  const exported = useMediator((s) => s.exported);
  const pinChanged = useMediator((s) => s.pinChanged);
  const m = useMediator.getState();
  const [confirmDay, setConfirmDay] = useState(false);
  const [folder, setFolder] = useState('');
  const [currentPin, setCurrentPin] = useState('');
  const [newPin, setNewPin] = useState('');

  useEffect(() => {
    const timer = setInterval(
      () => void useMediator.getState().refresh(),
      exporting ? EXPORT_POLL_MS : POLL_MS,
    );
    return () => clearInterval(timer);
  }, [exporting]);

  const training = kiosk?.training ?? false;
  const stateLabel = kiosk ? t(`mediator.state.${kiosk.state}`) : t('app.loading');
  const progress = sync?.usbExport ?? null;

  return (
    <section className="screen narrow mediator" aria-labelledby="mediator-title">
      <div className="mediator-top">
        <h1 id="mediator-title" tabIndex={-1} ref={heading}>
          {t('mediator.title')}
        </h1>
        <button type="button" className="button primary" onClick={() => void m.close()}>
          {t('mediator.close')}
        </button>
      </div>
      <div className="mediator-grid">
        <section className="mediator-block" aria-labelledby="m-election">
          <h2 id="m-election">{t('mediator.election')}</h2>
          <p className="election-title">{kiosk?.election?.title ?? t('mediator.noElection')}</p>
          <dl className="facts">
            <dt>{t('mediator.stateLabel')}</dt>
            <dd>{stateLabel}</dd>
            <dt>{t('mediator.ballotsCast')}</dt>
            <dd>{kiosk?.ballotsCast ?? '–'}</dd>
            <dt>{t('mediator.kiosk')}</dt>
            <dd>{kiosk?.label ?? kiosk?.kioskId ?? '–'}</dd>
          </dl>
        </section>

        <section className="mediator-block" aria-labelledby="m-training">
          <h2 id="m-training">{t('mediator.training')}</h2>
          <p>{t('mediator.trainingIntro')}</p>
          <p className="training-state">
            {training ? t('mediator.trainingStateOn') : t('mediator.trainingStateOff')}
          </p>
          {training && <p className="notice warning">{t('mediator.trainingOn')}</p>}
          <button
            type="button"
            className={training ? 'button on' : 'button'}
            aria-pressed={training}
            disabled={busy || kiosk === null}
            onClick={() => void m.setTraining(!training)}
          >
            {t('mediator.trainingToggle')}
          </button>
          <ErrorAt at="training" />
        </section>

        <section className="mediator-block" aria-labelledby="m-sync">
          <h2 id="m-sync">{t('mediator.sync')}</h2>
          {sync?.blocked && <p className="notice error">{t('mediator.blocked')}</p>}
          <dl className="facts">
            <dt>{t('mediator.server')}</dt>
            <dd>
              {sync?.serverUrl === null
                ? t('mediator.noServer')
                : sync?.serverReachable === true
                  ? t('mediator.reachable')
                  : sync?.serverReachable === false
                    ? t('mediator.unreachable')
                    : t('mediator.unknown')}
            </dd>
            <dt>{t('mediator.batchesWaiting')}</dt>
            <dd>{sync?.batchesWaiting ?? '–'}</dd>
            <dt>{t('mediator.notBatched')}</dt>
            <dd>{sync?.ballotsNotBatched ?? '–'}</dd>
            <dt>{t('mediator.lastSuccess')}</dt>
            <dd>{when(sync?.lastSuccessAt, t('mediator.never'))}</dd>
            <dt>{t('mediator.lastError')}</dt>
            <dd>{sync?.lastError?.message ?? t('mediator.none')}</dd>
          </dl>
          {sync?.pendingElectionId && (
            <div className="notice warning">
              <p>{t('mediator.pendingElection', { id: sync.pendingElectionId })}</p>
              <button
                type="button"
                className="button primary"
                disabled={busy}
                onClick={() => void m.confirmElection()}
              >
                {t('mediator.confirmElection')}
              </button>
              <ErrorAt at="election" />
            </div>
          )}
          <button type="button" className="button" disabled={busy} onClick={() => void m.syncNow()}>
            {t('mediator.syncNow')}
          </button>
          <ErrorAt at="sync" />
        </section>

        <section className="mediator-block" aria-labelledby="m-day">
          <h2 id="m-day">{t('mediator.day')}</h2>
          <button type="button" className="button" disabled={busy} onClick={() => setConfirmDay(true)}>
            {t('mediator.closeDay')}
          </button>
          <div aria-live="polite">
            {dayClosed && (
              <p className="notice info day-closed">
                {t('mediator.dayClosed', {
                  day: new Date(`${dayClosed.day}T12:00:00`).toLocaleDateString('fr-FR', {
                    dateStyle: 'long',
                  }),
                  ballots: dayClosed.ballots,
                  participations: dayClosed.participations,
                })}
              </p>
            )}
          </div>
          <ErrorAt at="day" />
        </section>

        <section className="mediator-block" aria-labelledby="m-usb">
          <h2 id="m-usb">{t('mediator.usb')}</h2>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (folder.trim()) void m.exportUsb(folder.trim());
            }}
          >
            <label className="label" htmlFor="usb-folder">
              {t('mediator.usbFolder')}
            </label>
            <p className="hint" id="usb-hint">
              {t('mediator.usbHint')}
            </p>
            <input
              id="usb-folder"
              className="input"
              value={folder}
              aria-describedby="usb-hint"
              onChange={(e) => setFolder(e.target.value)}
            />
            <div className="actions">
              <button type="submit" className="button" disabled={busy || exporting || !folder.trim()}>
                {t('mediator.usbExport')}
              </button>
            </div>
          </form>
          <div aria-live="polite">
            {exporting && progress && (
              <p>
                <progress
                  max={progress.total}
                  value={progress.done}
                  aria-label={t('mediator.usbProgressLabel')}
                />{' '}
                {t('mediator.usbProgress', { done: progress.done, total: progress.total })}
              </p>
            )}
            {exported && (
              <p className="notice info">
                {t('mediator.usbDone', {
                  written: exported.written,
                  skipped: exported.skipped,
                  folder: exported.folder,
                })}
              </p>
            )}
          </div>
          <ErrorAt at="usb" />
        </section>

        <section className="mediator-block" aria-labelledby="m-pin">
          <h2 id="m-pin">{t('mediator.changePin')}</h2>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void m.changePin(currentPin, newPin).then((done) => {
                if (done) {
                  setCurrentPin('');
                  setNewPin('');
                }
              });
            }}
          >
            <div className="field">
              <label className="label" htmlFor="pin-current">
                {t('mediator.currentPin')}
              </label>
              <input
                id="pin-current"
                className="input pin-input"
                type="password"
                inputMode="numeric"
                autoComplete="off"
                maxLength={8}
                value={currentPin}
                onChange={(e) => setCurrentPin(e.target.value.replace(/[^0-9]/g, ''))}
              />
            </div>
            <div className="field">
              <label className="label" htmlFor="pin-new">
                {t('mediator.newPin')}
              </label>
              <input
                id="pin-new"
                className="input pin-input"
                type="password"
                inputMode="numeric"
                autoComplete="off"
                maxLength={8}
                value={newPin}
                aria-describedby="pin-new-hint"
                onChange={(e) => setNewPin(e.target.value.replace(/[^0-9]/g, ''))}
              />
              <p className="hint" id="pin-new-hint">
                {t('mediator.pinLength')}
              </p>
            </div>
            <button
              type="submit"
              className="button"
              disabled={busy || currentPin.length < 4 || !/^[0-9]{4,8}$/.test(newPin)}
            >
              {t('mediator.changePinButton')}
            </button>
          </form>
          <div aria-live="polite">
            {pinChanged && <p className="notice info">{t('mediator.pinChanged')}</p>}
          </div>
          <ErrorAt at="pin" />
        </section>
      </div>

      {confirmDay && (
        <ConfirmDialog
          title={t('mediator.closeDayTitle')}
          text={t('mediator.closeDayText')}
          confirmLabel={t('mediator.closeDayConfirm')}
          cancelLabel={t('mediator.cancel')}
          onCancel={() => setConfirmDay(false)}
          onConfirm={() => {
            setConfirmDay(false);
            void m.closeDay();
          }}
        />
      )}
    </section>
  );
}
