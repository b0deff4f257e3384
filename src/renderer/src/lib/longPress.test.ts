/** The escape hatch's gesture: only a press held the whole time fires; a tap never does. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLongPress, throttle } from './longPress';

describe('createLongPress', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fires once after the full hold', () => {
    const fire = vi.fn();
    const press = createLongPress(3000, fire);
    press.start();
    expect(press.pressing()).toBe(true);
    vi.advanceTimersByTime(2999);
    expect(fire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fire).toHaveBeenCalledTimes(1);
    expect(press.pressing()).toBe(false);
    vi.advanceTimersByTime(10_000);
    expect(fire).toHaveBeenCalledTimes(1);
  });

  it('does nothing for a tap, or for taps that add up to more than the hold', () => {
    const fire = vi.fn();
    const press = createLongPress(3000, fire);
    for (let i = 0; i < 5; i++) {
      press.start();
      vi.advanceTimersByTime(900);
      press.cancel();
    }
    vi.advanceTimersByTime(10_000);
    expect(fire).not.toHaveBeenCalled();
  });

  it('restarts the count on a second press without releasing', () => {
    const fire = vi.fn();
    const press = createLongPress(3000, fire);
    press.start();
    vi.advanceTimersByTime(2000);
    press.start();
    vi.advanceTimersByTime(2000);
    expect(fire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1000);
    expect(fire).toHaveBeenCalledTimes(1);
  });
});

describe('throttle', () => {
  it('lets one call through per period', () => {
    let now = 0;
    const fn = vi.fn();
    const touch = throttle(60_000, fn, () => now);
    touch();
    touch();
    expect(fn).toHaveBeenCalledTimes(1);
    now = 59_999;
    touch();
    expect(fn).toHaveBeenCalledTimes(1);
    now = 60_000;
    touch();
    expect(fn).toHaveBeenCalledTimes(2);
  });
});
