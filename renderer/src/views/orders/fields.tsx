import { useId, type ReactNode, type Ref } from 'react';
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
  const id = useId();
  const described = [props.hint ? `${id}-hint` : '', props.error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {props.label}
      </label>
      <input
        ref={inputRef}
        id={id}
        name={props.name}
        inputMode={props.inputMode}
        autoComplete="off"
        autoFocus={props.autoFocus}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={described || undefined}
      />
      {props.hint ? (
        <span className="field-hint" id={`${id}-hint`} data-testid={props.hintTestId}>
          {props.hint}
        </span>
      ) : null}
      {props.error ? (
        <span className="field-error" id={`${id}-error`} data-testid={`${props.form ?? 'ticket'}-error-${props.name}`}>
          {fieldSentence(props.noun, props.error)}
        </span>
      ) : null}
    </div>
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
