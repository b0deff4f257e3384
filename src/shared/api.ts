/**
 * The kiosk's one typed API contract (STYLE §1): every method the screen may call, with its input and
 * output schemas. The Electron main process registers IPC handlers against it, the preload implements it
 * with `satisfies KioskApi`, the browser harness serves it over HTTP, and the renderer calls it through
 * one module. Channel names and HTTP paths are derived here, written once.
 */
import { z } from 'zod';
import type { Result } from './result';
import {
  ageBracket,
  ElectionPackage,
  inseeCode,
  isoDate,
  isoDateTime,
  projectId,
  SignedDocument,
} from './wire';

const empty = z.strictObject({});
const mediatorName = z.string().trim().min(1).max(60);
const accountId = z.string().max(16);
const driveId = z.string().min(1).max(4096);

export const Commune = z.object({
  code: inseeCode,
  name: z.string(),
  postalCodes: z.array(z.string()),
  territoryId: z.string().nullable(),
});
export type Commune = z.infer<typeof Commune>;

export const ElectionState = z.enum(['no_election', 'not_open', 'open', 'closed']);
export type ElectionState = z.infer<typeof ElectionState>;

/** The counter's day (docs/counter-day.md): only `open` lets a voter in. */
export const DayState = z.enum(['closed', 'open', 'paused']);
export type DayState = z.infer<typeof DayState>;

export const DayStatus = z.object({
  state: DayState,
  /** The calendar day (Europe/Paris, kiosk clock) of the current or last opening, or null before any. */
  day: isoDate.nullable(),
  /** When the counter opens again, if a mediator said so when pausing or closing; else null. */
  reopensAt: isoDateTime.nullable(),
});
export type DayStatus = z.infer<typeof DayStatus>;

/** Where the kiosk is in its life: the setup steps in order, then in service. */
export const SetupState = z.enum(['first_mediator', 'enrol', 'check', 'done']);
export type SetupState = z.infer<typeof SetupState>;

export const KioskStatus = z.object({
  kioskId: z.string(),
  label: z.string().nullable(),
  enrolled: z.boolean(),
  state: ElectionState,
  training: z.boolean(),
  election: z
    .object({
      electionId: z.string(),
      title: z.string(),
      opensAt: isoDateTime,
      closesAt: isoDateTime,
      minChoices: z.number().int(),
      maxChoices: z.number().int(),
      minAge: z.number().int(),
    })
    .nullable(),
  /** Ballots stored on this kiosk for the current election (training excluded). */
  ballotsCast: z.number().int().nonnegative(),
  setup: SetupState,
  day: DayStatus,
  /** The kiosk's keys are in memory (day open or paused, or training on): it can sign and vote. */
  keysUnlocked: z.boolean(),
  /** A receipt printer is configured on this kiosk. */
  printer: z.boolean(),
  /** The disk is full: casts are refused (nothing written) until space is freed. */
  diskFull: z.boolean().optional(),
});
export type KioskStatus = z.infer<typeof KioskStatus>;

export const ElectionView = z.object({
  election: ElectionPackage,
  /** Project id → image URL the renderer can show (data: URL, or a path the transport serves). */
  imageUrls: z.record(z.string(), z.string()),
});
export type ElectionView = z.infer<typeof ElectionView>;

export const EligibilityInput = z.strictObject({
  communeCode: inseeCode,
  birthDate: isoDate,
  familyName: z.string().max(100),
  firstName: z.string().max(100),
  /** A mediator helped this voter (kept for statistics only). */
  assisted: z.boolean().default(false),
});
export type EligibilityInput = z.input<typeof EligibilityInput>;

export const VoterSession = z.object({
  sessionId: z.string().regex(/^[0-9a-f]{32}$/),
  ageBracket,
  territoryId: z.string().nullable(),
});
export type VoterSession = z.infer<typeof VoterSession>;

export const CastInput = z.strictObject({
  sessionId: z.string().regex(/^[0-9a-f]{32}$/),
  choices: z.array(projectId).max(100),
});
export type CastInput = z.infer<typeof CastInput>;

export const Receipt = z.object({
  /** Short code shown to the voter, e.g. "7K3F-Q9XM". */
  receiptCode: z.string(),
  /** Public receipt-check address (`…?code=XXXX-XXXX&kiosk=<kioskId>`), when the election package gives one. */
  checkUrl: z.string().nullable(),
  training: z.boolean(),
});
export type Receipt = z.infer<typeof Receipt>;

export const SyncStatus = z.object({
  serverUrl: z.string().nullable(),
  serverReachable: z.boolean().nullable(),
  batchesWaiting: z.number().int().nonnegative(),
  ballotsNotBatched: z.number().int().nonnegative(),
  lastSuccessAt: isoDateTime.nullable(),
  lastError: z.object({ code: z.string(), message: z.string() }).nullable(),
  /** The chain is stopped (conflict or content refusal): a mediator must call the central team. */
  blocked: z.boolean(),
  /** Extension: a USB export in progress (files done / total), for a progress bar polled during it. */
  usbExport: z.object({ done: z.number().int(), total: z.number().int() }).nullable().optional(),
  /** Extension: a new election offered by the server, waiting for a mediator's confirmation. */
  pendingElectionId: z.string().nullable().optional(),
  /** Extension: the revision of a correction of the current election waiting for a mediator. */
  pendingCorrectionRevision: z.number().int().nullable().optional(),
});
export type SyncStatus = z.infer<typeof SyncStatus>;

/** One change a correction makes, for the mediator to read before applying it. */
export const CorrectionChange = z.object({
  /** The project changed, or null for the election's own field. */
  projectId: z.string().nullable(),
  /** That project's title before the correction, to name it. */
  projectTitle: z.string().nullable(),
  /** The field: `title`, `summary`, `description`, `plainSummary`, `i18n`, `theme`, `carrier`, `image`, … */
  field: z.string(),
  /** `rule`: a field other than a text or an image, allowed only while no ballot can exist. */
  kind: z.enum(['text', 'image', 'rule']),
});
export type CorrectionChange = z.infer<typeof CorrectionChange>;

/** A correction of the current election (same id, higher revision) waiting for a mediator. */
export const PendingCorrection = z.object({
  electionId: z.string(),
  fromRevision: z.number().int(),
  toRevision: z.number().int(),
  changes: z.array(CorrectionChange),
});
export type PendingCorrection = z.infer<typeof PendingCorrection>;

export const EnrolInput = z.strictObject({
  /** `https://`, or `http://` on loopback only. */
  serverUrl: z.url(),
  code: z.string().min(4).max(100),
  label: z.string().min(1).max(200),
  /** The authority key's fingerprint as the central team gave it: a different key stops the setup. */
  authorityFingerprint: z.string().min(8).max(100),
});

export const UsbExportInput = z.strictObject({
  driveId,
  all: z.boolean().default(false),
});
export const UsbExportResult = z.object({
  written: z.number().int(),
  skipped: z.number().int(),
  folder: z.string(),
  /** Files and folder are synced to the stick: the mediator may remove it. */
  ejectSafe: z.boolean(),
});

/** A mediator's named account (names are staff names, shown on the login screen; never a voter's). */
export const MediatorAccount = z.object({
  id: z.string().regex(/^[0-9a-f]{16}$/),
  name: z.string(),
  /** After wrong PINs: when tries are allowed again (ISO time), else null. */
  lockedOutUntil: isoDateTime.nullable(),
});
export type MediatorAccount = z.infer<typeof MediatorAccount>;

/** The mediator's space: the accounts, and the one whose session is open. */
export const MediatorStatus = z.object({
  accounts: z.array(MediatorAccount),
  current: z.object({ id: z.string(), name: z.string() }).nullable(),
});
export type MediatorStatus = z.infer<typeof MediatorStatus>;

/** A mediator PIN: 6 to 12 digits. */
export const mediatorPin = z.string().regex(/^[0-9]{6,12}$/);

/** What the setup's last screen shows the mediator before the kiosk goes into service. */
export const SetupCheck = z.object({
  kioskId: z.string(),
  label: z.string().nullable(),
  serverUrl: z.string().nullable(),
  election: z
    .object({ electionId: z.string(), title: z.string(), opensAt: isoDateTime, closesAt: isoDateTime })
    .nullable(),
  /** Fingerprints as people compare them: groups of 4 hex characters. */
  kioskKeyFingerprint: z.string(),
  authorityKeyFingerprint: z.string().nullable(),
  /** Kiosk clock minus the server's, in seconds, when the server answered; else null. */
  clockOffsetSeconds: z.number().nullable(),
  freeDiskBytes: z.number().int().nonnegative().nullable(),
});
export type SetupCheck = z.infer<typeof SetupCheck>;

/** A removable drive the kiosk found (USB stick). */
export const RemovableDrive = z.object({
  /** Opaque: given back to export to, or read from, this drive. */
  id: driveId,
  label: z.string(),
  freeBytes: z.number().int().nonnegative().nullable(),
});
export type RemovableDrive = z.infer<typeof RemovableDrive>;

/** An opening or closing report, signed by the kiosk (src/shared/report.ts holds the document). */
export const SignedReport = z.object({
  reportId: z.string(),
  kind: z.enum(['opening', 'closing']),
  day: isoDate,
  document: SignedDocument,
});
export type SignedReport = z.infer<typeof SignedReport>;

/**
 * Who may call a method: `voter` (anyone at the kiosk), `mediator` (an unlocked mediator session), or
 * `setup` (anyone, but only while the kiosk has no mediator account: the first step of its setup).
 * `dispatch` enforces it for every transport.
 */
export type MethodRole = 'voter' | 'mediator' | 'setup';

const method = <I extends z.ZodType, O extends z.ZodType, R extends MethodRole>(
  input: I,
  output: O,
  role: R,
) => ({ input, output, role });

export const kioskContract = {
  // voter
  getStatus: method(empty, KioskStatus, 'voter'),
  getElection: method(empty, ElectionView, 'voter'),
  searchCommunes: method(
    z.strictObject({ query: z.string().max(100), limit: z.number().int().min(1).max(50).default(8) }),
    z.array(Commune),
    'voter',
  ),
  checkEligibility: method(EligibilityInput, VoterSession, 'voter'),
  castBallot: method(CastInput, Receipt, 'voter'),
  endSession: method(z.strictObject({ sessionId: z.string().max(64) }), empty, 'voter'),
  /** The voter is still there (the screen's idle guard calls it): the session lasts while they are. */
  touchSession: method(z.strictObject({ sessionId: z.string().max(64) }), empty, 'voter'),
  getSyncStatus: method(empty, SyncStatus, 'voter'),
  mediatorStatus: method(empty, MediatorStatus, 'voter'),
  unlockMediator: method(z.strictObject({ accountId, pin: z.string().max(12) }), MediatorStatus, 'voter'),
  lockMediator: method(empty, MediatorStatus, 'voter'),
  /** The central team's signed reset (online or from a stick): replaces every account by a new one. */
  recoverMediators: method(
    z.strictObject({
      source: z.enum(['online', 'usb']),
      driveId: driveId.optional(),
      name: mediatorName,
      pin: mediatorPin,
    }),
    MediatorStatus,
    'voter',
  ),
  // setup: only while the kiosk has no mediator account
  createFirstMediator: method(
    z.strictObject({ name: mediatorName, pin: mediatorPin }),
    MediatorStatus,
    'setup',
  ),
  // mediator
  addMediator: method(z.strictObject({ name: mediatorName, pin: mediatorPin }), MediatorStatus, 'mediator'),
  removeMediator: method(z.strictObject({ accountId }), MediatorStatus, 'mediator'),
  changeMediatorPin: method(
    z.strictObject({ currentPin: z.string().max(12), pin: mediatorPin }),
    MediatorStatus,
    'mediator',
  ),
  enrolOnline: method(EnrolInput, SetupCheck, 'mediator'),
  writeEnrolmentRequest: method(
    z.strictObject({ driveId, code: z.string().min(4).max(100), label: z.string().min(1).max(200) }),
    z.object({ file: z.string() }),
    'mediator',
  ),
  readEnrolmentAnswer: method(
    z.strictObject({ driveId, authorityFingerprint: z.string().min(8).max(100) }),
    SetupCheck,
    'mediator',
  ),
  getSetupCheck: method(empty, SetupCheck, 'mediator'),
  finishSetup: method(empty, KioskStatus, 'mediator'),
  setTraining: method(z.strictObject({ training: z.boolean() }), KioskStatus, 'mediator'),
  openDay: method(empty, SignedReport, 'mediator'),
  pauseDay: method(z.strictObject({ reopensAt: isoDateTime.optional() }), KioskStatus, 'mediator'),
  resumeDay: method(empty, KioskStatus, 'mediator'),
  /** Seals nothing (docs/secrecy.md): signs the closing report; a note is required when counts differ. */
  closeDay: method(
    z.strictObject({ note: z.string().max(2000).optional(), reopensAt: isoDateTime.optional() }),
    SignedReport,
    'mediator',
  ),
  addIncident: method(z.strictObject({ text: z.string().trim().min(1).max(2000) }), empty, 'mediator'),
  listReports: method(empty, z.array(SignedReport), 'mediator'),
  /** The escape hatch: ends whatever voter session is open, without showing its choices. */
  endVoterSession: method(empty, empty, 'mediator'),
  syncNow: method(empty, SyncStatus, 'mediator'),
  listDrives: method(empty, z.array(RemovableDrive), 'mediator'),
  exportUsb: method(UsbExportInput, UsbExportResult, 'mediator'),
  confirmElection: method(empty, z.object({ electionId: z.string() }), 'mediator'),
  /** The correction of the current election waiting for a mediator, with what it changes; or null. */
  getCorrection: method(empty, PendingCorrection.nullable(), 'mediator'),
  /** Applies the waiting correction, checked again; journaled under the mediator's account. */
  applyCorrection: method(
    empty,
    z.object({ electionId: z.string(), revision: z.number().int() }),
    'mediator',
  ),
  /**
   * Deletes the batches the server acknowledged, once the result is certified: refused unless every
   * batch is acked and the election is closed by the kiosk clock. Audited.
   */
  purgeAckedBatches: method(empty, z.object({ purged: z.number().int().nonnegative() }), 'mediator'),
} as const;

export type KioskContract = typeof kioskContract;
export type KioskMethod = keyof KioskContract;
export const kioskMethods = Object.keys(kioskContract) as KioskMethod[];
export const methodRole = (m: KioskMethod): MethodRole => kioskContract[m].role;

export type KioskInput<M extends KioskMethod> = z.input<KioskContract[M]['input']>;
export type KioskOutput<M extends KioskMethod> = z.output<KioskContract[M]['output']>;

/** What `window.kiosk` is, and what the HTTP client of the browser harness is. */
export type KioskApi = { [M in KioskMethod]: (input: KioskInput<M>) => Promise<Result<KioskOutput<M>>> };

/**
 * Asks the kiosk whether a method of a gated role may run now: `mediator` (an unlocked session, which the
 * call refreshes) or `setup` (the kiosk has no mediator account yet). Carried by the handlers under this
 * symbol so every transport's `dispatch` finds it.
 */
export const mediatorGate: unique symbol = Symbol('isoloir.mediatorGate');

/** The roles a gate decides (a `voter` method is never gated). */
export type GatedRole = Exclude<MethodRole, 'voter'>;

/**
 * The core's side: called with inputs already parsed by the transport. Handlers without a
 * `mediatorGate` (an in-test core) leave their mediator and setup methods open.
 */
export type KioskHandlers = {
  [M in KioskMethod]: (
    input: z.output<KioskContract[M]['input']>,
  ) => Promise<Result<KioskOutput<M>>> | Result<KioskOutput<M>>;
} & { readonly [mediatorGate]?: (role: GatedRole) => boolean };

export const ipcChannel = (m: KioskMethod): string => `isoloir:${m}`;
export const httpPath = (m: KioskMethod): string => `/api/kiosk/${m}`;
/** Header carrying the browser harness's per-launch secret. */
export const HARNESS_TOKEN_HEADER = 'x-isoloir-token';
