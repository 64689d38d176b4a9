import { useId, type ReactNode } from 'react';

export interface FieldFrame {
  label: string;
  hint?: ReactNode;
  error?: ReactNode;
  hintTestId?: string | undefined;
  errorTestId?: string | undefined;
  /** The error is announced as it appears (settings forms), or only read with the input (the order ticket). */
  errorRole?: 'alert';
}

/** The input's props that tie it to its label, hint and error. */
export interface FieldInputProps {
  id: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
}

/** A labelled input with a hint under it and the engine's error for it: the frame every form field shares. */
export function Field({ children, ...frame }: FieldFrame & { children(input: FieldInputProps): ReactNode }) {
  const id = useId();
  const described = [frame.hint ? `${id}-hint` : '', frame.error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {frame.label}
      </label>
      {children({ id, 'aria-invalid': frame.error ? true : undefined, 'aria-describedby': described || undefined })}
      {frame.hint ? (
        <span className="field-hint" id={`${id}-hint`} data-testid={frame.hintTestId}>
          {frame.hint}
        </span>
      ) : null}
      {frame.error ? (
        <span className="field-error" id={`${id}-error`} role={frame.errorRole} data-testid={frame.errorTestId}>
          {frame.error}
        </span>
      ) : null}
    </div>
  );
}
