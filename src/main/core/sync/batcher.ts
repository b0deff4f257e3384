/**
 * The batcher: turns the open sets (ballots with their receipt commitments, participations of one mode) into
 * sealed, signed batches (docs/secrecy.md, "Secrecy once published" §1). K is the election package's
 * `batchSize`; nothing else sets it.
 *
 * - The hold-back: a batch seals when 2K ballots of one mode are open, and takes K of them drawn
 *   uniformly at random (node:crypto), with K participations drawn independently of the ballots. Each
 *   ballot's receipt commitment leaves with it, so a receipt found in a batch means its ballot is in
 *   that batch; the batch lists the commitments sorted on their own. K stay open, so the last batch of a kiosk can never be smaller than K
 *   (unless its whole total is). The cast that reaches 2K seals in its own transaction (ballots.ts), so
 *   the open set never reaches 2K after a cast.
 * - Closing a day seals nothing. Never a timer either: a batch of one ballot beside one participation
 *   would link them.
 * - The election's close seals everything open as the kiosk's `final` batch (one per mode with anything
 *   open): K to 2K − 1 ballots, or the kiosk's whole total when it is below K. After it, nothing more is
 *   sealed for that election.
 *
 * Batches are built, signed and stored verbatim in the same transaction that takes their contents off
 * the open sets, so a crash leaves either the whole sealing or none of it. Training batches
 * (`training: true`) follow the same rule and share the chain; the server never counts them.
 */
import { randomInt } from 'node:crypto';
import type { Result } from '../../../shared/result';
import { GENESIS_HASH, MIN_BATCH_SIZE, type AgeBracket } from '../../../shared/wire';
import type { OpenBallot, OpenParticipation } from '../store';
import { buildBatch, type BatchSigner, type BuiltBatch } from './batch-builder';
import type { SyncStore } from './sync-store';

export interface BatcherDeps {
  syncStore: SyncStore;
  kioskId: string;
  sign: BatchSigner;
  /** The current election's id and K, or null when none is loaded (nothing is sealed then). */
  election: () => { electionId: string; batchSize: number } | null;
  /** Opens an open ballot's sealed receipt commitment (`KeyRing.openReceiptLink`). */
  openReceipt: (sealed: string) => Result<string>;
  /** Called inside the sealing transaction (the audit event commits with its batch). */
  onSealed?: (batch: BuiltBatch) => void;
}

/** What one mode has open, as the store keeps it. */
interface OpenSets {
  ballots: OpenBallot[];
  participations: OpenParticipation[];
}

/**
 * Takes `k` items of `items` uniformly at random (a partial Fisher–Yates shuffle with `randomInt`);
 * returns the taken ones and the rest, the rest in its original (sorted) order.
 */
export function drawUniform<T>(items: readonly T[], k: number): { taken: T[]; rest: T[] } {
  const index = items.map((_, i) => i);
  const n = Math.min(k, index.length);
  for (let i = 0; i < n; i++) {
    const j = i + randomInt(index.length - i);
    [index[i], index[j]] = [index[j] as number, index[i] as number];
  }
  const chosen = new Set(index.slice(0, n));
  return {
    taken: index.slice(0, n).map((i) => items[i] as T),
    rest: items.filter((_, i) => !chosen.has(i)),
  };
}

/** K as the batcher uses it: never below the floor, whatever a caller passes. */
const kOf = (batchSize: number): number => Math.max(MIN_BATCH_SIZE, Math.floor(batchSize));

function readOpen(syncStore: SyncStore, training: boolean): OpenSets {
  const store = syncStore.kioskStore;
  return {
    ballots: store.openBallots(training),
    participations: store.openParticipations(training),
  };
}

/** Builds, signs and stores one batch as the next link of the chain; inside a transaction. */
function sealOne(
  deps: BatcherDeps,
  electionId: string,
  training: boolean,
  taken: OpenSets,
  final: boolean,
): BuiltBatch {
  const head = deps.syncStore.head();
  const receipts = taken.ballots.flatMap((b) => {
    if (b.receipt === undefined) return [];
    const opened = deps.openReceipt(b.receipt);
    // Thrown inside the sealing transaction: nothing is taken off the open sets.
    if (!opened.ok) throw new Error(`receipt link: ${opened.error.code}`);
    return [opened.value];
  });
  const batch = buildBatch(
    {
      electionId,
      kioskId: deps.kioskId,
      seq: (head?.seq ?? 0) + 1,
      prevHash: head?.hash ?? GENESIS_HASH,
      training,
      ballots: taken.ballots.map((b) => b.choices),
      receipts,
      participations: taken.participations.map((p) => ({
        token: p.token,
        communeCode: p.communeCode,
        ageBracket: p.ageBracket as AgeBracket,
        assisted: p.assisted,
      })),
      final,
    },
    deps.sign,
  );
  deps.syncStore.storeBatch({
    seq: batch.seq,
    hash: batch.hash,
    envelopeText: JSON.stringify(batch.envelope),
    ballotCount: batch.payload.ballots.length,
    // Training tokens are random: they never join the register.
    tokens: training ? [] : batch.participationDocument.items.map((p) => p.token),
    participationCount: batch.participationDocument.items.length,
    final,
  });
  deps.onSealed?.(batch);
  return batch;
}

/**
 * The hold-back: while 2K ballots of a mode are open, seals K of them drawn at random (with their
 * receipts, and K participations drawn apart). All in one transaction; a failure leaves the sets as they
 * were. Nothing is sealed once the election's final batch exists.
 */
export function sealHeldBack(deps: BatcherDeps, training: boolean): BuiltBatch[] {
  const election = deps.election();
  if (!election || deps.syncStore.finalSealed(election.electionId)) return [];
  const k = kOf(election.batchSize);
  const store = deps.syncStore.kioskStore;
  if (store.countOpenBallots(training) < 2 * k) return [];
  return deps.syncStore.transaction(() => {
    const built: BuiltBatch[] = [];
    const open = sealWhileTwoK(deps, election.electionId, training, k, built);
    deps.syncStore.replaceOpen(training, open);
    return built;
  });
}

/**
 * Seals batches of K drawn at random (ballots and participations apart) while 2K ballots of the mode are
 * open, pushing each onto `built`; answers what stays open. Runs inside the caller's transaction.
 */
function sealWhileTwoK(
  deps: BatcherDeps,
  electionId: string,
  training: boolean,
  k: number,
  built: BuiltBatch[],
): OpenSets {
  let open = readOpen(deps.syncStore, training);
  while (open.ballots.length >= 2 * k) {
    const ballots = drawUniform(open.ballots, k);
    const participations = drawUniform(open.participations, k);
    built.push(
      sealOne(
        deps,
        electionId,
        training,
        { ballots: ballots.taken, participations: participations.taken },
        false,
      ),
    );
    open = { ballots: ballots.rest, participations: participations.rest };
  }
  return open;
}

/**
 * The election's close: everything open is sealed, one `final` batch per mode with anything open (real
 * first), and the election is marked final so that nothing more is cast or sealed for it. Idempotent:
 * a second call seals nothing. One transaction.
 */
export function sealFinal(deps: BatcherDeps): BuiltBatch[] {
  const election = deps.election();
  if (!election || deps.syncStore.finalSealed(election.electionId)) return [];
  return deps.syncStore.transaction(() => {
    const built: BuiltBatch[] = [];
    for (const training of [false, true]) {
      // A remainder of 2K or more (a kiosk that could not seal in time) still goes out in full batches
      // of K first, so that the final one keeps between K and 2K − 1.
      const open = sealWhileTwoK(deps, election.electionId, training, kOf(election.batchSize), built);
      if (open.ballots.length + open.participations.length > 0)
        built.push(sealOne(deps, election.electionId, training, open, true));
      deps.syncStore.replaceOpen(training, { ballots: [], participations: [] });
    }
    deps.syncStore.markFinalSealed(election.electionId);
    return built;
  });
}
