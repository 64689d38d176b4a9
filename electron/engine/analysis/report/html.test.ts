import { describe, expect, it } from 'vitest';
import { ReportSchema, type Report } from '../../../../shared/domain/analysis';
import { reportFilename, reportHtml, reportJson } from './html';
import { crore, fractionPercent, indian, istDateTime, rupees, signedPercent } from './html/format';
import { sampleReport } from './sample-report';

const svgCount = (page: string) => page.match(/<svg\b/g)?.length ?? 0;
/** The points of the polyline drawn with `className`, as the chart wrote them. */
const polylinePoints = (page: string, className: string) =>
  [...page.matchAll(new RegExp(`<polyline class="${className}" points="([^"]*)"`, 'g'))].map(
    (m) => m[1]!.split(' ').length,
  );

/** The sample with no option chain, no fundamentals and a single daily candle, as a thin new listing reads. */
function thinReport(): Report {
  const base = sampleReport();
  return {
    ...base,
    factors: base.factors.map((f) =>
      ['derivatives', 'valuation', 'institutional'].includes(f.name)
        ? { ...f, score: null, weight: 0, contribution: 0 }
        : f,
    ),
    keyLevels: { support: [], resistance: [] },
    sections: {
      ...base.sections,
      derivatives: {
        ...base.sections.derivatives,
        available: false,
        oiByStrike: [],
        ivSmile: [],
        pcr: null,
        maxPain: null,
        atmStrike: null,
        score: null,
        note: 'No option chain was stored for this symbol.',
      },
      valuation: { ...base.sections.valuation, available: false, pe: null, marketCap: null, score: null, note: null },
    },
    snapshot: {
      ...base.snapshot,
      candles: { '1d': base.snapshot.candles['1d'].slice(-1), '1h': [] },
      optionChain: null,
      fundamentals: null,
      index: null,
      futures: null,
    },
  };
}

describe('the sample report', () => {
  it('is a valid report, the same on every call, with a year of candles and a 21-strike chain', () => {
    const report = sampleReport();
    expect(ReportSchema.parse(report)).toEqual(report);
    expect(sampleReport()).toEqual(report);
    expect(report.snapshot.candles['1d']).toHaveLength(250);
    expect(report.snapshot.optionChain!.strikes).toHaveLength(21);
    expect(report.convictionScore).toBeCloseTo(
      report.factors.reduce((sum, f) => sum + f.contribution, 0),
      10,
    );
    expect(sampleReport({ symbol: 'TCS' }).symbol).toBe('TCS');
  });
});

describe('numbers in an exported report', () => {
  it('groups rupees and counts the Indian way, whatever the machine locale', () => {
    expect(indian(123456789.456, 2)).toBe('12,34,56,789.46');
    expect(indian(-1234567)).toBe('-12,34,567');
    expect(indian(999)).toBe('999');
    expect(rupees(1954.78)).toBe('₹1,954.78');
    expect(rupees(-0.001)).toBe('₹0.00');
    expect(rupees(-250000)).toBe('-₹2,50,000.00');
    expect(crore(1912345.67)).toBe('₹19,12,346 Cr');
    expect(signedPercent(0.87)).toBe('+0.87%');
    expect(signedPercent(-0.004)).toBe('0.00%');
    expect(fractionPercent(0.16867)).toBe('16.87%');
    expect(istDateTime('2026-12-03T20:00:00Z')).toBe('2026-12-04 01:30 IST');
  });
});

describe('the HTML export', () => {
  const page = reportHtml(sampleReport());

  it('is one document that runs nothing and fetches nothing', () => {
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/\b(src|href)\s*=/i);
    expect(page).not.toMatch(/url\(/i);
    expect(page).not.toMatch(/@import|@font-face/i);
    expect(page).not.toMatch(/https?:|\/\/[a-z]/i);
    expect(page).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;`);
  });

  it('draws the price, factor, open-interest and IV-smile charts from the report', () => {
    expect(svgCount(page)).toBe(4);
    for (const label of [
      'RELIANCE daily closes with SMA 50, SMA 200 and key levels',
      'Factor contributions to the conviction score',
      'Open interest by strike, expiry 2026-12-29',
      'Implied volatility smile, expiry 2026-12-29',
    ])
      expect(page).toContain(`aria-label="${label}"`);
    // 250 closes; SMA 50 from the 50th, SMA 200 from the 200th.
    expect(polylinePoints(page, 'close')).toEqual([250]);
    expect(polylinePoints(page, 'sma50')).toEqual([201]);
    expect(polylinePoints(page, 'sma200')).toEqual([51]);
    expect(page.match(/<rect class="call-bar" x=/g)).toHaveLength(21);
    expect(page.match(/<rect class="put-bar" x=/g)).toHaveLength(21);
    expect(page).toContain('Max pain 1,960</text>');
    expect(page).toContain('R 2,093.57</text>');
    expect(page).toContain('S 1,800.35</text>');
  });

  it('tabulates every section, the factors with weight and contribution, and signs it with its ids', () => {
    for (const text of [
      '<td>₹1,954.78</td>',
      '<th scope="row">RSI 14</th><td>65.24</td>',
      '<th scope="row">Total call OI</th><td>1,10,60,000</td>',
      '<th scope="row">Market capitalisation</th><td>₹19,12,346 Cr</td>',
      '<th scope="row">Promoter holding</th><td>50.10%</td>',
      '<td>Technical</td><td>68</td><td>25.0%</td><td>17.00</td>',
      'Fundamentals are 5 days old.',
      'Report 42 · analysis 17 · made 2026-12-03 16:00 IST',
    ])
      expect(page).toContain(text);
  });

  it('escapes every value from the report', () => {
    const evil = '<img src=x onerror=alert(1)>';
    const base = sampleReport();
    const out = reportHtml({
      ...base,
      symbol: evil,
      summary: 'Breaks out </p><script>alert(2)</script>',
      warnings: ['"quoted" & \'single\''],
      factors: base.factors.map((f) => ({ ...f, detail: '<b>bold</b>' })),
    });
    expect(out).not.toContain('<img');
    expect(out).not.toMatch(/<script|<b>/);
    expect(out).toContain('<h1>&lt;img src=x onerror=alert(1)&gt;</h1>');
    expect(out).toContain('Breaks out &lt;/p&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(out).toContain('<li>&quot;quoted&quot; &amp; &#39;single&#39;</li>');
    expect(out).toContain('aria-label="&lt;img src=x onerror=alert(1)&gt; daily closes');
  });

  it('is the same text every time it is made from the same report', () => {
    expect(reportHtml(structuredClone(sampleReport()))).toBe(page);
  });

  it('says "No data" for a chart it cannot draw: no chain, no fundamentals, one candle', () => {
    const out = reportHtml(thinReport());
    expect(svgCount(out)).toBe(1);
    expect(out).toContain('No data: fewer than two daily candles');
    expect(out.match(/No data: No option chain was stored for this symbol\./g)).toHaveLength(2);
    expect(out).toContain('No data: no fundamentals were imported for this symbol.');
    expect(out).toContain('No data: no support or resistance levels were found.');
    expect(out).toMatch(/Derivatives<\/text><text class="axis" x="[\d.]+" y="[\d.]+">no data<\/text>/);
    expect(reportHtml({ ...thinReport(), factors: [] })).toContain('No data: the report has no factors.');
  });

  it('prints light on A4 without splitting a chart or a table', () => {
    const print = page.slice(page.indexOf('@media print'));
    expect(page).toContain('@page { size: A4; margin: 16mm 14mm; }');
    expect(print).toContain('--bg: #ffffff');
    expect(print).toMatch(/\.figure, table[^{]*\{ break-inside: avoid; page-break-inside: avoid; \}/);
  });
});

describe('the JSON export and file names', () => {
  it('writes the report as it is, indented two spaces', () => {
    const report = sampleReport();
    const json = reportJson(report);
    expect(JSON.parse(json)).toEqual(report);
    expect(json.startsWith('{\n  "id": 42,\n  "analysisId": 17,')).toBe(true);
  });

  it('names the file by symbol, IST date made and id, in safe characters', () => {
    expect(reportFilename(sampleReport(), 'html')).toBe('RELIANCE-2026-12-03-report-42.html');
    expect(reportFilename(sampleReport({ createdAt: '2026-12-03T20:00:00Z' }), 'json')).toBe(
      'RELIANCE-2026-12-04-report-42.json',
    );
    expect(reportFilename(sampleReport({ symbol: 'M&M', id: 7 }), 'html')).toBe('M-M-2026-12-03-report-7.html');
    expect(reportFilename(sampleReport({ symbol: '../<x>\\..' }), 'html')).toBe('x-2026-12-03-report-42.html');
  });
});
