/**
 * The batcher: turns the outbox (the core store's open sets of real ballots and participations) into
 * sealed, signed batches. A batch closes when N ballots wait (default 20) or when the mediator closes
 * the day, never on a timer alone: a batch of one ballot beside one participation would link them
 * (DESIGN §3.6). The cast that fills a batch seals it in the same commit (kiosk.ts), so the open set
 * stays below N; a sync round seals too. Batches are built, signed and stored verbatim in the same
 * transaction that takes their ballots and participations off the open sets, so a crash leaves either
 * the whole sealing or none of it.
 *
 * Training ballots are never batched nor sent (DESIGN §3.8: they never reach the tally); they stay on
 * the kiosk, shown as training.
 */
import { GENESIS_HASH, type AgeBracket, type DayCounts } from '../../../shared/wire';
import type { OpenBallot, OpenParticipation } from '../store';
import { buildBatch, type BatchSigner, type BuiltBatch } from './batch-builder';
import type { Outbox, SyncStore } from './sync-store';

export const DEFAULT_BATCH_SIZE = 20;

export interface BatcherDeps {
  syncStore: SyncStore;
  kioskId: string;
  sign: BatchSigner;
  /** The current election's id, or null when none is loaded (nothing is sealed then). */
  electionId: () => string | null;
  now: () => Date;
  batchSize: number;
  /** Called inside the sealing transaction (the audit event commits with its batch). */
  onSealed?: (batch: BuiltBatch) => void;
}

interface Slice {
  ballots: OpenBallot[];
  participations: OpenParticipation[];
  final: boolean;
  dayCounts?: DayCounts;
}

/** Cuts slices of `size` ballots (and as many participations) off the front of the outbox. */
class Cutter {
  private b = 0;
  private p = 0;
  constructor(
    private readonly outbox: Outbox,
    private readonly size: number,
  ) {}
  get ballotsLeft(): number {
    return this.outbox.ballots.length - this.b;
  }
  get participationsLeft(): number {
    return this.outbox.participations.length - this.p;
  }
  cut(final: boolean, dayCounts?: DayCounts): Slice {
    const slice: Slice = {
      ballots: this.outbox.ballots.slice(this.b, this.b + this.size),
      participations: this.outbox.participations.slice(this.p, this.p + this.size),
      final,
      ...(dayCounts ? { dayCounts } : {}),
    };
    this.b += slice.ballots.length;
    this.p += slice.participations.length;
    return slice;
  }
  rest(): Outbox {
    return {
      ballots: this.outbox.ballots.slice(this.b),
      participations: this.outbox.participations.slice(this.p),
    };
  }
}

/** Builds and signs the slices as the next links of the chain, then stores them; inside a transaction. */
function seal(
  deps: BatcherDeps,
  electionId: string,
  slices: readonly Slice[],
  remaining: Outbox,
): BuiltBatch[] {
  const { syncStore } = deps;
  let head = syncStore.head();
  const createdAt = deps.now().toISOString();
  const built = slices.map((slice) => {
    const batch = buildBatch(
      {
        electionId,
        kioskId: deps.kioskId,
        seq: (head?.seq ?? 0) + 1,
        prevHash: head?.hash ?? GENESIS_HASH,
        createdAt,
        training: false,
        ballots: slice.ballots.map((b) => ({ id: b.id, choices: b.choices })),
        participations: slice.participations.map((p) => ({
          token: p.token,
          communeCode: p.communeCode,
          ageBracket: p.ageBracket as AgeBracket,
          assisted: p.assisted,
        })),
        final: slice.final,
        ...(slice.dayCounts ? { dayCounts: slice.dayCounts } : {}),
      },
      deps.sign,
    );
    head = { seq: batch.seq, hash: batch.hash };
    return batch;
  });
  syncStore.storeSealed(
    built.map((b) => ({
      seq: b.seq,
      hash: b.hash,
      envelopeText: JSON.stringify(b.envelope),
      ballotCount: b.payload.ballots.length,
      tokens: b.payload.participations.map((p) => p.token),
      final: b.payload.final,
    })),
    remaining,
  );
  for (const b of built) deps.onSealed?.(b);
  return built;
}

/**
 * Seals every full batch waiting in the outbox, all in one transaction: a backlog is read and
 * rewritten once and costs one disk sync, and a failure anywhere leaves the outbox as it was.
 */
export function sealFullBatches(deps: BatcherDeps): BuiltBatch[] {
  const electionId = deps.electionId();
  if (!electionId) return [];
  const size = deps.batchSize;
  if (deps.syncStore.countOutbox().ballots < size) return [];
  return deps.syncStore.transaction(() => {
    const cutter = new Cutter(deps.syncStore.outbox(), size);
    const slices: Slice[] = [];
    while (cutter.ballotsLeft >= size) slices.push(cutter.cut(false));
    return seal(deps, electionId, slices, cutter.rest());
  });
}

/**
 * Closing the day: everything waiting goes into batches, the last one `final` with the day's counts
 * (even when nothing waits: the counts alone let the server reconcile the day).
 */
export function sealDay(deps: BatcherDeps, day: string): { batches: BuiltBatch[]; counts: DayCounts } | null {
  const electionId = deps.electionId();
  if (!electionId) return null;
  const size = deps.batchSize;
  return deps.syncStore.transaction(() => {
    const cutter = new Cutter(deps.syncStore.outbox(), size);
    const slices: Slice[] = [];
    while (cutter.ballotsLeft >= size) slices.push(cutter.cut(false));
    // Ballots and participations are written in pairs; should their numbers ever differ, the larger
    // is spread over more batches so no batch exceeds the size.
    while (cutter.ballotsLeft > size || cutter.participationsLeft > size) slices.push(cutter.cut(false));
    const counts: DayCounts = { day, ...deps.syncStore.dayCounts(day) };
    slices.push(cutter.cut(true, counts));
    return { batches: seal(deps, electionId, slices, cutter.rest()), counts };
  });
}
