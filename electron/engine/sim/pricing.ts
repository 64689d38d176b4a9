/** Black-Scholes on the index (no dividend yield), with greeks in the units option chains show them. */
export const RISK_FREE_RATE = 0.065;
/** Index futures trade above spot by roughly the cost of carry net of dividends. */
export const FUTURES_CARRY = 0.06;
export const YEAR_MS = 365 * 86_400_000;

export type OptionKind = 'CE' | 'PE';

export interface OptionValue {
  price: number;
  delta: number;
  gamma: number;
  /** Per calendar day. */
  theta: number;
  /** Per one volatility point (0.01). */
  vega: number;
  /** Per one percentage point of rate. */
  rho: number;
}

/** Standard normal CDF (Zelen & Severo 26.2.17, |error| < 7.5e-8). */
export function normCdf(x: number): number {
  const t = 1 / (1 + 0.2316419 * Math.abs(x));
  const poly = t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  const tail = normPdf(x) * poly;
  return x >= 0 ? 1 - tail : tail;
}

export function normPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

/** A minute of life left: the greeks stay finite up to the expiry bell. */
const MIN_T = 60_000 / YEAR_MS;

export function blackScholes(
  kind: OptionKind,
  spot: number,
  strike: number,
  years: number,
  sigma: number,
  rate = RISK_FREE_RATE,
): OptionValue {
  const t = Math.max(years, MIN_T);
  const sqrtT = Math.sqrt(t);
  const d1 = (Math.log(spot / strike) + (rate + 0.5 * sigma * sigma) * t) / (sigma * sqrtT);
  const d2 = d1 - sigma * sqrtT;
  const discount = Math.exp(-rate * t);
  const pdf = normPdf(d1);
  const gamma = pdf / (spot * sigma * sqrtT);
  const vega = (spot * pdf * sqrtT) / 100;
  const decay = -(spot * pdf * sigma) / (2 * sqrtT);
  if (kind === 'CE') {
    const nd2 = normCdf(d2);
    return {
      price: spot * normCdf(d1) - strike * discount * nd2,
      delta: normCdf(d1),
      gamma,
      theta: (decay - rate * strike * discount * nd2) / 365,
      vega,
      rho: (strike * t * discount * nd2) / 100,
    };
  }
  const nmd2 = normCdf(-d2);
  return {
    price: strike * discount * nmd2 - spot * normCdf(-d1),
    delta: normCdf(d1) - 1,
    gamma,
    theta: (decay + rate * strike * discount * nmd2) / 365,
    vega,
    rho: -(strike * t * discount * nmd2) / 100,
  };
}

/** The shortest life the smile is drawn for: nearer the bell, far strikes would all sit at the cap. */
const SMILE_MIN_YEARS = 2 / 365;
/** However far from the money, no strike trades above this multiple of the at-the-money volatility. */
const SMILE_MAX_MULTIPLE = 3;

/**
 * Implied volatility across strikes, a quadratic in moneyness measured in standard deviations of the move left to
 * expiry: a put skew (volatility rises below the money), a shallow dip a little above it and a smile beyond. The demo
 * ties the at-the-money level to India VIX, so options reprice when fear rises.
 */
export function smileIv(atmIv: number, spot: number, strike: number, years: number): number {
  const z = Math.log(strike / spot) / (atmIv * Math.sqrt(Math.max(years, SMILE_MIN_YEARS)));
  return Math.max(0.03, atmIv * Math.min(SMILE_MAX_MULTIPLE, 1 + 0.02 * z * z - 0.06 * z));
}

/** Futures fair value: spot plus carry to expiry. */
export function futuresFair(spot: number, years: number): number {
  return spot * Math.exp(FUTURES_CARRY * Math.max(0, years));
}

/**
 * Rounds to the tick grid, with the float noise of the multiplication removed (to the paisa: every tick is a whole
 * number of paise). The same numbers as formatting to two decimals and parsing back, without the strings: the
 * simulator rounds every price of every candle it makes.
 */
export function roundToTick(price: number, tick: number): number {
  return Math.round(Math.round(price / tick) * tick * 100) / 100;
}
