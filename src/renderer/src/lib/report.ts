/**
 * A signed report as the screen shows it: the document decoded from the base64url payload the kiosk
 * signed (read, never trusted for anything but display: the signature is checked by the server's
 * `verify-report`), and the block printed at its foot.
 */
import { ReportDocument, reportBlock } from '../../../shared/report';

/** base64url (no padding) → the exact UTF-8 text. */
export function base64urlToText(value: string): string {
  const b64 = value.replace(/-/g, '+').replace(/_/g, '/');
  const padded = b64 + '='.repeat((4 - (b64.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}

/** The report's document, or null when the payload is not a report this screen knows how to show. */
export function decodeReport(document: { payload: string }): ReportDocument | null {
  try {
    const parsed = ReportDocument.safeParse(JSON.parse(base64urlToText(document.payload)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Closing reports need a note when the day's people and ballots differ; this says whether they do. */
export const countsDiffer = (doc: ReportDocument): boolean => doc.participations !== doc.ballots;

export { reportBlock };
