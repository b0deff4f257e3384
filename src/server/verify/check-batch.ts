/**
 * A batch line: order, chain, signature, payload, status against the payload and the voting window,
 * the election's ballot rules, the kiosk's day counts; a counted batch goes into the recount.
 */
import type { KeyObject } from 'node:crypto';
import type { BatchLine } from '../../shared/audit-bundle';
import { parseJsonBytes, sha256hex, verifyDocument, type VerifiedBytes } from '../../shared/node/crypto';
import { BatchPayload, type ElectionPackage } from '../../shared/wire';
import { short, type KioskState, type Recount } from './recount';

/** DESIGN §3.7: a real batch counts only if the server received it between opening and closing (+ grace). */
function withinWindow(at: number, election: ElectionPackage, graceHours: number): boolean {
  return at >= Date.parse(election.opensAt) && at <= Date.parse(election.closesAt) + graceHours * 3_600_000;
}

/** Strictly increasing by `key` (no copy: this runs for every batch of a recount). */
function sortedBy<K extends string, T extends Record<K, string>>(items: readonly T[], key: K): boolean {
  for (let i = 1; i < items.length; i++) if (!((items[i - 1] as T)[key] < (items[i] as T)[key])) return false;
  return true;
}

/** A value twice in a short list (a ballot's few choices): no Set to allocate per ballot. */
function hasRepeat(values: readonly string[]): boolean {
  // A signed but hostile payload may carry thousands of choices: quadratic only while it is cheap.
  if (values.length > 16) return new Set(values).size !== values.length;
  for (let i = 1; i < values.length; i++)
    for (let j = 0; j < i; j++) if (values[i] === values[j]) return true;
  return false;
}

/** `checked`: the signature check started ahead with `kiosk.key` (see the read loop), if any. */
export function checkBatch(
  r: Recount,
  line: BatchLine,
  checked?: { key: KeyObject; verified: VerifiedBytes },
): void {
  const where = `batch kiosque ${short(line.kioskId)} seq ${line.seq}`;
  r.report.batches[line.status] += 1;
  if (r.lastBatchKey) {
    const [k, s] = r.lastBatchKey;
    if (line.kioskId < k || (line.kioskId === k && line.seq <= s))
      r.errors.push(`${where} : lots hors de l'ordre (kiosque puis seq)`);
  }
  r.lastBatchKey = [line.kioskId, line.seq];
  const kiosk = r.kiosks.get(line.kioskId);
  if (!kiosk) {
    r.errors.push(`${where} : kiosque inconnu (absent des lignes kiosk)`);
    return;
  }
  kiosk.seenBatches += 1;
  if (line.seq !== kiosk.lastSeq + 1)
    r.errors.push(
      `${where} : chaîne rompue, seq ${kiosk.lastSeq + 1} attendu` +
        (line.seq > kiosk.lastSeq + 1 ? ' (lot manquant)' : ''),
    );
  if (!kiosk.key) {
    r.errors.push(`${where} : clé publique du kiosque illisible`);
    return;
  }
  const verified = checked?.key === kiosk.key ? checked.verified : verifyDocument('batch', line, kiosk.key);
  if (!verified.ok) {
    r.errors.push(`${where} : signature invalide`);
    kiosk.lastSeq = line.seq;
    // The next batch's prevHash cannot be judged against bytes nobody signed: name the root cause only.
    kiosk.head = null;
    return;
  }
  const payloadHash = sha256hex(verified.bytes);
  kiosk.hashes[line.seq - 1] = payloadHash;
  const parsed = BatchPayload.safeParse(parseJsonBytes(verified.bytes));
  if (!parsed.success) {
    r.errors.push(`${where} : contenu illisible ou invalide`);
    kiosk.lastSeq = line.seq;
    kiosk.head = payloadHash;
    return;
  }
  const payload = parsed.data;
  if (kiosk.head !== null && payload.prevHash !== kiosk.head && line.seq === kiosk.lastSeq + 1)
    r.errors.push(`${where} : prevHash ne correspond pas au lot précédent`);
  kiosk.lastSeq = line.seq;
  kiosk.head = payloadHash;
  checkPayloadAgainstLine(r, line, payload, kiosk, where);
  checkBallots(r, payload, where);
  if (!payload.training) countKioskDay(kiosk, payload, r.warnings, where);
  if (line.status === 'counted') {
    r.report.ballots += payload.ballots.length;
    // An invalid batch is reported above and still recounted: the recount shows what the server
    // would have counted, and the comparison then names the effect too.
    r.tally?.addBatch(line.kioskId, payload);
  }
}

/** The payload says what its line says (kiosk, seq, election, status) and arrived in the window. */
function checkPayloadAgainstLine(
  r: Recount,
  line: BatchLine,
  payload: BatchPayload,
  kiosk: KioskState,
  where: string,
): void {
  if (payload.kioskId !== line.kioskId) r.errors.push(`${where} : kioskId du contenu différent`);
  if (payload.seq !== line.seq) r.errors.push(`${where} : seq du contenu différent (${payload.seq})`);
  if (r.election && payload.electionId !== r.election.electionId)
    r.errors.push(`${where} : autre élection (${payload.electionId})`);
  if (line.status === 'counted' && payload.training)
    r.errors.push(`${where} : lot de formation marqué comme compté`);
  if (line.status === 'training' && !payload.training)
    r.errors.push(`${where} : lot réel marqué comme formation`);
  if (line.status !== 'training') {
    // The server refuses a real batch outside the window by its own clock (grace from the header).
    const at = Date.parse(line.receivedAt);
    if (r.election && !withinWindow(at, r.election, r.header?.graceHours ?? 0))
      r.errors.push(
        `${where} : reçu le ${line.receivedAt}, hors de la période de vote (${r.election.opensAt} – ${r.election.closesAt}` +
          ` + ${r.header?.graceHours ?? 0} h de grâce)`,
      );
    kiosk[line.status].push({ seq: line.seq, at });
  }
}

/** Sorted content, no ballot twice in the bundle, and each ballot within the election's rules. */
function checkBallots(r: Recount, payload: BatchPayload, where: string): void {
  // DESIGN §3.1: sorted ballots and participations keep the order of voting out of the batch.
  if (!sortedBy(payload.ballots, 'id') || !sortedBy(payload.participations, 'token'))
    r.warnings.push(`${where} : bulletins ou participations non triés (l'ordre de vote pourrait se lire)`);
  for (const ballot of payload.ballots) {
    if (r.ballotIds.has(ballot.id)) {
      r.errors.push(`${where} : bulletin ${short(ballot.id)} déjà présent dans un autre lot`);
    }
    r.ballotIds.add(ballot.id);
    if (!r.election) continue;
    const n = ballot.choices.length;
    if (n < r.election.minChoices || n > r.election.maxChoices) {
      r.errors.push(`${where} : bulletin ${short(ballot.id)} avec ${n} choix`);
    }
    if (hasRepeat(ballot.choices)) {
      r.errors.push(`${where} : bulletin ${short(ballot.id)} avec un projet répété`);
    }
    for (const choice of ballot.choices)
      if (!r.projectIds.has(choice)) {
        r.errors.push(`${where} : bulletin ${short(ballot.id)}, projet inconnu ${choice}`);
      }
  }
}

/**
 * A kiosk's day is the run of its real batches up to a `final` one, which declares the day's counts
 * (DESIGN §4): a mismatch means batches are missing or extra, worth a look but not a wrong count.
 */
function countKioskDay(kiosk: KioskState, payload: BatchPayload, warnings: string[], where: string): void {
  kiosk.dayBallots += payload.ballots.length;
  kiosk.dayParticipations += payload.participations.length;
  if (!payload.final) return;
  const declared = payload.dayCounts;
  if (
    declared &&
    (declared.ballots !== kiosk.dayBallots || declared.participations !== kiosk.dayParticipations)
  )
    warnings.push(
      `${where} : journée du ${declared.day}, ${declared.ballots} bulletins et ${declared.participations} participations déclarés, ${kiosk.dayBallots} et ${kiosk.dayParticipations} reçus`,
    );
  kiosk.dayBallots = 0;
  kiosk.dayParticipations = 0;
}
