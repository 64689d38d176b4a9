/** Technical indicators as pure functions over arrays, with the definitions LOCAL-API.md fixes for reports. */
export { defined, ema, last, placed, sma, wilder, type Series } from './averages';
export { adx, atr, bollinger, macd, roc, rsi, trueRange, type Bands, type Bar, type Macd } from './oscillators';
export { beta, logReturns, maxDrawdown, obv, realisedVolatility, vwap } from './risk';
