/**
 * `MediatorStore` owns the SQL of the mediator accounts and of the used reset nonces (migration 0004),
 * sharing the kiosk store's connection and transactions.
 */
import type { SqliteDatabase } from '../../shared/node/sqlite';

export interface MediatorAccountRow {
  id: string;
  name: string;
  pinHash: string;
  wrappedDataKey: string;
  wrongTries: number;
  lockouts: number;
  /** ISO time (kiosk clock) until which the account refuses PINs, or null. */
  lockedUntil: string | null;
  createdAt: string;
}

interface RawAccount {
  id: string;
  name: string;
  pin_hash: string;
  wrapped_data_key: string;
  wrong_tries: number;
  lockouts: number;
  locked_until: string | null;
  created_at: string;
}

const fromRaw = (r: RawAccount): MediatorAccountRow => ({
  id: r.id,
  name: r.name,
  pinHash: r.pin_hash,
  wrappedDataKey: r.wrapped_data_key,
  wrongTries: r.wrong_tries,
  lockouts: r.lockouts,
  lockedUntil: r.locked_until,
  createdAt: r.created_at,
});

export class MediatorStore {
  private readonly statements;

  constructor(db: SqliteDatabase) {
    this.statements = {
      list: db.prepare<[], RawAccount>('SELECT * FROM mediator_accounts ORDER BY created_at, rowid'),
      get: db.prepare<[string], RawAccount>('SELECT * FROM mediator_accounts WHERE id = ?'),
      count: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM mediator_accounts'),
      insert: db.prepare<[MediatorAccountRow]>(
        `INSERT INTO mediator_accounts
           (id, name, pin_hash, wrapped_data_key, wrong_tries, lockouts, locked_until, created_at)
         VALUES (@id, @name, @pinHash, @wrappedDataKey, @wrongTries, @lockouts, @lockedUntil, @createdAt)`,
      ),
      remove: db.prepare<[string]>('DELETE FROM mediator_accounts WHERE id = ?'),
      removeAll: db.prepare<[]>('DELETE FROM mediator_accounts'),
      setTries: db.prepare<
        [{ id: string; wrongTries: number; lockouts: number; lockedUntil: string | null }]
      >(
        `UPDATE mediator_accounts SET wrong_tries = @wrongTries, lockouts = @lockouts,
           locked_until = @lockedUntil WHERE id = @id`,
      ),
      setPin: db.prepare<[{ id: string; pinHash: string; wrappedDataKey: string }]>(
        'UPDATE mediator_accounts SET pin_hash = @pinHash, wrapped_data_key = @wrappedDataKey WHERE id = @id',
      ),
      nonceUsed: db.prepare<[string], { found: number }>(
        'SELECT EXISTS (SELECT 1 FROM mediator_reset_nonces WHERE nonce = ?) AS found',
      ),
      useNonce: db.prepare<[string, string]>(
        'INSERT INTO mediator_reset_nonces (nonce, used_at) VALUES (?, ?)',
      ),
    };
  }

  list(): MediatorAccountRow[] {
    return this.statements.list.all().map(fromRaw);
  }

  get(id: string): MediatorAccountRow | null {
    const row = this.statements.get.get(id);
    return row ? fromRaw(row) : null;
  }

  count(): number {
    return this.statements.count.get()?.n ?? 0;
  }

  insert(row: MediatorAccountRow): void {
    this.statements.insert.run(row);
  }

  remove(id: string): void {
    this.statements.remove.run(id);
  }

  removeAll(): void {
    this.statements.removeAll.run();
  }

  setTries(id: string, wrongTries: number, lockouts: number, lockedUntil: string | null): void {
    this.statements.setTries.run({ id, wrongTries, lockouts, lockedUntil });
  }

  setPin(id: string, pinHash: string, wrappedDataKey: string): void {
    this.statements.setPin.run({ id, pinHash, wrappedDataKey });
  }

  nonceUsed(nonce: string): boolean {
    return this.statements.nonceUsed.get(nonce)?.found === 1;
  }

  useNonce(nonce: string, at: string): void {
    this.statements.useNonce.run(nonce, at);
  }
}
