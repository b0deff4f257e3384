/**
 * A modal "are you sure?" dialog (the voter's "Abandonner", the mediator's "Clôturer la journée"):
 * rendered over the whole page, the application behind it made inert, the focus on the safe choice
 * ("No"), Escape cancels.
 */
import { useRef } from 'react';
import { createPortal } from 'react-dom';
import { useModal } from './useModal';

interface ConfirmDialogProps {
  title: string;
  text: string;
  confirmLabel: string;
  cancelLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
}

export function ConfirmDialog({
  title,
  text,
  confirmLabel,
  cancelLabel,
  onConfirm,
  onCancel,
}: ConfirmDialogProps): React.JSX.Element {
  const cancelRef = useRef<HTMLButtonElement>(null);
  const dialogRef = useRef<HTMLDivElement>(null);
  useModal(dialogRef, cancelRef);
  return createPortal(
    <div className="overlay">
      <div
        ref={dialogRef}
        className="dialog"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="confirm-title"
        aria-describedby="confirm-text"
        onKeyDown={(e) => {
          if (e.key === 'Escape') onCancel();
        }}
      >
        <h2 id="confirm-title">{title}</h2>
        <p id="confirm-text" className="lead">
          {text}
        </p>
        <div className="actions">
          <button type="button" className="button secondary" onClick={onConfirm}>
            {confirmLabel}
          </button>
          <button type="button" ref={cancelRef} className="button primary big" onClick={onCancel}>
            {cancelLabel}
          </button>
        </div>
      </div>
    </div>,
    document.body,
  );
}
