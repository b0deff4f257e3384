/**
 * A modal dialog holding a small form (pause until…, close the day with a note, note an incident): the
 * application behind is inert, the focus starts on the first field, Escape cancels, and the focus goes
 * back to the button that opened it.
 */
import { useLayoutEffect, useRef, type ReactNode } from 'react';
import { Modal } from './Modal';

interface FormDialogProps {
  title: string;
  children: ReactNode;
  submitLabel: string;
  cancelLabel: string;
  onSubmit: () => void;
  onCancel: () => void;
  busy?: boolean;
  /** The dialog's own test id, for the specs. */
  testId?: string;
}

export function FormDialog({
  title,
  children,
  submitLabel,
  cancelLabel,
  onSubmit,
  onCancel,
  busy = false,
  testId,
}: FormDialogProps): React.JSX.Element {
  const bodyRef = useRef<HTMLDivElement>(null);
  const firstRef = useRef<HTMLElement>(null);
  // The first field gets the focus (set before the Modal's effect reads it).
  useLayoutEffect(() => {
    firstRef.current =
      bodyRef.current?.querySelector<HTMLElement>('input, textarea, select') ?? bodyRef.current;
  }, []);
  return (
    <Modal
      role="dialog"
      className="dialog form-dialog"
      labelledBy="form-dialog-title"
      initialFocus={firstRef}
      onCancel={onCancel}
      testId={testId}
    >
      <h2 id="form-dialog-title">{title}</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!busy) onSubmit();
        }}
      >
        <div ref={bodyRef} tabIndex={-1} className="form-dialog-body">
          {children}
        </div>
        <div className="actions">
          <button type="button" className="button secondary" onClick={onCancel}>
            {cancelLabel}
          </button>
          <button type="submit" className="button primary big" disabled={busy}>
            {submitLabel}
          </button>
        </div>
      </form>
    </Modal>
  );
}
