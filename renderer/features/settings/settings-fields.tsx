import { useId, type ReactNode } from 'react';

/*
 * Labelled inputs of the settings forms: every control has a visible label, and a field with a
 * problem is aria-invalid with its message tied to it (aria-describedby), under the input.
 */

/** Props of {@link TextField}. */
export interface TextFieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** The field's problem, or undefined. */
  error?: string | undefined;
  hint?: string | undefined;
  type?: 'text' | 'password' | 'url';
  placeholder?: string;
  mono?: boolean;
  testId?: string;
  autoComplete?: string;
  inputMode?: 'numeric' | 'text' | 'url';
}

/** A labelled text input with its hint and per-field message. */
export function TextField({
  label,
  value,
  onChange,
  error,
  hint,
  type = 'text',
  placeholder,
  mono,
  testId,
  autoComplete = 'off',
  inputMode,
}: TextFieldProps): ReactNode {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field settings-field" data-invalid={error ? 'true' : undefined}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <input
        id={id}
        className={mono ? 'field-input mono' : 'field-input'}
        type={type}
        value={value}
        placeholder={placeholder}
        autoComplete={autoComplete}
        spellCheck={false}
        inputMode={inputMode}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
        data-testid={testId}
        onChange={(event) => onChange(event.target.value)}
      />
      {hint ? (
        <span className="field__hint" id={hintId}>
          {hint}
        </span>
      ) : null}
      {error ? (
        <span className="settings-field__error" id={errorId} data-testid={testId ? `${testId}-error` : undefined}>
          {label}: {error}.
        </span>
      ) : null}
    </div>
  );
}

/** Props of {@link SelectField}. */
export interface SelectFieldProps {
  label: string;
  value: string;
  options: readonly { readonly value: string; readonly label: string }[];
  onChange: (value: string) => void;
  error?: string | undefined;
  testId?: string;
}

/** A labelled select with its per-field message. */
export function SelectField({ label, value, options, onChange, error, testId }: SelectFieldProps): ReactNode {
  const id = useId();
  const errorId = `${id}-error`;
  return (
    <div className="field settings-field" data-invalid={error ? 'true' : undefined}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <select
        id={id}
        className="field-select"
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        data-testid={testId}
        onChange={(event) => onChange(event.target.value)}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      {error ? (
        <span className="settings-field__error" id={errorId}>
          {label}: {error}.
        </span>
      ) : null}
    </div>
  );
}

/** A labelled checkbox. */
export function CheckField({
  label,
  checked,
  onChange,
}: {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}): ReactNode {
  return (
    <label className="checkbox settings-check">
      <input type="checkbox" checked={checked} onChange={(event) => onChange(event.target.checked)} />
      <span>{label}</span>
    </label>
  );
}
