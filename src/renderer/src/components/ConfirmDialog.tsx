/**
 * A modal alert dialog over the whole page: the "are you sure?" of the voter's "Abandonner" and the
 * mediator's "Clôturer la journée", and, without a confirm button, the explanation of a refused 4th
 * pick. The application behind is made inert, the focus goes to the safe choice (the cancel / close
 * button), Escape does the same as it, and the focus goes back to the control that opened it.
 */
import { useRef, type ReactNode } from 'react';
import { Modal } from './Modal';

interface ConfirmDialogProps {
  title: string;
  text: ReactNode;
  /** The safe choice: focused first, and what Escape does. */
  cancelLabel: string;
  onCancel: () => void;
  /** The action asked about; without it the dialog only explains (one button). */
  confirmLabel?: string;
  onConfirm?: () => void;
}

export function ConfirmDialog({
  title,
  text,
  cancelLabel,
  onCancel,
  confirmLabel,
  onConfirm,
}: ConfirmDialogProps): React.JSX.Element {
  const cancelRef = useRef<HTMLButtonElement>(null);
  return (
    <Modal
      role="alertdialog"
      className="dialog"
      labelledBy="confirm-title"
      describedBy="confirm-text"
      initialFocus={cancelRef}
      onCancel={onCancel}
    >
      <h2 id="confirm-title">{title}</h2>
      <p id="confirm-text" className="lead">
        {text}
      </p>
      <div className="actions">
        {confirmLabel && onConfirm && (
          <button type="button" className="button secondary" onClick={onConfirm}>
            {confirmLabel}
          </button>
        )}
        <button type="button" ref={cancelRef} className="button primary big" onClick={onCancel}>
          {cancelLabel}
        </button>
      </div>
    </Modal>
  );
}
