/**
 * The wire contract v2 (DESIGN §4, moved where §3.10 needs it; docs/protocol.md) as zod schemas: what travels between kiosk and server, on the network
 * or on a USB stick. Signed documents travel as the base64url of their exact bytes (DESIGN §3.4): parse
 * `SignedDocument` first, verify the signature over the decoded bytes, and only then parse the payload
 * with the schemas below.
 */
// First import: turns zod's JIT off in pages before any schema below is built (see zod-csp.ts).
import './zod-csp';
import { z } from 'zod';

export const base64url = z.string().regex(/^[A-Za-z0-9_-]*$/, 'base64url without padding');
export const hex64 = z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex characters');
export const hex32 = z.string().regex(/^[0-9a-f]{32}$/, '32 lower-case hex characters');
export const kioskId = hex32;
export const ballotId = hex32;
export const participationToken = hex64;
export const inseeCode = z.string().regex(/^(\d{5}|2[AB]\d{3})$/, 'INSEE commune code');
export const projectId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'project id');
export const isoDateTime = z.iso.datetime({ offset: true });
export const isoDate = z.iso.date();

/** Age brackets kept on a participation for statistics (never on a ballot). */
export const ageBrackets = ['11-17', '18-25', '26-40', '41-60', '61-75', '76+'] as const;
export const ageBracket = z.enum(ageBrackets);
export type AgeBracket = z.infer<typeof ageBracket>;

/** Domain prefixes: bytes signed are `prefix + payload bytes` (DESIGN §4). */
export const signatureDomains = {
  election: 'ISOLOIR/v2/election\n',
  batch: 'ISOLOIR/v2/batch\n',
  ack: 'ISOLOIR/v2/ack\n',
  /** Extension (docs/protocol.md): a kiosk proves itself when it pulls the participation register. */
  register: 'ISOLOIR/v2/register\n',
  /** Extension (docs/protocol.md): a kiosk asks for its own exact state (`GET /api/v1/kiosks/:kioskId`). */
  state: 'ISOLOIR/v2/state\n',
  /** Extension (docs/audit-bundle.md): the authority seals an audit bundle's results and registry. */
  audit: 'ISOLOIR/v2/audit\n',
  /** A kiosk proves it holds the private key of the public key it enrols (docs/protocol.md). */
  enrol: 'ISOLOIR/v2/enrol\n',
  /** The authority signs each page of the participation register it serves to kiosks. */
  registerPage: 'ISOLOIR/v2/register-page\n',
  /** A kiosk signs its opening and closing reports (docs/counter-day.md). */
  report: 'ISOLOIR/v2/report\n',
  /** A kiosk signs the status it reports at each sync (version, clock, disk, pending, day). */
  kioskStatus: 'ISOLOIR/v2/kiosk-status\n',
  /** The authority signs a one-time reset of a kiosk's mediator accounts. */
  mediatorReset: 'ISOLOIR/v2/mediator-reset\n',
  /** The authority signs an offline enrolment answer carried back on a USB stick. */
  enrolAnswer: 'ISOLOIR/v2/enrol-answer\n',
} as const;
export type SignatureDomain = keyof typeof signatureDomains;

/** `{payload, signature}`: base64url of the exact JSON bytes and of the Ed25519 signature. */
export const SignedDocument = z.strictObject({ payload: base64url.min(1), signature: base64url.min(1) });
export type SignedDocument = z.infer<typeof SignedDocument>;

export const GENESIS_HASH = '0'.repeat(64);

// ---------------------------------------------------------------- election package

export const Territory = z.strictObject({ id: z.string().min(1).max(64), name: z.string().min(1).max(200) });
export type Territory = z.infer<typeof Territory>;

/** Optional translations of a project's texts, by language code (`en`, …). */
export const ProjectTranslation = z.strictObject({
  title: z.string().max(200).optional(),
  summary: z.string().max(1000).optional(),
  description: z.string().max(10000).optional(),
  plainSummary: z.string().max(1000).optional(),
});

export const Project = z.strictObject({
  id: projectId,
  title: z.string().min(1).max(200),
  summary: z.string().min(1).max(1000),
  description: z.string().min(1).max(10000),
  territoryId: z.string().min(1).max(64),
  theme: z.string().min(1).max(100),
  carrier: z.string().min(1).max(200),
  /** Cost in whole euros. */
  cost: z.number().int().nonnegative(),
  /** Image file name, relative to the package's image folder (or a data: URL). */
  image: z.string().min(1).max(200_000),
  /** Extension: "En bref", a plain-language summary (FALC-style). */
  plainSummary: z.string().max(1000).optional(),
  /** Extension: translations of the texts above. */
  i18n: z.record(z.string().regex(/^[a-z]{2}$/), ProjectTranslation).optional(),
});
export type Project = z.infer<typeof Project>;

/** K: the smallest group of ballots a kiosk ever publishes (docs/secrecy.md, "Secrecy once published"). */
export const MIN_BATCH_SIZE = 10;
export const DEFAULT_BATCH_SIZE = 20;

/** `lateDeliveryHours` bounds: 1 h at least (a kiosk seals its last batch at the close), 90 days at most. */
export const MIN_LATE_DELIVERY_HOURS = 1;
export const MAX_LATE_DELIVERY_HOURS = 2160;
/** What `election build` writes when not told: a week to carry the last sticks in. */
export const DEFAULT_LATE_DELIVERY_HOURS = 168;

export const ElectionPackage = z
  .strictObject({
    v: z.literal(2),
    electionId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/),
    title: z.string().min(1).max(200),
    opensAt: isoDateTime,
    closesAt: isoDateTime,
    /**
     * Hours after `closesAt` during which the server still accepts real batches (server clock): ballots
     * cast before the close, sealed at it (a kiosk's final batch) or carried late on a USB stick.
     */
    lateDeliveryHours: z.number().int().min(MIN_LATE_DELIVERY_HOURS).max(MAX_LATE_DELIVERY_HOURS),
    minChoices: z.number().int().min(1),
    maxChoices: z.number().int().min(1),
    minAge: z.number().int().min(0).max(120),
    department: z.string().regex(/^(\d{2,3}|2[AB])$/),
    /** Total budget in whole euros. */
    budget: z.number().int().nonnegative(),
    territories: z.array(Territory).min(1),
    projects: z.array(Project).min(1),
    /** Extension: commune INSEE code → territory id, for "Près de chez moi" and statistics. */
    communeTerritories: z.record(inseeCode, z.string()).optional(),
    /** Extension: public receipt-check address; the kiosk shows it as a QR code with the receipt. */
    receiptCheckUrl: z.url().optional(),
    /** Extension: seed of the published draw that breaks the last ties of the allocation rules. */
    tieBreakSeed: z.string().max(200).optional(),
    /** Extension: correction number of a package republished under the same id (absent: 1). */
    revision: z.number().int().min(1).optional(),
    /**
     * K: a batch holds exactly K ballots (the last one of a kiosk between K and 2K − 1, or the kiosk's
     * whole total when that is below K). Never below MIN_BATCH_SIZE.
     */
    batchSize: z.number().int().min(MIN_BATCH_SIZE).max(1000),
    /**
     * The memory-hard part of the participation token (docs/secrecy.md §5): scrypt with this salt and
     * cost, then HMAC with the participation key. Cheap for one voter, costly for a whole roll.
     */
    tokenKdf: z.strictObject({
      salt: base64url.min(22).max(86),
      logN: z.number().int().min(10).max(20),
      r: z.number().int().min(1).max(32),
      p: z.number().int().min(1).max(4),
    }),
    /** The central team's X25519 public key (raw, base64url): kiosk backups are encrypted to it. */
    backupPublicKey: base64url.length(43).optional(),
  })
  .superRefine((p, ctx) => {
    if (p.minChoices > p.maxChoices) ctx.addIssue({ code: 'custom', message: 'minChoices > maxChoices' });
    if (Date.parse(p.opensAt) >= Date.parse(p.closesAt))
      ctx.addIssue({ code: 'custom', message: 'opensAt must be before closesAt' });
    const territoryIds = new Set(p.territories.map((t) => t.id));
    if (territoryIds.size !== p.territories.length)
      ctx.addIssue({ code: 'custom', message: 'duplicate territory id' });
    const projectIds = new Set(p.projects.map((x) => x.id));
    if (projectIds.size !== p.projects.length)
      ctx.addIssue({ code: 'custom', message: 'duplicate project id' });
    for (const project of p.projects)
      if (!territoryIds.has(project.territoryId))
        ctx.addIssue({ code: 'custom', message: `project ${project.id}: unknown territory` });
    if (p.maxChoices > p.projects.length)
      ctx.addIssue({ code: 'custom', message: 'maxChoices > number of projects' });
  });
export type ElectionPackage = z.infer<typeof ElectionPackage>;

/** The last instant (ms since the epoch) at which the server accepts a real batch. */
export const lateDeliveryEnd = (pkg: Pick<ElectionPackage, 'closesAt' | 'lateDeliveryHours'>): number =>
  Date.parse(pkg.closesAt) + pkg.lateDeliveryHours * 3_600_000;

// ---------------------------------------------------------------- batches

/** One ballot as published: its choices, sorted, and nothing else (no id, no time, no voter). */
export const WireChoices = z.array(projectId).min(1).max(100);
export type WireChoices = z.infer<typeof WireChoices>;

export const WireParticipation = z.strictObject({
  token: participationToken,
  communeCode: inseeCode,
  ageBracket,
  assisted: z.boolean(),
});
export type WireParticipation = z.infer<typeof WireParticipation>;

/**
 * The participation document of a batch: who voted (tokens for the register and duplicate detection,
 * commune, bracket and assisted flag for statistics). It travels beside the ballot document, is bound to
 * it by `participations.digest`, and is never published (docs/secrecy.md §2).
 */
export const ParticipationDocument = z.strictObject({
  v: z.literal(2),
  kioskId,
  seq: z.number().int().min(1),
  /** Sorted by token, strictly (no token twice in a batch). */
  items: z.array(WireParticipation),
});
export type ParticipationDocument = z.infer<typeof ParticipationDocument>;

/**
 * The ballot document: what the kiosk signs and what the audit bundle publishes. `ballots` is the list of
 * choice sets (each sorted, the list sorted by `compareChoices`); `receipts` the receipt commitments,
 * sorted on their own; `participations` binds the participation document (SHA-256 of its exact bytes)
 * and says how many people voted in the batch, which must equal the number of ballots.
 */
export const BatchPayload = z.strictObject({
  v: z.literal(2),
  electionId: z.string().min(1).max(64),
  kioskId,
  seq: z.number().int().min(1),
  prevHash: hex64,
  training: z.boolean(),
  /** The kiosk's last batch, sealed at the election's close. */
  final: z.boolean(),
  ballots: z.array(WireChoices),
  receipts: z.array(hex64),
  participations: z.strictObject({ count: z.number().int().nonnegative(), digest: hex64 }),
});
export type BatchPayload = z.infer<typeof BatchPayload>;

/**
 * Body of `POST /api/v1/batches`, and the content of a USB file `isoloir-<kioskId>-<seq>.json`:
 * the signed ballot document and, beside it, the base64url bytes of the participation document.
 */
export const BatchEnvelope = z.strictObject({
  kioskId,
  payload: base64url.min(1),
  signature: base64url.min(1),
  participations: base64url.min(1),
});
export type BatchEnvelope = z.infer<typeof BatchEnvelope>;

/** Order of choice sets in a batch: by their choices, element by element, then by length. */
export function compareChoices(a: readonly string[], b: readonly string[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/** Each choice set sorted, then the sets sorted: the only order a batch may publish. */
export const sortBallots = (ballots: readonly (readonly string[])[]): string[][] =>
  ballots.map((choices) => [...choices].sort()).sort(compareChoices);

export const usbFileName = (kiosk: string, seq: number): string => `isoloir-${kiosk}-${seq}.json`;
export const usbFilePattern = /^isoloir-([0-9a-f]{32})-(\d+)\.json$/;

export const AckPayload = z.strictObject({
  kioskId,
  seq: z.number().int().min(1),
  hash: hex64,
  status: z.enum(['accepted', 'duplicate']),
  highWater: z.number().int().min(0),
});
export type AckPayload = z.infer<typeof AckPayload>;

// ---------------------------------------------------------------- other calls

export const EnrolRequest = z.strictObject({
  code: z.string().min(4).max(100),
  publicKey: base64url.length(43),
  label: z.string().min(1).max(200),
  /**
   * Proof of possession: the kiosk's Ed25519 signature, with its new private key, over
   * `ISOLOIR/v2/enrol\n` + the UTF-8 bytes of `enrolProofText` (src/shared/enrol-proof.ts).
   */
  proof: base64url.length(86),
  /** The server address the kiosk was given, as the proof signs it. */
  serverUrl: z.string().min(1).max(2000),
});
export type EnrolRequest = z.infer<typeof EnrolRequest>;

export const EnrolResponse = z.strictObject({
  kioskId,
  electionId: z.string(),
  authorityPublicKey: base64url.length(43),
  participationKey: base64url.min(43),
  /**
   * 32 random bytes (base64url) the server keeps for this kiosk: a mediator reset it signs later
   * carries the same value, which the kiosk compares with the one it kept at enrolment.
   */
  recoveryKey: base64url.length(43),
});
export type EnrolResponse = z.infer<typeof EnrolResponse>;

/** The server address an offline request (USB) signs in its proof. */
export const USB_SERVER_URL = 'usb:';
export const enrolRequestFileName = (kiosk: string): string => `isoloir-enrol-request-${kiosk}.json`;
export const enrolAnswerFileName = (kiosk: string): string => `isoloir-enrol-answer-${kiosk}.json`;

/**
 * Offline enrolment's answer, carried back on a USB stick (`isoloir-enrol-answer-<kioskId>.json` holds
 * `{payload, signature}` over these bytes, domain `enrolAnswer`, by the authority). The kiosk checks the
 * signature with the authority key it was given with its installer, then the election package inside.
 */
export const EnrolAnswer = z.strictObject({
  v: z.literal(2),
  kioskId,
  electionId: z.string().min(1).max(64),
  participationKey: base64url.min(43),
  recoveryKey: base64url.length(43),
  authorityPublicKey: base64url.length(43),
  /** The signed election package, exactly as `GET /api/v1/election` serves it. */
  election: SignedDocument,
});
export type EnrolAnswer = z.infer<typeof EnrolAnswer>;

/**
 * A one-time reset of a kiosk's mediator accounts, signed by the authority (domain `mediatorReset`): the
 * kiosk accepts it once (by `nonce`), before `expiresAt`, when `recoveryKey` is the one of its enrolment.
 */
export const MediatorReset = z.strictObject({
  v: z.literal(2),
  kioskId,
  nonce: hex32,
  expiresAt: isoDateTime,
  recoveryKey: base64url.length(43),
});
export type MediatorReset = z.infer<typeof MediatorReset>;

/**
 * What a kiosk reports of itself at each sync, signed with its key (domain `kioskStatus`), body of
 * `POST /api/v1/kiosks/:kioskId/status` as `{payload, signature}`. Never a vote, never a voter.
 */
export const KioskStatusReport = z.strictObject({
  v: z.literal(2),
  kioskId,
  appVersion: z.string().min(1).max(64),
  /** The kiosk's clock when it made the report: the server compares it with its own. */
  clock: isoDateTime,
  freeDiskBytes: z.number().int().nonnegative(),
  /** Ballots not yet acknowledged by the server (in open or unsent batches). */
  pendingBallots: z.number().int().nonnegative(),
  day: z.enum(['closed', 'open', 'paused']),
  training: z.boolean(),
});
export type KioskStatusReport = z.infer<typeof KioskStatusReport>;

/** File name of a mediator reset on a stick. */
export const mediatorResetFileName = (kioskId: string): string => `isoloir-reset-${kioskId}.json`;

export const WireError = z.object({
  error: z.string(),
  message: z.string(),
  expectedSeq: z.number().int().optional(),
});
export type WireError = z.infer<typeof WireError>;

export const KioskInfo = z.object({
  kioskId,
  label: z.string(),
  highWater: z.number().int().min(0),
  head: hex64,
  lastSeenAt: isoDateTime.nullable(),
  /** Exact for the kiosk itself (signed request) or an admin; else null below the subtotal threshold. */
  ballots: z.number().int().min(0).nullable(),
  flagged: z.boolean(),
});
export type KioskInfo = z.infer<typeof KioskInfo>;

/**
 * One page of the participation register, as the authority signs it (`registerPage` domain): the answer
 * of `GET /api/v1/participations` is `{payload, signature}` over these bytes. `kioskId` and `after` repeat
 * the request, so a page cannot be replayed to another kiosk or at another place in the register.
 */
export const ParticipationPage = z.strictObject({
  v: z.literal(2),
  electionId: z.string().min(1).max(64),
  kioskId,
  after: z.string().max(40),
  tokens: z.array(participationToken),
  next: z.string().max(40),
});
export type ParticipationPage = z.infer<typeof ParticipationPage>;

export const ResultsResponse = z
  .object({
    electionId: z.string(),
    ballots: z.number().int(),
    participations: z.number().int(),
    duplicateParticipations: z.number().int(),
    projects: z.array(
      z
        .object({ id: z.string(), title: z.string(), territoryId: z.string(), votes: z.number().int() })
        .loose(),
    ),
    byKiosk: z.array(z.object({}).loose()),
  })
  .loose();
export type ResultsResponse = z.infer<typeof ResultsResponse>;
