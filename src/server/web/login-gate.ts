/**
 * The global budget of admin logins (docs/secrecy.md §7): each attempt costs a 16 MiB scrypt, so however
 * many addresses a flood comes from, at most `maxInFlight` run at once and at most `perSecond` start in
 * any second; the others are refused at once (429), before any work. The per-IP limit sits in front of
 * it (the login route's rate limit); this one is what holds against many addresses.
 */

export interface LoginGateOptions {
  /** Password checks running at the same time (default 2). */
  maxInFlight?: number;
  /** Password checks started per second, all addresses together (default 2). */
  perSecond?: number;
  now?: () => number;
}

export class LoginGate {
  private inFlight = 0;
  private windowStart = 0;
  private startedInWindow = 0;
  private readonly maxInFlight: number;
  private readonly perSecond: number;
  private readonly now: () => number;

  constructor(options: LoginGateOptions = {}) {
    this.maxInFlight = options.maxInFlight ?? 2;
    this.perSecond = options.perSecond ?? 2;
    this.now = options.now ?? Date.now;
  }

  /** Runs `check` within the budget; `null` when the budget is spent (the caller answers 429). */
  async run<T>(check: () => T | Promise<T>): Promise<T | null> {
    const t = this.now();
    if (t - this.windowStart >= 1000) {
      this.windowStart = t;
      this.startedInWindow = 0;
    }
    if (this.inFlight >= this.maxInFlight || this.startedInWindow >= this.perSecond) return null;
    this.inFlight += 1;
    this.startedInWindow += 1;
    try {
      return await check();
    } finally {
      this.inFlight -= 1;
    }
  }
}
