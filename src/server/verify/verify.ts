/**
 * The independent recount of an audit bundle (docs/audit-bundle.md), for observers: streams the JSONL
 * file, checks every signature, chain and payload rule, recounts the counted batches with the shared
 * `Tally`, and compares with the published results. Uses only src/shared (and its node crypto), never
 * the server's store, so a bug in the server cannot hide in its own check.
 */
import { stat } from 'node:fs/promises';
import type { KeyObject } from 'node:crypto';
import { parseBundleLine, type ParsedLine } from '../../shared/audit-bundle';
import { verifyDocumentAsync, type VerifiedBytes } from '../../shared/node/crypto';
import { checkChainEnds, compareWithPublished } from './conclude';
import { handleLine } from './handle-line';
import { readLines } from './read-lines';
import { newRecount } from './recount';
import type { VerifyOptions, VerifyReport } from './report';

export { diffValues } from './diff';
export type { VerifyOptions, VerifyReport } from './report';

/**
 * Recounts the bundle at `path`: each line read, parsed and checked in file order (./handle-line.ts,
 * one check-*.ts per line type), then what only the whole file tells (./conclude.ts).
 */
export async function verifyBundle(path: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  const r = newRecount(options);
  const totalBytes = (await stat(path)).size;
  let bytesRead = 0;
  let lastReported = 0;
  const onBytes = (n: number): void => {
    bytesRead += n;
    if (options.onProgress && (bytesRead - lastReported > 1 << 20 || bytesRead === totalBytes)) {
      lastReported = bytesRead;
      options.onProgress(bytesRead, totalBytes);
    }
  };

  // Signature checks dominate a recount: batch lines wait in a window while their signatures are
  // checked on the thread pool (other cores), then are handled one by one in file order exactly as
  // without the window. Any other line first drains the window, so the kiosk keys a pending check
  // used are still the kiosks' keys when its line is handled (`checkBatch` re-checks it otherwise).
  const WINDOW = 256;
  let pending: {
    parsed: ParsedLine;
    number: number;
    check?: { key: KeyObject; verified: Promise<VerifiedBytes> };
  }[] = [];
  const drain = async (): Promise<void> => {
    const batch = pending;
    pending = [];
    for (const { parsed, number, check } of batch)
      handleLine(r, parsed, number, check ? { key: check.key, verified: await check.verified } : undefined);
  };
  for await (const { text, number } of readLines(path, onBytes)) {
    const parsed = parseBundleLine(text);
    if (parsed.ok && parsed.line.type === 'batch') {
      const key = r.kiosks.get(parsed.line.kioskId)?.key;
      pending.push({
        parsed,
        number,
        ...(key ? { check: { key, verified: verifyDocumentAsync('batch', parsed.line, key) } } : {}),
      });
      if (pending.length >= WINDOW) await drain();
      continue;
    }
    await drain();
    handleLine(r, parsed, number);
  }
  await drain();
  checkChainEnds(r);
  compareWithPublished(r);
  r.report.ok = r.errors.length === 0;
  return r.report;
}

/** The readable report printed by the CLI: French, with a short English line per section. */
export function formatReport(report: VerifyReport): string {
  const lines: string[] = [];
  lines.push(`Vérification du lot d'audit — élection ${report.electionId ?? '?'}`);
  lines.push('');
  lines.push('Contenu / Contents');
  lines.push(`  kiosques : ${report.kiosks}`);
  lines.push(
    `  lots : ${report.batches.counted} comptés, ${report.batches.training} de formation, ${report.batches.held} retenus`,
  );
  lines.push(`  conflits conservés : ${report.conflicts}`);
  lines.push(`  bulletins comptés : ${report.ballots}`);
  lines.push(`  sceau de l'autorité : ${report.sealed ? 'vérifié' : 'non vérifié'}`);
  if (report.recount) {
    lines.push('');
    lines.push('Recomptage / Recount');
    lines.push(
      `  bulletins ${report.recount.ballots}, participations ${report.recount.participations}, doublons ${report.recount.duplicateParticipations}`,
    );
    for (const p of report.recount.projects.slice(0, 10)) lines.push(`  ${p.votes}\t${p.id}`);
    if (report.recount.projects.length > 10)
      lines.push(`  … ${report.recount.projects.length - 10} autres projets`);
    const a = report.recount.allocation;
    lines.push(`  glouton : ${a.greedy.funded.length} projets, ${a.greedy.spent} € / ${a.budget} €`);
    lines.push(`    ${a.greedy.funded.join(', ') || '—'}`);
    lines.push(
      `  parts égales (MES + Add1) : ${a.mes.funded.length} projets, ${a.mes.spent} € / ${a.budget} €`,
    );
    lines.push(`    ${a.mes.funded.join(', ') || '—'}`);
  }
  if (report.warnings.length > 0) {
    lines.push('');
    lines.push('Avertissements / Warnings');
    for (const w of report.warnings) lines.push(`  ! ${w}`);
  }
  lines.push('');
  if (report.ok) {
    lines.push('RÉSULTAT : conforme — les résultats publiés correspondent au recomptage.');
    lines.push('RESULT: OK — published results match the recount.');
  } else {
    lines.push(`Problèmes / Problems (${report.errors.length})`);
    for (const e of report.errors.slice(0, 200)) lines.push(`  ✗ ${e}`);
    if (report.errors.length > 200) lines.push(`  … ${report.errors.length - 200} autres`);
    lines.push('');
    lines.push('RÉSULTAT : NON CONFORME.');
    lines.push('RESULT: FAILED.');
  }
  return `${lines.join('\n')}\n`;
}
