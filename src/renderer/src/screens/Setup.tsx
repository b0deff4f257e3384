/**
 * The kiosk's first start, full screen, before anything else: (1) the first mediator account, (2) the
 * enrolment, online (server address, one-time code, the authority's fingerprint to compare with the one
 * the central team gave) or by USB in two trips (the request written to a stick, carried to the central
 * team, the signed answer read back), (3) the check screen and "Terminer". The step is the core's
 * `KioskStatus.setup`; until it is `done` the App shows nothing else.
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SetupState as SetupStep } from '../../../shared/api';
import { AccountForm } from '../components/AccountForm';
import { DrivePicker } from '../components/DrivePicker';
import { formatBytes } from '../components/DrivePicker';
import { NameField } from '../components/NameField';
import { useFocusOnMount } from '../components/useFocusOnMount';
import { useMediator, useSetup } from '../stores/app';
import { MediatorLogin } from './MediatorLogin';

const STEPS: readonly SetupStep[] = ['first_mediator', 'enrol', 'check'];

export function Setup({ step }: { step: SetupStep }): React.JSX.Element {
  const { t } = useTranslation();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const index = STEPS.indexOf(step);
  return (
    <section className="screen narrow setup" aria-labelledby="setup-title">
      <p className="setup-steps" data-testid="setup-step">
        {t('setup.stepOf', { n: index + 1, total: STEPS.length })}
      </p>
      <h1 id="setup-title" tabIndex={-1} ref={heading} key={step}>
        {t(`setup.title.${step}`)}
      </h1>
      {step === 'first_mediator' && <FirstMediator />}
      {step === 'enrol' && (
        <NeedsMediator>
          <Enrol />
        </NeedsMediator>
      )}
      {step === 'check' && (
        <NeedsMediator>
          <Check />
        </NeedsMediator>
      )}
    </section>
  );
}

function SetupError(): React.JSX.Element {
  const { t } = useTranslation();
  const error = useSetup((s) => s.error);
  return (
    <div aria-live="assertive">
      {error && (
        <p className="notice error" data-testid="setup-error">
          {error.message || t(`errors.${error.code}`, { defaultValue: t('errors.generic') })}
        </p>
      )}
    </div>
  );
}

function FirstMediator(): React.JSX.Element {
  const { t } = useTranslation();
  const busy = useSetup((s) => s.busy);
  const error = useSetup((s) => s.error);
  const create = useSetup((s) => s.createFirstMediator);
  return (
    <>
      <p className="lead">{t('setup.firstIntro')}</p>
      <AccountForm
        withName
        submitLabel={t('setup.firstConfirm')}
        busy={busy}
        error={error ? error.message || t('errors.generic') : null}
        onSubmit={({ name, pin }) => create(name, pin)}
      />
    </>
  );
}

/** The enrolment and the check need a mediator's session: after a restart mid-setup, log in again. */
function NeedsMediator({ children }: { children: React.ReactNode }): React.JSX.Element {
  const accounts = useMediator((s) => s.accounts);
  const error = useMediator((s) => (s.errorAt === 'login' ? s.error : null));
  const busy = useMediator((s) => s.busy);
  const [checked, setChecked] = useState(false);

  useEffect(() => {
    void useMediator
      .getState()
      .open()
      .then(() => setChecked(true));
  }, []);

  if (!checked) return <></>;
  if (accounts?.current) return <>{children}</>;
  return (
    <MediatorLogin
      heading={false}
      accounts={accounts}
      error={error}
      busy={busy}
      onUnlock={(id, pin) => useMediator.getState().unlock(id, pin)}
    />
  );
}

function Enrol(): React.JSX.Element {
  const { t } = useTranslation();
  const mode = useSetup((s) => s.mode);
  const setMode = useSetup((s) => s.setMode);
  if (mode === 'choose')
    return (
      <>
        <p className="lead">{t('setup.enrolIntro')}</p>
        <div className="setup-choices">
          <button type="button" className="button primary huge" onClick={() => setMode('online')}>
            {t('setup.online')}
          </button>
          <button type="button" className="button huge" onClick={() => setMode('usb-write')}>
            {t('setup.usb')}
          </button>
        </div>
        <p className="hint">{t('setup.chooseHint')}</p>
      </>
    );
  return (
    <>
      {mode === 'online' && <EnrolOnline />}
      {(mode === 'usb-write' || mode === 'usb-carry' || mode === 'usb-read') && <EnrolUsb />}
      <div className="actions">
        <button type="button" className="button secondary" onClick={() => setMode('choose')}>
          {t('setup.otherWay')}
        </button>
      </div>
    </>
  );
}

/** The enrolment's text fields; each one's label and hint are `setup.<name>` and `setup.<name>Hint`. */
const FIELDS = {
  serverUrl: { maxLength: 300, technical: true },
  code: { maxLength: 100, technical: true },
  label: { maxLength: 200, technical: false },
  fingerprint: { maxLength: 100, technical: true },
} as const;

function EnrolField({
  name,
  value,
  onChange,
}: {
  name: keyof typeof FIELDS;
  value: string;
  onChange: (v: string) => void;
}): React.JSX.Element {
  const { t } = useTranslation();
  return (
    <NameField
      label={t(`setup.${name}`)}
      hint={t(`setup.${name}Hint`)}
      value={value}
      onChange={onChange}
      {...FIELDS[name]}
    />
  );
}

/**
 * One enrolment step's form, online or by USB: its title, its own fields, then what every step ends
 * with. Sent incomplete, it says what is missing instead of calling `onSubmit`.
 */
function EnrolForm({
  title,
  complete,
  missingText,
  submitLabel,
  onSubmit,
  children,
}: {
  title: string;
  complete: boolean;
  missingText: string;
  submitLabel: string;
  onSubmit: () => void;
  children: React.ReactNode;
}): React.JSX.Element {
  const busy = useSetup((s) => s.busy);
  const [missing, setMissing] = useState(false);
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (!complete) {
          setMissing(true);
          return;
        }
        setMissing(false);
        onSubmit();
      }}
    >
      <h2>{title}</h2>
      {children}
      <div aria-live="assertive">{missing && <p className="notice error">{missingText}</p>}</div>
      <SetupError />
      <div className="actions">
        <button type="submit" className="button primary big" disabled={busy}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}

function EnrolOnline(): React.JSX.Element {
  const { t } = useTranslation();
  const busy = useSetup((s) => s.busy);
  const enrol = useSetup((s) => s.enrolOnline);
  const [serverUrl, setServerUrl] = useState('https://');
  const [code, setCode] = useState('');
  const [label, setLabel] = useState('');
  const [fingerprint, setFingerprint] = useState('');
  const complete = serverUrl.length > 8 && Boolean(code.trim() && label.trim() && fingerprint.trim());
  return (
    <EnrolForm
      title={t('setup.online')}
      complete={complete}
      missingText={t('setup.missing')}
      submitLabel={busy ? t('setup.connecting') : t('setup.enrolOnline')}
      onSubmit={() =>
        void enrol({
          serverUrl: serverUrl.trim(),
          code: code.trim(),
          label: label.trim(),
          authorityFingerprint: fingerprint.trim(),
        })
      }
    >
      <EnrolField name="serverUrl" value={serverUrl} onChange={setServerUrl} />
      <EnrolField name="code" value={code} onChange={setCode} />
      <EnrolField name="label" value={label} onChange={setLabel} />
      <EnrolField name="fingerprint" value={fingerprint} onChange={setFingerprint} />
    </EnrolForm>
  );
}

function EnrolUsb(): React.JSX.Element {
  const { t } = useTranslation();
  const mode = useSetup((s) => s.mode);
  const busy = useSetup((s) => s.busy);
  const drives = useSetup((s) => s.drives);
  const requestFile = useSetup((s) => s.requestFile);
  const s = useSetup.getState();
  const [selected, setSelected] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [label, setLabel] = useState('');
  const [fingerprint, setFingerprint] = useState('');
  const select = useCallback((id: string) => setSelected(id), []);

  useEffect(() => {
    if (mode !== 'usb-carry') void useSetup.getState().listDrives();
  }, [mode]);

  if (mode === 'usb-carry')
    return (
      <>
        <h2>{t('setup.usbCarryTitle')}</h2>
        <p className="notice info" data-testid="usb-carry">
          {t('setup.usbCarry')}
        </p>
        {requestFile && (
          <p>
            {t('setup.usbFile')} <span className="mono">{requestFile}</span>
          </p>
        )}
        <p>{t('setup.usbCarryNext')}</p>
        <div className="actions">
          <button
            type="button"
            className="button primary big"
            onClick={() => {
              setSelected(null);
              s.setMode('usb-read');
            }}
          >
            {t('setup.usbBack')}
          </button>
        </div>
      </>
    );

  const reading = mode === 'usb-read';
  return (
    <EnrolForm
      title={reading ? t('setup.usbReadTitle') : t('setup.usbWriteTitle')}
      complete={selected !== null && Boolean(reading ? fingerprint.trim() : code.trim() && label.trim())}
      missingText={t('setup.missingUsb')}
      submitLabel={reading ? t('setup.usbRead') : t('setup.usbWrite')}
      onSubmit={() => {
        // `complete` already asks for a drive: this only narrows `selected` for TypeScript.
        if (selected === null) return;
        if (reading) void s.readAnswer({ driveId: selected, authorityFingerprint: fingerprint.trim() });
        else void s.writeRequest({ driveId: selected, code: code.trim(), label: label.trim() });
      }}
    >
      <p>{reading ? t('setup.usbReadIntro') : t('setup.usbWriteIntro')}</p>
      <DrivePicker
        drives={drives}
        selected={selected}
        onSelect={select}
        onRefresh={() => void s.listDrives()}
        busy={busy}
      />
      {reading ? (
        <EnrolField name="fingerprint" value={fingerprint} onChange={setFingerprint} />
      ) : (
        <>
          <EnrolField name="code" value={code} onChange={setCode} />
          <EnrolField name="label" value={label} onChange={setLabel} />
        </>
      )}
    </EnrolForm>
  );
}

function Check(): React.JSX.Element {
  const { t, i18n } = useTranslation();
  const check = useSetup((s) => s.check);
  const busy = useSetup((s) => s.busy);
  const s = useSetup.getState();
  const lng = i18n.language.startsWith('fr') ? 'fr-FR' : 'en-GB';

  useEffect(() => {
    void useSetup.getState().loadCheck();
  }, []);

  const date = (iso: string): string => new Date(iso).toLocaleDateString(lng, { dateStyle: 'long' });
  const offset = check?.clockOffsetSeconds ?? null;
  const clock =
    offset === null
      ? t('setup.clockUnknown')
      : Math.abs(offset) < 60
        ? t('setup.clockOk')
        : t('setup.clockOff', {
            minutes: Math.round(Math.abs(offset) / 60),
            direction: offset > 0 ? t('setup.ahead') : t('setup.behind'),
          });

  return (
    <>
      <p className="lead">{t('setup.checkIntro')}</p>
      {check && (
        <dl className="facts check-facts" data-testid="setup-check">
          <dt>{t('setup.kioskId')}</dt>
          <dd className="mono">{check.kioskId}</dd>
          <dt>{t('setup.label')}</dt>
          <dd>{check.label ?? '–'}</dd>
          <dt>{t('setup.server')}</dt>
          <dd className="mono break">{check.serverUrl ?? t('setup.noServer')}</dd>
          <dt>{t('setup.election')}</dt>
          <dd>
            {check.election
              ? t('setup.electionDates', {
                  title: check.election.title,
                  from: date(check.election.opensAt),
                  to: date(check.election.closesAt),
                })
              : t('mediator.noElection')}
          </dd>
          <dt>{t('setup.kioskKey')}</dt>
          <dd className="mono fingerprint">{check.kioskKeyFingerprint}</dd>
          <dt>{t('setup.authorityKey')}</dt>
          <dd className="mono fingerprint">{check.authorityKeyFingerprint ?? '–'}</dd>
          <dt>{t('setup.clock')}</dt>
          <dd className={offset !== null && Math.abs(offset) >= 60 ? 'warning-text' : undefined}>{clock}</dd>
          <dt>{t('setup.disk')}</dt>
          <dd>{check.freeDiskBytes === null ? '–' : formatBytes(check.freeDiskBytes, i18n.language)}</dd>
        </dl>
      )}
      <SetupError />
      <div className="actions">
        <button
          type="button"
          className="button primary huge"
          disabled={busy || check === null}
          onClick={() => void s.finish()}
        >
          {t('setup.finish')}
        </button>
      </div>
    </>
  );
}
