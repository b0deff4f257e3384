/**
 * The batcher: turns the outbox (ballots and participations with `batch_seq IS NULL`) into sealed,
 * signed batches. A batch closes when N ballots wait (default 20) or when the mediator closes the day,
 * never on a timer alone: a batch of one ballot beside one participation would link them (DESIGN §3.6).
 * Each batch is built, signed and stored verbatim in the same transaction that sets `batch_seq` on its
 * rows, so a crash leaves either the whole batch or none of it.
 *
 * Training ballots are never batched nor sent (DESIGN §3.8: they never reach the tally); they stay on
 * the kiosk, shown as training.
 */
import { GENESIS_HASH, type DayCounts } from '../../../shared/wire';
import { buildBatch, type BatchSigner, type BuiltBatch } from './batch-builder';
import type { SyncStore } from './sync-store';

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

function sealOne(
  deps: BatcherDeps,
  electionId: string,
  take: { ballots: number; participations: number },
  final: boolean,
  dayCounts?: DayCounts,
): BuiltBatch {
  const { syncStore } = deps;
  return syncStore.transaction(() => {
    const head = syncStore.head();
    const ballots = take.ballots > 0 ? syncStore.outboxBallots(take.ballots) : [];
    const participations = take.participations > 0 ? syncStore.outboxParticipations(take.participations) : [];
    const built = buildBatch(
      {
        electionId,
        kioskId: deps.kioskId,
        seq: (head?.seq ?? 0) + 1,
        prevHash: head?.hash ?? GENESIS_HASH,
        createdAt: deps.now().toISOString(),
        training: false,
        ballots,
        participations,
        final,
        ...(dayCounts ? { dayCounts } : {}),
      },
      deps.sign,
    );
    syncStore.insertBatch({
      seq: built.seq,
      hash: built.hash,
      envelopeText: JSON.stringify(built.envelope),
      ballotIds: ballots.map((b) => b.id),
      tokens: participations.map((p) => p.token),
      final,
    });
    deps.onSealed?.(built);
    return built;
  });
}

/**
 * Seals every full batch waiting in the outbox, all in one transaction (each batch a savepoint inside
 * it): a backlog of a week is sealed with one disk sync instead of thousands, and a failure anywhere
 * leaves the outbox as it was.
 */
export function sealFullBatches(deps: BatcherDeps): BuiltBatch[] {
  const electionId = deps.electionId();
  if (!electionId) return [];
  const size = deps.batchSize;
  if (deps.syncStore.countOutbox().ballots < size) return [];
  return deps.syncStore.transaction(() => {
    // Counted once: a count walks the whole outbox index, and nothing else writes during this
    // transaction, so each sealed batch takes exactly `size` ballots off it.
    let waiting = deps.syncStore.countOutbox().ballots;
    const sealed: BuiltBatch[] = [];
    for (; waiting >= size; waiting -= size)
      sealed.push(sealOne(deps, electionId, { ballots: size, participations: size }, false));
    return sealed;
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
    const batches = sealFullBatches(deps);
    const waiting = deps.syncStore.countOutbox();
    // Ballots and participations are written in pairs; should their numbers ever differ, the larger
    // is spread over more batches so no batch exceeds the size.
    for (let { ballots, participations } = waiting; ballots > size || participations > size;) {
      batches.push(sealOne(deps, electionId, { ballots: size, participations: size }, false));
      ballots = Math.max(0, ballots - size);
      participations = Math.max(0, participations - size);
    }
    const counts: DayCounts = { day, ...deps.syncStore.dayCounts(day) };
    batches.push(sealOne(deps, electionId, { ballots: size, participations: size }, true, counts));
    return { batches, counts };
  });
}
