/**
 * The frame every modal dialog of the page shares: drawn over an overlay at the end of `document.body`,
 * the application behind made inert while it is open (`useModal`), the focus first on `initialFocus`,
 * and Escape doing what the dialog's cancel does.
 */
import { useRef, type ReactNode, type RefObject } from 'react';
import { createPortal } from 'react-dom';
import { useModal } from './useModal';

interface ModalProps {
  role: 'dialog' | 'alertdialog';
  className: string;
  /** The id of the dialog's title. */
  labelledBy: string;
  /** The id of the text that says what the dialog asks, if any. */
  describedBy?: string;
  initialFocus: RefObject<HTMLElement | null>;
  onCancel: () => void;
  testId?: string;
  children: ReactNode;
}

export function Modal({
  role,
  className,
  labelledBy,
  describedBy,
  initialFocus,
  onCancel,
  testId,
  children,
}: ModalProps): React.JSX.Element {
  const dialogRef = useRef<HTMLDivElement>(null);
  useModal(dialogRef, initialFocus);
  return createPortal(
    <div className="overlay">
      <div
        ref={dialogRef}
        className={className}
        role={role}
        aria-modal="true"
        aria-labelledby={labelledBy}
        aria-describedby={describedBy}
        data-testid={testId}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onCancel();
        }}
      >
        {children}
      </div>
    </div>,
    document.body,
  );
}
