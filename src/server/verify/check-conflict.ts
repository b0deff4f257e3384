/**
 * A conflict line: whether it proves an equivocation (the kiosk signed another payload for a seq whose
 * stored batch verified), and when the first proof was received.
 */
import type { ConflictLine } from '../../shared/audit-bundle';
import { parseJsonBytes, sha256hex, verifyDocument } from '../../shared/node/crypto';
import { BatchPayload } from '../../shared/wire';
import { short, type Recount } from './recount';

export function checkConflict(r: Recount, line: ConflictLine): void {
  const where = `conflit kiosque ${short(line.kioskId)} seq ${line.seq}`;
  r.report.conflicts += 1;
  const kiosk = r.kiosks.get(line.kioskId);
  if (!kiosk || !kiosk.key) {
    r.errors.push(`${where} : kiosque inconnu`);
    return;
  }
  const verified = verifyDocument('batch', line, kiosk.key);
  if (!verified.ok) {
    r.warnings.push(`${where} : signature invalide, ce n'est pas une preuve d'équivocation`);
    return;
  }
  // Evidence of an equivocation: the kiosk signed this payload for a seq where another one is stored.
  const parsed = BatchPayload.safeParse(parseJsonBytes(verified.bytes));
  const stored = kiosk.hashes[line.seq - 1];
  if (!parsed.success || parsed.data.kioskId !== line.kioskId || parsed.data.seq !== line.seq)
    r.warnings.push(
      `${where} : contenu illisible ou d'un autre numéro, ce n'est pas une preuve d'équivocation`,
    );
  else if (!stored || stored === sha256hex(verified.bytes))
    r.warnings.push(
      `${where} : aucun autre lot signé enregistré à ce numéro, ce n'est pas une preuve d'équivocation`,
    );
  else {
    r.conflictKiosks.add(line.kioskId);
    const at = Date.parse(line.receivedAt);
    if (!kiosk.conflictAt || at < kiosk.conflictAt.at) kiosk.conflictAt = { at, text: line.receivedAt };
  }
  if (!kiosk.line.flagged) r.warnings.push(`${where} : kiosque en conflit mais non signalé (flagged)`);
}
