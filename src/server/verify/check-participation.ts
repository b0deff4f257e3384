/**
 * The participation line (audit bundle v3): participation published as counts only. Each batch's count
 * must be the one its kiosk signed (which is also its number of ballots), every batch must have one, and
 * no cell below the threshold may be published.
 */
import { PARTICIPATION_CELL_THRESHOLD, type ParticipationLine } from '../../shared/audit-bundle';
import { short, type Recount } from './recount';

export function checkParticipation(r: Recount, line: ParticipationLine, number: number): void {
  if (r.participation) r.errors.push(`ligne ${number} : ligne participation en double`);
  const p = line.participation;
  r.participation = p;
  const listed = new Set<string>();
  for (const b of p.batches) {
    const key = `${b.kioskId} ${b.seq}`;
    listed.add(key);
    const signed = r.batchParticipations.get(key);
    if (signed === undefined)
      r.errors.push(`participation : lot kiosque ${short(b.kioskId)} seq ${b.seq} absent des lignes batch`);
    else if (signed !== null && signed !== b.count)
      r.errors.push(
        `participation : lot kiosque ${short(b.kioskId)} seq ${b.seq}, ${b.count} publiées, ${signed} signées`,
      );
  }
  for (const key of r.batchParticipations.keys())
    if (!listed.has(key)) r.errors.push(`participation : lot ${key} sans compte de participations`);
  for (const c of [...p.byCommune, ...p.byAgeBracket])
    if (c.count !== null && c.count < PARTICIPATION_CELL_THRESHOLD)
      r.errors.push(
        `participation : case de ${c.count} personnes publiée (seuil ${PARTICIPATION_CELL_THRESHOLD})`,
      );
  const shown = p.byCommune.reduce((sum, c) => sum + (c.count ?? 0), 0);
  if (shown > p.total || p.assisted > p.total)
    r.errors.push(`participation : totaux incohérents (${p.total} au total)`);
}
