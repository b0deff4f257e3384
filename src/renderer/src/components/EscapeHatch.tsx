/**
 * The mediator's way in from any voter screen: a press held for 3 seconds on the top-left corner (touch
 * or mouse), or Ctrl + Maj + M on a keyboard, opens the mediator login over the voter's screen. An
 * ordinary tap does nothing; the login ends the voter's session only once a mediator's PIN is accepted,
 * and the voter's choices are never shown. The corner is not a control for voters: it is hidden from
 * screen readers and out of the Tab order.
 */
import { useEffect, useMemo, useState } from 'react';
import { createLongPress } from '../lib/longPress';

export const HATCH_HOLD_MS = 3000;

export function EscapeHatch({ onOpen }: { onOpen: () => void }): React.JSX.Element {
  const [pressing, setPressing] = useState(false);
  const press = useMemo(
    () =>
      createLongPress(HATCH_HOLD_MS, () => {
        setPressing(false);
        onOpen();
      }),
    [onOpen],
  );

  useEffect(() => () => press.cancel(), [press]);

  useEffect(() => {
    const chord = (e: KeyboardEvent): void => {
      if (e.ctrlKey && e.shiftKey && !e.altKey && e.key.toLowerCase() === 'm') {
        e.preventDefault();
        onOpen();
      }
    };
    document.addEventListener('keydown', chord);
    return () => document.removeEventListener('keydown', chord);
  }, [onOpen]);

  const release = (): void => {
    press.cancel();
    setPressing(false);
  };
  return (
    <div
      className={pressing ? 'escape-hatch pressing' : 'escape-hatch'}
      aria-hidden="true"
      data-testid="escape-hatch"
      onPointerDown={(e) => {
        e.currentTarget.setPointerCapture(e.pointerId);
        setPressing(true);
        press.start();
      }}
      onPointerUp={release}
      onPointerCancel={release}
      onLostPointerCapture={release}
      onContextMenu={(e) => e.preventDefault()}
    />
  );
}
