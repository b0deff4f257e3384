/**
 * Moves the focus to a screen's heading when the screen appears, so a screen reader announces the new
 * screen and keyboard users start from its top.
 */
import { useEffect, useRef } from 'react';

export function useFocusOnMount<T extends HTMLElement>(): React.RefObject<T | null> {
  const ref = useRef<T>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return ref;
}
