/** Reports, scans, events and a scripted bridge for the analysis store's tests. */
import type { CommandName, EventEnvelope, EventName, EventPayload } from '../../../../shared/contract';
import type { Report, ReportSummary, Scan, ScanResult } from '../../../../shared/domain/analysis';
import type { Bridge } from '../../bridge';

export const summary = (id: number, symbol: string, createdAt: string): ReportSummary => ({
  id,
  symbol,
  instrumentKey: `NSE_EQ|${symbol}`,
  createdAt,
  convictionScore: 64,
  riskGrade: 'MODERATE',
  direction: 'LONG',
});

const nulls = <K extends string>(keys: readonly K[]) =>
  Object.fromEntries(keys.map((k) => [k, null])) as Record<K, null>;

export function report(id: number, analysisId: number, symbol = 'RELIANCE'): Report {
  return {
    ...summary(id, symbol, '2026-03-12T10:00:00.000+05:30'),
    analysisId,
    asOf: '2026-03-12T00:00:00.000+05:30',
    level1: { verdict: 'PASS', compositeScore: 71, direction: 'LONG' },
    agreesWithLevel1: true,
    factors: [{ name: 'technical', score: 70, weight: 1, contribution: 70, detail: 'Above its 200-day average.' }],
    keyLevels: { support: [{ price: 2400, source: 'swing', strength: 3 }], resistance: [] },
    summary: 'RELIANCE trends up with moderate risk.',
    warnings: [],
    sections: {
      technical: {
        indicators: nulls([
          'sma20',
          'sma50',
          'sma200',
          'ema20',
          'ema50',
          'rsi14',
          'atr14',
          'macd',
          'macdSignal',
          'macdHistogram',
          'bbUpper',
          'bbMiddle',
          'bbLower',
          'adx14',
          'roc10',
          'realisedVol20',
        ]),
        lastClose: 2450.5,
        trend: 'UP',
        priceVsSma200Pct: null,
        signals: [],
        score: 70,
      },
      momentum: {
        ...nulls([
          'rsi14',
          'roc10',
          'macdHistogram',
          'return1m',
          'return3m',
          'return6m',
          'return1y',
          'hourlyVsSma20Pct',
        ]),
        obvTrend: 'RISING',
        score: 60,
      },
      risk: {
        ...nulls(['atrPct', 'realisedVol20', 'realisedVol60', 'maxDrawdown1y', 'beta', 'medianTurnover20']),
        liquidity: 'HIGH',
        grade: 'MODERATE',
        score: 55,
      },
      derivatives: {
        available: false,
        ...nulls([
          'expiry',
          'spot',
          'pcr',
          'maxPain',
          'atmStrike',
          'atmIv',
          'totalCallOi',
          'totalPutOi',
          'chainOiChangePct',
          'futuresOi',
          'futuresOiChangePct',
          'oiBuildUp',
          'score',
          'note',
        ]),
        oiByStrike: [],
        ivSmile: [],
      },
      valuation: {
        available: false,
        ...nulls([
          'pe',
          'industryPe',
          'pb',
          'roe',
          'roce',
          'debtToEquity',
          'salesGrowth3y',
          'profitGrowth3y',
          'dividendYield',
          'marketCap',
          'score',
        ]),
        note: 'no fundamentals imported',
      },
      institutional: {
        available: false,
        ...nulls([
          'promoterHolding',
          'promoterHoldingChange',
          'fiiHolding',
          'fiiHoldingChange',
          'diiHolding',
          'diiHoldingChange',
          'pledgedPercentage',
          'score',
        ]),
        note: 'no fundamentals imported',
      },
    },
    snapshot: {
      candles: { '1d': [], '1h': [] },
      index: null,
      futures: null,
      optionChain: null,
      fundamentals: null,
      dataAge: {},
    },
  };
}

export const result = (symbol: string, score: number): ScanResult => ({
  symbol,
  instrumentKey: `NSE_EQ|${symbol}`,
  verdict: score >= 60 ? 'PASS' : 'FAIL',
  compositeScore: score,
  direction: 'LONG',
  oiBuildUp: null,
  factors: { trend: score, momentum: score, volume: score, volatility: score, openInterest: null },
  lastClose: 100,
  changePct: 1,
  sparkline: [99, 100],
  bars: 250,
  note: null,
});

export const scan = (scanId: number, status: Scan['status'], results: ScanResult[] = []): Scan => ({
  scanId,
  jobId: scanId + 100,
  universe: 'nifty50',
  universeName: 'NIFTY 50',
  threshold: 60,
  status,
  createdAt: '2026-03-12T10:00:00.000+05:30',
  completedAt: status === 'PROCESSING' ? null : '2026-03-12T10:00:09.000+05:30',
  progress: { percentage: status === 'PROCESSING' ? 10 : 100, completed: results.length, total: 3 },
  results,
  error: status === 'FAILED' ? 'no daily candles stored for the universe' : null,
});

export const deepDiveProgress = (
  id: number,
  progress: number,
  message: string,
  steps: EventPayload<'analysis_progress'>['steps'] = [],
): EventPayload<'analysis_progress'> => ({
  kind: 'deep-dive',
  id,
  symbol: 'RELIANCE',
  step: null,
  steps,
  message,
  progress,
});

export const deepDiveCompleted = (
  id: number,
  status: 'COMPLETED' | 'FAILED',
  reportId: number | null,
  error: string | null = null,
): EventPayload<'analysis_completed'> => ({
  kind: 'deep-dive',
  id,
  status,
  symbol: 'RELIANCE',
  reportId,
  convictionScore: reportId ? 64 : null,
  riskGrade: reportId ? 'MODERATE' : null,
  passed: null,
  error,
});

/** A bridge that answers each command from `answers` and lets the test push events. */
export function fakeBridge(answers: Partial<Record<CommandName, (input: unknown) => unknown>>) {
  const listeners = new Map<EventName, Set<(envelope: EventEnvelope) => void>>();
  const calls: { name: CommandName; input: unknown }[] = [];
  const bridge = {
    transport: 'local-api',
    connectionState: () => 'connected',
    onConnectionChange: () => () => {},
    invoke: async (name: CommandName, input: unknown) => {
      calls.push({ name, input });
      const answer = answers[name];
      if (!answer) throw new Error(`no answer for ${name}`);
      return answer(input);
    },
    on: (event: EventName, listener: (envelope: EventEnvelope) => void) => {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
  } as unknown as Bridge;
  const emit = <K extends EventName>(event: K, payload: EventPayload<K>) => {
    const envelope = { event, timestamp: '', source: 'test', version: 1, payload } as unknown as EventEnvelope;
    for (const listener of listeners.get(event) ?? []) listener(envelope);
  };
  const called = (name: CommandName) => calls.filter((c) => c.name === name);
  return { bridge, emit, called };
}

export const emptyLoads = {
  'scans.list': () => [],
  'deepDive.list': () => [],
  'reports.list': () => [],
  'universes.list': () => [],
};
