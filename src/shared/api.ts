/**
 * The kiosk's one typed API contract (STYLE §1): every method the screen may call, with its input and
 * output schemas. The Electron main process registers IPC handlers against it, the preload implements it
 * with `satisfies KioskApi`, the browser harness serves it over HTTP, and the renderer calls it through
 * one module. Channel names and HTTP paths are derived here, written once.
 */
import { z } from 'zod';
import type { Result } from './result';
import { ageBracket, ElectionPackage, inseeCode, isoDate, isoDateTime, projectId } from './wire';

const empty = z.strictObject({});

export const Commune = z.object({
  code: inseeCode,
  name: z.string(),
  postalCodes: z.array(z.string()),
  territoryId: z.string().nullable(),
});
export type Commune = z.infer<typeof Commune>;

export const ElectionState = z.enum(['no_election', 'not_open', 'open', 'closed']);
export type ElectionState = z.infer<typeof ElectionState>;

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
  /** Public receipt-check address (with the ballot id), when the election package gives one. */
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
});
export type SyncStatus = z.infer<typeof SyncStatus>;

export const EnrolInput = z.strictObject({
  serverUrl: z.url(),
  code: z.string().min(4).max(100),
  label: z.string().min(1).max(200),
  /** Optional fingerprint of the authority key, read out by the central team. */
  authorityFingerprint: z.string().max(64).optional(),
});

export const UsbExportInput = z.strictObject({
  folder: z.string().min(1).max(4096),
  all: z.boolean().default(false),
});
export const UsbExportResult = z.object({
  written: z.number().int(),
  skipped: z.number().int(),
  folder: z.string(),
});

/** The mediator's space (PIN-protected): whether a PIN exists, a session is open, wrong tries locked it. */
export const MediatorStatus = z.object({
  pinSet: z.boolean(),
  unlocked: z.boolean(),
  /** After 5 wrong codes: when tries are allowed again (ISO time), else null. */
  lockedOutUntil: isoDateTime.nullable(),
});
export type MediatorStatus = z.infer<typeof MediatorStatus>;

/** A mediator PIN: 4 to 8 digits. */
export const mediatorPin = z.string().regex(/^[0-9]{4,8}$/);

/**
 * Who may call a method: `voter` (anyone at the kiosk), or `mediator` (an unlocked mediator session once a
 * mediator PIN is set; before the first PIN, at set-up, anyone). `dispatch` enforces it for every transport.
 */
export type MethodRole = 'voter' | 'mediator';

const method = <I extends z.ZodType, O extends z.ZodType, R extends MethodRole>(
  input: I,
  output: O,
  role: R,
) => ({ input, output, role });

export const kioskContract = {
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
  setTraining: method(z.strictObject({ training: z.boolean() }), KioskStatus, 'mediator'),
  closeDay: method(
    empty,
    z.object({ day: isoDate, ballots: z.number().int(), participations: z.number().int() }),
    'mediator',
  ),
  enrol: method(EnrolInput, KioskStatus, 'mediator'),
  /** Readable by the voter side too: the screen shows whether votes are waiting to be sent. */
  getSyncStatus: method(empty, SyncStatus, 'voter'),
  syncNow: method(empty, SyncStatus, 'mediator'),
  exportUsb: method(UsbExportInput, UsbExportResult, 'mediator'),
  // The mediator's space itself: open to the voter side, each method checks the PIN it needs.
  mediatorStatus: method(empty, MediatorStatus, 'voter'),
  /** The first PIN may be set by anyone; changing it needs an open session and the current PIN. */
  setMediatorPin: method(
    z.strictObject({ pin: mediatorPin, currentPin: z.string().max(8).optional() }),
    MediatorStatus,
    'voter',
  ),
  unlockMediator: method(z.strictObject({ pin: z.string().max(8) }), MediatorStatus, 'voter'),
  lockMediator: method(empty, MediatorStatus, 'voter'),
  confirmElection: method(empty, z.object({ electionId: z.string() }), 'mediator'),
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
 * Asks the kiosk whether a mediator method may run now (no PIN set yet, or an unlocked session, which the
 * call refreshes). Carried by the handlers under this symbol so every transport's `dispatch` finds it.
 */
export const mediatorGate: unique symbol = Symbol('isoloir.mediatorGate');

/**
 * The core's side: called with inputs already parsed by the transport. Handlers without a
 * `mediatorGate` have no mediator PIN (an in-test core): their mediator methods are open, as a kiosk's
 * are before its first PIN.
 */
export type KioskHandlers = {
  [M in KioskMethod]: (
    input: z.output<KioskContract[M]['input']>,
  ) => Promise<Result<KioskOutput<M>>> | Result<KioskOutput<M>>;
} & { readonly [mediatorGate]?: () => boolean };

export const ipcChannel = (m: KioskMethod): string => `isoloir:${m}`;
export const httpPath = (m: KioskMethod): string => `/api/kiosk/${m}`;
/** Header carrying the browser harness's per-launch secret. */
export const HARNESS_TOKEN_HEADER = 'x-isoloir-token';
