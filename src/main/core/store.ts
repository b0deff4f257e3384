/**
 * `KioskStore` owns every SQL statement of the kiosk core's tables (migration 0001): settings, the signed
 * election package, participations, the pulled participation register, ballots and the audit journal.
 * Domain modules call its methods with camelCase values; no SQL lives outside store classes.
 * (The sync engineer's batch tables live in their own store, sharing this connection through `db`.)
 */
import { openDatabase, type SqliteDatabase } from './db';
import { kioskMigrations } from './migrations';

/** Names of the rows of `settings`: written once here. */
export const settingKeys = {
  kioskPublicKey: 'kiosk.public_key',
  /** The kiosk's Ed25519 seed. Secret: never logged, never exported. */
  kioskPrivateKey: 'kiosk.private_key',
  label: 'kiosk.label',
  authorityPublicKey: 'authority.public_key',
  /** HMAC key of the participation token (per election). Secret. */
  participationKey: 'participation.key',
  serverUrl: 'server.url',
  training: 'training',
  /** The mediator PIN as `scrypt$N$r$p$salt$hash` (base64url): never the PIN itself. */
  mediatorPin: 'mediator.pin',
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
  castDay: string;
  batchSeq: number | null;
}

export interface BallotRow {
  id: string;
  /** Sorted project ids. */
  choices: string[];
  training: boolean;
  castDay: string;
  batchSeq: number | null;
}

export interface AuditEventRow {
  seq: number;
  at: string;
  kind: string;
  detail: string;
  prevHash: string;
  hash: string;
}

interface RawParticipation {
  token: string;
  commune_code: string;
  age_bracket: string;
  assisted: number;
  training: number;
  cast_day: string;
  batch_seq: number | null;
}

interface RawBallot {
  id: string;
  choices: string;
  training: number;
  cast_day: string;
  batch_seq: number | null;
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
      realParticipationExists: db.prepare<[string, string], { found: number }>(
        `SELECT EXISTS (SELECT 1 FROM participations WHERE token = ? AND training = 0)
             OR EXISTS (SELECT 1 FROM remote_participations WHERE token = ?) AS found`,
      ),
      participationExists: db.prepare<[string], { found: number }>(
        'SELECT EXISTS (SELECT 1 FROM participations WHERE token = ?) AS found',
      ),
      insertParticipation: db.prepare<[string, string, string, number, number, string]>(
        `INSERT INTO participations (token, commune_code, age_bracket, assisted, training, cast_day, batch_seq)
         VALUES (?, ?, ?, ?, ?, ?, NULL)`,
      ),
      insertBallot: db.prepare<[string, string, number, string]>(
        'INSERT INTO ballots (id, choices, training, cast_day, batch_seq) VALUES (?, ?, ?, ?, NULL)',
      ),
      ballotExists: db.prepare<[string], { found: number }>(
        'SELECT EXISTS (SELECT 1 FROM ballots WHERE id = ?) AS found',
      ),
      countBallots: db.prepare<[number], { n: number }>(
        'SELECT count(*) AS n FROM ballots WHERE training = ?',
      ),
      countParticipations: db.prepare<[number], { n: number }>(
        'SELECT count(*) AS n FROM participations WHERE training = ?',
      ),
      listBallots: db.prepare<[], RawBallot>(
        'SELECT id, choices, training, cast_day, batch_seq FROM ballots',
      ),
      listParticipations: db.prepare<[], RawParticipation>(
        'SELECT token, commune_code, age_bracket, assisted, training, cast_day, batch_seq FROM participations',
      ),
      insertRemote: db.prepare<[string]>('INSERT OR IGNORE INTO remote_participations (token) VALUES (?)'),
      countRemote: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM remote_participations'),
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

  // ------------------------------------------------------------ participations

  /** A real (non-training) participation with this token, here or in the register pulled from the server. */
  hasRealParticipation(token: string): boolean {
    return this.statements.realParticipationExists.get(token, token)?.found === 1;
  }

  hasParticipationToken(token: string): boolean {
    return this.statements.participationExists.get(token)?.found === 1;
  }

  insertParticipation(row: Omit<ParticipationRow, 'batchSeq'>): void {
    this.statements.insertParticipation.run(
      row.token,
      row.communeCode,
      row.ageBracket,
      bit(row.assisted),
      bit(row.training),
      row.castDay,
    );
  }

  countParticipations(training: boolean): number {
    return this.statements.countParticipations.get(bit(training))?.n ?? 0;
  }

  /** Every participation, in table (primary-key) order. */
  listParticipations(): ParticipationRow[] {
    return this.statements.listParticipations.all().map((r) => ({
      token: r.token,
      communeCode: r.commune_code,
      ageBracket: r.age_bracket,
      assisted: r.assisted === 1,
      training: r.training === 1,
      castDay: r.cast_day,
      batchSeq: r.batch_seq,
    }));
  }

  /** Merges tokens of the server's register; returns how many were new. */
  addRemoteParticipations(tokens: readonly string[]): number {
    let added = 0;
    this.transaction(() => {
      for (const token of tokens) added += this.statements.insertRemote.run(token).changes;
    });
    return added;
  }

  countRemoteParticipations(): number {
    return this.statements.countRemote.get()?.n ?? 0;
  }

  // ------------------------------------------------------------ ballots

  insertBallot(row: Omit<BallotRow, 'batchSeq'>): void {
    this.statements.insertBallot.run(row.id, JSON.stringify(row.choices), bit(row.training), row.castDay);
  }

  hasBallot(id: string): boolean {
    return this.statements.ballotExists.get(id)?.found === 1;
  }

  countBallots(training: boolean): number {
    return this.statements.countBallots.get(bit(training))?.n ?? 0;
  }

  /** Every ballot, in table (primary-key) order. */
  listBallots(): BallotRow[] {
    return this.statements.listBallots.all().map((r) => ({
      id: r.id,
      choices: JSON.parse(r.choices) as string[],
      training: r.training === 1,
      castDay: r.cast_day,
      batchSeq: r.batch_seq,
    }));
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
