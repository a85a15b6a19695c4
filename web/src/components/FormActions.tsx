import type { ReactNode } from 'react';

// A dialog form's last row: Cancel, and the button that submits it.
export function FormActions({
  onCancel,
  disabled,
  submit,
}: {
  onCancel: () => void;
  disabled?: boolean;
  submit: ReactNode;
}) {
  return (
    <div className="actions">
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
      <button type="submit" className="primary" disabled={disabled}>
        {submit}
      </button>
    </div>
  );
}
