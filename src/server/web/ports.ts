/**
 * The web pages' port: what the central server's web pages (public results, receipt check, admin
 * dashboard) need from the server, and nothing more. A narrow read/act interface, `WebDeps`, implemented
 * by the server core (../web-adapter.ts) over its store and its in-memory `Tally`. The pages never touch SQL, keys or the tally themselves, so they can be tested
 * against any real implementation and the server core stays free to change its storage.
 *
 * Every read may be synchronous (better-sqlite3) or asynchronous; the pages always `await` it.
 */
import type { Readable } from 'node:stream';
import type { Result } from '../../shared/result';
import type { KioskStatusRow } from '../kiosk-status';

type MaybePromise<T> = T | Promise<T>;

/** The published election, as the pages show it (from the signed package). */
export interface WebElection {
  electionId: string;
  title: string;
  opensAt: string;
  closesAt: string;
  /** Hours after `closesAt` during which batches still arrive (the package's late delivery window). */
  lateDeliveryHours: number;
  /** Whole euros. */
  budget: number;
  territories: { id: string; name: string }[];
}

/**
 * The `Results` of `src/shared/tally.ts` (its zod schema is the reference; this is the structural subset
 * the pages read, so the tally's type is assignable to it).
 */
export interface WebResults {
  electionId: string;
  ballots: number;
  participations: number;
  duplicateParticipations: number;
  /** Sorted by votes desc, then id. */
  projects: { id: string; title: string; territoryId: string; cost: number; votes: number }[];
  /** Sorted by kioskId; `ballots: null` = hidden because below the subtotal threshold. */
  byKiosk: { kioskId: string; label: string; ballots: number | null }[];
  byTerritory: { territoryId: string; name: string; votes: number; participations: number }[];
  byAgeBracket: { ageBracket: string; participations: number }[];
  allocation: {
    budget: number;
    greedy: { funded: string[]; spent: number };
    mes: { funded: string[]; spent: number };
  };
}

/**
 * What may be shown now (src/server/publication.ts): `embargoed` before the close (participation only),
 * `closed` after it (everything), `live` before it with the embargo lifted for a demonstration (every
 * page then says so).
 */
export interface WebPublication {
  phase: 'embargoed' | 'closed' | 'live';
  /** The close in the signed package. */
  closesAt: string;
}

/** One enrolled kiosk for the admin dashboard. */
export interface WebKiosk {
  kioskId: string;
  label: string;
  enrolledAt: string;
  /** Receipt time of its last request, by the server's clock; null if never seen since enrolment. */
  lastSeenAt: string | null;
  highWater: number;
  /** Counted ballots (training excluded). */
  ballots: number;
  /** Flagged after an equivocation: later batches are held, not counted. */
  flagged: boolean;
  /** Revoked by the central team: its requests are refused, what it sent before stays. */
  revoked: boolean;
}

/** Batch with a problem, for the anomalies page. Never a choice, a token or a ballot id. */
export interface WebBatchRef {
  kioskId: string;
  seq: number;
  receivedAt: string;
  ballots: number;
}

export interface WebDayCountMismatch {
  kioskId: string;
  day: string;
  declaredBallots: number;
  receivedBallots: number;
  declaredParticipations: number;
  receivedParticipations: number;
}

export interface WebAnomalies {
  /** Refused requests, counted by wire error code (DESIGN §4), e.g. `bad_signature`. */
  rejections: { code: string; count: number }[];
  /** Equivocating envelopes refused with 409 `conflict` (a different payload at a stored seq). */
  equivocations: Omit<WebBatchRef, 'ballots'>[];
  /** Batches stored after an equivocation: kept for review, not counted. */
  heldBatches: WebBatchRef[];
  /** Tokens seen more than once across counted batches (same number as in the results). */
  duplicateParticipations: number;
  /** `final` batches whose declared day counts differ from what the server received for that day. */
  dayCountMismatches: WebDayCountMismatch[];
}

/** An enrolment code as listed: the code itself is shown only once, at creation. */
export interface WebEnrolmentCode {
  /** A non-secret handle (e.g. row id or a short hash), never the code. */
  id: string;
  label: string;
  createdAt: string;
  expiresAt: string;
  status: 'unused' | 'used' | 'expired';
  usedAt: string | null;
  /** Kiosk enrolled with it, when used. */
  kioskId: string | null;
}

export interface WebCreatedEnrolmentCode {
  /** The one-time code, shown once to the central team. */
  code: string;
  expiresAt: string;
}

/** A downloadable export (audit bundle or Pabulib file). */
export interface WebExport {
  fileName: string;
  contentType: string;
  body: Readable | Uint8Array | string;
}

export interface WebDeps {
  /** The current published election, or null before `election publish`. */
  election(): MaybePromise<WebElection | null>;
  /**
   * The cached results, choices included, or null without an election: the pages show their choices
   * only when `publication()` allows it.
   */
  results(): MaybePromise<WebResults | null>;
  /** The embargo's state now, or null without an election. */
  publication(): MaybePromise<WebPublication | null>;
  /**
   * The counted batch that carries this receipt code (8 upper-case Crockford base32 characters, no dash,
   * already normalised by the page): the kiosk's label and the batch's number, or null (not yet).
   */
  findReceipt(code: string): MaybePromise<{ kiosk: string; batch: number } | null>;
  kiosks(): MaybePromise<WebKiosk[]>;
  anomalies(): MaybePromise<WebAnomalies>;
  enrolmentCodes(): MaybePromise<WebEnrolmentCode[]>;
  createEnrolmentCode(input: {
    label: string;
    expiresInHours: number;
  }): MaybePromise<Result<WebCreatedEnrolmentCode>>;
  /** Revokes a kiosk (idempotent); `not_found` for an unknown id. */
  revokeKiosk(
    kioskId: string,
  ): MaybePromise<Result<{ kioskId: string; label: string; alreadyRevoked: boolean }>>;
  /** Checks the admin password against its scrypt hash (constant-time). */
  verifyAdminPassword(password: string): MaybePromise<boolean>;
  /** Both exports carry choices: `embargoed` before the close (unless lifted for a demo). */
  exportAudit(): MaybePromise<Result<WebExport>>;
  exportPabulib(): MaybePromise<Result<WebExport>>;
  /** Kiosk monitoring, mediator resets and offline enrolment; their pages are absent without it. */
  trust?: WebTrust;
  /** Tuning; every field has a default. */
  options?: WebOptions;
}

/** Options of the web plugin, all with defaults. */
export interface WebOptions {
  /** Failed or not, login attempts allowed per IP per minute (default 5). */
  loginAttemptsPerMinute?: number;
  /** Password checks running at once, all addresses together (default 2); more are refused (429). */
  loginsInFlight?: number;
  /** Password checks started per second, all addresses together (default 2); more are refused (429). */
  loginsPerSecond?: number;
  /** Admin session lifetime in ms (default 8 h). */
  sessionTtlMs?: number;
  /** Below this many ballots a kiosk's subtotal is hidden (default 10; shown in the page's wording). */
  kioskSubtotalThreshold?: number;
}

/** The central team's acts on kiosks' trust: each hands back a file to download. */
export interface WebTrust {
  /** Minutes of silence, day open, after which a kiosk is flagged (shown in the page's wording). */
  silentAfterMinutes: number;
  kioskStatuses(): MaybePromise<KioskStatusRow[]>;
  kioskStatusCsv(): MaybePromise<string>;
  /** Signs and journals a one-time mediator reset; the file to carry, also served online once. */
  createMediatorReset(kioskId: string, expiresInHours: number): MaybePromise<Result<WebExport>>;
  /** Answers an offline enrolment request (the file's bytes): the answer file, signed. */
  answerUsbEnrolment(request: Uint8Array): MaybePromise<Result<WebExport & { kioskId: string }>>;
  /**
   * Validates, signs and publishes an election package (the JSON text `election build` writes), a
   * correction included, exactly as `election publish` does.
   */
  publishPackage(
    json: string,
  ): MaybePromise<Result<{ electionId: string; outcome: 'published' | 'replaced' | 'revised' }>>;
}
