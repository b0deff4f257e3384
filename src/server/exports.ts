/**
 * The two public exports. The audit bundle (its format is src/shared/audit-bundle.ts,
 * docs/audit-bundle.md): the signed election, the kiosk registry, every signed ballot document verbatim
 * (never a participation document: no token, no commune or age beside a ballot), the equivocation
 * evidence, participation as counts only, the results recounted from exactly those batches with the shared `Tally`
 * (deterministic, so equal to what `GET /api/v1/results` serves for that state) and, last, the
 * authority's seal over the settings, the registry's chain states and the results. The Pabulib file:
 * the anonymous approval ballots, shuffled with a CSPRNG. Both read one consistent snapshot through their
 * own connection, line by line, so a large election streams without blocking the server.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import {
  AUDIT_FORMAT,
  AUDIT_VERSION,
  formatBundleLine,
  PARTICIPATION_CELL_THRESHOLD,
  type BundleLine,
  type ParticipationSummary,
  type SealPayload,
} from '../shared/audit-bundle';
import { pabulibLines } from '../shared/pabulib';
import { Tally, type Results } from '../shared/tally';
import { ageBrackets } from '../shared/wire';
import { signDocument, tieBreakDrawKey } from '../shared/node/crypto';
import { countingSettings, type Authority } from './datadir';
import { currentElection } from './election';
import { ServerStore } from './store';
import { decodeStoredParticipations, decodeStoredPayload } from './tally-cache';

export interface ExportOptions {
  /** Called after each batch line: (batches written, total batches). */
  onProgress?: (done: number, total: number) => void;
}

export class ExportError extends Error {
  override name = 'ExportError';
}

/**
 * The audit bundle's lines (each ends with "\n"). Opens its own connection to `dbPath` and holds one
 * read snapshot until the generator ends or is closed.
 */
export function* auditBundleLines(
  dbPath: string,
  authority: Authority,
  now: Date,
  options: ExportOptions = {},
): Generator<string> {
  const store = new ServerStore(dbPath);
  try {
    store.beginSnapshot();
    const election = currentElection(store);
    if (!election) throw new ExportError('Aucune élection publiée : rien à exporter.');
    const line = (l: BundleLine): string => formatBundleLine(l);
    // The data folder's settings, read in the same snapshot: the ones the server counts with.
    const settings = countingSettings(store);
    yield line({
      type: 'header',
      format: AUDIT_FORMAT,
      v: AUDIT_VERSION,
      electionId: election.electionId,
      exportedAt: now.toISOString(),
      kioskSubtotalThreshold: settings.kioskSubtotalThreshold,
    });
    yield line({
      type: 'election',
      payload: election.payload,
      signature: election.signature,
      authorityPublicKey: authority.publicKey,
    });
    const tally = new Tally(election.pkg, {
      kioskSubtotalThreshold: settings.kioskSubtotalThreshold,
      drawKey: tieBreakDrawKey,
    });
    const kiosks = store.kiosks().filter((k) => k.electionId === election.electionId);
    const ours = new Set(kiosks.map((k) => k.kioskId));
    for (const k of kiosks) {
      tally.addKiosk(k.kioskId, k.label);
      yield line({
        type: 'kiosk',
        kioskId: k.kioskId,
        label: k.label,
        publicKey: k.publicKey,
        enrolledAt: k.enrolledAt,
        flagged: k.flagged,
        revoked: k.revoked,
        highWater: k.highWater,
        head: k.head,
      });
    }
    const total = store.counts().batches;
    let done = 0;
    const batchCounts: ParticipationSummary['batches'] = [];
    let assisted = 0;
    for (const b of store.allBatches()) {
      done += 1;
      if (!ours.has(b.kioskId)) continue;
      batchCounts.push({ kioskId: b.kioskId, seq: b.seq, count: b.participationCount });
      if (b.status === 'counted') {
        tally.addBatch(b.kioskId, decodeStoredPayload(b.payload));
        const document = store.participationDocument(b.kioskId, b.seq);
        if (document !== null) {
          const items = decodeStoredParticipations(document).items;
          tally.addParticipations(b.kioskId, b.seq, items);
          for (const item of items) if (item.assisted) assisted += 1;
        }
      }
      yield line({
        type: 'batch',
        kioskId: b.kioskId,
        seq: b.seq,
        payload: b.payload,
        signature: b.signature,
        receivedAt: b.receivedAt,
        status: b.status,
      });
      options.onProgress?.(done, total);
    }
    for (const c of store.conflicts())
      if (ours.has(c.kioskId))
        yield line({
          type: 'conflict',
          kioskId: c.kioskId,
          seq: c.seq,
          payload: c.payload,
          signature: c.signature,
          receivedAt: c.receivedAt,
        });
    const results = tally.results();
    const participation = participationSummary(tally, results, assisted, batchCounts);
    yield line({ type: 'participation', participation });
    yield line({ type: 'results', results });
    // Last, the authority's seal over what an observer cannot check from kiosk signatures alone.
    const seal: SealPayload = {
      v: 3,
      electionId: election.electionId,
      exportedAt: now.toISOString(),
      kioskSubtotalThreshold: settings.kioskSubtotalThreshold,
      kiosks: kiosks.map((k) => ({ kioskId: k.kioskId, highWater: k.highWater, head: k.head })),
      participation,
      results,
    };
    yield line({ type: 'seal', ...signDocument('audit', seal, authority.privateKey) });
  } finally {
    store.endSnapshot();
    store.close();
  }
}

/** A published cell: its count, or null when fewer than the threshold could point at someone. */
const cell = (count: number): number | null => (count < PARTICIPATION_CELL_THRESHOLD ? null : count);

/**
 * The participation line: totals (each person once) per commune and per age bracket with small cells
 * hidden, the assisted total, and each batch's count. Nothing that ties a person to a batch.
 */
function participationSummary(
  tally: Tally,
  results: Results,
  assisted: number,
  batches: ParticipationSummary['batches'],
): ParticipationSummary {
  const totals = tally.participationTotals();
  return {
    total: results.participations,
    assisted,
    byCommune: [...totals.byCommune.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([communeCode, count]) => ({ communeCode, count: cell(count) })),
    byAgeBracket: ageBrackets.map((ageBracket) => ({
      ageBracket,
      count: cell(totals.byAgeBracket.get(ageBracket) ?? 0),
    })),
    batches,
  };
}

/** Uniform [0, 1) from a CSPRNG, drawn in blocks so a million-vote shuffle stays fast. */
export function secureRandom(): () => number {
  let pool = Buffer.alloc(0);
  let offset = 0;
  return () => {
    if (offset + 6 > pool.length) {
      pool = randomBytes(6 * 4096);
      offset = 0;
    }
    const value = pool.readUIntBE(offset, 6) / 2 ** 48;
    offset += 6;
    return value;
  };
}

/** The Pabulib `.pb` lines (each ends with "\n") of the counted ballots, from one snapshot. */
export function* pabulibExportLines(
  dbPath: string,
  options: ExportOptions & { random?: () => number } = {},
): Generator<string> {
  const store = new ServerStore(dbPath);
  let tally: Tally;
  let results: Results;
  let pkg;
  try {
    store.beginSnapshot();
    const election = currentElection(store);
    if (!election) throw new ExportError('Aucune élection publiée : rien à exporter.');
    pkg = election.pkg;
    tally = new Tally(election.pkg, {
      kioskSubtotalThreshold: countingSettings(store).kioskSubtotalThreshold,
      drawKey: tieBreakDrawKey,
    });
    const ours = new Set(
      store
        .kiosks()
        .filter((k) => k.electionId === election.electionId)
        .map((k) => k.kioskId),
    );
    const total = store.counts().batches;
    let done = 0;
    for (const b of store.allBatches()) {
      done += 1;
      if (b.status === 'counted' && ours.has(b.kioskId))
        tally.addBatch(b.kioskId, decodeStoredPayload(b.payload));
      options.onProgress?.(done, total);
    }
    results = tally.results();
  } finally {
    store.endSnapshot();
    store.close();
  }
  for (const text of pabulibLines(pkg, tally.ballotGroups(), {
    random: options.random ?? secureRandom(),
    selected: results.allocation.greedy.funded,
  }))
    yield `${text}\n`;
}

/** Writes lines to a file, respecting back-pressure; resolves once the file is flushed. */
export async function writeLines(path: string, lines: Iterable<string>): Promise<number> {
  const out = createWriteStream(path, { flags: 'w' });
  let bytes = 0;
  try {
    for (const text of lines) {
      bytes += Buffer.byteLength(text);
      if (!out.write(text)) await once(out, 'drain');
    }
  } catch (error) {
    out.destroy();
    throw error;
  }
  out.end();
  await once(out, 'finish');
  return bytes;
}
