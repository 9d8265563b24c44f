import { useId, type ReactNode } from 'react';
import './panel.css';

/** Props of {@link Panel}. */
export interface PanelProps {
  title: string;
  /** One line under the title saying what the panel is for. */
  description?: ReactNode;
  /** Controls at the right of the header. */
  actions?: ReactNode;
  className?: string;
  /** Stable `data-testid` for end-to-end tests. */
  testId?: string;
  children: ReactNode;
}

/** A titled region of the control room; its heading names it for assistive technology. */
export function Panel({ title, description, actions, className, testId, children }: PanelProps): ReactNode {
  const headingId = useId();
  return (
    <section className={['panel', className].filter(Boolean).join(' ')} aria-labelledby={headingId} data-testid={testId}>
      <header className="panel__header">
        <div className="panel__titles">
          <h2 id={headingId} className="panel__title">
            {title}
          </h2>
          {description ? <p className="panel__description">{description}</p> : null}
        </div>
        {actions ? <div className="panel__actions">{actions}</div> : null}
      </header>
      <div className="panel__body">{children}</div>
    </section>
  );
}
