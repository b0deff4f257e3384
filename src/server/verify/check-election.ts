/**
 * The election line: signed by the authority (the pinned key when the observer gave one), a valid
 * package, the header's election; it starts the recount's `Tally`.
 */
import type { ElectionLine } from '../../shared/audit-bundle';
import { parseJsonBytes, tieBreakDrawKey, verifyDocument } from '../../shared/node/crypto';
import { Tally } from '../../shared/tally';
import { ElectionPackage } from '../../shared/wire';
import type { Recount } from './recount';

export function checkElection(r: Recount, line: ElectionLine): void {
  if (r.options.authorityPublicKey && r.options.authorityPublicKey !== line.authorityPublicKey)
    r.errors.push("élection : la clé de l'autorité du lot n'est pas la clé épinglée (--authority)");
  const key = r.options.authorityPublicKey ?? line.authorityPublicKey;
  r.authorityKey = key;
  const verified = verifyDocument('election', line, key);
  if (!verified.ok) {
    r.errors.push(`élection : signature invalide (${verified.reason})`);
    return;
  }
  const parsed = ElectionPackage.safeParse(parseJsonBytes(verified.bytes));
  if (!parsed.success) {
    r.errors.push('élection : paquet illisible ou invalide');
    return;
  }
  r.election = parsed.data;
  for (const p of parsed.data.projects) r.projectIds.add(p.id);
  if (r.header && r.header.electionId !== parsed.data.electionId)
    r.errors.push(`élection : identifiant ${parsed.data.electionId}, en-tête ${r.header.electionId}`);
  // The threshold the server published with (header): hidden subtotals are part of the comparison.
  r.tally = new Tally(parsed.data, {
    kioskSubtotalThreshold: r.header?.kioskSubtotalThreshold ?? 10,
    drawKey: tieBreakDrawKey,
  });
}
