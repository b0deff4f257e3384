/**
 * A field's label with, when there is one, its hint under it. The hint's id is `hintId(fieldId)`, for the
 * input's `aria-describedby`.
 */

export function hintId(fieldId: string): string {
  return `${fieldId}-hint`;
}

export function FieldLabel({
  fieldId,
  label,
  hint,
}: {
  fieldId: string;
  label: string;
  hint?: string;
}): React.JSX.Element {
  return (
    <>
      <label className="label" htmlFor={fieldId}>
        {label}
      </label>
      {hint && (
        <p className="hint" id={hintId(fieldId)}>
          {hint}
        </p>
      )}
    </>
  );
}
