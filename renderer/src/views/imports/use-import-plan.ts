import { useEffect, useState } from 'react';
import type { ImportPlan, ImportRequest } from '../../../../shared/domain/imports';
import { useBridge } from '../../bridge-context';

/** Edits within this window ask for one plan, not one each. */
const DEBOUNCE_MS = 300;

interface Answer {
  key: string;
  plan: ImportPlan | null;
  error: unknown;
}

export interface PlanState {
  /** The plan of the request as it stands; null while it is asked for, or when refused. */
  plan: ImportPlan | null;
  /** The engine's refusal of the request as it stands (a WorkstationError naming the field). */
  error: unknown;
  pending: boolean;
}

/**
 * What the import would fetch, asked of the engine (`imports.plan`) a moment after the request stops changing.
 * `refresh` changes when stored history changes (a run finished), since the plan counts only what is not stored.
 * A request naming no universe is not asked about.
 */
export function useImportPlan(request: ImportRequest, refresh: number): PlanState {
  const bridge = useBridge();
  const key = JSON.stringify(request);
  const [answer, setAnswer] = useState<Answer | null>(null);
  const empty = (request.universes?.length ?? 0) + (request.symbols?.length ?? 0) === 0;

  useEffect(() => {
    if (empty) return;
    let current = true;
    const timer = setTimeout(() => {
      bridge.invoke('imports.plan', JSON.parse(key) as ImportRequest).then(
        (plan) => current && setAnswer({ key, plan, error: null }),
        (error: unknown) => current && setAnswer({ key, plan: null, error }),
      );
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [bridge, key, empty, refresh]);

  if (empty) return { plan: null, error: null, pending: false };
  const fresh = answer?.key === key ? answer : null;
  return { plan: fresh?.plan ?? null, error: fresh?.error ?? null, pending: fresh === null };
}
