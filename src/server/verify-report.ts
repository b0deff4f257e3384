/**
 * `verify-report <file>`: checks a kiosk's signed opening or closing report (src/shared/report.ts)
 * against the key of a kiosk enrolled on this server. The file is the report's JSON (`{payload,
 * signature}`) or a PDF of the printed report, whose text (read with `pdftotext`, Debian's
 * poppler-utils) carries the signed document between the report's marker lines.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { err, ok, type Result } from '../shared/result';
import { fromBase64url, parseJsonBytes, verifyDocument } from '../shared/node/crypto';
import { parseReportBlock, ReportDocument } from '../shared/report';
import { kioskId as KioskIdSchema, SignedDocument } from '../shared/wire';
import type { ServerStore } from './store';

export interface VerifiedReport {
  report: ReportDocument;
  /** The label the central team gave the kiosk (may differ from the one the kiosk printed). */
  enrolledLabel: string;
  revoked: boolean;
  source: 'json' | 'pdf';
}

/**
 * The text of a PDF, by `pdftotext -layout`: without `-layout`, pdftotext joins a line that ends with
 * `-` to the next one and drops the dash (taken for a hyphenation), which breaks base64url lines.
 */
export function pdfText(path: string): Result<string> {
  try {
    return ok(
      execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', path, '-'], {
        encoding: 'utf8',
        maxBuffer: 64 << 20,
      }),
    );
  } catch (cause) {
    const missing = (cause as NodeJS.ErrnoException).code === 'ENOENT';
    return err(
      missing ? 'internal' : 'malformed',
      missing
        ? 'pdftotext est introuvable : installez poppler-utils (apt-get install poppler-utils).'
        : 'Le PDF n’a pas pu être lu.',
    );
  }
}

/** The signed document out of a report file's bytes (JSON, or PDF through `pdftotext`). */
export function readReportFile(path: string): Result<{ document: SignedDocument; source: 'json' | 'pdf' }> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return err('not_found', `Fichier illisible : ${path}`);
  }
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') {
    const text = pdfText(path);
    if (!text.ok) return text;
    const block = parseReportBlock(text.value);
    if (!block) return err('malformed', 'Ce PDF ne contient pas de bloc de rapport signé isoloir.');
    return ok({ document: block, source: 'pdf' });
  }
  const parsed = SignedDocument.safeParse(parseJsonBytes(bytes));
  if (parsed.success) return ok({ document: parsed.data, source: 'json' });
  // A text file holding the printed block (copied from a screen or a scan's OCR) is read the same way.
  const block = parseReportBlock(bytes.toString('utf8'));
  if (block) return ok({ document: block, source: 'json' });
  return err('malformed', 'Ni un rapport JSON signé, ni un PDF de rapport isoloir.');
}

/**
 * Verifies a signed report against the kiosk it names. The kiosk id is read from the unverified bytes
 * only to find which key to check with; the report is parsed as a report after the signature holds.
 */
export function verifyReportDocument(
  store: ServerStore,
  document: SignedDocument,
): Result<Omit<VerifiedReport, 'source'>> {
  const bytes = fromBase64url(document.payload);
  const claimed = bytes ? (parseJsonBytes(bytes) as { kioskId?: unknown } | undefined) : undefined;
  const id = KioskIdSchema.safeParse(claimed?.kioskId);
  if (!id.success) return err('malformed', 'Le rapport ne nomme pas de borne.');
  const kiosk = store.kiosk(id.data);
  if (!kiosk) return err('unknown_kiosk', `La borne ${id.data} n’est pas inscrite sur ce serveur.`);
  const verified = verifyDocument('report', document, kiosk.publicKey);
  if (!verified.ok)
    return err(
      'bad_signature',
      'Signature invalide : ce rapport n’a pas été signé par cette borne, ou il a été modifié.',
    );
  const report = ReportDocument.safeParse(parseJsonBytes(verified.bytes));
  if (!report.success) return err('malformed', 'Rapport signé mais mal formé.');
  return ok({ report: report.data, enrolledLabel: kiosk.label, revoked: kiosk.revoked });
}

export function verifyReportFile(store: ServerStore, path: string): Result<VerifiedReport> {
  const read = readReportFile(path);
  if (!read.ok) return read;
  const verified = verifyReportDocument(store, read.value.document);
  if (!verified.ok) return verified;
  return ok({ ...verified.value, source: read.value.source });
}

/** The report's fields, in French, one per line, for the terminal. */
export function reportLines(v: VerifiedReport): string[] {
  const r = v.report;
  const seq = r.batches.firstSeq === null ? 'aucun' : `${r.batches.firstSeq} à ${r.batches.lastSeq ?? '?'}`;
  return [
    `Rapport ${r.kind === 'opening' ? 'd’ouverture' : 'de fermeture'} : signature valide (${v.source === 'pdf' ? 'PDF' : 'JSON'}).`,
    `Borne : ${r.kioskId} (${v.enrolledLabel}${v.revoked ? ', révoquée' : ''})`,
    ...(r.label !== null && r.label !== v.enrolledLabel ? [`Libellé imprimé : ${r.label}`] : []),
    `Élection : ${r.electionId}`,
    `Journée : ${r.day}, rapport fait à ${r.at}`,
    `Médiateurs : ${r.mediators.length ? r.mediators.join(', ') : 'aucun'}`,
    `Participations : ${r.participations}, bulletins : ${r.ballots}, dont accompagnés : ${r.assisted}`,
    `Entraînement : ${r.training.participations} participations, ${r.training.ballots} bulletins (non comptés)`,
    `Lots scellés : ${r.batches.sealed} (numéros ${seq}), bulletins en attente de lot : ${r.waiting}`,
    `Tête de chaîne : ${r.chainHead}`,
    `Dernière synchronisation : ${r.sync.lastSuccessAt ?? 'jamais'}, lots à envoyer : ${r.sync.batchesWaiting}`,
    `Incidents : ${r.incidents.length}`,
    ...r.incidents.map((i) => `  ${i.at} ${i.text}`),
    `Note : ${r.note ?? '—'}`,
  ];
}
