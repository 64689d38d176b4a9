import { useCallback } from 'react';
import type { DeepDiveRequest } from '../../../../shared/domain/analysis';
import { useBridge } from '../../bridge-context';
import { useCommand, type CommandState } from '../../lib/use-command';
import { useAppStore } from '../../stores/app';
import { noteDeepDiveStarted } from '../../stores/analysis';

export interface StartDeepDive {
  /** Starts a deep-dive and shows it in the Deep-dive view; `label` is the symbol as the user reads it. */
  start(request: DeepDiveRequest, label: string): Promise<number | undefined>;
  command: CommandState;
}

export function useStartDeepDive(): StartDeepDive {
  const bridge = useBridge();
  const command = useCommand();
  const setView = useAppStore((s) => s.setView);
  const { run } = command;
  const start = useCallback(
    (request: DeepDiveRequest, label: string) =>
      run(async () => {
        const started = await bridge.invoke('deepDive.start', request);
        noteDeepDiveStarted(started.analysisId, label, request, new Date().toISOString());
        setView('deep-dive');
        return started.analysisId;
      }),
    [bridge, run, setView],
  );
  return { start, command };
}
