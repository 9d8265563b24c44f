import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { Button } from '../../components/button';
import { CheckIcon, CopyIcon } from '../conversation/conversation-icons';

type CopyState = 'idle' | 'copied' | 'failed';

/** Copies text with the async clipboard; says "Copied" for a moment, or how to copy by hand when it cannot. */
function useCopy(): { state: CopyState; copy: (text: string) => void } {
  const [state, setState] = useState<CopyState>('idle');
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const copy = (text: string): void => {
    clearTimeout(timer.current);
    const done = (next: CopyState): void => {
      setState(next);
      if (next === 'copied') timer.current = setTimeout(() => setState('idle'), 2000);
    };
    // navigator.clipboard is missing on plain http from another machine (not a secure context).
    if (typeof navigator.clipboard?.writeText !== 'function') {
      done('failed');
      return;
    }
    navigator.clipboard.writeText(text).then(
      () => done('copied'),
      () => done('failed'),
    );
  };
  return { state, copy };
}

/** A read-only value (link or code) with its Copy button; clicking the field selects it all for copying by hand. */
export function CopyField({ label, value, testId }: { label: string; value: string; testId?: string }): ReactNode {
  const { state, copy } = useCopy();
  const inputId = useId();
  const statusId = useId();
  const input = useRef<HTMLInputElement>(null);
  // Without the clipboard, select the text so Ctrl+C copies it.
  useEffect(() => {
    if (state === 'failed') input.current?.focus();
  }, [state]);
  return (
    <div className="copy-field" data-testid={testId}>
      <label className="field__label" htmlFor={inputId}>
        {label}
      </label>
      <div className="field__row">
        <input
          ref={input}
          id={inputId}
          className="field-input mono"
          type="text"
          readOnly
          value={value}
          aria-describedby={statusId}
          onFocus={(event) => event.currentTarget.select()}
        />
        <Button
          variant="secondary"
          aria-label={`Copy ${label.toLowerCase()}`}
          icon={state === 'copied' ? <CheckIcon /> : <CopyIcon />}
          className="copy-field__button"
          data-copied={state === 'copied'}
          onClick={() => copy(value)}
        >
          {state === 'copied' ? 'Copied' : 'Copy'}
        </Button>
      </div>
      <p className="copy-field__status" id={statusId} role="status" data-state={state}>
        {state === 'failed'
          ? 'This window cannot use the clipboard. Click the field, then press Ctrl+C (⌘C on a Mac).'
          : state === 'copied'
            ? `${label} copied.`
            : ''}
      </p>
    </div>
  );
}
