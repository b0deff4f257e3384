/**
 * The seal line: signed by the election's authority, and saying what the header, the kiosk registry and
 * the published results say.
 */
import { SealPayload, type SealLine } from '../../shared/audit-bundle';
import { parseJsonBytes, verifyDocument } from '../../shared/node/crypto';
import { diffValues } from './diff';
import { short, type Recount } from './recount';

/** The authority's seal: signed by the same key as the election, and saying what the bundle says. */
export function checkSeal(r: Recount, line: SealLine): void {
  r.sealChecked = true;
  if (!r.authorityKey) {
    r.errors.push("sceau : aucune clé d'autorité (ligne election absente ou illisible)");
    return;
  }
  const verified = verifyDocument('audit', line, r.authorityKey);
  if (!verified.ok) {
    r.errors.push("sceau : signature invalide (pas celle de l'autorité)");
    return;
  }
  const parsed = SealPayload.safeParse(parseJsonBytes(verified.bytes));
  if (!parsed.success) {
    r.errors.push('sceau : contenu illisible ou invalide');
    return;
  }
  const seal = parsed.data;
  const h = r.header;
  if (h)
    for (const field of ['electionId', 'exportedAt', 'kioskSubtotalThreshold'] as const)
      if (seal[field] !== h[field])
        r.errors.push(
          `sceau : ${field} signé ${JSON.stringify(seal[field])}, en-tête ${JSON.stringify(h[field])}`,
        );
  const registry = new Map(seal.kiosks.map((k) => [k.kioskId, k]));
  for (const [id, kiosk] of r.kiosks) {
    const signed = registry.get(id);
    if (!signed) r.errors.push(`sceau : kiosque ${short(id)} absent du sceau`);
    else if (signed.highWater !== kiosk.line.highWater || signed.head !== kiosk.line.head)
      r.errors.push(
        `sceau : kiosque ${short(id)}, highWater ${signed.highWater} signé, ${kiosk.line.highWater} dans le lot`,
      );
  }
  for (const id of registry.keys())
    if (!r.kiosks.has(id)) r.errors.push(`sceau : kiosque ${short(id)} signé mais absent du lot`);
  if (!r.participation) r.errors.push('sceau : aucune ligne participation à comparer');
  else if (diffValues(seal.participation, r.participation).length > 0)
    r.errors.push('sceau : participation signée différente de la ligne participation');
  if (!r.published) r.errors.push('sceau : aucune ligne results à comparer');
  else
    for (const d of diffValues(seal.results, r.published))
      r.errors.push(
        `sceau : résultats signés différents des résultats publiés (${d.replace(' : publié ', ' : signé ').replace(', recompté ', ', publié ')})`,
      );
}
