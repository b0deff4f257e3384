/**
 * Rate limit of refused batches (docs/secrecy.md §7): a sender whose batches keep being refused gets 429
 * `rate_limited` before any parsing or signature check, for the rest of the minute. Counted per IP for
 * every refusal, and per kiosk id only for refusals of a batch that kiosk really signed (out of order,
 * conflict, invalid content): anyone can write a kiosk's id in a forged envelope, and that must not
 * silence the real kiosk. In memory, fixed one-minute windows, bounded in size.
 */
import type { WireErrorCode } from '../shared/errors';

/** Refusals decided before the signature was checked: they say nothing about the kiosk named. */
const UNSIGNED: ReadonlySet<string> = new Set<WireErrorCode>([
  'malformed',
  'unknown_kiosk',
  'bad_signature',
  'too_large',
  'rate_limited',
]);

/** Whether a refusal with this code was of a batch its kiosk signed. */
export const signedRefusal = (code: string): boolean => !UNSIGNED.has(code);

const WINDOW_MS = 60_000;
/** Keys kept at most; beyond, expired windows are swept, then the oldest dropped. */
const MAX_KEYS = 10_000;

export class RefusalLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly perMinute = 30,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when any of these keys has used its refusals for this minute. */
  blocked(keys: readonly string[]): boolean {
    const t = this.now();
    return keys.some((key) => {
      const w = this.windows.get(key);
      return w !== undefined && t - w.start < WINDOW_MS && w.count >= this.perMinute;
    });
  }

  note(key: string): void {
    const t = this.now();
    const w = this.windows.get(key);
    if (w && t - w.start < WINDOW_MS) {
      w.count += 1;
      return;
    }
    this.windows.delete(key);
    if (this.windows.size >= MAX_KEYS) this.sweep(t);
    this.windows.set(key, { start: t, count: 1 });
  }

  private sweep(t: number): void {
    for (const [key, w] of this.windows) if (t - w.start >= WINDOW_MS) this.windows.delete(key);
    while (this.windows.size >= MAX_KEYS) {
      const oldest = this.windows.keys().next();
      if (oldest.done) break;
      this.windows.delete(oldest.value);
    }
  }
}
