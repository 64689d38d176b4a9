import type { ReactNode, Ref } from 'react';
import { Field } from '../../components/Field';
import { fieldSentence } from './field-errors';

/**
 * A text input whose label names only the input: its hint and error sit beside it and are linked as its
 * description, so "Price (₹)" finds the price field whatever it says under it.
 */
export function TextField({
  inputRef,
  ...props
}: {
  name: 'quantity' | 'price' | 'triggerPrice';
  label: string;
  /** What the field is called in its error: "Trigger price must not be below ...". */
  noun: string;
  inputMode: 'numeric' | 'decimal';
  value: string;
  onChange(value: string): void;
  error: string | undefined;
  hint?: string | null;
  hintTestId?: string;
  /** Where the field sits, for its error's test id: `ticket-error-price`, `modify-error-price`. */
  form?: 'ticket' | 'modify';
  autoFocus?: boolean;
  inputRef?: Ref<HTMLInputElement>;
}) {
  return (
    <Field
      label={props.label}
      hint={props.hint}
      hintTestId={props.hintTestId}
      error={props.error ? fieldSentence(props.noun, props.error) : undefined}
      errorTestId={`${props.form ?? 'ticket'}-error-${props.name}`}
    >
      {(input) => (
        <input
          {...input}
          ref={inputRef}
          name={props.name}
          inputMode={props.inputMode}
          autoComplete="off"
          autoFocus={props.autoFocus}
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

/** Radio buttons drawn as a segmented control: arrow keys move between them, as in any radio group. */
export function Segmented<T extends string>({
  legend,
  name,
  options,
  value,
  label,
  hint,
  onChange,
  className,
}: {
  legend: string;
  name: string;
  options: readonly T[];
  value: T;
  label(option: T): ReactNode;
  hint?: (option: T) => string;
  onChange(value: T): void;
  className?: string;
}) {
  return (
    <fieldset className={`ticket-segmented ${className ?? ''}`}>
      <legend className="field-label">{legend}</legend>
      <div className="segments">
        {options.map((option) => (
          <label key={option} className={option === value ? 'segment checked' : 'segment'} title={hint?.(option)}>
            <input
              type="radio"
              name={name}
              value={option}
              checked={option === value}
              onChange={() => onChange(option)}
            />
            <span>{label(option)}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}
