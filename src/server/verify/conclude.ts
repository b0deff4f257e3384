/**
 * What only the whole file can tell, once every line is read: the lines that never came, each kiosk's
 * chain against its registry entry and its held and counted batches against its proven equivocation;
 * then the recount against the published results and the seal.
 */
import type { Results, Tally } from '../../shared/tally';
import { diffValues, projectDifferences } from './diff';
import { short, type Recount } from './recount';

/** Missing lines, each kiosk's chain end, and the batches held or counted on the wrong side of a conflict. */
export function checkChainEnds(r: Recount): void {
  if (!r.header) r.errors.push('en-tête absent');
  if (!r.election) r.errors.push('élection absente ou invalide : aucun recomptage possible');
  if (!r.options.authorityPublicKey)
    r.warnings.push(
      "clé de l'autorité non épinglée : la signature de l'élection est vérifiée avec la clé du lot lui-même (--authority <clé>)",
    );
  for (const [id, kiosk] of r.kiosks) {
    const where = `kiosque ${short(id)}`;
    if (kiosk.line.flagged && !r.conflictKiosks.has(id))
      r.warnings.push(`${where} signalé (flagged) sans preuve de conflit dans le lot`);
    // The registry's chain state: a tail of batches left out of the bundle shows here.
    if (kiosk.lastSeq !== kiosk.line.highWater)
      r.errors.push(
        `${where} : highWater ${kiosk.line.highWater} déclaré, dernier lot présent ${kiosk.lastSeq}` +
          (kiosk.lastSeq < kiosk.line.highWater ? ' (lots manquants)' : ''),
      );
    else if (kiosk.head !== null && kiosk.head !== kiosk.line.head)
      r.errors.push(`${where} : tête de chaîne déclarée différente du hachage du lot ${kiosk.lastSeq}`);
    // A held batch is only legitimate after a proven equivocation; a counted one only before it.
    const conflict = kiosk.conflictAt;
    for (const held of kiosk.held)
      if (!conflict || held.at < conflict.at)
        r.errors.push(
          `batch ${where} seq ${held.seq} : retenu (held) sans preuve de conflit reçue avant lui, il aurait dû être compté`,
        );
    if (conflict)
      for (const counted of kiosk.counted)
        if (counted.at > conflict.at)
          r.errors.push(
            `batch ${where} seq ${counted.seq} : compté alors que reçu après le conflit prouvé du ${conflict.text}, il aurait dû être retenu`,
          );
  }
}

/**
 * Participation statistics come from the participation documents, which the bundle never carries: the
 * recount takes them as the server states them (its participation line is checked against the signed
 * per-batch counts) and recounts every choice-derived figure.
 */
function withPublishedParticipation(recount: Results, published: Results | null): Results {
  if (!published) return recount;
  const territoryParticipations = new Map(
    published.byTerritory.map((t) => [t.territoryId, t.participations]),
  );
  const byTerritory = recount.byTerritory.map((t) => ({
    ...t,
    participations: territoryParticipations.get(t.territoryId) ?? t.participations,
  }));
  for (const t of published.byTerritory)
    if (!byTerritory.some((x) => x.territoryId === t.territoryId) && t.votes === 0) byTerritory.push(t);
  return {
    ...recount,
    participations: published.participations,
    duplicateParticipations: published.duplicateParticipations,
    byTerritory,
    byAgeBracket: published.byAgeBracket,
  };
}

/** Fills in the recount and the published results, the seal's verdict and every difference. */
export function compareWithPublished(r: Recount): void {
  r.report.kiosks = r.kiosks.size;

  const finalTally = r.tally as Tally | null;
  const recount = finalTally ? withPublishedParticipation(finalTally.results(), r.published) : null;
  r.report.recount = recount;
  r.report.published = r.published;
  if (!r.sealChecked) r.errors.push("sceau absent : les résultats ne sont pas signés par l'autorité");
  r.report.sealed = r.sealChecked && !r.errors.some((e) => e.startsWith('sceau'));
  if (!r.published) r.errors.push('ligne results absente : rien à comparer');
  else if (recount) {
    const differences = diffValues(r.published, recount);
    r.report.differences = differences;
    if (differences.length > 0) {
      const friendly = projectDifferences(r.published, recount);
      r.errors.push(...friendly);
      r.errors.push(
        ...differences.filter((d) => !friendly.length || !/^projects\[id=[^\]]+\]\.votes /.test(d)),
      );
    }
  }
  r.report.ok = r.errors.length === 0;
}
