import type { OiBuildUp, OptionChain, ReportSections, SnapshotBar } from '../../../../shared/domain/analysis';
import { scoreFromPoints } from './conviction';
import { finite } from './technical';

export type DerivativesSection = ReportSections['derivatives'];

/** Sessions over which the futures' price and open-interest changes are compared. */
export const BUILD_UP_SESSIONS = 5;

/** Price change against open-interest change: new money (OI up) or closed positions (OI down), in which direction. */
export function classifyBuildUp(priceChange: number, oiChange: number): OiBuildUp | null {
  if (priceChange === 0 || oiChange === 0) return null;
  if (oiChange > 0) return priceChange > 0 ? 'LONG_BUILD_UP' : 'SHORT_BUILD_UP';
  return priceChange > 0 ? 'SHORT_COVERING' : 'LONG_UNWINDING';
}

export interface FuturesPositioning {
  /** The last session's open interest. */
  oi: number | null;
  oiChangePct: number | null;
  buildUp: OiBuildUp | null;
}

/**
 * The futures' positioning over the last five sessions (fewer when fewer are stored). Open interest of 0 or null
 * means none was recorded: a candle store writes 0 for "no OI".
 */
export function futuresPositioning(
  bars: readonly { close: number; oi: number | null }[],
  sessions = BUILD_UP_SESSIONS,
): FuturesPositioning {
  const end = bars[bars.length - 1];
  const start = bars[Math.max(0, bars.length - 1 - sessions)];
  const oi = end && end.oi !== null && end.oi > 0 ? end.oi : null;
  if (!end || !start || start === end || oi === null || start.oi === null || start.oi <= 0)
    return { oi, oiChangePct: null, buildUp: null };
  return {
    oi,
    oiChangePct: finite((oi / start.oi - 1) * 100),
    buildUp: classifyBuildUp(end.close - start.close, oi - start.oi),
  };
}

const sideOi = (side: { oi: number } | null): number => side?.oi ?? 0;

/**
 * The strike at which option holders would collect least at expiry: for each candidate strike S, the sum over all
 * strikes K of callOi × max(0, S − K) + putOi × max(0, K − S). The lower strike wins a tie. Null without open interest.
 */
export function maxPain(strikes: OptionChain['strikes']): number | null {
  if (strikes.every((row) => sideOi(row.call) + sideOi(row.put) === 0)) return null;
  let best: { strike: number; payout: number } | null = null;
  for (const candidate of strikes) {
    let payout = 0;
    for (const row of strikes) {
      payout += sideOi(row.call) * Math.max(0, candidate.strike - row.strike);
      payout += sideOi(row.put) * Math.max(0, row.strike - candidate.strike);
    }
    if (best === null || payout < best.payout) best = { strike: candidate.strike, payout };
  }
  return best?.strike ?? null;
}

/** The strike nearest spot, the lower one when two are equally near. */
export function atmStrike(strikes: OptionChain['strikes'], spot: number): OptionChain['strikes'][number] | null {
  let best: OptionChain['strikes'][number] | null = null;
  for (const row of strikes) {
    if (best === null || Math.abs(row.strike - spot) < Math.abs(best.strike - spot)) best = row;
  }
  return best;
}

function mean(values: readonly (number | null | undefined)[]): number | null {
  const known = values.filter((v): v is number => v !== null && v !== undefined);
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0) / known.length;
}

type ChainFigures = Pick<
  DerivativesSection,
  | 'expiry'
  | 'spot'
  | 'pcr'
  | 'maxPain'
  | 'atmStrike'
  | 'atmIv'
  | 'totalCallOi'
  | 'totalPutOi'
  | 'chainOiChangePct'
  | 'oiByStrike'
  | 'ivSmile'
>;

const NO_CHAIN: ChainFigures = {
  expiry: null,
  spot: null,
  pcr: null,
  maxPain: null,
  atmStrike: null,
  atmIv: null,
  totalCallOi: null,
  totalPutOi: null,
  chainOiChangePct: null,
  oiByStrike: [],
  ivSmile: [],
};

export function chainFigures(chain: OptionChain): ChainFigures {
  const rows = chain.strikes;
  let totalCallOi = 0;
  let totalPutOi = 0;
  let prevOi = 0;
  for (const row of rows) {
    totalCallOi += sideOi(row.call);
    totalPutOi += sideOi(row.put);
    prevOi += (row.call?.prevOi ?? 0) + (row.put?.prevOi ?? 0);
  }
  const atm = atmStrike(rows, chain.spot);
  return {
    expiry: chain.expiry,
    spot: chain.spot,
    pcr: totalCallOi === 0 ? null : totalPutOi / totalCallOi,
    maxPain: maxPain(rows),
    atmStrike: atm?.strike ?? null,
    // Mean of the call's and the put's IV at the money; one side alone when only one is quoted.
    atmIv: atm === null ? null : mean([atm.call?.iv, atm.put?.iv]),
    totalCallOi,
    totalPutOi,
    chainOiChangePct: prevOi === 0 ? null : finite(((totalCallOi + totalPutOi) / prevOi - 1) * 100),
    oiByStrike: rows.map((row) => ({ strike: row.strike, callOi: sideOi(row.call), putOi: sideOi(row.put) })),
    ivSmile: rows.map((row) => ({ strike: row.strike, callIv: row.call?.iv ?? null, putIv: row.put?.iv ?? null })),
  };
}

const BUILD_UP_POINTS: Readonly<Record<OiBuildUp, number>> = {
  LONG_BUILD_UP: 15,
  SHORT_COVERING: 8,
  LONG_UNWINDING: -8,
  SHORT_BUILD_UP: -15,
};

/**
 * PCR points: put writers below the market support it, so a PCR of 0.9-1.3 is healthy (+10); call-heavy chains cap
 * it (< 0.7: -10, 0.7-0.9: -5); 1.3-1.6 is still supportive (+3) and beyond 1.6 crowded (-5).
 */
export function pcrPoints(pcr: number | null): number {
  if (pcr === null) return 0;
  if (pcr < 0.7) return -10;
  if (pcr < 0.9) return -5;
  if (pcr <= 1.3) return 10;
  if (pcr <= 1.6) return 3;
  return -5;
}

/** 50 plus PCR points, the futures' build-up (±15 for new positions, ±8 for closing ones) and spot vs max pain ±5. */
export function derivativesScore(f: ChainFigures & { oiBuildUp: OiBuildUp | null }): number {
  const painPoints = f.spot === null || f.maxPain === null ? 0 : Math.sign(f.spot - f.maxPain) * 5;
  return scoreFromPoints([pcrPoints(f.pcr), f.oiBuildUp === null ? 0 : BUILD_UP_POINTS[f.oiBuildUp], painPoints]);
}

function noteOf(hasChain: boolean, hasFutures: boolean): string | null {
  if (!hasChain && !hasFutures) return 'No option chain or futures candles in the snapshot: derivatives not scored.';
  if (!hasChain) return 'No option chain in the snapshot: futures open interest only.';
  if (!hasFutures) return 'No futures candles in the snapshot: option chain only.';
  return null;
}

export function derivativesSection(
  chain: OptionChain | null,
  futures: readonly SnapshotBar[] | null,
): DerivativesSection {
  const hasChain = chain !== null && chain.strikes.length > 0;
  const hasFutures = futures !== null && futures.length > 0;
  const figures = hasChain ? chainFigures(chain) : NO_CHAIN;
  const positioning = futuresPositioning(hasFutures ? futures : []);
  const available = hasChain || hasFutures;
  const { oiByStrike, ivSmile, ...summary } = figures;
  return {
    available,
    ...summary,
    futuresOi: positioning.oi,
    futuresOiChangePct: positioning.oiChangePct,
    oiBuildUp: positioning.buildUp,
    oiByStrike,
    ivSmile,
    score: available ? derivativesScore({ ...figures, oiBuildUp: positioning.buildUp }) : null,
    note: noteOf(hasChain, hasFutures),
  };
}
