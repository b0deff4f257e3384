/**
 * A counter's opening or closing report (docs/counter-day.md): what the kiosk signs with its own key
 * (domain `report`), shows, prints and saves as PDF, and what the server's `verify-report` checks. The
 * printed copy carries the signed document at its foot between the two marker lines below, so a paper or
 * PDF copy can be verified as well as the JSON file.
 */
import { z } from 'zod';
import { base64url, hex64, isoDate, isoDateTime, kioskId } from './wire';

const count = z.number().int().nonnegative();

export const ReportDocument = z.strictObject({
  v: z.literal(2),
  kind: z.enum(['opening', 'closing']),
  kioskId,
  /** The kiosk's label (the counter's name given by the central team). */
  label: z.string().max(200).nullable(),
  electionId: z.string().min(1).max(64),
  /** The counter's day, Europe/Paris, by the kiosk clock. */
  day: isoDate,
  /** When the report was made, by the kiosk clock (the day's open/close, never a ballot's time). */
  at: isoDateTime,
  /** Names of the mediator accounts that unlocked the kiosk that day. */
  mediators: z.array(z.string().max(60)),
  /** The day's real votes: people who voted, ballots cast, of which assisted. */
  participations: count,
  ballots: count,
  assisted: count,
  /** Training votes of the day, kept apart and never counted. */
  training: z.strictObject({ participations: count, ballots: count }),
  /** Batches sealed so far in the kiosk's chain, and their seq range (null when none). */
  batches: z.strictObject({ sealed: count, firstSeq: count.nullable(), lastSeq: count.nullable() }),
  /** Ballots waiting for their batch (open on the kiosk). */
  waiting: count,
  /** SHA-256 of the last sealed batch's payload, or 64 zeros. */
  chainHead: hex64,
  sync: z.strictObject({ lastSuccessAt: isoDateTime.nullable(), batchesWaiting: count }),
  incidents: z.array(z.strictObject({ at: isoDateTime, text: z.string().max(2000) })),
  /** Required at closing when participations and ballots differ. */
  note: z.string().max(2000).nullable(),
});
export type ReportDocument = z.infer<typeof ReportDocument>;

export const REPORT_BEGIN = '-----BEGIN ISOLOIR REPORT-----';
export const REPORT_END = '-----END ISOLOIR REPORT-----';

/** The printed form of a signed report: `payload.signature`, wrapped at 76 characters, between markers. */
export function reportBlock(document: { payload: string; signature: string }): string {
  const text = `${document.payload}.${document.signature}`;
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += 76) lines.push(text.slice(i, i + 76));
  return [REPORT_BEGIN, ...lines, REPORT_END].join('\n');
}

/** The signed document back from a printed block (e.g. a PDF's text), or null when there is none. */
export function parseReportBlock(text: string): { payload: string; signature: string } | null {
  const start = text.indexOf(REPORT_BEGIN);
  const end = text.indexOf(REPORT_END, start + 1);
  if (start < 0 || end < 0) return null;
  const joined = text.slice(start + REPORT_BEGIN.length, end).replace(/\s+/g, '');
  const [payload, signature, extra] = joined.split('.');
  if (extra !== undefined || !payload || !signature) return null;
  if (!base64url.safeParse(payload).success || !base64url.safeParse(signature).success) return null;
  return { payload, signature };
}
