/**
 * The mediators' accounts and session (docs/counter-day.md, docs/secrecy.md §5): named accounts with a
 * PIN of 6 digits or more (scrypt, off the event loop), each holding the kiosk's data key wrapped under
 * its PIN, so unlocking a session is also what opens the kiosk's keys (keys.ts).
 *
 * Lockout: after MAX_WRONG_TRIES wrong PINs the account refuses PINs for 1 minute, and each further
 * lockout in a row doubles it (2, 4, 8 … capped at 24 h); a right PIN starts again from 1 minute. The
 * state lives in `mediator_accounts`, so a restart cannot reset it. Within a run a lockout holds by the
 * wall clock AND by a monotonic deadline, so moving the clock forward does not shorten it; across a
 * restart only the stored wall time remains (a monotonic clock does not survive one), which is why the
 * kiosk's clock belongs to the locked-down machine and not to anyone at the counter.
 *
 * Accounts are added and removed by an unlocked mediator. Nobody removes their own account, so the last
 * account can never go (another one would have to remove it); a lost PIN goes through the central team's
 * reset (mediator-recovery.ts), never through a PIN printed on the kiosk.
 *
 * The session ends after MEDIATOR_IDLE_MS without a mediator action (monotonic clock). When it ends, by
 * the mediator or by idleness, the keys are dropped too unless the day is open or paused or training is
 * on (`keepKeys`).
 */
import { randomBytes } from 'node:crypto';
import type { MediatorStatus } from '../../shared/api';
import { err, ok, type Result } from '../../shared/result';
import type { Audit } from './context';
import { checkPin, derivePin, PIN_KDF_LOG_N, unwrapUnderPin, wrapUnderPin, type KeyRing } from './keys';
import type { MediatorAccountRow, MediatorStore } from './mediator-store';
import type { KioskStore } from './store';

export const MAX_WRONG_TRIES = 5;
export const FIRST_LOCKOUT_MS = 60_000;
export const MAX_LOCKOUT_MS = 24 * 3_600_000;
export const MEDIATOR_IDLE_MS = 10 * 60_000;

/** The n-th lockout in a row (n ≥ 1) lasts 1 minute × 2^(n−1), at most 24 h. */
export const lockoutMs = (n: number): number =>
  Math.min(FIRST_LOCKOUT_MS * 2 ** Math.max(0, Math.min(n - 1, 30)), MAX_LOCKOUT_MS);

export interface MediatorDeps {
  store: KioskStore;
  accounts: MediatorStore;
  keys: KeyRing;
  audit: Audit;
  /** Wall clock: the stored lockout time and what the screen shows. */
  now: () => Date;
  /** Monotonic milliseconds (performance.now by default): idle expiry and the in-run lockout guard. */
  monotonicMs: () => number;
  /** The keys stay in memory after the session ends (day open or paused, training on). */
  keepKeys: () => boolean;
  /** scrypt cost of PINs (2^logN); tests lower it. */
  pinKdfLogN?: number;
}

const WRONG_PIN = 'Code incorrect.';
const LOCKED = 'Trop de codes incorrects. Réessayez plus tard.';

export class MediatorAccounts {
  /** The open session: its account and the monotonic time of its last action. */
  private session: { accountId: string; lastActionMs: number } | null = null;
  /** Monotonic lockout deadlines of this run, by account. */
  private readonly lockDeadlines = new Map<string, number>();
  /** PIN checks run one at a time, so parallel guesses cannot outrun the count of wrong tries. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: MediatorDeps) {}

  private get logN(): number {
    return this.deps.pinKdfLogN ?? PIN_KDF_LOG_N;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  hasAccounts(): boolean {
    return this.deps.accounts.count() > 0;
  }

  /** The account whose session is open, or null; an idle session is ended here. */
  currentId(): string | null {
    if (this.session && this.deps.monotonicMs() - this.session.lastActionMs >= MEDIATOR_IDLE_MS) {
      this.deps.audit('mediator_session_expired', { accountId: this.session.accountId });
      this.endSession();
    }
    return this.session?.accountId ?? null;
  }

  /** A mediator method may run: a session is open (the call refreshes it). */
  allowed(): boolean {
    if (this.currentId() === null || !this.session) return false;
    this.session.lastActionMs = this.deps.monotonicMs();
    return true;
  }

  private endSession(): void {
    this.session = null;
    if (!this.deps.keepKeys()) this.deps.keys.lock();
  }

  private openSession(accountId: string): void {
    this.session = { accountId, lastActionMs: this.deps.monotonicMs() };
  }

  /** Until when `row` refuses PINs (wall clock and this run's monotonic guard), or null. */
  private lockedUntil(row: MediatorAccountRow): Date | null {
    const now = this.deps.now().getTime();
    const stored = row.lockedUntil ? Date.parse(row.lockedUntil) : 0;
    const deadline = this.lockDeadlines.get(row.id);
    const monotonicLeft = deadline === undefined ? 0 : deadline - this.deps.monotonicMs();
    const until = Math.max(stored, now + Math.max(0, monotonicLeft));
    return until > now ? new Date(until) : null;
  }

  status(): MediatorStatus {
    const currentId = this.currentId();
    const rows = this.deps.accounts.list();
    const current = rows.find((r) => r.id === currentId);
    return {
      accounts: rows.map((r) => ({
        id: r.id,
        name: r.name,
        lockedOutUntil: this.lockedUntil(r)?.toISOString() ?? null,
      })),
      current: current ? { id: current.id, name: current.name } : null,
    };
  }

  /** Checks `pin` for `row`, counting wrong tries and lockouts; the wrap key when right. */
  private async check(row: MediatorAccountRow, pin: string): Promise<Result<Buffer>> {
    const locked = this.lockedUntil(row);
    if (locked) return err('pin_locked', LOCKED, { until: locked.toISOString() });
    const wrapKey = await checkPin(pin, row.pinHash);
    if (wrapKey) {
      if (row.wrongTries !== 0 || row.lockouts !== 0 || row.lockedUntil !== null)
        this.deps.accounts.setTries(row.id, 0, 0, null);
      this.lockDeadlines.delete(row.id);
      return ok(wrapKey);
    }
    const tries = row.wrongTries + 1;
    if (tries < MAX_WRONG_TRIES) {
      this.deps.store.transaction(() => {
        this.deps.accounts.setTries(row.id, tries, row.lockouts, row.lockedUntil);
        this.deps.audit('mediator_unlock_refused', { accountId: row.id, tries });
      });
      return err('unauthorized', WRONG_PIN, { triesLeft: MAX_WRONG_TRIES - tries });
    }
    const lockouts = row.lockouts + 1;
    const ms = lockoutMs(lockouts);
    const until = new Date(this.deps.now().getTime() + ms).toISOString();
    this.deps.store.transaction(() => {
      this.deps.accounts.setTries(row.id, 0, lockouts, until);
      this.deps.audit('mediator_locked_out', { accountId: row.id, minutes: ms / 60_000 });
    });
    this.lockDeadlines.set(row.id, this.deps.monotonicMs() + ms);
    return err('pin_locked', LOCKED, { until });
  }

  private async newAccount(name: string, pin: string, dataKey: Buffer): Promise<MediatorAccountRow> {
    const derived = await derivePin(pin, this.logN);
    return {
      id: randomBytes(8).toString('hex'),
      name,
      pinHash: derived.pinHash,
      wrappedDataKey: wrapUnderPin(dataKey, derived.wrapKey),
      wrongTries: 0,
      lockouts: 0,
      lockedUntil: null,
      createdAt: this.deps.now().toISOString(),
    };
  }

  /** The first account (first step of the setup): seals the pending keys under its PIN, opens a session. */
  createFirst(name: string, pin: string): Promise<Result<MediatorStatus>> {
    return this.serial(async () => {
      if (this.hasAccounts() || !this.deps.keys.pending())
        return err('setup_done', 'Ce kiosque a déjà un compte médiateur.');
      const derived = await derivePin(pin, this.logN);
      const row: MediatorAccountRow = {
        id: randomBytes(8).toString('hex'),
        name,
        pinHash: derived.pinHash,
        wrappedDataKey: '',
        wrongTries: 0,
        lockouts: 0,
        lockedUntil: null,
        createdAt: this.deps.now().toISOString(),
      };
      this.deps.store.transaction(() => {
        const dataKey = this.deps.keys.sealPending();
        this.deps.accounts.insert({ ...row, wrappedDataKey: wrapUnderPin(dataKey, derived.wrapKey) });
        this.deps.audit('mediator_account_created', { accountId: row.id, first: true });
      });
      this.openSession(row.id);
      return ok(this.status());
    });
  }

  unlock(accountId: string, pin: string): Promise<Result<MediatorStatus>> {
    return this.serial(async () => {
      const row = this.deps.accounts.get(accountId);
      if (!row) return err('account_unknown', 'Ce compte médiateur n’existe pas.');
      const checked = await this.check(row, pin);
      if (!checked.ok) return checked;
      if (!this.deps.keys.pending()) {
        const dataKey = unwrapUnderPin(row.wrappedDataKey, checked.value);
        if (!dataKey || !this.deps.keys.unlock(dataKey))
          return err(
            'internal',
            'Les clés du kiosque ne s’ouvrent pas avec ce compte. Appelez l’équipe centrale.',
          );
      }
      this.openSession(row.id);
      this.deps.audit('mediator_unlocked', { accountId: row.id });
      return ok(this.status());
    });
  }

  lock(): Result<MediatorStatus> {
    const id = this.currentId();
    if (id) this.deps.audit('mediator_locked', { accountId: id });
    this.endSession();
    return ok(this.status());
  }

  /** A new account, holding the data key under its own PIN (the keys must be open). */
  add(name: string, pin: string): Promise<Result<MediatorStatus>> {
    return this.serial(async () => {
      const dataKey = this.deps.keys.dataKey();
      if (!dataKey.ok) return dataKey;
      const row = await this.newAccount(name, pin, dataKey.value);
      this.deps.store.transaction(() => {
        this.deps.accounts.insert(row);
        this.deps.audit('mediator_account_created', { accountId: row.id, by: this.currentId() ?? '' });
      });
      return ok(this.status());
    });
  }

  remove(accountId: string): Result<MediatorStatus> {
    const me = this.currentId();
    if (accountId === me) return err('invalid_input', 'Un autre médiateur doit retirer votre compte.');
    if (!this.deps.accounts.get(accountId))
      return err('account_unknown', 'Ce compte médiateur n’existe pas.');
    if (this.deps.accounts.count() <= 1)
      return err('last_account', 'Le dernier compte médiateur ne peut pas être retiré.');
    this.deps.store.transaction(() => {
      this.deps.accounts.remove(accountId);
      this.deps.audit('mediator_account_removed', { accountId, by: me ?? '' });
    });
    return ok(this.status());
  }

  changePin(currentPin: string, pin: string): Promise<Result<MediatorStatus>> {
    return this.serial(async () => {
      const id = this.currentId();
      const row = id ? this.deps.accounts.get(id) : null;
      if (!row) return err('unauthorized', 'Espace réservé au médiateur : saisissez le code.');
      const checked = await this.check(row, currentPin);
      if (!checked.ok) return checked;
      const dataKey = unwrapUnderPin(row.wrappedDataKey, checked.value);
      if (!dataKey) return err('internal', 'Les clés du kiosque ne s’ouvrent pas avec ce compte.');
      const fresh = await this.newAccount(row.name, pin, dataKey);
      this.deps.store.transaction(() => {
        this.deps.accounts.setPin(row.id, fresh.pinHash, fresh.wrappedDataKey);
        this.deps.audit('mediator_pin_changed', { accountId: row.id });
      });
      return ok(this.status());
    });
  }

  /**
   * The central team's reset (mediator-recovery.ts has checked it and unwrapped `dataKey`): every account
   * goes, the new one holds the data key, its session opens. `commit` runs in the same transaction (the
   * reset's nonce).
   */
  replaceAll(
    name: string,
    pin: string,
    dataKey: Buffer,
    commit: () => void,
  ): Promise<Result<MediatorStatus>> {
    return this.serial(async () => {
      if (!this.deps.keys.unlock(dataKey))
        return err('reset_invalid', 'Ce document de secours n’ouvre pas les clés de ce kiosque.');
      const row = await this.newAccount(name, pin, dataKey);
      this.deps.store.transaction(() => {
        const removed = this.deps.accounts.count();
        this.deps.accounts.removeAll();
        this.deps.accounts.insert(row);
        commit();
        this.deps.audit('mediator_accounts_reset', { accountId: row.id, removed });
      });
      this.lockDeadlines.clear();
      this.openSession(row.id);
      return ok(this.status());
    });
  }
}
