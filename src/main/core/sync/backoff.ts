/**
 * The uploader's retry policy, pure: exponential growth, jitter, a cap, never giving up. Random and
 * clock are injected by the caller so tests are exact.
 */

export interface BackoffPolicy {
  /** Delay after the first failure, in milliseconds. */
  baseMs: number;
  /** Ceiling of any delay (DESIGN: a mediator never waits more than this for an automatic retry). */
  capMs: number;
  /** Growth per consecutive failure. */
  factor: number;
}

export const defaultBackoff: BackoffPolicy = { baseMs: 1_000, capMs: 5 * 60_000, factor: 2 };

/**
 * Delay before retry number `failures` (1 = after the first failure). "Equal jitter": half the
 * exponential step is kept, the other half is random, so many kiosks coming back after the same outage
 * do not all knock at once, and no retry ever comes sooner than half its step.
 */
export function backoffDelay(failures: number, policy: BackoffPolicy, random: () => number): number {
  if (failures <= 0) return 0;
  // Exponent bounded so the intermediate value never overflows to Infinity.
  const exponent = Math.min(failures - 1, 64);
  const step = Math.min(policy.capMs, policy.baseMs * Math.pow(policy.factor, exponent));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(step / 2 + (r * step) / 2);
}
