/**
 * The independent recount of an audit bundle (docs/audit-bundle.md), for observers: streams the JSONL
 * file, checks every signature, chain and payload rule, recounts the counted batches with the shared
 * `Tally`, and compares with the published results. Uses only src/shared (and its node crypto), never
 * the server's store, so a bug in the server cannot hide in its own check.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { KeyObject } from 'node:crypto';
import {
  AUDIT_VERSION,
  parseBundleLine,
  type BatchLine,
  type ParsedLine,
  type ConflictLine,
  type ElectionLine,
  type HeaderLine,
  type KioskLine,
  type SealLine,
  SealPayload,
} from '../../shared/audit-bundle';
import {
  kioskIdFromPublicKey,
  parseJsonBytes,
  publicKeyObject,
  sha256hex,
  tieBreakDrawKey,
  verifyDocument,
  verifyDocumentAsync,
  type VerifiedBytes,
} from '../../shared/node/crypto';
import { Tally, type Results } from '../../shared/tally';
import { BatchPayload, ElectionPackage, GENESIS_HASH } from '../../shared/wire';

export interface VerifyOptions {
  /** Called as bytes are read: (bytesRead, totalBytes). */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** Authority public key pinned by the observer (base64url); without it the bundle's own is trusted. */
  authorityPublicKey?: string;
}

export interface VerifyReport {
  ok: boolean;
  /** Each problem, in French, naming the kiosk/seq or the result path. */
  errors: string[];
  warnings: string[];
  electionId: string | null;
  kiosks: number;
  batches: { counted: number; training: number; held: number };
  conflicts: number;
  ballots: number;
  /** Differences between the published results and the recount ("chemin : publié X, recompté Y"). */
  differences: string[];
  /** The authority's seal verified and agreeing with the header, the registry and the results. */
  sealed: boolean;
  recount: Results | null;
  published: Results | null;
}

const short = (id: string): string => `${id.slice(0, 8)}…`;

interface KioskState {
  line: KioskLine;
  key: KeyObject | null;
  lastSeq: number;
  /** Hash of the last batch's payload; null after a bad signature (its bytes prove nothing). */
  head: string | null;
  seenBatches: number;
  /** Real (non-training) ballots and participations since the kiosk's previous `final` batch. */
  dayBallots: number;
  dayParticipations: number;
  /** Payload hash of each stored seq whose signature verified (index seq - 1): a conflict must differ. */
  hashes: (string | null)[];
  /** Counted and held batches' receipt times, judged against the conflicts at the end (they come last). */
  counted: { seq: number; at: number }[];
  held: { seq: number; at: number }[];
  /** Receipt time of the earliest conflict line that proves an equivocation, if any. */
  conflictAt: { at: number; text: string } | null;
}

/** Deep comparison listing each difference by path (arrays of objects with an id compare by id). */
export function diffValues(published: unknown, recount: unknown, path = ''): string[] {
  if (Object.is(published, recount)) return [];
  const label = path === '' ? '(racine)' : path;
  if (Array.isArray(published) && Array.isArray(recount)) {
    const idOf = (x: unknown): string | null => {
      if (typeof x !== 'object' || x === null) return null;
      const o = x as Record<string, unknown>;
      for (const k of ['id', 'kioskId', 'territoryId', 'ageBracket'])
        if (typeof o[k] === 'string') return `${k}=${o[k]}`;
      return null;
    };
    const keyed = published.every((x) => idOf(x) !== null) && recount.every((x) => idOf(x) !== null);
    if (keyed) {
      const out: string[] = [];
      const rec = new Map(recount.map((x) => [idOf(x) as string, x]));
      const pub = new Map(published.map((x) => [idOf(x) as string, x]));
      for (const [id, x] of pub) {
        if (!rec.has(id)) out.push(`${label}[${id}] : publié, absent du recomptage`);
        else out.push(...diffValues(x, rec.get(id), `${path}[${id}]`));
      }
      for (const id of rec.keys())
        if (!pub.has(id)) out.push(`${label}[${id}] : recompté, absent des résultats publiés`);
      if (out.length === 0 && published.map(idOf).join() !== recount.map(idOf).join())
        out.push(`${label} : ordre différent`);
      return out;
    }
    if (published.length !== recount.length || published.some((x, i) => diffValues(x, recount[i]).length))
      return [`${label} : publié ${JSON.stringify(published)}, recompté ${JSON.stringify(recount)}`];
    return [];
  }
  if (
    typeof published === 'object' &&
    published !== null &&
    typeof recount === 'object' &&
    recount !== null &&
    !Array.isArray(published) &&
    !Array.isArray(recount)
  ) {
    const a = published as Record<string, unknown>;
    const b = recount as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => diffValues(a[k], b[k], path === '' ? k : `${path}.${k}`));
  }
  return [`${label} : publié ${JSON.stringify(published)}, recompté ${JSON.stringify(recount)}`];
}

/** The French sentence for a project whose vote count differs, as an observer reads it. */
function projectDifferences(published: Results, recount: Results): string[] {
  const rec = new Map(recount.projects.map((p) => [p.id, p.votes]));
  return published.projects
    .filter((p) => rec.has(p.id) && rec.get(p.id) !== p.votes)
    .map((p) => `projet ${p.id} : ${p.votes} voix publiées, ${rec.get(p.id) ?? 0} recomptées`);
}

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

/** Reads a file line by line as raw bytes (lines split on 0x0A), reporting bytes read. */
async function* readLines(
  path: string,
  onBytes: (n: number) => void,
): AsyncGenerator<{ text: string; number: number }> {
  let pending: Buffer[] = [];
  let number = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const buffer = chunk as Buffer;
    onBytes(buffer.length);
    let start = 0;
    for (let i = buffer.indexOf(10); i !== -1; i = buffer.indexOf(10, start)) {
      const piece = buffer.subarray(start, i);
      const line = pending.length > 0 ? Buffer.concat([...pending, piece]) : piece;
      pending = [];
      start = i + 1;
      number += 1;
      const text = line.toString('utf8').replace(/\r$/, '');
      if (text.length > 0) yield { text, number };
    }
    if (start < buffer.length) pending.push(buffer.subarray(start));
  }
  if (pending.length > 0) {
    number += 1;
    const text = Buffer.concat(pending).toString('utf8').replace(/\r$/, '');
    if (text.length > 0) yield { text, number };
  }
}

export async function verifyBundle(path: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  const errors: string[] = [];
  const warnings: string[] = [];
  const report: VerifyReport = {
    ok: false,
    errors,
    warnings,
    electionId: null,
    kiosks: 0,
    batches: { counted: 0, training: 0, held: 0 },
    conflicts: 0,
    ballots: 0,
    differences: [],
    sealed: false,
    recount: null,
    published: null,
  };
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

  let header: HeaderLine | null = null;
  let election: ElectionPackage | null = null;
  let tally: Tally | null = null;
  let published: Results | null = null;
  let afterSeal = false;
  let sealChecked = false;
  let authorityKey: string | null = null;
  const kiosks = new Map<string, KioskState>();
  let lastKioskId = '';
  let lastBatchKey: [string, number] | null = null;
  const ballotIds = new Set<string>();
  const projectIds = new Set<string>();
  const conflictKiosks = new Set<string>();

  const checkElection = (line: ElectionLine): void => {
    if (options.authorityPublicKey && options.authorityPublicKey !== line.authorityPublicKey)
      errors.push("élection : la clé de l'autorité du lot n'est pas la clé épinglée (--authority)");
    const key = options.authorityPublicKey ?? line.authorityPublicKey;
    authorityKey = key;
    const verified = verifyDocument('election', line, key);
    if (!verified.ok) {
      errors.push(`élection : signature invalide (${verified.reason})`);
      return;
    }
    const parsed = ElectionPackage.safeParse(parseJsonBytes(verified.bytes));
    if (!parsed.success) {
      errors.push('élection : paquet illisible ou invalide');
      return;
    }
    election = parsed.data;
    for (const p of parsed.data.projects) projectIds.add(p.id);
    if (header && header.electionId !== parsed.data.electionId)
      errors.push(`élection : identifiant ${parsed.data.electionId}, en-tête ${header.electionId}`);
    // The threshold the server published with (header): hidden subtotals are part of the comparison.
    tally = new Tally(parsed.data, {
      kioskSubtotalThreshold: header?.kioskSubtotalThreshold ?? 10,
      drawKey: tieBreakDrawKey,
    });
  };

  const checkKiosk = (line: KioskLine): void => {
    const where = `kiosque ${short(line.kioskId)}`;
    if (kiosks.has(line.kioskId)) errors.push(`${where} : déclaré deux fois`);
    if (line.kioskId < lastKioskId) errors.push(`${where} : kiosques hors de l'ordre des identifiants`);
    lastKioskId = line.kioskId;
    let derived: string | null;
    try {
      derived = kioskIdFromPublicKey(line.publicKey);
    } catch {
      derived = null;
    }
    if (derived !== line.kioskId) errors.push(`${where} : identifiant ne correspond pas à sa clé publique`);
    kiosks.set(line.kioskId, {
      line,
      key: publicKeyObject(line.publicKey),
      lastSeq: 0,
      head: GENESIS_HASH,
      seenBatches: 0,
      dayBallots: 0,
      dayParticipations: 0,
      hashes: [],
      counted: [],
      held: [],
      conflictAt: null,
    });
    tally?.addKiosk(line.kioskId, line.label);
  };

  /** `checked`: the signature check started ahead with `kiosk.key` (see the read loop), if any. */
  const checkBatch = (line: BatchLine, checked?: { key: KeyObject; verified: VerifiedBytes }): void => {
    const where = `batch kiosque ${short(line.kioskId)} seq ${line.seq}`;
    report.batches[line.status] += 1;
    if (lastBatchKey) {
      const [k, s] = lastBatchKey;
      if (line.kioskId < k || (line.kioskId === k && line.seq <= s))
        errors.push(`${where} : lots hors de l'ordre (kiosque puis seq)`);
    }
    lastBatchKey = [line.kioskId, line.seq];
    const kiosk = kiosks.get(line.kioskId);
    if (!kiosk) {
      errors.push(`${where} : kiosque inconnu (absent des lignes kiosk)`);
      return;
    }
    kiosk.seenBatches += 1;
    if (line.seq !== kiosk.lastSeq + 1)
      errors.push(
        `${where} : chaîne rompue, seq ${kiosk.lastSeq + 1} attendu` +
          (line.seq > kiosk.lastSeq + 1 ? ' (lot manquant)' : ''),
      );
    if (!kiosk.key) {
      errors.push(`${where} : clé publique du kiosque illisible`);
      return;
    }
    const verified = checked?.key === kiosk.key ? checked.verified : verifyDocument('batch', line, kiosk.key);
    if (!verified.ok) {
      errors.push(`${where} : signature invalide`);
      kiosk.lastSeq = line.seq;
      // The next batch's prevHash cannot be judged against bytes nobody signed: name the root cause only.
      kiosk.head = null;
      return;
    }
    const payloadHash = sha256hex(verified.bytes);
    kiosk.hashes[line.seq - 1] = payloadHash;
    const parsed = BatchPayload.safeParse(parseJsonBytes(verified.bytes));
    if (!parsed.success) {
      errors.push(`${where} : contenu illisible ou invalide`);
      kiosk.lastSeq = line.seq;
      kiosk.head = payloadHash;
      return;
    }
    const payload = parsed.data;
    if (kiosk.head !== null && payload.prevHash !== kiosk.head && line.seq === kiosk.lastSeq + 1)
      errors.push(`${where} : prevHash ne correspond pas au lot précédent`);
    kiosk.lastSeq = line.seq;
    kiosk.head = payloadHash;
    if (payload.kioskId !== line.kioskId) errors.push(`${where} : kioskId du contenu différent`);
    if (payload.seq !== line.seq) errors.push(`${where} : seq du contenu différent (${payload.seq})`);
    if (election && payload.electionId !== election.electionId)
      errors.push(`${where} : autre élection (${payload.electionId})`);
    if (line.status === 'counted' && payload.training)
      errors.push(`${where} : lot de formation marqué comme compté`);
    if (line.status === 'training' && !payload.training)
      errors.push(`${where} : lot réel marqué comme formation`);
    if (line.status !== 'training') {
      // The server refuses a real batch outside the window by its own clock (grace from the header).
      const at = Date.parse(line.receivedAt);
      if (election && !withinWindow(at, election, header?.graceHours ?? 0))
        errors.push(
          `${where} : reçu le ${line.receivedAt}, hors de la période de vote (${election.opensAt} – ${election.closesAt}` +
            ` + ${header?.graceHours ?? 0} h de grâce)`,
        );
      kiosk[line.status].push({ seq: line.seq, at });
    }
    // DESIGN §3.1: sorted ballots and participations keep the order of voting out of the batch.
    if (!sortedBy(payload.ballots, 'id') || !sortedBy(payload.participations, 'token'))
      warnings.push(`${where} : bulletins ou participations non triés (l'ordre de vote pourrait se lire)`);
    for (const ballot of payload.ballots) {
      if (ballotIds.has(ballot.id)) {
        errors.push(`${where} : bulletin ${short(ballot.id)} déjà présent dans un autre lot`);
      }
      ballotIds.add(ballot.id);
      if (!election) continue;
      const n = ballot.choices.length;
      if (n < election.minChoices || n > election.maxChoices) {
        errors.push(`${where} : bulletin ${short(ballot.id)} avec ${n} choix`);
      }
      if (hasRepeat(ballot.choices)) {
        errors.push(`${where} : bulletin ${short(ballot.id)} avec un projet répété`);
      }
      for (const choice of ballot.choices)
        if (!projectIds.has(choice)) {
          errors.push(`${where} : bulletin ${short(ballot.id)}, projet inconnu ${choice}`);
        }
    }
    // A kiosk's day is the run of its real batches up to a `final` one, which declares the day's counts
    // (DESIGN §4): a mismatch means batches are missing or extra, worth a look but not a wrong count.
    if (!payload.training) {
      kiosk.dayBallots += payload.ballots.length;
      kiosk.dayParticipations += payload.participations.length;
      if (payload.final) {
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
    }
    if (line.status === 'counted') {
      report.ballots += payload.ballots.length;
      // An invalid batch is reported above and still recounted: the recount shows what the server
      // would have counted, and the comparison then names the effect too.
      tally?.addBatch(line.kioskId, payload);
    }
  };

  const checkConflict = (line: ConflictLine): void => {
    const where = `conflit kiosque ${short(line.kioskId)} seq ${line.seq}`;
    report.conflicts += 1;
    const kiosk = kiosks.get(line.kioskId);
    if (!kiosk || !kiosk.key) {
      errors.push(`${where} : kiosque inconnu`);
      return;
    }
    const verified = verifyDocument('batch', line, kiosk.key);
    if (!verified.ok) {
      warnings.push(`${where} : signature invalide, ce n'est pas une preuve d'équivocation`);
      return;
    }
    // Evidence of an equivocation: the kiosk signed this payload for a seq where another one is stored.
    const parsed = BatchPayload.safeParse(parseJsonBytes(verified.bytes));
    const stored = kiosk.hashes[line.seq - 1];
    if (!parsed.success || parsed.data.kioskId !== line.kioskId || parsed.data.seq !== line.seq)
      warnings.push(
        `${where} : contenu illisible ou d'un autre numéro, ce n'est pas une preuve d'équivocation`,
      );
    else if (!stored || stored === sha256hex(verified.bytes))
      warnings.push(
        `${where} : aucun autre lot signé enregistré à ce numéro, ce n'est pas une preuve d'équivocation`,
      );
    else {
      conflictKiosks.add(line.kioskId);
      const at = Date.parse(line.receivedAt);
      if (!kiosk.conflictAt || at < kiosk.conflictAt.at) kiosk.conflictAt = { at, text: line.receivedAt };
    }
    if (!kiosk.line.flagged) warnings.push(`${where} : kiosque en conflit mais non signalé (flagged)`);
  };

  /** The authority's seal: signed by the same key as the election, and saying what the bundle says. */
  const checkSeal = (line: SealLine): void => {
    sealChecked = true;
    if (!authorityKey) {
      errors.push("sceau : aucune clé d'autorité (ligne election absente ou illisible)");
      return;
    }
    const verified = verifyDocument('audit', line, authorityKey);
    if (!verified.ok) {
      errors.push("sceau : signature invalide (pas celle de l'autorité)");
      return;
    }
    const parsed = SealPayload.safeParse(parseJsonBytes(verified.bytes));
    if (!parsed.success) {
      errors.push('sceau : contenu illisible ou invalide');
      return;
    }
    const seal = parsed.data;
    const h = header;
    if (h)
      for (const field of ['electionId', 'exportedAt', 'graceHours', 'kioskSubtotalThreshold'] as const)
        if (seal[field] !== h[field])
          errors.push(
            `sceau : ${field} signé ${JSON.stringify(seal[field])}, en-tête ${JSON.stringify(h[field])}`,
          );
    const registry = new Map(seal.kiosks.map((k) => [k.kioskId, k]));
    for (const [id, kiosk] of kiosks) {
      const signed = registry.get(id);
      if (!signed) errors.push(`sceau : kiosque ${short(id)} absent du sceau`);
      else if (signed.highWater !== kiosk.line.highWater || signed.head !== kiosk.line.head)
        errors.push(
          `sceau : kiosque ${short(id)}, highWater ${signed.highWater} signé, ${kiosk.line.highWater} dans le lot`,
        );
    }
    for (const id of registry.keys())
      if (!kiosks.has(id)) errors.push(`sceau : kiosque ${short(id)} signé mais absent du lot`);
    if (!published) errors.push('sceau : aucune ligne results à comparer');
    else
      for (const d of diffValues(seal.results, published))
        errors.push(
          `sceau : résultats signés différents des résultats publiés (${d.replace(' : publié ', ' : signé ').replace(', recompté ', ', publié ')})`,
        );
  };

  const order = ['header', 'election', 'kiosk', 'batch', 'conflict', 'results', 'seal'];
  let stage = -1;
  /** Every line, in file order, after it was read and parsed (`checked`: see the read loop below). */
  const handle = (
    parsed: ParsedLine,
    number: number,
    checked?: { key: KeyObject; verified: VerifiedBytes },
  ): void => {
    if (!parsed.ok) {
      errors.push(`ligne ${number} : ${parsed.reason}`);
      return;
    }
    const line = parsed.line;
    if (afterSeal) {
      errors.push(`ligne ${number} : contenu après le sceau`);
      return;
    }
    const position = order.indexOf(line.type);
    if (
      position < stage ||
      (line.type === 'header' && stage >= 0) ||
      (line.type === 'election' && stage >= 1)
    )
      errors.push(`ligne ${number} : ligne ${line.type} hors de l'ordre attendu`);
    stage = Math.max(stage, position);
    if (stage > 0 && !header) {
      errors.push('en-tête absent');
      header = {
        type: 'header',
        format: 'isoloir-audit',
        v: AUDIT_VERSION,
        electionId: '',
        exportedAt: '',
        graceHours: 0,
        kioskSubtotalThreshold: 10,
      };
    }
    switch (line.type) {
      case 'header':
        header = line;
        report.electionId = line.electionId;
        break;
      case 'election':
        checkElection(line);
        break;
      case 'kiosk':
        checkKiosk(line);
        break;
      case 'batch':
        checkBatch(line, checked);
        break;
      case 'conflict':
        checkConflict(line);
        break;
      case 'results':
        if (published) errors.push(`ligne ${number} : ligne results en double`);
        published = line.results;
        break;
      case 'seal':
        checkSeal(line);
        afterSeal = true;
        break;
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
      handle(parsed, number, check ? { key: check.key, verified: await check.verified } : undefined);
  };
  for await (const { text, number } of readLines(path, onBytes)) {
    const parsed = parseBundleLine(text);
    if (parsed.ok && parsed.line.type === 'batch') {
      const key = kiosks.get(parsed.line.kioskId)?.key;
      pending.push({
        parsed,
        number,
        ...(key ? { check: { key, verified: verifyDocumentAsync('batch', parsed.line, key) } } : {}),
      });
      if (pending.length >= WINDOW) await drain();
      continue;
    }
    await drain();
    handle(parsed, number);
  }
  await drain();

  if (!header) errors.push('en-tête absent');
  if (!election) errors.push('élection absente ou invalide : aucun recomptage possible');
  if (!options.authorityPublicKey)
    warnings.push(
      "clé de l'autorité non épinglée : la signature de l'élection est vérifiée avec la clé du lot lui-même (--authority <clé>)",
    );
  for (const [id, kiosk] of kiosks) {
    const where = `kiosque ${short(id)}`;
    if (kiosk.line.flagged && !conflictKiosks.has(id))
      warnings.push(`${where} signalé (flagged) sans preuve de conflit dans le lot`);
    // The registry's chain state: a tail of batches left out of the bundle shows here.
    if (kiosk.lastSeq !== kiosk.line.highWater)
      errors.push(
        `${where} : highWater ${kiosk.line.highWater} déclaré, dernier lot présent ${kiosk.lastSeq}` +
          (kiosk.lastSeq < kiosk.line.highWater ? ' (lots manquants)' : ''),
      );
    else if (kiosk.head !== null && kiosk.head !== kiosk.line.head)
      errors.push(`${where} : tête de chaîne déclarée différente du hachage du lot ${kiosk.lastSeq}`);
    // A held batch is only legitimate after a proven equivocation; a counted one only before it.
    const conflict = kiosk.conflictAt;
    for (const held of kiosk.held)
      if (!conflict || held.at < conflict.at)
        errors.push(
          `batch ${where} seq ${held.seq} : retenu (held) sans preuve de conflit reçue avant lui, il aurait dû être compté`,
        );
    if (conflict)
      for (const counted of kiosk.counted)
        if (counted.at > conflict.at)
          errors.push(
            `batch ${where} seq ${counted.seq} : compté alors que reçu après le conflit prouvé du ${conflict.text}, il aurait dû être retenu`,
          );
  }
  report.kiosks = kiosks.size;

  const finalTally = tally as Tally | null;
  const recount = finalTally ? finalTally.results() : null;
  report.recount = recount;
  report.published = published;
  if (!sealChecked) errors.push("sceau absent : les résultats ne sont pas signés par l'autorité");
  report.sealed = sealChecked && !errors.some((e) => e.startsWith('sceau'));
  if (!published) errors.push('ligne results absente : rien à comparer');
  else if (recount) {
    const differences = diffValues(published, recount);
    report.differences = differences;
    if (differences.length > 0) {
      const friendly = projectDifferences(published, recount);
      errors.push(...friendly);
      errors.push(
        ...differences.filter((d) => !friendly.length || !/^projects\[id=[^\]]+\]\.votes /.test(d)),
      );
    }
  }
  report.ok = errors.length === 0;
  return report;
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
