import { masterExpiryMs } from './time';
import type { UniverseEntry } from './universe';

/** Upstox's `underlying_type` of a derivative: an index's or a stock's. */
export function underlyingTypeOf(underlyingKey: string | null): 'INDEX' | 'EQUITY' {
  return underlyingKey?.startsWith('NSE_INDEX|') ? 'INDEX' : 'EQUITY';
}

/** One row of `complete.json.gz` in the Upstox master format (tick size in paise, expiry in epoch ms). */
export function masterRow(entry: UniverseEntry): Record<string, unknown> {
  const i = entry.instrument;
  const paise = Number((i.tickSize * 100).toFixed(2));
  if (i.instrumentType === 'INDEX') {
    return {
      segment: i.segment,
      name: i.name,
      exchange: i.exchange,
      instrument_type: 'INDEX',
      instrument_key: i.instrumentKey,
      exchange_token: i.exchangeToken,
      trading_symbol: i.tradingSymbol,
    };
  }
  if (i.instrumentType === 'EQ') {
    return {
      segment: i.segment,
      name: i.name,
      exchange: i.exchange,
      isin: i.isin,
      instrument_type: 'EQ',
      instrument_key: i.instrumentKey,
      lot_size: i.lotSize,
      freeze_quantity: i.freezeQuantity,
      exchange_token: i.exchangeToken,
      tick_size: paise,
      trading_symbol: i.tradingSymbol,
      short_name: i.tradingSymbol,
      security_type: 'NORMAL',
      qty_multiplier: 1,
    };
  }
  const underlyingType = underlyingTypeOf(i.underlyingKey);
  return {
    weekly: i.weekly,
    segment: i.segment,
    name: i.name,
    exchange: i.exchange,
    expiry: masterExpiryMs(entry.expiryDay!),
    instrument_type: i.instrumentType,
    asset_symbol: i.underlyingSymbol,
    underlying_symbol: i.underlyingSymbol,
    instrument_key: i.instrumentKey,
    lot_size: i.lotSize,
    freeze_quantity: i.freezeQuantity,
    exchange_token: i.exchangeToken,
    minimum_lot: i.lotSize,
    asset_key: i.underlyingKey,
    underlying_key: i.underlyingKey,
    tick_size: paise,
    asset_type: underlyingType,
    underlying_type: underlyingType,
    trading_symbol: i.tradingSymbol,
    strike_price: i.strike ?? 0,
    qty_multiplier: 1,
  };
}
