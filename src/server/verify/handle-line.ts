/**
 * One line of the bundle, in file order: its type in the expected order (header, election, kiosks,
 * batches, conflicts, participation, results, seal), nothing after the seal, then the check of its type.
 */
import type { KeyObject } from 'node:crypto';
import { AUDIT_VERSION, type ParsedLine } from '../../shared/audit-bundle';
import type { VerifiedBytes } from '../../shared/node/crypto';
import { checkBatch } from './check-batch';
import { checkConflict } from './check-conflict';
import { checkElection } from './check-election';
import { checkKiosk } from './check-kiosk';
import { checkParticipation } from './check-participation';
import { checkSeal } from './check-seal';
import type { Recount } from './recount';

const order = ['header', 'election', 'kiosk', 'batch', 'conflict', 'participation', 'results', 'seal'];

/** Every line, in file order, after it was read and parsed (`checked`: the signature check the read loop
 * started ahead, in ./verify.ts). */
export function handleLine(
  r: Recount,
  parsed: ParsedLine,
  number: number,
  checked?: { key: KeyObject; verified: VerifiedBytes },
): void {
  if (!parsed.ok) {
    r.errors.push(`ligne ${number} : ${parsed.reason}`);
    return;
  }
  const line = parsed.line;
  if (r.afterSeal) {
    r.errors.push(`ligne ${number} : contenu après le sceau`);
    return;
  }
  const position = order.indexOf(line.type);
  if (
    position < r.stage ||
    (line.type === 'header' && r.stage >= 0) ||
    (line.type === 'election' && r.stage >= 1)
  )
    r.errors.push(`ligne ${number} : ligne ${line.type} hors de l'ordre attendu`);
  r.stage = Math.max(r.stage, position);
  if (r.stage > 0 && !r.header) {
    r.errors.push('en-tête absent');
    r.header = {
      type: 'header',
      format: 'isoloir-audit',
      v: AUDIT_VERSION,
      electionId: '',
      exportedAt: '',
      kioskSubtotalThreshold: 10,
    };
  }
  switch (line.type) {
    case 'header':
      r.header = line;
      r.report.electionId = line.electionId;
      break;
    case 'election':
      checkElection(r, line);
      break;
    case 'kiosk':
      checkKiosk(r, line);
      break;
    case 'batch':
      checkBatch(r, line, checked);
      break;
    case 'conflict':
      checkConflict(r, line);
      break;
    case 'participation':
      checkParticipation(r, line, number);
      break;
    case 'results':
      if (r.published) r.errors.push(`ligne ${number} : ligne results en double`);
      r.published = line.results;
      break;
    case 'seal':
      checkSeal(r, line);
      r.afterSeal = true;
      break;
  }
}
