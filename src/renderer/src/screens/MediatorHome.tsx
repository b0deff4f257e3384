/**
 * The mediator's first page: the counter's day with its big buttons (open, pause, resume, close, note
 * an incident), training mode, the sync status, a new election waiting for confirmation, and a
 * correction of the current one waiting to be applied. Opening
 * and closing show the signed report (the store's `report`, drawn by the App as a page of its own).
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FormDialog } from '../components/FormDialog';
import { sayDay, sayTime, localDateTime, todayAt } from '../lib/day';
import { useMediator } from '../stores/app';
import { CorrectionNotice } from '../components/CorrectionNotice';
import { ErrorAt, Notice } from '../components/MediatorNotices';

function when(iso: string | null | undefined, never: string): string {
  if (!iso) return never;
  return new Date(iso).toLocaleString('fr-FR', { dateStyle: 'short', timeStyle: 'short' });
}

type Dialog = 'pause' | 'close' | 'incident' | null;

export function MediatorHome(): React.JSX.Element {
  const { t, i18n } = useTranslation();
  const kiosk = useMediator((s) => s.kiosk);
  const sync = useMediator((s) => s.sync);
  const busy = useMediator((s) => s.busy);
  const error = useMediator((s) => (s.errorAt === 'day' ? s.error : null));
  const m = useMediator.getState();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [reopenTime, setReopenTime] = useState('');
  const [reopenDay, setReopenDay] = useState('');
  const [note, setNote] = useState('');
  const [incident, setIncident] = useState('');
  const [dialogError, setDialogError] = useState<string | null>(null);

  const day = kiosk?.day ?? null;
  const training = kiosk?.training ?? false;
  // The core refuses a closing without a note when the day's people and ballots differ.
  const noteAsked = error !== null && /note/i.test(`${error.code} ${String(error.details?.field ?? '')}`);

  const openDialog = (which: Dialog): void => {
    m.clearError();
    setDialogError(null);
    setDialog(which);
  };

  const pause = async (): Promise<void> => {
    const reopensAt = reopenTime ? todayAt(reopenTime) : null;
    if (reopenTime && reopensAt === null) {
      setDialogError(t('day.timeInvalid'));
      return;
    }
    setDialog(null);
    if (await m.pauseDay(reopensAt ?? undefined)) setReopenTime('');
  };

  const close = async (): Promise<void> => {
    let reopensAt: string | null = null;
    if (reopenDay || reopenTime) {
      reopensAt = localDateTime(reopenDay, reopenTime || '09:00');
      if (reopensAt === null) {
        setDialogError(t('day.dateInvalid'));
        return;
      }
    }
    const done = await m.closeDay({
      ...(note.trim() ? { note: note.trim() } : {}),
      ...(reopensAt ? { reopensAt } : {}),
    });
    if (done) {
      setDialog(null);
      setNote('');
      setReopenDay('');
      setReopenTime('');
    } else {
      const refused = useMediator.getState().error;
      setDialogError(refused?.message ?? t('errors.generic'));
    }
  };

  const addIncident = async (): Promise<void> => {
    if (!incident.trim()) {
      setDialogError(t('day.incidentEmpty'));
      return;
    }
    if (await m.addIncident(incident.trim())) {
      setIncident('');
      setDialog(null);
    } else setDialogError(useMediator.getState().error?.message ?? t('errors.generic'));
  };

  const stateText =
    day === null
      ? t('app.loading')
      : day.state === 'open'
        ? t('day.stateOpen')
        : day.state === 'paused'
          ? day.reopensAt
            ? t('day.statePausedUntil', { time: sayTime(day.reopensAt, i18n.language) })
            : t('day.statePaused')
          : t('day.stateClosed');

  return (
    <div className="mediator-grid">
      <section className="mediator-block day-block" aria-labelledby="m-day">
        <h2 id="m-day">{t('day.title')}</h2>
        {kiosk?.diskFull && (
          <p className="notice error" role="alert">
            {t('mediator.diskFull')}
          </p>
        )}
        <p className={`day-state day-${day?.state ?? 'unknown'}`} data-testid="day-state">
          {stateText}
        </p>
        {day?.state === 'closed' && day.reopensAt && (
          <p>
            {t('day.reopens', {
              day: sayDay(day.reopensAt, i18n.language),
              time: sayTime(day.reopensAt, i18n.language),
            })}
          </p>
        )}
        <div className="day-buttons">
          {day?.state === 'closed' && (
            <button
              type="button"
              className="button primary huge"
              disabled={busy}
              onClick={() => void m.openDay()}
            >
              {t('day.open')}
            </button>
          )}
          {day?.state === 'open' && (
            <button type="button" className="button big" disabled={busy} onClick={() => openDialog('pause')}>
              {t('day.pause')}
            </button>
          )}
          {day?.state === 'paused' && (
            <button
              type="button"
              className="button primary big"
              disabled={busy}
              onClick={() => void m.resumeDay()}
            >
              {t('day.resume')}
            </button>
          )}
          {(day?.state === 'open' || day?.state === 'paused') && (
            <button type="button" className="button big" disabled={busy} onClick={() => openDialog('close')}>
              {t('day.close')}
            </button>
          )}
          <button type="button" className="button big" disabled={busy} onClick={() => openDialog('incident')}>
            {t('day.incident')}
          </button>
        </div>
        {dialog === null && <ErrorAt at="day" />}
        {dialog === null && <ErrorAt at="incident" />}
        <Notice />
      </section>

      <section className="mediator-block" aria-labelledby="m-election">
        <h2 id="m-election">{t('mediator.election')}</h2>
        <p className="election-title">{kiosk?.election?.title ?? t('mediator.noElection')}</p>
        <dl className="facts">
          <dt>{t('mediator.stateLabel')}</dt>
          <dd>{kiosk ? t(`mediator.state.${kiosk.state}`) : '–'}</dd>
          <dt>{t('mediator.ballotsCast')}</dt>
          <dd>{kiosk?.ballotsCast ?? '–'}</dd>
          <dt>{t('mediator.kiosk')}</dt>
          <dd>{kiosk?.label ?? kiosk?.kioskId ?? '–'}</dd>
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
        <CorrectionNotice />
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
        <div className="actions">
          <button type="button" className="button" disabled={busy} onClick={() => void m.syncNow()}>
            {t('mediator.syncNow')}
          </button>
          <button type="button" className="button" onClick={() => m.goTo('usb')}>
            {t('mediator.usbExport')}
          </button>
        </div>
        <ErrorAt at="sync" />
      </section>

      {dialog === 'pause' && (
        <FormDialog
          title={t('day.pauseTitle')}
          submitLabel={t('day.pauseConfirm')}
          cancelLabel={t('mediator.cancel')}
          busy={busy}
          onCancel={() => setDialog(null)}
          onSubmit={() => void pause()}
          testId="pause-dialog"
        >
          <p className="lead">{t('day.pauseText')}</p>
          <label className="label" htmlFor="reopen-time">
            {t('day.reopenTime')}
          </label>
          <p className="hint" id="reopen-time-hint">
            {t('day.reopenTimeHint')}
          </p>
          <input
            id="reopen-time"
            className="input time-input"
            type="time"
            value={reopenTime}
            aria-describedby="reopen-time-hint dialog-error"
            onChange={(e) => setReopenTime(e.target.value)}
          />
          <DialogError text={dialogError} />
        </FormDialog>
      )}

      {dialog === 'close' && (
        <FormDialog
          title={t('day.closeTitle')}
          submitLabel={t('day.closeConfirm')}
          cancelLabel={t('mediator.cancel')}
          busy={busy}
          onCancel={() => setDialog(null)}
          onSubmit={() => void close()}
          testId="close-dialog"
        >
          <p className="lead">{t('day.closeText')}</p>
          <label className="label" htmlFor="close-note">
            {noteAsked ? t('day.noteRequired') : t('day.note')}
          </label>
          <p className="hint" id="close-note-hint">
            {t('day.noteHint')}
          </p>
          <textarea
            id="close-note"
            className="input textarea"
            rows={3}
            maxLength={2000}
            value={note}
            required={noteAsked}
            aria-invalid={noteAsked && note.trim() === ''}
            aria-describedby="close-note-hint dialog-error"
            onChange={(e) => setNote(e.target.value)}
          />
          <fieldset className="reopen">
            <legend className="label">{t('day.reopenNext')}</legend>
            <div className="date-parts">
              <div>
                <label className="hint" htmlFor="reopen-day">
                  {t('day.reopenDay')}
                </label>
                <input
                  id="reopen-day"
                  className="input"
                  type="date"
                  value={reopenDay}
                  onChange={(e) => setReopenDay(e.target.value)}
                />
              </div>
              <div>
                <label className="hint" htmlFor="reopen-at">
                  {t('day.reopenTime')}
                </label>
                <input
                  id="reopen-at"
                  className="input time-input"
                  type="time"
                  value={reopenTime}
                  onChange={(e) => setReopenTime(e.target.value)}
                />
              </div>
            </div>
          </fieldset>
          <DialogError text={dialogError} />
        </FormDialog>
      )}

      {dialog === 'incident' && (
        <FormDialog
          title={t('day.incidentTitle')}
          submitLabel={t('day.incidentConfirm')}
          cancelLabel={t('mediator.cancel')}
          busy={busy}
          onCancel={() => setDialog(null)}
          onSubmit={() => void addIncident()}
          testId="incident-dialog"
        >
          <label className="label" htmlFor="incident-text">
            {t('day.incidentLabel')}
          </label>
          <p className="hint" id="incident-hint">
            {t('day.incidentHint')}
          </p>
          <textarea
            id="incident-text"
            className="input textarea"
            rows={4}
            maxLength={2000}
            value={incident}
            aria-describedby="incident-hint dialog-error"
            onChange={(e) => setIncident(e.target.value)}
          />
          <DialogError text={dialogError} />
        </FormDialog>
      )}
    </div>
  );
}

function DialogError({ text }: { text: string | null }): React.JSX.Element {
  return (
    <div id="dialog-error" aria-live="assertive">
      {text && <p className="notice error">{text}</p>}
    </div>
  );
}
