/**
 * What a modal dialog does to the page while it is open: the application behind is made inert (no
 * focus, no touch, hidden from screen readers), the focus goes to `initial`, Tab and Shift+Tab go round
 * the dialog's own buttons, and the focus comes back to where it was (the button that opened the dialog)
 * once it closes.
 */
import { useEffect, type RefObject } from 'react';

const FOCUSABLE = 'button:not(:disabled), [href], input:not(:disabled), [tabindex]:not([tabindex="-1"])';

/** Tab and Shift+Tab stay inside `dialog` (the skip link and the browser are outside it). */
export function useFocusTrap(dialog: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const trap = (e: KeyboardEvent): void => {
      const box = dialog.current;
      if (e.key !== 'Tab' || !box) return;
      const items = [...box.querySelectorAll<HTMLElement>(FOCUSABLE)];
      const first = items[0];
      const last = items[items.length - 1];
      if (!first || !last) return;
      const inside = box.contains(document.activeElement);
      if (e.shiftKey && (!inside || document.activeElement === first)) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && (!inside || document.activeElement === last)) {
        e.preventDefault();
        first.focus();
      }
    };
    document.addEventListener('keydown', trap);
    return () => document.removeEventListener('keydown', trap);
  }, [dialog]);
}

export function useModal(
  dialog: RefObject<HTMLElement | null>,
  initial: RefObject<HTMLElement | null>,
): void {
  useFocusTrap(dialog);
  useEffect(() => {
    const app = document.querySelector('.app');
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const own = dialog.current;
    app?.setAttribute('inert', '');
    initial.current?.focus();
    return () => {
      // Another modal (the idle countdown) may have opened meanwhile: the page stays inert for it.
      const others = [...document.querySelectorAll('[aria-modal="true"]')].some((d) => d !== own);
      if (!others) app?.removeAttribute('inert');
      before?.focus();
    };
  }, [dialog, initial]);
}
