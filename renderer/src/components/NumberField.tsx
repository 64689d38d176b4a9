import { useId } from 'react';

/** What a settings form shows for one number: its label, a hint under it and the engine's error for it. */
export interface NumberFieldSpec<K extends string> {
  name: K;
  label: string;
  hint: string;
  /** The input's step: "0.01" for rupees; whole numbers otherwise. */
  step?: string;
}

export function NumberField<K extends string>(
  props: NumberFieldSpec<K> & { value: number; onChange(value: number): void; error?: string | undefined },
) {
  const id = useId();
  return (
    <div className="field">
      <label className="field-label" htmlFor={id}>
        {props.label}
      </label>
      <input
        id={id}
        name={props.name}
        type="number"
        step={props.step ?? '1'}
        value={Number.isNaN(props.value) ? '' : props.value}
        onChange={(e) => props.onChange(e.target.valueAsNumber)}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error ? `${id}-hint ${id}-error` : `${id}-hint`}
      />
      <span className="field-hint" id={`${id}-hint`}>
        {props.hint}
      </span>
      {props.error ? (
        <span className="field-error" id={`${id}-error`} role="alert">
          {props.error}
        </span>
      ) : null}
    </div>
  );
}
