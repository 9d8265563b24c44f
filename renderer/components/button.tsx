import type { ButtonHTMLAttributes, ReactNode } from 'react';
import './button.css';

/** Props of {@link Button}: a native button, so keyboard and focus work as everywhere. */
export interface ButtonProps extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'type' | 'aria-label'> {
  /** Accessible name; required, and should match the visible text. */
  'aria-label': string;
  variant?: 'primary' | 'secondary' | 'ghost';
  /** Shows a spinner and marks the button busy (it is usually disabled too). */
  busy?: boolean;
  icon?: ReactNode;
}

/** The one button of the app. */
export function Button({ variant = 'secondary', busy = false, icon, children, className, ...rest }: ButtonProps): ReactNode {
  return (
    <button
      type="button"
      className={['button', className].filter(Boolean).join(' ')}
      data-variant={variant}
      aria-busy={busy || undefined}
      {...rest}
    >
      {busy ? <span className="button__spinner" aria-hidden="true" /> : icon}
      <span>{children}</span>
    </button>
  );
}
