/**
 * The central server's store: every SQL statement of the server lives here (STYLE §4). It owns the
 * schema of src/server/migrations, the published elections, enrolment codes, kiosks, the verbatim ballot
 * documents, the participation documents kept apart, the receipt commitments, the participation register,
 * equivocation evidence and the counters
 * of refused requests. Domain code (ingest, tally cache, exports) calls these methods and never SQL.
 */
import { openDatabase, type SqliteDatabase } from '../shared/node/sqlite';
import { serverMigrations } from './migrations';

export type BatchStatus = 'counted' | 'training' | 'held';

export interface StoredElection {
  electionId: string;
  payload: string;
  signature: string;
  participationKey: string;
  publishedAt: string;
}

export interface StoredKiosk {
  kioskId: string;
  label: string;
  publicKey: string;
  electionId: string;
  enrolledAt: string;
  highWater: number;
  head: string;
  lastSeenAt: string | null;
  ballots: number;
  flagged: boolean;
  revoked: boolean;
  /** For a revoked kiosk: its batches up to this seq are still accepted; null: none. */
  acceptThrough: number | null;
}

export interface StoredBatch {
  kioskId: string;
  seq: number;
  payload: string;
  signature: string;
  hash: string;
  receivedAt: string;
  status: BatchStatus;
  ballotCount: number;
  participationCount: number;
  isFinal: boolean;
  dayCounts: string | null;
}

export interface StoredEnrolmentCode {
  id: number;
  label: string;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
  kioskId: string | null;
}

/** The refused envelope of an equivocation, kept verbatim as evidence. */
export type StoredConflict = Pick<
  StoredBatch,
  'kioskId' | 'seq' | 'payload' | 'signature' | 'hash' | 'receivedAt'
>;

/** A batch about to be stored, with the participation document and what it adds to the indexes. */
export interface NewBatch extends StoredBatch {
  /** The participation document's exact bytes (base64url), kept apart and never exported. */
  participationDocument: string;
  /** Counted batches only: their receipt commitments; empty for training and held batches. */
  receipts: string[];
  /** Counted participations' tokens only, for the register. */
  tokens: string[];
}

interface KioskRow {
  kiosk_id: string;
  label: string;
  public_key: string;
  election_id: string;
  enrolled_at: string;
  high_water: number;
  head: string;
  last_seen_at: string | null;
  ballots: number;
  flagged: number;
  revoked: number;
  accept_through: number | null;
}

interface BatchRow {
  kiosk_id: string;
  seq: number;
  payload: string;
  signature: string;
  hash: string;
  received_at: string;
  status: BatchStatus;
  ballot_count: number;
  participation_count: number;
  is_final: number;
  day_counts: string | null;
}

const kioskFromRow = (r: KioskRow): StoredKiosk => ({
  kioskId: r.kiosk_id,
  label: r.label,
  publicKey: r.public_key,
  electionId: r.election_id,
  enrolledAt: r.enrolled_at,
  highWater: r.high_water,
  head: r.head,
  lastSeenAt: r.last_seen_at,
  ballots: r.ballots,
  flagged: r.flagged === 1,
  revoked: r.revoked === 1,
  acceptThrough: r.accept_through,
});

const batchFromRow = (r: BatchRow): StoredBatch => ({
  kioskId: r.kiosk_id,
  seq: r.seq,
  payload: r.payload,
  signature: r.signature,
  hash: r.hash,
  receivedAt: r.received_at,
  status: r.status,
  ballotCount: r.ballot_count,
  participationCount: r.participation_count,
  isFinal: r.is_final === 1,
  dayCounts: r.day_counts,
});

export class ServerStore {
  readonly db: SqliteDatabase;
  private readonly stmts: ReturnType<ServerStore['prepare']>;
  /** Refusals counted since the last flush, by kiosk id and code. */
  private readonly pendingRejections = new Map<
    string,
    { kioskId: string; code: string; count: number; lastAt: string }
  >();

  constructor(readonly path: string) {
    this.db = openDatabase(path, serverMigrations());
    // The CLI's `import` may write while `serve` runs: wait for the other writer instead of failing.
    this.db.pragma('busy_timeout = 10000');
    this.stmts = this.prepare();
  }

  private prepare() {
    const db = this.db;
    return {
      getSetting: db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?'),
      setSetting: db.prepare<[string, string]>(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
      currentElection: db.prepare<[], StoredElectionRow>(
        'SELECT election_id, payload, signature, participation_key, published_at FROM elections WHERE is_current = 1',
      ),
      currentStamp: db.prepare<[], { election_id: string; signature: string }>(
        'SELECT election_id, signature FROM elections WHERE is_current = 1',
      ),
      election: db.prepare<[string], StoredElectionRow>(
        'SELECT election_id, payload, signature, participation_key, published_at FROM elections WHERE election_id = ?',
      ),
      clearCurrent: db.prepare('UPDATE elections SET is_current = 0 WHERE is_current = 1'),
      insertElection: db.prepare<[string, string, string, string, string]>(
        `INSERT INTO elections (election_id, payload, signature, participation_key, published_at, is_current)
         VALUES (?, ?, ?, ?, ?, 1)`,
      ),
      replaceElection: db.prepare<[string, string, string, string]>(
        `UPDATE elections SET payload = ?, signature = ?, published_at = ?, is_current = 1 WHERE election_id = ?`,
      ),
      kiosksOfElection: db.prepare<[string], { n: number }>(
        'SELECT count(*) AS n FROM kiosks WHERE election_id = ?',
      ),
      insertCode: db.prepare<[string, string, string, string]>(
        'INSERT INTO enrolment_codes (code_hash, label, created_at, expires_at) VALUES (?, ?, ?, ?)',
      ),
      codeByHash: db.prepare<
        [string],
        { id: number; label: string; expires_at: string; used_at: string | null; kiosk_id: string | null }
      >('SELECT id, label, expires_at, used_at, kiosk_id FROM enrolment_codes WHERE code_hash = ?'),
      useCode: db.prepare<[string, string, number]>(
        'UPDATE enrolment_codes SET used_at = ?, kiosk_id = ? WHERE id = ? AND used_at IS NULL',
      ),
      listCodes: db.prepare<
        [],
        {
          id: number;
          label: string;
          created_at: string;
          expires_at: string;
          used_at: string | null;
          kiosk_id: string | null;
        }
      >('SELECT id, label, created_at, expires_at, used_at, kiosk_id FROM enrolment_codes ORDER BY id'),
      insertKiosk: db.prepare<[string, string, string, string, string, string]>(
        `INSERT INTO kiosks (kiosk_id, label, public_key, election_id, enrolled_at, head)
         VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      kiosk: db.prepare<[string], KioskRow>('SELECT * FROM kiosks WHERE kiosk_id = ?'),
      kiosks: db.prepare<[], KioskRow>('SELECT * FROM kiosks ORDER BY kiosk_id'),
      touchKiosk: db.prepare<[string, string]>('UPDATE kiosks SET last_seen_at = ? WHERE kiosk_id = ?'),
      flagKiosk: db.prepare<[string]>('UPDATE kiosks SET flagged = 1 WHERE kiosk_id = ?'),
      revokeKiosk: db.prepare<[string]>('UPDATE kiosks SET revoked = 1 WHERE kiosk_id = ?'),
      acceptThrough: db.prepare<[number, string]>(
        'UPDATE kiosks SET revoked = 1, accept_through = ? WHERE kiosk_id = ?',
      ),
      advanceKiosk: db.prepare<[number, string, string, number, string]>(
        `UPDATE kiosks SET high_water = ?, head = ?, last_seen_at = ?, ballots = ballots + ? WHERE kiosk_id = ?`,
      ),
      batch: db.prepare<[string, number], BatchRow>('SELECT * FROM batches WHERE kiosk_id = ? AND seq = ?'),
      insertBatch: db.prepare<
        [string, number, string, string, string, string, BatchStatus, number, number, number, string | null]
      >(
        `INSERT INTO batches (kiosk_id, seq, payload, signature, hash, received_at, status, ballot_count,
           participation_count, is_final, day_counts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      receipt: db.prepare<[string], { kiosk_id: string; seq: number }>(
        'SELECT kiosk_id, seq FROM receipts WHERE commitment = ?',
      ),
      insertReceipt: db.prepare<[string, string, number]>(
        'INSERT INTO receipts (commitment, kiosk_id, seq) VALUES (?, ?, ?)',
      ),
      insertParticipationDocument: db.prepare<[string, number, string]>(
        'INSERT INTO participation_documents (kiosk_id, seq, document) VALUES (?, ?, ?)',
      ),
      participationDocumentsCounted: db.prepare<[], { kiosk_id: string; seq: number; document: string }>(
        `SELECT d.kiosk_id, d.seq, d.document FROM participation_documents d
         JOIN batches b ON b.kiosk_id = d.kiosk_id AND b.seq = d.seq
         WHERE b.status = 'counted' ORDER BY d.kiosk_id, d.seq`,
      ),
      participationDocument: db.prepare<[string, number], { document: string }>(
        'SELECT document FROM participation_documents WHERE kiosk_id = ? AND seq = ?',
      ),
      finalBatchOf: db.prepare<[string], { seq: number }>(
        `SELECT seq FROM batches WHERE kiosk_id = ? AND is_final = 1 AND status != 'training' LIMIT 1`,
      ),
      insertToken: db.prepare<[string]>('INSERT INTO participations (token) VALUES (?)'),
      tokensAfter: db.prepare<[number, number], { id: number; token: string }>(
        'SELECT id, token FROM participations WHERE id > ? ORDER BY id LIMIT ?',
      ),
      insertConflict: db.prepare<[string, number, string, string, string, string]>(
        `INSERT INTO conflicts (kiosk_id, seq, payload, signature, hash, received_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (kiosk_id, seq, hash) DO NOTHING`,
      ),
      conflicts: db.prepare<
        [],
        {
          kiosk_id: string;
          seq: number;
          payload: string;
          signature: string;
          hash: string;
          received_at: string;
        }
      >(
        'SELECT kiosk_id, seq, payload, signature, hash, received_at FROM conflicts ORDER BY kiosk_id, seq, id',
      ),
      countRejections: db.prepare<[string, string, number, string]>(
        `INSERT INTO rejections (kiosk_id, code, count, last_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (kiosk_id, code) DO UPDATE SET count = count + excluded.count, last_at = excluded.last_at`,
      ),
      rejectionTotals: db.prepare<[], { code: string; count: number }>(
        'SELECT code, sum(count) AS count FROM rejections GROUP BY code ORDER BY code',
      ),
      countedAfter: db.prepare<[number], { rowid: number; kiosk_id: string; payload: string }>(
        `SELECT rowid, kiosk_id, payload FROM batches WHERE status = 'counted' AND rowid > ? ORDER BY rowid`,
      ),
      allBatches: db.prepare<[], BatchRow>('SELECT * FROM batches ORDER BY kiosk_id, seq'),
      batchesWithStatus: db.prepare<[BatchStatus], BatchRow>(
        'SELECT * FROM batches WHERE status = ? ORDER BY kiosk_id, seq',
      ),
      batchMetaOfKiosk: db.prepare<
        [string],
        Pick<BatchRow, 'seq' | 'status' | 'ballot_count' | 'participation_count' | 'is_final' | 'day_counts'>
      >(
        `SELECT seq, status, ballot_count, participation_count, is_final, day_counts FROM batches
         WHERE kiosk_id = ? ORDER BY seq`,
      ),
      counts: db.prepare<[], { batches: number; ballots: number }>(
        `SELECT (SELECT count(*) FROM batches) AS batches,
           (SELECT coalesce(sum(ballot_count), 0) FROM batches WHERE status = 'counted') AS ballots`,
      ),
    };
  }

  close(): void {
    if (this.db.open) this.flushRejections();
    this.db.close();
  }

  /** Runs `fn` in one IMMEDIATE transaction: check-then-write decisions cannot race another writer. */
  immediate<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /**
   * Like `immediate`, but inside an open transaction `fn` simply joins it instead of opening a
   * savepoint: for a caller whose every refusal returns before writing and whose throw aborts the
   * enclosing transaction anyway (the group commit of `IngestQueue`), a savepoint is pure cost.
   */
  joinOrImmediate<T>(fn: () => T): T {
    return this.db.inTransaction ? fn() : this.immediate(fn);
  }

  /**
   * Opens a read transaction: every read until `endSnapshot` sees one consistent state (WAL snapshot),
   * while the server keeps writing through its own connection. Used by the exports.
   */
  beginSnapshot(): void {
    this.db.exec('BEGIN DEFERRED');
    this.stmts.counts.get(); // the first read fixes the snapshot
  }

  endSnapshot(): void {
    if (this.db.inTransaction) this.db.exec('COMMIT');
  }

  /** Changes when another connection (the CLI's `import`) commits: the tally cache then reloads. */
  dataVersion(): number {
    return Number(this.db.pragma('data_version', { simple: true }));
  }

  // ---------------------------------------------------------------- settings

  setting(key: string): string | null {
    return this.stmts.getSetting.get(key)?.value ?? null;
  }

  setSetting(key: string, value: string): void {
    this.stmts.setSetting.run(key, value);
  }

  // ---------------------------------------------------------------- elections

  currentElection(): StoredElection | null {
    const row = this.stmts.currentElection.get();
    return row ? electionFromRow(row) : null;
  }

  /** Which package is current (its signature changes with any byte): a cheap check before re-reading it. */
  currentElectionStamp(): string | null {
    const row = this.stmts.currentStamp.get();
    return row ? `${row.election_id}|${row.signature}` : null;
  }

  election(electionId: string): StoredElection | null {
    const row = this.stmts.election.get(electionId);
    return row ? electionFromRow(row) : null;
  }

  /**
   * Makes a signed package current. Publishing again an election id already used by kiosks is refused
   * (they hold its package and key); before any enrolment it replaces the package but keeps its key.
   */
  publishElection(
    e: Omit<StoredElection, 'participationKey'> & { newParticipationKey: string },
  ): 'published' | 'replaced' | 'in_use' {
    return this.immediate(() => {
      const existing = this.stmts.election.get(e.electionId);
      if (existing) {
        if ((this.stmts.kiosksOfElection.get(e.electionId)?.n ?? 0) > 0 && existing.payload !== e.payload)
          return 'in_use';
        this.stmts.clearCurrent.run();
        this.stmts.replaceElection.run(e.payload, e.signature, e.publishedAt, e.electionId);
        return 'replaced';
      }
      this.stmts.clearCurrent.run();
      this.stmts.insertElection.run(
        e.electionId,
        e.payload,
        e.signature,
        e.newParticipationKey,
        e.publishedAt,
      );
      return 'published';
    });
  }

  /**
   * Replaces the current package of an election that kiosks already hold, by a correction the caller
   * has checked; false (nothing written) when the stored package is no longer `previousPayload`.
   */
  reviseElection(e: Omit<StoredElection, 'participationKey'>, previousPayload: string): boolean {
    return this.immediate(() => {
      if (this.stmts.election.get(e.electionId)?.payload !== previousPayload) return false;
      this.stmts.clearCurrent.run();
      this.stmts.replaceElection.run(e.payload, e.signature, e.publishedAt, e.electionId);
      return true;
    });
  }

  // ---------------------------------------------------------------- enrolment

  insertEnrolmentCode(codeHash: string, label: string, createdAt: string, expiresAt: string): number {
    return Number(this.stmts.insertCode.run(codeHash, label, createdAt, expiresAt).lastInsertRowid);
  }

  enrolmentCodeByHash(codeHash: string) {
    const row = this.stmts.codeByHash.get(codeHash);
    return row
      ? {
          id: row.id,
          label: row.label,
          expiresAt: row.expires_at,
          usedAt: row.used_at,
          kioskId: row.kiosk_id,
        }
      : null;
  }

  enrolmentCodes(): StoredEnrolmentCode[] {
    return this.stmts.listCodes.all().map((r) => ({
      id: r.id,
      label: r.label,
      createdAt: r.created_at,
      expiresAt: r.expires_at,
      usedAt: r.used_at,
      kioskId: r.kiosk_id,
    }));
  }

  /** Inserts the kiosk (unless it exists) and marks the code used by it; call inside `immediate`. */
  enrol(
    codeId: number,
    kiosk: Pick<StoredKiosk, 'kioskId' | 'label' | 'publicKey' | 'electionId' | 'enrolledAt' | 'head'>,
  ): void {
    if (!this.stmts.kiosk.get(kiosk.kioskId))
      this.stmts.insertKiosk.run(
        kiosk.kioskId,
        kiosk.label,
        kiosk.publicKey,
        kiosk.electionId,
        kiosk.enrolledAt,
        kiosk.head,
      );
    this.stmts.useCode.run(kiosk.enrolledAt, kiosk.kioskId, codeId);
  }

  // ---------------------------------------------------------------- kiosks

  kiosk(kioskId: string): StoredKiosk | null {
    const row = this.stmts.kiosk.get(kioskId);
    return row ? kioskFromRow(row) : null;
  }

  kiosks(): StoredKiosk[] {
    return this.stmts.kiosks.all().map(kioskFromRow);
  }

  touchKiosk(kioskId: string, at: string): void {
    this.stmts.touchKiosk.run(at, kioskId);
  }

  revokeKiosk(kioskId: string): boolean {
    return this.stmts.revokeKiosk.run(kioskId).changes === 1;
  }

  /** Revokes a kiosk but keeps accepting its batches up to `seq`. */
  revokeKioskAcceptingThrough(kioskId: string, seq: number): boolean {
    return this.stmts.acceptThrough.run(seq, kioskId).changes === 1;
  }

  // ---------------------------------------------------------------- batches

  batch(kioskId: string, seq: number): StoredBatch | null {
    const row = this.stmts.batch.get(kioskId, seq);
    return row ? batchFromRow(row) : null;
  }

  /** The counted batch that carries a receipt commitment, or null. */
  receipt(commitment: string): { kioskId: string; seq: number } | null {
    const row = this.stmts.receipt.get(commitment);
    return row ? { kioskId: row.kiosk_id, seq: row.seq } : null;
  }

  /** The seq of a kiosk's real (non-training) final batch, or null while it has sent none. */
  finalBatchOf(kioskId: string): number | null {
    return this.stmts.finalBatchOf.get(kioskId)?.seq ?? null;
  }

  /** A stored batch's participation document (base64url of its bytes): server-side use only. */
  participationDocument(kioskId: string, seq: number): string | null {
    return this.stmts.participationDocument.get(kioskId, seq)?.document ?? null;
  }

  /** The participation documents of counted batches, by kiosk then seq: statistics, never exported. */
  *countedParticipationDocuments(): Generator<{ kioskId: string; seq: number; document: string }> {
    for (const r of this.stmts.participationDocumentsCounted.iterate())
      yield { kioskId: r.kiosk_id, seq: r.seq, document: r.document };
  }

  /** Stores an accepted batch and advances the kiosk's chain; call inside `immediate`. */
  storeBatch(b: NewBatch): void {
    const s = this.stmts;
    s.insertBatch.run(
      b.kioskId,
      b.seq,
      b.payload,
      b.signature,
      b.hash,
      b.receivedAt,
      b.status,
      b.ballotCount,
      b.participationCount,
      b.isFinal ? 1 : 0,
      b.dayCounts,
    );
    s.insertParticipationDocument.run(b.kioskId, b.seq, b.participationDocument);
    for (const commitment of b.receipts) s.insertReceipt.run(commitment, b.kioskId, b.seq);
    for (const token of b.tokens) s.insertToken.run(token);
    s.advanceKiosk.run(b.seq, b.hash, b.receivedAt, b.status === 'counted' ? b.ballotCount : 0, b.kioskId);
  }

  /** Keeps an equivocating envelope as evidence and flags its kiosk. */
  recordConflict(c: StoredConflict): void {
    this.immediate(() => {
      this.stmts.insertConflict.run(c.kioskId, c.seq, c.payload, c.signature, c.hash, c.receivedAt);
      this.stmts.flagKiosk.run(c.kioskId);
    });
  }

  /**
   * Counts a refused request in memory: a refusal costs no write and no disk sync of its own (a flood of
   * refused batches must not become a flood of fsyncs). The counts reach the file with `flushRejections`
   * (the server calls it inside its next group commit, every few seconds, and at close), so a crash loses
   * at most the last few seconds of counts, never a vote.
   */
  recordRejection(kioskId: string, code: string, at: string): void {
    const key = `${kioskId}\n${code}`;
    const pending = this.pendingRejections.get(key);
    if (pending) {
      pending.count += 1;
      pending.lastAt = at;
    } else this.pendingRejections.set(key, { kioskId, code, count: 1, lastAt: at });
  }

  /** Writes the counted refusals (joins the transaction in progress, if any). */
  flushRejections(): void {
    if (this.pendingRejections.size === 0) return;
    const pending = [...this.pendingRejections.values()];
    this.joinOrImmediate(() => {
      for (const r of pending) this.stmts.countRejections.run(r.kioskId, r.code, r.count, r.lastAt);
    });
    this.pendingRejections.clear();
  }

  /** Refusals by code, written and pending together. */
  rejectionTotals(): { code: string; count: number }[] {
    const totals = new Map(this.stmts.rejectionTotals.all().map((r) => [r.code, r.count]));
    for (const r of this.pendingRejections.values()) totals.set(r.code, (totals.get(r.code) ?? 0) + r.count);
    return [...totals.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([code, count]) => ({ code, count }));
  }

  conflicts(): StoredConflict[] {
    return this.stmts.conflicts.all().map((r) => ({
      kioskId: r.kiosk_id,
      seq: r.seq,
      payload: r.payload,
      signature: r.signature,
      hash: r.hash,
      receivedAt: r.received_at,
    }));
  }

  /** Counted batches stored after `afterRowId`, in storage order, for the tally's incremental load. */
  *countedBatchesAfter(afterRowId: number): Generator<{ rowId: number; kioskId: string; payload: string }> {
    for (const r of this.stmts.countedAfter.iterate(afterRowId))
      yield { rowId: r.rowid, kioskId: r.kiosk_id, payload: r.payload };
  }

  /** Every stored batch by kiosk then seq (the audit bundle's order). */
  *allBatches(): Generator<StoredBatch> {
    for (const r of this.stmts.allBatches.iterate()) yield batchFromRow(r);
  }

  batchesWithStatus(status: BatchStatus): StoredBatch[] {
    return this.stmts.batchesWithStatus.all(status).map(batchFromRow);
  }

  batchMetaOfKiosk(kioskId: string) {
    return this.stmts.batchMetaOfKiosk.all(kioskId).map((r) => ({
      seq: r.seq,
      status: r.status,
      ballotCount: r.ballot_count,
      participationCount: r.participation_count,
      isFinal: r.is_final === 1,
      dayCounts: r.day_counts,
    }));
  }

  counts(): { batches: number; ballots: number } {
    return this.stmts.counts.get() ?? { batches: 0, ballots: 0 };
  }

  // ---------------------------------------------------------------- participation register

  tokensAfter(cursor: number, limit: number): { id: number; token: string }[] {
    return this.stmts.tokensAfter.all(cursor, limit);
  }
}

interface StoredElectionRow {
  election_id: string;
  payload: string;
  signature: string;
  participation_key: string;
  published_at: string;
}

const electionFromRow = (r: StoredElectionRow): StoredElection => ({
  electionId: r.election_id,
  payload: r.payload,
  signature: r.signature,
  participationKey: r.participation_key,
  publishedAt: r.published_at,
});
