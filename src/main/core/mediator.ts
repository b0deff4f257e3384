/**
 * The mediator's space (DESIGN §2 "mediator PINs"): the PIN (stored as scrypt with a salt in `settings`,
 * never the PIN itself, never logged), the count of wrong tries and the lockout, and the mediator session
 * that unlocking opens. `allowed()` is the kiosk's mediator gate: once a PIN is set, the methods the
 * contract gives the `mediator` role refuse with `unauthorized` unless a session is open (src/shared/
 * dispatch.ts applies it from the contract's roles). Times that decide
 * (lockout, idle expiry) use a monotonic clock, so changing the wall clock cannot shorten them.
 */
import { hashSecret, verifySecret } from '../../shared/node/crypto';
import type { MediatorStatus } from '../../shared/api';
import { mediatorOnly } from '../../shared/dispatch';
import { err, ok, type Result } from '../../shared/result';
import type { AuditDetail, AuditKind } from './audit';
import { settingKeys, type KioskStore } from './store';

export const MAX_WRONG_TRIES = 5;
export const LOCKOUT_MS = 5 * 60_000;
export const MEDIATOR_IDLE_MS = 10 * 60_000;

export interface MediatorDeps {
  store: KioskStore;
  audit: (kind: AuditKind, detail?: AuditDetail) => void;
  /** Wall clock, only to tell the screen until when it is locked out. */
  now: () => Date;
  /** Monotonic milliseconds (performance.now by default): decides lockout and idle expiry. */
  monotonicMs: () => number;
}

export class MediatorGuard {
  private wrongTries = 0;
  private lockedUntilMs: number | null = null;
  /** Monotonic time of the session's last mediator action, or null when closed. */
  private lastActionMs: number | null = null;

  constructor(private readonly deps: MediatorDeps) {}

  pinSet(): boolean {
    return this.deps.store.getSetting(settingKeys.mediatorPin) !== null;
  }

  /** True while a session is open and not idle for MEDIATOR_IDLE_MS; an expired one is closed here. */
  unlocked(): boolean {
    if (this.lastActionMs === null) return false;
    if (this.deps.monotonicMs() - this.lastActionMs >= MEDIATOR_IDLE_MS) this.lastActionMs = null;
    return this.lastActionMs !== null;
  }

  private lockoutLeftMs(): number {
    if (this.lockedUntilMs === null) return 0;
    const left = this.lockedUntilMs - this.deps.monotonicMs();
    if (left > 0) return left;
    this.lockedUntilMs = null;
    this.wrongTries = 0;
    return 0;
  }

  status(): MediatorStatus {
    const left = this.lockoutLeftMs();
    return {
      pinSet: this.pinSet(),
      unlocked: this.unlocked(),
      lockedOutUntil: left > 0 ? new Date(this.deps.now().getTime() + left).toISOString() : null,
    };
  }

  /** A mediator method may run: no PIN yet (first set-up, demo), or an open session (which it refreshes). */
  allowed(): boolean {
    if (!this.pinSet()) return true;
    if (!this.unlocked()) return false;
    this.lastActionMs = this.deps.monotonicMs();
    return true;
  }

  private lockedOut(): Result<never> {
    const until = this.status().lockedOutUntil ?? '';
    return err('pin_locked', 'Trop de codes incorrects. Réessayez dans quelques minutes.', { until });
  }

  /** Checks a PIN against the stored one, counting wrong tries (the PIN itself is never journaled). */
  private check(pin: string): Result<true> {
    if (this.lockoutLeftMs() > 0) return this.lockedOut();
    const stored = this.deps.store.getSetting(settingKeys.mediatorPin);
    if (stored !== null && verifySecret(pin, stored)) {
      this.wrongTries = 0;
      return ok(true);
    }
    this.wrongTries += 1;
    this.deps.audit('mediator_unlock_refused', { tries: this.wrongTries });
    if (this.wrongTries >= MAX_WRONG_TRIES) {
      this.lockedUntilMs = this.deps.monotonicMs() + LOCKOUT_MS;
      this.deps.audit('mediator_locked_out', { minutes: LOCKOUT_MS / 60_000 });
      return this.lockedOut();
    }
    return err('unauthorized', 'Code incorrect.', { triesLeft: MAX_WRONG_TRIES - this.wrongTries });
  }

  unlock(pin: string): Result<MediatorStatus> {
    if (!this.pinSet()) return err('not_ready', 'Aucun code médiateur n’est encore choisi.');
    const checked = this.check(pin);
    if (!checked.ok) return checked;
    this.lastActionMs = this.deps.monotonicMs();
    this.deps.audit('mediator_unlocked', {});
    return ok(this.status());
  }

  lock(): Result<MediatorStatus> {
    this.lastActionMs = null;
    return ok(this.status());
  }

  /**
   * The first PIN may be set by anyone at the kiosk (right after enrolment) and opens a session; changing
   * it needs an open session and the current PIN.
   */
  setPin(pin: string, currentPin: string | undefined): Result<MediatorStatus> {
    const first = !this.pinSet();
    if (!first) {
      if (!this.allowed()) return mediatorOnly();
      const checked = this.check(currentPin ?? '');
      if (!checked.ok) return checked;
    }
    this.deps.store.transaction(() => {
      this.deps.store.setSetting(settingKeys.mediatorPin, hashSecret(pin));
      this.deps.audit('mediator_pin_set', { first });
    });
    this.lastActionMs = this.deps.monotonicMs();
    return ok(this.status());
  }
}
