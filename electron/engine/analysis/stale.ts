import type { Snapshot } from '../../../shared/domain/analysis';
import type { SnapshotPart } from './market-data';

/** A part of the data a refresh could not bring in, and why. */
export interface RefreshFailure {
  part: SnapshotPart;
  reason: string;
}

const PART_NAMES: Readonly<Record<SnapshotPart, string>> = {
  candles1d: 'Daily candles',
  candles1h: 'Hourly candles',
  index1d: 'NIFTY 50 daily candles',
  futures1d: 'Futures candles',
  optionChain: 'The option chain',
  fundamentals: 'Fundamentals',
};

/** "3 h", "2 days": how old the data a report fell back on is. */
export function ageText(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h`;
  return `${Math.round(hours / 24)} days`;
}

/** One warning per part that could not be refreshed: what the report used instead, and how old it is. */
export function staleWarnings(failures: readonly RefreshFailure[], dataAge: Snapshot['dataAge']): string[] {
  return failures.map(({ part, reason }) => {
    const age = dataAge[part];
    const fallback =
      age?.asOf && age.ageMs !== null
        ? `using stored data as of ${age.asOf} (${ageText(age.ageMs)} old)`
        : 'no stored data to fall back on';
    return `${PART_NAMES[part]} could not be refreshed (${reason}): ${fallback}.`;
  });
}
