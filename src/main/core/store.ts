/**
 * `KioskStore` owns every SQL statement of the kiosk core's tables: settings, the signed election
 * package, the server's register and the audit journal (migration 0001), the open sets of ballots and
 * participations not yet in a batch, this kiosk's register and the day counts (migration 0003, with the
 * assisted votes of 0005). Domain
 * modules call its methods with camelCase values; no SQL lives outside store classes. The batch tables
 * of sync (migration 0002) have their own store, sharing this connection through `db`; this one only
 * reads the sealed envelopes there (to list what a kiosk holds).
 *
 * Secrecy at rest (DESIGN §3.1, docs/secrecy.md): nothing written here may record the order of casting.
 * The open sets are one row per table and mode, a JSON array sorted by id / token and rewritten whole;
 * `secure_delete` (src/shared/node/sqlite.ts) zeroes each previous version, and `scrubJournal` empties
 * the WAL after a cast. An open ballot keeps its receipt commitment sealed under a key only the unlocked
 * kiosk has (keys.ts), so that the receipt leaves in its ballot's batch; the receipt code itself is never
 * written.
 * A sealed ballot lives only in its sorted batch envelope.
 */
import { closeSync, fdatasyncSync, fstatSync, openSync, writeSync } from 'node:fs';
import { openDatabase, type SqliteDatabase } from '../../shared/node/sqlite';
import { kioskMigrations } from './migrations';

/** Names of the rows of `settings`: written once here. */
export const settingKeys = {
  kioskPublicKey: 'kiosk.public_key',
  /** The kiosk's secret keys, sealed under the data key (keys.ts). */
  keyVault: 'keys.vault',
  /** The data key wrapped under the central team's recovery key (keys.ts). */
  recoveryWrap: 'keys.recovery_wrap',
  label: 'kiosk.label',
  authorityPublicKey: 'authority.public_key',
  /** '1' when the vault holds the participation key (the key itself is never in `settings`). */
  participationSealed: 'participation.sealed',
  serverUrl: 'server.url',
  /** The setup's progress once enrolled: `check`, then `done` (setup.ts). */
  setupState: 'setup.state',
  training: 'training',
} as const;
export type SettingKey = (typeof settingKeys)[keyof typeof settingKeys];

export interface StoredElectionPackage {
  electionId: string;
  payload: string;
  signature: string;
}

export interface ParticipationRow {
  token: string;
  communeCode: string;
  ageBracket: string;
  assisted: boolean;
  training: boolean;
  /** The cast day while open; null once sealed (a v2 batch carries no day). */
  castDay: string | null;
  /** The batch holding it, or null while it waits in the open set. */
  batchSeq: number | null;
}

export interface BallotRow {
  /** The random local sort key while open; null once sealed (a published ballot has no id). */
  id: string | null;
  /** Sorted project ids. */
  choices: string[];
  training: boolean;
  /** The cast day while open; null once sealed (a v2 batch carries no day). */
  castDay: string | null;
  /** The batch holding it, or null while it waits in the open set. */
  batchSeq: number | null;
}

/**
 * A ballot waiting in the open set (not yet sealed in a batch). `id` is a random local key that only
 * orders the set on the disk; it never leaves the kiosk and is not the receipt.
 */
export interface OpenBallot {
  id: string;
  choices: string[];
  castDay: string;
  /**
   * The receipt commitment, sealed (`KeyRing.sealReceiptLink`): never readable without the kiosk's keys.
   * Absent on a ballot carried over from schema v1 (migration 0003), which had no receipt.
   */
  receipt?: string;
}

/** A participation waiting in the open set. */
export interface OpenParticipation {
  token: string;
  communeCode: string;
  ageBracket: string;
  assisted: boolean;
  castDay: string;
}

export interface NewBallot {
  id: string;
  choices: string[];
  training: boolean;
  castDay: string;
  /** The receipt commitment, sealed (`KeyRing.sealReceiptLink`). */
  receipt: string;
}
export interface NewParticipation {
  token: string;
  communeCode: string;
  ageBracket: string;
  assisted: boolean;
  training: boolean;
  castDay: string;
}

/** The fields of a sealed batch (ballot document and participation document) read back for listings. */
interface SealedBatch {
  training: boolean;
  ballots: string[][];
  participations: Array<{ token: string; communeCode: string; ageBracket: string; assisted: boolean }>;
}

export interface AuditEventRow {
  seq: number;
  at: string;
  kind: string;
  detail: string;
  prevHash: string;
  hash: string;
}

interface RawAuditEvent {
  seq: number;
  at: string;
  kind: string;
  detail: string;
  prev_hash: string;
  hash: string;
}

const bit = (flag: boolean): number => (flag ? 1 : 0);

/** Zeros the WAL is padded to after a scrub: room for a few casts' commits without growing the file. */
const WAL_PADDING = 64 * 1024;

/** Inserts `added` into the sorted `items`, keeping them strictly ascending by `key`; throws on a repeat. */
function mergeSorted<T>(items: T[], added: readonly T[], key: (item: T) => string): T[] {
  const merged = [...items, ...added].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  for (let i = 1; i < merged.length; i++)
    if (key(merged[i - 1] as T) === key(merged[i] as T)) throw new Error('open set: duplicate key');
  return merged;
}

export class KioskStore {
  /** Shared with the sync store (same connection, same transactions). */
  readonly db: SqliteDatabase;

  private readonly statements;

  constructor(db: SqliteDatabase) {
    this.db = db;
    this.statements = {
      getSetting: db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?'),
      setSetting: db.prepare<[string, string]>(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
      getPackage: db.prepare<[], { election_id: string; payload: string; signature: string }>(
        'SELECT election_id, payload, signature FROM election_package WHERE id = 1',
      ),
      putPackage: db.prepare<[string, string, string]>(
        `INSERT INTO election_package (id, election_id, payload, signature) VALUES (1, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET election_id = excluded.election_id, payload = excluded.payload,
           signature = excluded.signature`,
      ),
      realParticipationExists: db.prepare<[{ token: string }], { found: number }>(
        `SELECT EXISTS (SELECT 1 FROM local_register WHERE token = @token)
             OR EXISTS (SELECT 1 FROM remote_participations WHERE token = @token)
             OR EXISTS (SELECT 1 FROM open_participations, json_each(open_participations.items) AS item
                        WHERE open_participations.training = 0 AND item.value ->> 'token' = @token) AS found`,
      ),
      getOpen: {
        ballots: db.prepare<[number], { items: string }>('SELECT items FROM open_ballots WHERE training = ?'),
        participations: db.prepare<[number], { items: string }>(
          'SELECT items FROM open_participations WHERE training = ?',
        ),
      },
      putOpen: {
        ballots: db.prepare<[number, string]>(
          `INSERT INTO open_ballots (training, items) VALUES (?, ?)
           ON CONFLICT (training) DO UPDATE SET items = excluded.items`,
        ),
        participations: db.prepare<[number, string]>(
          `INSERT INTO open_participations (training, items) VALUES (?, ?)
           ON CONFLICT (training) DO UPDATE SET items = excluded.items`,
        ),
      },
      countOpen: {
        ballots: db.prepare<[number], { n: number }>(
          'SELECT coalesce(json_array_length(items), 0) AS n FROM open_ballots WHERE training = ?',
        ),
        participations: db.prepare<[number], { n: number }>(
          'SELECT coalesce(json_array_length(items), 0) AS n FROM open_participations WHERE training = ?',
        ),
      },
      addDayCounts: db.prepare<
        [{ day: string; training: number; ballots: number; participations: number; assisted: number }]
      >(
        `INSERT INTO day_counts (day, training, ballots, participations, assisted)
         VALUES (@day, @training, @ballots, @participations, @assisted)
         ON CONFLICT (day, training) DO UPDATE SET ballots = ballots + excluded.ballots,
           participations = participations + excluded.participations, assisted = assisted + excluded.assisted`,
      ),
      dayCounts: db.prepare<[{ day: string; training: number }], { ballots: number; participations: number }>(
        'SELECT ballots, participations FROM day_counts WHERE day = @day AND training = @training',
      ),
      countsBetween: db.prepare<
        [{ from: string; to: string; training: number }],
        { ballots: number; participations: number; assisted: number }
      >(
        `SELECT coalesce(sum(ballots), 0) AS ballots, coalesce(sum(participations), 0) AS participations,
           coalesce(sum(assisted), 0) AS assisted
         FROM day_counts WHERE training = @training AND day BETWEEN @from AND @to`,
      ),
      ballotsBetween: db.prepare<[{ from: string; to: string; training: number }], { n: number }>(
        `SELECT coalesce(sum(ballots), 0) AS n FROM day_counts
         WHERE training = @training AND day BETWEEN @from AND @to`,
      ),
      totalCounts: db.prepare<[number], { ballots: number; participations: number }>(
        `SELECT coalesce(sum(ballots), 0) AS ballots, coalesce(sum(participations), 0) AS participations
         FROM day_counts WHERE training = ?`,
      ),
      insertLocalRegister: db.prepare<[string]>('INSERT INTO local_register (token) VALUES (?)'),
      sealedPayloads: db.prepare<[], { seq: number; envelope: string }>(
        'SELECT seq, envelope FROM batches ORDER BY seq',
      ),
      insertRemote: db.prepare<[string]>('INSERT OR IGNORE INTO remote_participations (token) VALUES (?)'),
      lastAudit: db.prepare<[], { seq: number; hash: string }>(
        'SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1',
      ),
      insertAudit: db.prepare<[number, string, string, string, string, string]>(
        'INSERT INTO audit_events (seq, at, kind, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      listAudit: db.prepare<[], RawAuditEvent>(
        'SELECT seq, at, kind, detail, prev_hash, hash FROM audit_events ORDER BY seq',
      ),
    };
  }

  /** Opens (creating and migrating) the kiosk database at `path`. */
  static open(path: string): KioskStore {
    return new KioskStore(openDatabase(path, kioskMigrations()));
  }

  /** Runs `fn` in one IMMEDIATE transaction: all of it is committed, or none of it. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  // ------------------------------------------------------------ settings

  getSetting(key: SettingKey): string | null {
    return this.statements.getSetting.get(key)?.value ?? null;
  }

  setSetting(key: SettingKey, value: string): void {
    this.statements.setSetting.run(key, value);
  }

  // ------------------------------------------------------------ election package

  getElectionPackage(): StoredElectionPackage | null {
    const row = this.statements.getPackage.get();
    return row ? { electionId: row.election_id, payload: row.payload, signature: row.signature } : null;
  }

  putElectionPackage(pkg: StoredElectionPackage): void {
    this.statements.putPackage.run(pkg.electionId, pkg.payload, pkg.signature);
  }

  // ------------------------------------------------------------ journal hygiene

  /**
   * Empties the write-ahead log into the database file and truncates it (`wal_checkpoint(TRUNCATE)`).
   * Each commit of a cast holds one new ballot beside one new participation; until this runs, the WAL
   * keeps them side by side. Called right after each cast (off the voter's critical path) and at start.
   *
   * Then it readies the next WAL, so the next voter's commit costs what it did before the scrub: a
   * fresh WAL's first commit also syncs the WAL header, so one rewrite of `user_version` to its own
   * value makes that commit here (it dirties page 1 only: file header and schema, no vote); and a
   * commit that grows the file also syncs its new size, so the WAL is padded with zeros to
   * `WAL_PADDING` bytes (SQLite stops reading a WAL at the first frame that fails its checksum, as it
   * does over any stale tail, so zeros are never read as data).
   * Returns false when a reader kept it from finishing (it is simply tried again after the next cast).
   */
  scrubJournal(): boolean {
    if (this.db.inTransaction || this.db.memory) return false;
    const [row] = this.db.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>;
    if (row?.busy !== 0) return false;
    const version = Number(this.db.pragma('user_version', { simple: true }));
    this.db.pragma(`user_version = ${version}`);
    const fd = openSync(`${this.db.name}-wal`, 'r+');
    try {
      const size = fstatSync(fd).size;
      if (size < WAL_PADDING) writeSync(fd, Buffer.alloc(WAL_PADDING - size), 0, WAL_PADDING - size, size);
      fdatasyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return true;
  }

  // ------------------------------------------------------------ one voter's vote

  /**
   * What a cast writes: the ballot (with its sealed receipt commitment) into the open set of ballots, the
   * participation into the open set of participations (each set rewritten whole, sorted), one day-count
   * row. The caller holds the transaction (ballots.ts).
   */
  insertVote(ballot: NewBallot, participation: NewParticipation): void {
    if (ballot.training !== participation.training || ballot.castDay !== participation.castDay)
      throw new Error('a vote is one ballot and one participation of the same mode and day');
    this.addOpenBallots(ballot.training, [ballot]);
    this.addOpenParticipations(participation.training, [participation]);
    this.statements.addDayCounts.run({
      day: ballot.castDay,
      training: bit(ballot.training),
      ballots: 1,
      participations: 1,
      assisted: bit(participation.assisted),
    });
  }

  // ------------------------------------------------------------ participations

  /** A real (non-training) participation with this token: sealed here, open here, or pulled from the server. */
  hasRealParticipation(token: string): boolean {
    return this.statements.realParticipationExists.get({ token })?.found === 1;
  }

  /** Merges participations into the open set of their mode, kept sorted by token (one rewrite). */
  addOpenParticipations(training: boolean, added: readonly NewParticipation[]): void {
    const items = mergeSorted(
      this.openParticipations(training),
      added.map(({ token, communeCode, ageBracket, assisted, castDay }) => ({
        token,
        communeCode,
        ageBracket,
        assisted,
        castDay,
      })),
      (p) => p.token,
    );
    this.replaceOpenParticipations(training, items);
  }

  /** The open (not yet sealed) participations of one mode, ascending by token. */
  openParticipations(training: boolean): OpenParticipation[] {
    return this.readOpen<OpenParticipation>('participations', training);
  }

  /** Replaces the open set of real or training participations (sealing takes a batch off it). */
  replaceOpenParticipations(training: boolean, items: readonly OpenParticipation[]): void {
    this.statements.putOpen.participations.run(bit(training), JSON.stringify(items));
  }

  countOpenParticipations(training: boolean): number {
    return this.statements.countOpen.participations.get(bit(training))?.n ?? 0;
  }

  /** Records sealed tokens: they keep refusing a second vote once the open set no longer holds them. */
  addToLocalRegister(tokens: readonly string[]): void {
    for (const token of [...tokens].sort()) this.statements.insertLocalRegister.run(token);
  }

  /**
   * Every participation still on the kiosk: the open sets, then those sealed in stored batches (their
   * cast day is the batch's day). For tests and diagnostics: sealed ones are decoded from the envelopes.
   */
  listParticipations(): ParticipationRow[] {
    const rows: ParticipationRow[] = [];
    for (const training of [false, true])
      for (const p of this.openParticipations(training)) rows.push({ ...p, training, batchSeq: null });
    for (const { seq, batch } of this.sealedBatches())
      for (const p of batch.participations)
        rows.push({ ...p, training: batch.training, castDay: null, batchSeq: seq });
    return rows;
  }

  /** Merges tokens of the server's register; returns how many were new. */
  addRemoteParticipations(tokens: readonly string[]): number {
    let added = 0;
    this.transaction(() => {
      for (const token of tokens) added += this.statements.insertRemote.run(token).changes;
    });
    return added;
  }

  // ------------------------------------------------------------ ballots

  /** Merges ballots into the open set of their mode, kept sorted by id (one rewrite). */
  addOpenBallots(training: boolean, added: readonly NewBallot[]): void {
    const items = mergeSorted(
      this.openBallots(training),
      added.map(({ id, choices, castDay, receipt }) => ({ id, choices: [...choices], castDay, receipt })),
      (b) => b.id,
    );
    this.replaceOpenBallots(training, items);
  }

  /** The open (not yet sealed) ballots of one mode, ascending by id. */
  openBallots(training: boolean): OpenBallot[] {
    return this.readOpen<OpenBallot>('ballots', training);
  }

  /** Replaces the open set of real or training ballots (sealing takes a batch off it). */
  replaceOpenBallots(training: boolean, items: readonly OpenBallot[]): void {
    this.statements.putOpen.ballots.run(bit(training), JSON.stringify(items));
  }

  countOpenBallots(training: boolean): number {
    return this.statements.countOpen.ballots.get(bit(training))?.n ?? 0;
  }

  /** Ballots cast on this kiosk in this mode, sealed or not (from the day counts). */
  countBallots(training: boolean): number {
    return this.statements.totalCounts.get(bit(training))?.ballots ?? 0;
  }

  /** Ballots cast in this mode on the days `from` to `to` (YYYY-MM-DD, both included). */
  countBallotsBetween(from: string, to: string, training: boolean): number {
    return this.statements.ballotsBetween.get({ from, to, training: bit(training) })?.n ?? 0;
  }

  /** Ballots and participations cast on `day` in this mode. */
  dayCounts(day: string, training: boolean): { ballots: number; participations: number } {
    return (
      this.statements.dayCounts.get({ day, training: bit(training) }) ?? { ballots: 0, participations: 0 }
    );
  }

  /** Ballots, participations and assisted votes cast in this mode on the days `from` to `to` (both included). */
  countsBetween(
    from: string,
    to: string,
    training: boolean,
  ): { ballots: number; participations: number; assisted: number } {
    return (
      this.statements.countsBetween.get({ from, to, training: bit(training) }) ?? {
        ballots: 0,
        participations: 0,
        assisted: 0,
      }
    );
  }

  /**
   * Every ballot still on the kiosk: the open sets, then those sealed in stored batches (their cast day
   * is the batch's day). For tests and diagnostics: sealed ones are decoded from the envelopes.
   */
  listBallots(): BallotRow[] {
    const rows: BallotRow[] = [];
    for (const training of [false, true])
      for (const { id, choices, castDay } of this.openBallots(training))
        rows.push({ id, choices, castDay, training, batchSeq: null });
    for (const { seq, batch } of this.sealedBatches())
      for (const choices of batch.ballots)
        rows.push({ id: null, choices, training: batch.training, castDay: null, batchSeq: seq });
    return rows;
  }

  private readOpen<T>(set: 'ballots' | 'participations', training: boolean): T[] {
    const row = this.statements.getOpen[set].get(bit(training));
    return row ? (JSON.parse(row.items) as T[]) : [];
  }

  private sealedBatches(): Array<{ seq: number; batch: SealedBatch }> {
    const decode = <T>(text: string): T => JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as T;
    return this.statements.sealedPayloads.all().map(({ seq, envelope }) => {
      const { payload, participations } = JSON.parse(envelope) as { payload: string; participations: string };
      const ballots = decode<{ training: boolean; ballots: string[][] }>(payload);
      const items = decode<{ items: SealedBatch['participations'] }>(participations).items;
      return { seq, batch: { training: ballots.training, ballots: ballots.ballots, participations: items } };
    });
  }

  // ------------------------------------------------------------ audit journal

  lastAuditEvent(): { seq: number; hash: string } | null {
    return this.statements.lastAudit.get() ?? null;
  }

  insertAuditEvent(row: AuditEventRow): void {
    this.statements.insertAudit.run(row.seq, row.at, row.kind, row.detail, row.prevHash, row.hash);
  }

  listAuditEvents(): AuditEventRow[] {
    return this.statements.listAudit.all().map((r) => ({
      seq: r.seq,
      at: r.at,
      kind: r.kind,
      detail: r.detail,
      prevHash: r.prev_hash,
      hash: r.hash,
    }));
  }
}
