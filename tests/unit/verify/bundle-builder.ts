/**
 * Builds audit bundles from scratch for the verify tests: real Ed25519 keys for the authority and the
 * kiosks, signed election and batches chained by prevHash, results from the shared Tally, written as
 * JSONL to a temp file. Lines stay plain objects so a test can tamper with them before writing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AUDIT_VERSION,
  PARTICIPATION_CELL_THRESHOLD,
  type BatchLine,
  type BundleLine,
  type ConflictLine,
  type KioskLine,
  type ParticipationSummary,
  type SealPayload,
} from '../../../src/shared/audit-bundle';
import {
  generateKeyPair,
  kioskIdFromPublicKey,
  payloadHash,
  signDocument,
  tieBreakDrawKey,
  type KeyPair,
} from '../../../src/shared/node/crypto';
import { Tally } from '../../../src/shared/tally';
import { ageBrackets, GENESIS_HASH, type BatchPayload } from '../../../src/shared/wire';
import { addCounted, ballot, batchPayload, participation, sampleElection } from '../tally/fixtures';

export interface TestKiosk {
  keys: KeyPair;
  kioskId: string;
  label: string;
}

export interface BuiltBundle {
  lines: BundleLine[];
  authority: KeyPair;
  kiosks: TestKiosk[];
}

export const newKiosk = (label: string): TestKiosk => {
  const keys = generateKeyPair();
  return { keys, kioskId: kioskIdFromPublicKey(keys.publicKey), label };
};

const choicesFor = (i: number): string[] =>
  [['jardin-arras', 'repair-cafe'], ['epicerie-calais'], ['tiers-lieu-lens', 'ressourcerie', 'velo-ecole']][
    i % 3
  ] as string[];

/**
 * Two kiosks, each with: seq 1 counted (K = 10 ballots), seq 2 training (3 ballots), seq 3 counted and
 * final (5 ballots, the kiosk's rest at the close). Then the participation line (counts only), the results
 * and the authority's seal.
 * `duplicateBallot`: the second kiosk's seq 1 reuses one receipt commitment of the first kiosk.
 * `equivocation`: the second kiosk signed two payloads for seq 2: the refused one is kept as a conflict
 * line, the kiosk is flagged, and its seq 3 (received after) is held, not counted.
 */
export function buildBundle(
  options: {
    duplicateBallot?: boolean;
    equivocation?: boolean;
    /** With `equivocation`: the batch received after the conflict is counted (results included). */
    countHeld?: boolean;
  } = {},
): BuiltBundle {
  const election = sampleElection();
  const authority = generateKeyPair();
  const kiosks = [newKiosk('Comptoir d’Arras'), newKiosk('Comptoir de Calais')].sort((a, b) =>
    a.kioskId < b.kioskId ? -1 : 1,
  );
  const signedElection = signDocument('election', election, authority.privateKey);
  const tally = new Tally(election, { drawKey: tieBreakDrawKey });
  const lines: BundleLine[] = [
    {
      type: 'header',
      format: 'isoloir-audit',
      v: AUDIT_VERSION,
      electionId: election.electionId,
      exportedAt: '2024-10-01T09:00:00.000Z',
      kioskSubtotalThreshold: 10,
    },
    { type: 'election', ...signedElection, authorityPublicKey: authority.publicKey },
  ];
  const kioskLines: KioskLine[] = kiosks.map((k, i) => ({
    type: 'kiosk',
    kioskId: k.kioskId,
    label: k.label,
    publicKey: k.keys.publicKey,
    enrolledAt: '2024-08-25T10:00:00.000Z',
    flagged: options.equivocation === true && i === 1,
    revoked: false,
    highWater: 0, // set below, once the chain is built
    head: GENESIS_HASH,
  }));
  lines.push(...kioskLines);
  for (const k of kiosks) tally.addKiosk(k.kioskId, k.label);

  let firstReceipt: string | null = null;
  const conflicts: ConflictLine[] = [];
  kiosks.forEach((kiosk, kioskIndex) => {
    let prevHash = GENESIS_HASH;
    const plan = [
      { ballots: 10, status: 'counted' as const },
      { ballots: 3, status: 'training' as const },
      { ballots: 5, status: 'counted' as const },
    ];
    plan.forEach((step, i) => {
      const seq = i + 1;
      const ballots = Array.from({ length: step.ballots }, (_, b) => ballot(choicesFor(b + kioskIndex)));
      const participations = ballots.map((_, p) => participation(p % 2 ? '62041' : '62193', '41-60'));
      const payload = batchPayload(kiosk.kioskId, seq, ballots, participations, {
        prevHash,
        training: step.status === 'training',
        final: seq === 3,
      });
      if (kioskIndex === 0 && seq === 1) firstReceipt = payload.receipts[0] ?? null;
      if (options.duplicateBallot && kioskIndex === 1 && seq === 1 && firstReceipt)
        payload.receipts = [firstReceipt, ...payload.receipts.slice(1)].sort();
      const signed = signDocument('batch', payload, kiosk.keys.privateKey);
      prevHash = payloadHash(signed.payload);
      const held = options.equivocation === true && !options.countHeld && kioskIndex === 1 && seq === 3;
      const line: BatchLine = {
        type: 'batch',
        kioskId: kiosk.kioskId,
        seq,
        ...signed,
        receivedAt: `2024-09-0${seq + 1}T12:00:00.000Z`,
        status: held ? 'held' : step.status,
      };
      lines.push(line);
      const registry = kioskLines[kioskIndex] as KioskLine;
      registry.highWater = seq;
      registry.head = prevHash;
      if (line.status === 'counted') addCounted(tally, kiosk.kioskId, payload);
      if (options.equivocation === true && kioskIndex === 1 && seq === 2) {
        const other = { ...payload, ballots: [...payload.ballots.slice(1), ballot(['velo-ecole'])].sort() };
        conflicts.push({
          type: 'conflict',
          kioskId: kiosk.kioskId,
          seq,
          ...signDocument('batch', other, kiosk.keys.privateKey),
          receivedAt: '2024-09-03T13:00:00.000Z',
        });
      }
    });
  });
  lines.push(...conflicts);
  const results = tally.results();
  lines.push({
    type: 'participation',
    participation: participationSummary(tally, results.participations, lines),
  });
  lines.push({ type: 'results', results });
  return { lines: sealBundle(lines, authority), authority, kiosks };
}

/**
 * The lines with a fresh authority seal last (any previous one dropped), from the header, the kiosk
 * lines and the results line as they are now: what the server would have signed for them.
 */
export function sealBundle(lines: BundleLine[], authority: KeyPair): BundleLine[] {
  const kept = lines.filter((l) => l.type !== 'seal');
  const header = kept.find((l) => l.type === 'header');
  const results = kept.find((l) => l.type === 'results');
  const participation = kept.find((l) => l.type === 'participation');
  if (header?.type !== 'header' || results?.type !== 'results' || participation?.type !== 'participation')
    throw new Error('no header, participation or results');
  const seal: SealPayload = {
    v: 3,
    electionId: header.electionId,
    exportedAt: header.exportedAt,
    kioskSubtotalThreshold: header.kioskSubtotalThreshold,
    kiosks: kept.flatMap((l) =>
      l.type === 'kiosk' ? [{ kioskId: l.kioskId, highWater: l.highWater, head: l.head }] : [],
    ),
    participation: participation.participation,
    results: results.results,
  };
  return [...kept, { type: 'seal', ...signDocument('audit', seal, authority.privateKey) }];
}

let dir: string | null = null;
let counter = 0;

const cell = (n: number): number | null => (n < PARTICIPATION_CELL_THRESHOLD ? null : n);

/** The participation line as the server writes it: totals with small cells hidden, each batch's count. */
export function participationSummary(tally: Tally, total: number, lines: BundleLine[]): ParticipationSummary {
  const totals = tally.participationTotals();
  return {
    total,
    assisted: 0,
    byCommune: [...totals.byCommune.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([communeCode, n]) => ({ communeCode, count: cell(n) })),
    byAgeBracket: ageBrackets.map((ageBracket) => ({
      ageBracket,
      count: cell(totals.byAgeBracket.get(ageBracket) ?? 0),
    })),
    batches: lines.flatMap((l) =>
      l.type === 'batch'
        ? [{ kioskId: l.kioskId, seq: l.seq, count: decodePayload(l.payload).participations.count }]
        : [],
    ),
  };
}

export const decodePayload = (payload: string): BatchPayload =>
  JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as BatchPayload;

/** Writes the lines as JSONL into a fresh temp file and returns its path. */
export function writeBundle(lines: readonly BundleLine[]): string {
  dir ??= mkdtempSync(join(tmpdir(), 'isoloir-verify-'));
  counter += 1;
  const path = join(dir, `bundle-${counter}.jsonl`);
  writeFileSync(path, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
  return path;
}

/** Removes the temp folder of the bundles written so far. */
export function removeBundles(): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
}

/**
 * The results line recomputed from the lines' counted batches, and the participation line's batch counts
 * from the batches left (what a careful forger would publish).
 */
export function recountResults(lines: BundleLine[]): BundleLine[] {
  const header = lines.find((l) => l.type === 'header');
  const tally = new Tally(sampleElection(), {
    drawKey: tieBreakDrawKey,
    kioskSubtotalThreshold: header?.type === 'header' ? header.kioskSubtotalThreshold : 10,
  });
  for (const l of lines) if (l.type === 'kiosk') tally.addKiosk(l.kioskId, l.label);
  for (const l of lines)
    if (l.type === 'batch' && l.status === 'counted') tally.addBatch(l.kioskId, decodePayload(l.payload));
  const published = lines.find((l) => l.type === 'results');
  const results = tally.results();
  if (published?.type === 'results') {
    // Participation is not recountable from the bundle: the forger keeps the published figures.
    const { participations, duplicateParticipations, byAgeBracket, byTerritory } = published.results;
    Object.assign(results, { participations, duplicateParticipations, byAgeBracket });
    results.byTerritory = results.byTerritory.map((t) => ({
      ...t,
      participations: byTerritory.find((x) => x.territoryId === t.territoryId)?.participations ?? 0,
    }));
  }
  const batchCounts = lines.flatMap((l) =>
    l.type === 'batch'
      ? [{ kioskId: l.kioskId, seq: l.seq, count: decodePayload(l.payload).participations.count }]
      : [],
  );
  return lines.map((l) =>
    l.type === 'results'
      ? { type: 'results', results }
      : l.type === 'participation'
        ? { type: 'participation', participation: { ...l.participation, batches: batchCounts } }
        : l,
  );
}
