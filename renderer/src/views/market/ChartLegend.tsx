import { formatPrice, formatQuantity } from './format';
import { describeSource, type Bar, type ChartTimeframe } from './live-bar';

const DAY_FORMAT = new Intl.DateTimeFormat('en-IN', {
  day: '2-digit',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});
const MINUTE_FORMAT = new Intl.DateTimeFormat('en-IN', {
  day: '2-digit',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
  timeZone: 'UTC',
});

/** Chart time is IST read as UTC: formatting it in UTC gives the IST wall time. */
function formatBarTime(time: number, timeframe: ChartTimeframe): string {
  const date = new Date(time * 1000);
  return timeframe === '1m' || timeframe === '1h' ? MINUTE_FORMAT.format(date) : DAY_FORMAT.format(date);
}

/** The bar under the crosshair (or the latest): its time, OHLC, volume and where it came from. */
export function ChartLegend({ bar, timeframe }: { bar: Bar | null; timeframe: ChartTimeframe }) {
  if (!bar) return null;
  const source = describeSource(bar.source);
  const tone = bar.close >= bar.open ? 'up' : 'down';
  return (
    <div className="chart-legend" data-testid="chart-legend" data-source={bar.source ?? ''}>
      <span className="muted">{formatBarTime(bar.time, timeframe)}</span>
      <span>
        O <b className={tone}>{formatPrice(bar.open)}</b>
      </span>
      <span>
        H <b className={tone}>{formatPrice(bar.high)}</b>
      </span>
      <span>
        L <b className={tone}>{formatPrice(bar.low)}</b>
      </span>
      <span>
        C <b className={tone}>{formatPrice(bar.close)}</b>
      </span>
      <span>
        Vol <b>{formatQuantity(bar.volume)}</b>
      </span>
      {source ? (
        <span
          className={bar.source?.includes('live') ? 'chart-source live' : 'chart-source'}
          data-testid="chart-source"
        >
          {source}
        </span>
      ) : null}
    </div>
  );
}
