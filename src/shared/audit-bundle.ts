/**
 * The audit bundle (docs/audit-bundle.md): one JSON object per line, written by the server's
 * `export-audit` and recounted by `verify` without the server. This module owns the line schemas and a
 * Node-free line splitter; reading the file (fs, progress) lives in src/server/verify.
 */
import { z } from 'zod';
import { Results } from './tally';
import { base64url, hex64, isoDateTime, kioskId } from './wire';

export const AUDIT_FORMAT = 'isoloir-audit';
/**
 * 4: batch lines carry v2 ballot documents (no participation document, never a token), a
 * `participation` line publishes participation as counts only, and the window after the close is the
 * signed package's `lateDeliveryHours`, no longer a header field (docs/audit-bundle.md).
 */
export const AUDIT_VERSION = 4;

/** A participation cell (commune, age bracket) below this many people is published as null ("< 10"). */
export const PARTICIPATION_CELL_THRESHOLD = 10;

export const HeaderLine = z.strictObject({
  type: z.literal('header'),
  format: z.literal(AUDIT_FORMAT),
  v: z.literal(AUDIT_VERSION),
  electionId: z.string().min(1),
  exportedAt: isoDateTime,
  /** `serve --threshold`: kiosk subtotals below this many ballots are published as null. */
  kioskSubtotalThreshold: z.number().int().min(0),
});
export type HeaderLine = z.infer<typeof HeaderLine>;

export const ElectionLine = z.strictObject({
  type: z.literal('election'),
  payload: base64url.min(1),
  signature: base64url.min(1),
  authorityPublicKey: base64url.length(43),
});
export type ElectionLine = z.infer<typeof ElectionLine>;

export const KioskLine = z.strictObject({
  type: z.literal('kiosk'),
  kioskId,
  label: z.string(),
  publicKey: base64url.length(43),
  enrolledAt: isoDateTime,
  flagged: z.boolean(),
  /** Refused from then on (`kiosk revoke`); its batches stored before stay as they are. */
  revoked: z.boolean(),
  /** The server's chain state: the last stored seq and the SHA-256 of its payload bytes. */
  highWater: z.number().int().min(0),
  head: hex64,
});
export type KioskLine = z.infer<typeof KioskLine>;

export const batchStatuses = ['counted', 'training', 'held'] as const;
export type BatchStatus = (typeof batchStatuses)[number];

export const BatchLine = z.strictObject({
  type: z.literal('batch'),
  kioskId,
  seq: z.number().int().min(1),
  payload: base64url.min(1),
  signature: base64url.min(1),
  receivedAt: isoDateTime,
  status: z.enum(batchStatuses),
});
export type BatchLine = z.infer<typeof BatchLine>;

export const ConflictLine = z.strictObject({
  type: z.literal('conflict'),
  kioskId,
  seq: z.number().int().min(1),
  payload: base64url.min(1),
  signature: base64url.min(1),
  receivedAt: isoDateTime,
});
export type ConflictLine = z.infer<typeof ConflictLine>;

/**
 * Participation as counts only (docs/secrecy.md §2): totals over the election per commune and per age
 * bracket (null below PARTICIPATION_CELL_THRESHOLD), the assisted total, and each stored batch's count
 * (which an observer checks against its ballots and its signed `participations.count`).
 */
export const ParticipationSummary = z.strictObject({
  total: z.number().int().nonnegative(),
  assisted: z.number().int().nonnegative(),
  byCommune: z.array(
    z.strictObject({ communeCode: z.string(), count: z.number().int().positive().nullable() }),
  ),
  byAgeBracket: z.array(
    z.strictObject({ ageBracket: z.string(), count: z.number().int().nonnegative().nullable() }),
  ),
  batches: z.array(z.strictObject({ kioskId, seq: z.number().int().min(1), count: z.number().int().min(0) })),
});
export type ParticipationSummary = z.infer<typeof ParticipationSummary>;

export const ParticipationLine = z.strictObject({
  type: z.literal('participation'),
  participation: ParticipationSummary,
});
export type ParticipationLine = z.infer<typeof ParticipationLine>;

export const ResultsLine = z.strictObject({ type: z.literal('results'), results: Results });
export type ResultsLine = z.infer<typeof ResultsLine>;

/**
 * What the authority signs last: the header's settings, every kiosk's chain state, the participation
 * counts and the results, so a
 * bundle cut short (a kiosk's tail, a whole kiosk), re-counted or re-thresholded by anyone without the
 * authority key no longer verifies against a pinned key.
 */
export const SealPayload = z.strictObject({
  v: z.literal(3),
  electionId: z.string().min(1),
  exportedAt: isoDateTime,
  kioskSubtotalThreshold: z.number().int().min(0),
  kiosks: z.array(z.strictObject({ kioskId, highWater: z.number().int().min(0), head: hex64 })),
  participation: ParticipationSummary,
  results: Results,
});
export type SealPayload = z.infer<typeof SealPayload>;

/** `payload`: base64url of the seal's JSON bytes; `signature`: the authority's, domain `audit`. */
export const SealLine = z.strictObject({
  type: z.literal('seal'),
  payload: base64url.min(1),
  signature: base64url.min(1),
});
export type SealLine = z.infer<typeof SealLine>;

export const BundleLine = z.discriminatedUnion('type', [
  HeaderLine,
  ElectionLine,
  KioskLine,
  BatchLine,
  ConflictLine,
  ParticipationLine,
  ResultsLine,
  SealLine,
]);
export type BundleLine = z.infer<typeof BundleLine>;

export type ParsedLine = { ok: true; line: BundleLine } | { ok: false; reason: string };

/** Parses one line of a bundle (JSON, then the schema of its `type`). */
export function parseBundleLine(text: string): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    return { ok: false, reason: 'JSON illisible' };
  }
  const parsed = BundleLine.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')} : ` : '';
    return { ok: false, reason: `${where}${issue?.message ?? 'ligne invalide'}` };
  }
  return { ok: true, line: parsed.data };
}

/** Serialises one line as the exporter writes it: compact JSON and a final "\n". */
export const formatBundleLine = (line: BundleLine): string => `${JSON.stringify(line)}\n`;

/**
 * Splits a stream of text chunks into lines ("\n", tolerating "\r\n"); feed chunks with `push`, then
 * `end` for the last unterminated line. Empty lines are skipped.
 */
export class LineSplitter {
  private rest = '';

  push(chunk: string): string[] {
    const text = this.rest + chunk;
    const parts = text.split('\n');
    this.rest = parts.pop() ?? '';
    return parts.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)).filter((l) => l.length > 0);
  }

  end(): string[] {
    const last = this.rest.endsWith('\r') ? this.rest.slice(0, -1) : this.rest;
    this.rest = '';
    return last.length > 0 ? [last] : [];
  }
}
