/**
 * A batch line (a v2 ballot document): order, chain, signature, payload, status against the payload and
 * the voting window, the election's ballot rules, the group size K and the counts that bind ballots,
 * receipts and participations; a counted batch goes into the recount.
 */
import type { KeyObject } from 'node:crypto';
import type { BatchLine } from '../../shared/audit-bundle';
import { parseJsonBytes, sha256hex, verifyDocument, type VerifiedBytes } from '../../shared/node/crypto';
import { BatchPayload, compareChoices, lateDeliveryEnd, type ElectionPackage } from '../../shared/wire';
import { short, type KioskState, type Recount } from './recount';

/**
 * DESIGN §3.7: a real batch counts only if the server received it between the opening and the end of
 * the package's late delivery window (`closesAt` + `lateDeliveryHours`).
 */
function withinWindow(at: number, election: ElectionPackage): boolean {
  return at >= Date.parse(election.opensAt) && at <= lateDeliveryEnd(election);
}

/** Strictly increasing (no copy: this runs for every batch of a recount). */
function strictlySorted(items: readonly string[]): boolean {
  for (let i = 1; i < items.length; i++) if (!((items[i - 1] as string) < (items[i] as string))) return false;
  return true;
}

/** Choice sets in the one order a batch may publish (equal sets may repeat). */
function choicesSorted(ballots: readonly (readonly string[])[]): boolean {
  for (let i = 1; i < ballots.length; i++)
    if (compareChoices(ballots[i - 1] as string[], ballots[i] as string[]) > 0) return false;
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
  r.batchParticipations.set(`${line.kioskId} ${line.seq}`, null);
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
  checkGroup(r, payload, kiosk, where);
  r.batchParticipations.set(`${line.kioskId} ${line.seq}`, payload.participations.count);
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
    // The server refuses a real batch outside the window by its own clock; the window is the signed package's.
    const at = Date.parse(line.receivedAt);
    if (r.election && !withinWindow(at, r.election))
      r.errors.push(
        `${where} : reçu le ${line.receivedAt}, hors de la période de vote (${r.election.opensAt} – ${r.election.closesAt}` +
          ` + ${r.election.lateDeliveryHours} h de livraison tardive)`,
      );
    kiosk[line.status].push({ seq: line.seq, at });
  }
}

/** Sorted content, no receipt twice in the bundle, and each ballot within the election's rules. */
function checkBallots(r: Recount, payload: BatchPayload, where: string): void {
  // docs/secrecy.md: ballots sorted by content, receipts on their own, keep the order of voting out.
  if (!choicesSorted(payload.ballots) || payload.ballots.some((choices) => !strictlySorted(choices)))
    r.errors.push(`${where} : bulletins non triés par contenu (l'ordre de vote pourrait se lire)`);
  if (!strictlySorted(payload.receipts)) r.errors.push(`${where} : reçus non triés ou répétés`);
  const n = payload.ballots.length;
  if (payload.receipts.length !== n)
    r.errors.push(`${where} : ${payload.receipts.length} reçus pour ${n} bulletins`);
  if (payload.participations.count !== n)
    r.errors.push(`${where} : ${payload.participations.count} participations déclarées pour ${n} bulletins`);
  for (const commitment of payload.receipts) {
    if (r.ballotIds.has(commitment))
      r.errors.push(`${where} : reçu ${short(commitment)} déjà présent dans un autre lot`);
    r.ballotIds.add(commitment);
  }
  if (!r.election) return;
  for (const [i, choices] of payload.ballots.entries()) {
    const c = choices.length;
    if (c < r.election.minChoices || c > r.election.maxChoices)
      r.errors.push(`${where} : bulletin n° ${i + 1} avec ${c} choix`);
    if (hasRepeat(choices)) r.errors.push(`${where} : bulletin n° ${i + 1} avec un projet répété`);
    for (const choice of choices)
      if (!r.projectIds.has(choice))
        r.errors.push(`${where} : bulletin n° ${i + 1}, projet inconnu ${choice}`);
  }
}

/**
 * K (docs/secrecy.md §1): a real batch holds exactly K ballots, except the kiosk's final one (at least one
 * ballot, the remainder at the close); nothing real comes after a kiosk's final batch. The package's K
 * itself is never below MIN_BATCH_SIZE (its schema refuses less).
 */
function checkGroup(r: Recount, payload: BatchPayload, kiosk: KioskState, where: string): void {
  const n = payload.ballots.length;
  if (n < 1) r.errors.push(`${where} : lot vide`);
  if (payload.training) return;
  if (kiosk.finalSeq !== null)
    r.errors.push(`${where} : lot réel après le dernier lot de la borne (seq ${kiosk.finalSeq})`);
  if (payload.final) kiosk.finalSeq ??= payload.seq;
  else if (r.election && n !== r.election.batchSize)
    r.errors.push(`${where} : ${n} bulletins, un lot doit en porter exactement K = ${r.election.batchSize}`);
}
