/**
 * The escape hatch's gesture: a press held for `ms` fires once; releasing, leaving or cancelling before
 * that does nothing, so an ordinary tap (or a slide across the corner) never opens anything.
 */
export interface LongPress {
  start: () => void;
  cancel: () => void;
  /** A press is being held and has not fired yet. */
  pressing: () => boolean;
}

export interface Timers {
  set: (fn: () => void, ms: number) => ReturnType<typeof setTimeout>;
  clear: (timer: ReturnType<typeof setTimeout>) => void;
}

// Wrapped: a browser's setTimeout called as another object's method throws "Illegal invocation".
const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (timer) => clearTimeout(timer),
};

export function createLongPress(ms: number, onFire: () => void, timers: Timers = realTimers): LongPress {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    start: () => {
      if (timer !== undefined) timers.clear(timer);
      timer = timers.set(() => {
        timer = undefined;
        onFire();
      }, ms);
    },
    cancel: () => {
      if (timer !== undefined) timers.clear(timer);
      timer = undefined;
    },
    pressing: () => timer !== undefined,
  };
}

/** Calls `fn` at most once per `ms` (the first call goes through at once), by the clock given. */
export function throttle(ms: number, fn: () => void, now: () => number = Date.now): () => void {
  let last = -Infinity;
  return () => {
    const t = now();
    if (t - last < ms) return;
    last = t;
    fn();
  };
}
