import type { ReactNode } from 'react';
import { Field } from '../../components/Field';

/** A labelled text or password input with a hint under it and the engine's error for it. */
export function TextField(props: {
  name: string;
  label: string;
  value: string;
  onChange(value: string): void;
  type?: 'text' | 'password';
  placeholder?: string | undefined;
  hint?: ReactNode;
  error?: string | undefined;
}) {
  return (
    <Field label={props.label} hint={props.hint} error={props.error} errorRole="alert">
      {(input) => (
        <input
          {...input}
          name={props.name}
          type={props.type ?? 'text'}
          autoComplete="off"
          spellCheck={false}
          value={props.value}
          placeholder={props.placeholder}
          onChange={(e) => props.onChange(e.target.value)}
        />
      )}
    </Field>
  );
}
