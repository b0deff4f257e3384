/**
 * The cheap-DoS budgets on their own: the global login gate (at most N password checks at once and M
 * started per second, the rest refused before any work) and the refused-batch limiter (per IP always,
 * per kiosk only for refusals of batches that kiosk signed).
 */
import { describe, expect, it } from 'vitest';
import { verifySecretAsync, hashSecret, verifySecret } from '../../../src/shared/node/crypto';
import { RefusalLimiter, signedRefusal } from '../../../src/server/refusal-limit';
import { LoginGate } from '../../../src/server/web/login-gate';

describe('login gate', () => {
  it('runs at most maxInFlight checks at once and refuses the others without running them', async () => {
    const gate = new LoginGate({ maxInFlight: 2, perSecond: 100 });
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let started = 0;
    const check = async () => {
      started += 1;
      await held;
      return true;
    };
    const outcomes = [gate.run(check), gate.run(check), gate.run(check), gate.run(check)];
    expect(started).toBe(2);
    release();
    expect(await Promise.all(outcomes)).toEqual([true, true, null, null]);
    expect(await gate.run(() => false)).toBe(false); // the budget is back once they finished
  });

  it('starts at most perSecond checks in a second, then again in the next', async () => {
    let t = 10_000;
    const gate = new LoginGate({ maxInFlight: 10, perSecond: 3, now: () => t });
    const runs = await Promise.all([1, 2, 3, 4, 5].map(() => gate.run(() => true)));
    expect(runs.filter((r) => r === null)).toHaveLength(2);
    t += 999;
    expect(await gate.run(() => true)).toBeNull();
    t += 1;
    expect(await gate.run(() => true)).toBe(true);
  });

  it('checks a password off the event loop with the same answer as the synchronous check', async () => {
    const stored = hashSecret('correct horse');
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 0);
    const [good, bad] = await Promise.all([
      verifySecretAsync('correct horse', stored),
      verifySecretAsync('wrong', stored),
    ]);
    clearInterval(timer);
    expect([good, bad]).toEqual([verifySecret('correct horse', stored), verifySecret('wrong', stored)]);
    expect([good, bad]).toEqual([true, false]);
    expect(ticks).toBeGreaterThan(0); // the loop turned while scrypt ran
    expect(await verifySecretAsync('x', null)).toBe(false);
    expect(await verifySecretAsync('x', 'scrypt$1$2')).toBe(false);
  });
});

describe('refused batch limiter', () => {
  it('blocks a key after perMinute refusals, for the rest of its minute', () => {
    let t = 0;
    const limiter = new RefusalLimiter(3, () => t);
    for (let i = 0; i < 3; i++) {
      expect(limiter.blocked(['ip:a'])).toBe(false);
      limiter.note('ip:a');
    }
    expect(limiter.blocked(['ip:a'])).toBe(true);
    expect(limiter.blocked(['ip:b', 'kiosk:k'])).toBe(false);
    expect(limiter.blocked(['ip:b', 'ip:a'])).toBe(true);
    t += 60_000;
    expect(limiter.blocked(['ip:a'])).toBe(false);
  });

  it('counts against a kiosk only the refusals of batches it signed', () => {
    for (const code of ['malformed', 'unknown_kiosk', 'bad_signature', 'too_large', 'rate_limited'])
      expect(signedRefusal(code)).toBe(false);
    for (const code of ['out_of_order', 'conflict', 'invalid_content'])
      expect(signedRefusal(code)).toBe(true);
  });
});
