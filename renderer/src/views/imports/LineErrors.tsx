import type { LineError } from './format';

/** The lines of a refused CSV file: each line number, the value it held and why the engine refused it. */
export function LineErrors({ errors, testId }: { errors: readonly LineError[]; testId: string }) {
  if (errors.length === 0) return null;
  return (
    <table className="table line-errors" aria-label="Refused lines" data-testid={testId}>
      <thead>
        <tr>
          <th className="num">Line</th>
          <th>Value</th>
          <th>Why</th>
        </tr>
      </thead>
      <tbody>
        {errors.map((e) => (
          <tr key={`${e.line}:${e.value}`}>
            <td className="num">{e.line}</td>
            <td>
              <code>{e.value}</code>
            </td>
            <td className="bad">{e.reason}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
