import type { KeyboardEvent, ReactNode } from 'react';

/** A table row picked by a click, Enter or Space: a run, a scan or a deep-dive in a history list. */
export function SelectableRow({
  selected,
  onPick,
  testId,
  status,
  children,
}: {
  selected: boolean;
  onPick: () => void;
  testId: string;
  status: string;
  children: ReactNode;
}) {
  const onKeyDown = (event: KeyboardEvent<HTMLTableRowElement>) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onPick();
    }
  };
  return (
    <tr
      className={selected ? 'run-row selected' : 'run-row'}
      tabIndex={0}
      aria-selected={selected}
      onClick={onPick}
      onKeyDown={onKeyDown}
      data-testid={testId}
      data-status={status}
    >
      {children}
    </tr>
  );
}
