/**
 * A modal dialog holding a small form (pause until…, close the day with a note, note an incident): the
 * application behind is inert, the focus starts on the first field, Escape cancels, and the focus goes
 * back to the button that opened it.
 */
import { useLayoutEffect, useRef, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { useModal } from './useModal';

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
  const dialogRef = useRef<HTMLDivElement>(null);
  const bodyRef = useRef<HTMLDivElement>(null);
  const firstRef = useRef<HTMLElement>(null);
  // The first field gets the focus (set before useModal's effect reads it).
  useLayoutEffect(() => {
    firstRef.current =
      bodyRef.current?.querySelector<HTMLElement>('input, textarea, select') ?? bodyRef.current;
  }, []);
  useModal(dialogRef, firstRef);
  return createPortal(
    <div className="overlay">
      <div
        ref={dialogRef}
        className="dialog form-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="form-dialog-title"
        data-testid={testId}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onCancel();
        }}
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
      </div>
    </div>,
    document.body,
  );
}
