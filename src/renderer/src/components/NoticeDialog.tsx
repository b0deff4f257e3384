/**
 * A modal explanation with one button (the 4th pick refused): over the whole page, so it is in view
 * whatever the text size and wherever the voter scrolled; the focus on its button, Escape or the button
 * closes it, and the focus goes back to the control that caused it.
 */
import { useRef, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { useModal } from './useModal';

interface NoticeDialogProps {
  title: string;
  children: ReactNode;
  closeLabel: string;
  onClose: () => void;
}

export function NoticeDialog({ title, children, closeLabel, onClose }: NoticeDialogProps): React.JSX.Element {
  const closeRef = useRef<HTMLButtonElement>(null);
  const dialogRef = useRef<HTMLDivElement>(null);
  useModal(dialogRef, closeRef);
  return createPortal(
    <div className="overlay">
      <div
        ref={dialogRef}
        className="dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="notice-title"
        aria-describedby="notice-text"
        onKeyDown={(e) => {
          if (e.key === 'Escape') onClose();
        }}
      >
        <h2 id="notice-title">{title}</h2>
        <p id="notice-text" className="lead">
          {children}
        </p>
        <div className="actions">
          <button type="button" ref={closeRef} className="button primary big" onClick={onClose}>
            {closeLabel}
          </button>
        </div>
      </div>
    </div>,
    document.body,
  );
}
