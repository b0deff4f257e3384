/**
 * Calls `onIdle` once `ms` pass without a touch, click, key, wheel or typing anywhere on the page, while
 * `enabled`. It fires once, then waits for the next activity to start counting again.
 */
import { useEffect, useRef } from 'react';

const ACTIVITY = ['pointerdown', 'keydown', 'touchstart', 'wheel', 'input'] as const;

export function useIdle(enabled: boolean, ms: number, onIdle: () => void): void {
  const onIdleRef = useRef(onIdle);
  useEffect(() => {
    onIdleRef.current = onIdle;
  });

  useEffect(() => {
    if (!enabled) return;
    let timer: ReturnType<typeof setTimeout> | undefined = setTimeout(fire, ms);
    function fire(): void {
      timer = undefined;
      onIdleRef.current();
    }
    const activity = (): void => {
      clearTimeout(timer);
      timer = setTimeout(fire, ms);
    };
    for (const type of ACTIVITY) document.addEventListener(type, activity, { capture: true, passive: true });
    return () => {
      clearTimeout(timer);
      for (const type of ACTIVITY) document.removeEventListener(type, activity, { capture: true });
    };
  }, [enabled, ms]);
}
