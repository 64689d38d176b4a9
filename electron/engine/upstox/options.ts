import { z } from 'zod';
import type { OptionChain, OptionSide } from '../../../shared/domain/analysis';
import { UpstoxApiError } from './errors';

/** Reading Upstox's `/v2/option/chain` and `/v2/option/contract` answers into the product's terms. */

export const OPTION_CHAIN_PATH = '/v2/option/chain';
export const OPTION_CONTRACT_PATH = '/v2/option/contract';

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const Count = z.number().nullish();

const ChainSideSchema = z.object({
  instrument_key: z.string().optional(),
  market_data: z.object({ ltp: z.number(), volume: Count, oi: Count, prev_oi: Count }).nullish(),
  option_greeks: z.object({ iv: z.number().nullish(), delta: z.number().nullish() }).nullish(),
});

const ChainRowSchema = z.object({
  expiry: IsoDate.optional(),
  strike_price: z.number(),
  underlying_spot_price: z.number(),
  call_options: ChainSideSchema.nullish(),
  put_options: ChainSideSchema.nullish(),
});

const ChainDataSchema = z.array(ChainRowSchema);
const ContractsSchema = z.array(z.object({ expiry: IsoDate }));

function unusable(what: string, reason: string): UpstoxApiError {
  return new UpstoxApiError({
    kind: 'bad_response',
    status: 200,
    message: `Upstox ${what} returned an unusable response (${reason})`,
  });
}

function issueOf(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || 'data'}: ${issue.message}` : 'invalid';
}

/**
 * A side of a strike, or null when Upstox sent no market data for it. Upstox states IV in percent (18.5) and
 * sends 0 where it computed none; the product holds IV as a fraction, and no IV as null.
 */
function sideOf(side: z.infer<typeof ChainSideSchema> | null | undefined): OptionSide | null {
  const data = side?.market_data;
  if (!data) return null;
  const iv = side.option_greeks?.iv;
  return {
    ltp: data.ltp,
    oi: data.oi ?? 0,
    prevOi: data.prev_oi ?? 0,
    volume: data.volume ?? 0,
    iv: typeof iv === 'number' && iv > 0 ? iv / 100 : null,
    delta: side.option_greeks?.delta ?? null,
  };
}

/** The chain of `underlyingKey` expiring `expiry`, strikes ascending; an expiry with no strikes is not found. */
export function parseOptionChain(data: unknown, underlyingKey: string, expiry: string): OptionChain {
  const what = `GET ${OPTION_CHAIN_PATH}`;
  const parsed = ChainDataSchema.safeParse(data);
  if (!parsed.success) throw unusable(what, issueOf(parsed.error));
  const rows = [...parsed.data].sort((a, b) => a.strike_price - b.strike_price);
  if (rows.length === 0)
    throw new UpstoxApiError({
      kind: 'not_found',
      status: 200,
      message: `Upstox lists no options of ${underlyingKey} expiring ${expiry}`,
    });
  return {
    underlyingKey,
    expiry,
    spot: rows[0]!.underlying_spot_price,
    strikes: rows.map((row) => ({
      strike: row.strike_price,
      call: sideOf(row.call_options),
      put: sideOf(row.put_options),
    })),
  };
}

/** The expiry dates of an underlying's option contracts, ascending, each once. */
export function parseOptionExpiries(data: unknown): string[] {
  const parsed = ContractsSchema.safeParse(data);
  if (!parsed.success) throw unusable(`GET ${OPTION_CONTRACT_PATH}`, issueOf(parsed.error));
  return [...new Set(parsed.data.map((row) => row.expiry))].sort();
}
