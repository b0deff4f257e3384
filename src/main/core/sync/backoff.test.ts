/** Backoff policy: growth, jitter bounds and cap, with injected randomness. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay, defaultBackoff } from './backoff';

describe('backoffDelay', () => {
  const policy = { baseMs: 1_000, capMs: 60_000, factor: 2 };

  it('doubles per failure between half and the whole step', () => {
    expect(backoffDelay(1, policy, () => 0)).toBe(500);
    expect(backoffDelay(1, policy, () => 1)).toBe(1_000);
    expect(backoffDelay(2, policy, () => 1)).toBe(2_000);
    expect(backoffDelay(4, policy, () => 0)).toBe(4_000);
  });

  it('is capped, even after thousands of failures', () => {
    expect(backoffDelay(7, policy, () => 1)).toBe(60_000);
    expect(backoffDelay(5_000, policy, () => 1)).toBe(60_000);
    expect(backoffDelay(5_000, defaultBackoff, () => 1)).toBe(300_000);
  });

  it('no delay before any failure', () => {
    expect(backoffDelay(0, policy, () => 0.5)).toBe(0);
  });

  it('always within [step/2, step] and never above the cap', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (failures, r, baseMs, capExtra) => {
          const p = { baseMs, capMs: baseMs + capExtra, factor: 2 };
          const step = Math.min(p.capMs, baseMs * 2 ** Math.min(failures - 1, 64));
          const d = backoffDelay(failures, p, () => r);
          return d >= Math.floor(step / 2) && d <= step && d <= p.capMs;
        },
      ),
    );
  });

  it('jitter spreads kiosks apart', () => {
    const a = backoffDelay(5, policy, () => 0.1);
    const b = backoffDelay(5, policy, () => 0.9);
    expect(a).not.toBe(b);
  });
});
