import { Field } from './Field';

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
  return (
    <Field label={props.label} hint={props.hint} error={props.error} errorRole="alert">
      {(input) => (
        <input
          {...input}
          name={props.name}
          type="number"
          step={props.step ?? '1'}
          value={Number.isNaN(props.value) ? '' : props.value}
          onChange={(e) => props.onChange(e.target.valueAsNumber)}
        />
      )}
    </Field>
  );
}
