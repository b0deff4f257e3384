/**
 * `SyncStore` owns the SQL of sync (migration 0002): the `batches` outbox and `sync_state`. The waiting
 * ballots, participations and receipt commitments are the core store's open sets (KioskStore,
 * migrations 0003 and 0004); this store shares its connection so that sealing a batch (store the signed
 * envelope, take what it holds off the open sets, register its tokens) is one transaction.
 */
import type { SqliteDatabase } from '../../../shared/node/sqlite';
import type { KioskStore, OpenBallot, OpenParticipation } from '../store';
import type { BatchEnvelope } from '../../../shared/wire';

export interface StoredBatch {
  seq: number;
  hash: string;
  envelope: BatchEnvelope;
  /** The envelope's exact JSON text, as written to USB. */
  envelopeText: string;
  ballotCount: number;
  participationCount: number;
  final: boolean;
  ackedAt: string | null;
}

export interface NewBatchRow {
  seq: number;
  hash: string;
  envelopeText: string;
  ballotCount: number;
  participationCount: number;
  /** The batch's real participation tokens: they join the local register. */
  tokens: readonly string[];
  final: boolean;
}

/** What one mode still has open after a sealing: written back whole. */
export interface OpenSetsAfterSeal {
  ballots: OpenBallot[];
  participations: OpenParticipation[];
}
/** Names of the rows of `sync_state`, written once here. */
export const syncStateKeys = {
  lastSuccessAt: 'last_success_at',
  lastErrorCode: 'last_error_code',
  lastErrorMessage: 'last_error_message',
  serverReachable: 'server_reachable',
  blockedCode: 'blocked_code',
  blockedMessage: 'blocked_message',
  registerCursor: 'register_cursor',
  pendingElectionPayload: 'pending_election_payload',
  pendingElectionSignature: 'pending_election_signature',
  pendingElectionId: 'pending_election_id',
  /** A correction of the current election (same id, higher revision) waiting for a mediator. */
  pendingCorrectionPayload: 'pending_correction_payload',
  pendingCorrectionSignature: 'pending_correction_signature',
  pendingCorrectionRevision: 'pending_correction_revision',
  /** The id of the election whose final batch is sealed: nothing more is cast or sealed for it. */
  finalSealed: 'final_sealed',
} as const;
export type SyncStateKey = (typeof syncStateKeys)[keyof typeof syncStateKeys];

interface RawBatch {
  seq: number;
  hash: string;
  envelope: string;
  ballot_count: number;
  participation_count: number;
  is_final: number;
  acked_at: string | null;
}

const toBatch = (r: RawBatch): StoredBatch => ({
  seq: r.seq,
  hash: r.hash,
  envelope: JSON.parse(r.envelope) as BatchEnvelope,
  envelopeText: r.envelope,
  ballotCount: r.ballot_count,
  participationCount: r.participation_count,
  final: r.is_final === 1,
  ackedAt: r.acked_at,
});

const BATCH_COLUMNS = 'seq, hash, envelope, ballot_count, participation_count, is_final, acked_at';

export class SyncStore {
  readonly db: SqliteDatabase;
  private readonly s;

  constructor(readonly kioskStore: KioskStore) {
    const db = kioskStore.db;
    this.db = db;
    this.s = {
      head: db.prepare<[], { seq: number; hash: string }>(
        'SELECT seq, hash FROM batches ORDER BY seq DESC LIMIT 1',
      ),
      insertBatch: db.prepare<[number, string, string, number, number, number]>(
        `INSERT INTO batches (seq, hash, envelope, ballot_count, participation_count, is_final)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      waiting: db.prepare<[], RawBatch>(
        `SELECT ${BATCH_COLUMNS} FROM batches WHERE ack IS NULL ORDER BY seq`,
      ),
      countWaiting: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM batches WHERE ack IS NULL'),
      sealedRange: db.prepare<[], { n: number; first: number | null; last: number | null }>(
        'SELECT count(*) AS n, min(seq) AS first, max(seq) AS last FROM batches',
      ),
      fromSeq: db.prepare<[number], RawBatch>(
        `SELECT ${BATCH_COLUMNS} FROM batches WHERE seq >= ? ORDER BY seq`,
      ),
      all: db.prepare<[], RawBatch>(`SELECT ${BATCH_COLUMNS} FROM batches ORDER BY seq`),
      bySeq: db.prepare<[number], RawBatch>(`SELECT ${BATCH_COLUMNS} FROM batches WHERE seq = ?`),
      markAcked: db.prepare<[string, string, number, string]>(
        'UPDATE batches SET ack = ?, acked_at = ? WHERE seq = ? AND hash = ? AND ack IS NULL',
      ),
      purgeAcked: db.prepare<[]>('DELETE FROM batches WHERE ack IS NOT NULL'),
      getState: db.prepare<[string], { value: string }>('SELECT value FROM sync_state WHERE key = ?'),
      setState: db.prepare<[string, string]>(
        'INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
      deleteState: db.prepare<[string]>('DELETE FROM sync_state WHERE key = ?'),
    };
  }

  transaction<T>(fn: () => T): T {
    return this.kioskStore.transaction(fn);
  }

  // ------------------------------------------------------------ chain and outbox

  head(): { seq: number; hash: string } | null {
    return this.s.head.get() ?? null;
  }

  countOutbox(): { ballots: number; participations: number } {
    return {
      ballots: this.kioskStore.countOpenBallots(false),
      participations: this.kioskStore.countOpenParticipations(false),
    };
  }

  /** Stores one sealed batch; its real tokens join the local register. Call inside the sealing transaction. */
  storeBatch(row: NewBatchRow): void {
    this.s.insertBatch.run(
      row.seq,
      row.hash,
      row.envelopeText,
      row.ballotCount,
      row.participationCount,
      row.final ? 1 : 0,
    );
    this.kioskStore.addToLocalRegister(row.tokens);
  }

  /** Writes back what a mode keeps open after a sealing (inside the sealing transaction). */
  replaceOpen(training: boolean, open: OpenSetsAfterSeal): void {
    this.kioskStore.replaceOpenBallots(training, open.ballots);
    this.kioskStore.replaceOpenParticipations(training, open.participations);
  }

  /** True once the final batch of `electionId` is sealed. */
  finalSealed(electionId: string): boolean {
    return this.getState(syncStateKeys.finalSealed) === electionId;
  }

  markFinalSealed(electionId: string): void {
    this.setState(syncStateKeys.finalSealed, electionId);
  }

  waitingBatches(): StoredBatch[] {
    return this.s.waiting.all().map(toBatch);
  }

  countWaiting(): number {
    return this.s.countWaiting.get()?.n ?? 0;
  }

  /** How many batches are stored and their seq range (null when none): what a day's report states. */
  sealedRange(): { sealed: number; firstSeq: number | null; lastSeq: number | null } {
    const row = this.s.sealedRange.get();
    return { sealed: row?.n ?? 0, firstSeq: row?.first ?? null, lastSeq: row?.last ?? null };
  }

  batchesFrom(seq: number): StoredBatch[] {
    return this.s.fromSeq.all(seq).map(toBatch);
  }

  allBatches(): StoredBatch[] {
    return this.s.all.all().map(toBatch);
  }

  batch(seq: number): StoredBatch | null {
    const row = this.s.bySeq.get(seq);
    return row ? toBatch(row) : null;
  }

  /** Stores a verified ack for exactly this seq and hash; false when already acked or not ours. */
  markAcked(seq: number, hash: string, ackText: string, at: string): boolean {
    return this.s.markAcked.run(ackText, at, seq, hash).changes === 1;
  }

  /** Deletes acked batches (after the result is certified); unacked ones are kept by a trigger. */
  purgeAcked(): number {
    return this.s.purgeAcked.run().changes;
  }

  // ------------------------------------------------------------ state

  getState(key: SyncStateKey): string | null {
    return this.s.getState.get(key)?.value ?? null;
  }

  setState(key: SyncStateKey, value: string | null): void {
    if (value === null) this.s.deleteState.run(key);
    else this.s.setState.run(key, value);
  }
}
