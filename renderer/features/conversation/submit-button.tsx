import type { ReactNode } from 'react';
import '../../components/button.css';

/** A form's submit button, drawn as the app's {@link Button} (which is always `type="button"`), so Enter in a field submits. */
export function SubmitButton({
  label,
  busy = false,
  disabled = false,
  icon,
  children,
}: {
  label: string;
  busy?: boolean;
  disabled?: boolean;
  icon?: ReactNode;
  children: ReactNode;
}): ReactNode {
  return (
    <button type="submit" className="button" data-variant="primary" aria-label={label} aria-busy={busy || undefined} disabled={disabled}>
      {busy ? <span className="button__spinner" aria-hidden="true" /> : icon}
      <span>{children}</span>
    </button>
  );
}
