import { trusted } from './markup';

/**
 * The exported report's only stylesheet. System fonts, no url(): the file opens offline and fetches nothing. Dark on
 * screen; light with A4 margins in print, with charts and tables never split across pages.
 */
export const STYLESHEET = trusted(`
:root {
  --bg: #0f1419; --panel: #161d24; --fg: #e3e8ed; --muted: #8e9aa6; --grid: #27313b; --rule: #2c3640;
  --accent: #4c9be8; --up: #3fb37f; --down: #e5534b; --sma50: #e0a43a; --sma200: #b07ce8;
  --call: #e5534b; --put: #3fb37f; --pain: #e0a43a;
  color-scheme: dark;
}
* { box-sizing: border-box; }
body {
  margin: 0; padding: 24px; background: var(--bg); color: var(--fg);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
main, header, footer { max-width: 980px; margin: 0 auto; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--rule); }
h3 { font-size: 14px; margin: 18px 0 8px; color: var(--muted); text-transform: uppercase; letter-spacing: 0.04em; }
.muted, .no-data { color: var(--muted); }
.no-data { font-style: italic; padding: 12px; border: 1px dashed var(--rule); }
.headline { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
.stat { background: var(--panel); border: 1px solid var(--rule); padding: 10px 14px; min-width: 150px; }
.stat .label { display: block; color: var(--muted); font-size: 12px; }
.stat .value { font-size: 20px; font-weight: 600; font-variant-numeric: tabular-nums; }
.summary { font-size: 15px; }
.warnings { border-left: 3px solid var(--sma50); padding: 6px 12px 6px 28px; background: var(--panel); }
table { border-collapse: collapse; margin: 8px 0 16px; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
.values th { color: var(--muted); font-weight: normal; min-width: 260px; }
.grid-table th { color: var(--muted); font-weight: 600; }
tr.marked td { font-weight: 700; }
.figure { background: var(--panel); border: 1px solid var(--rule); padding: 8px; margin: 8px 0 16px; }
svg.chart { display: block; width: 100%; height: auto; font: 11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
svg.chart polyline { fill: none; stroke-width: 1.6; }
svg .grid { stroke: var(--grid); stroke-width: 1; }
svg .axis { fill: var(--muted); }
svg .value { fill: var(--fg); }
svg .close { stroke: var(--fg); fill: var(--fg); }
svg .sma50 { stroke: var(--sma50); fill: var(--sma50); }
svg .sma200 { stroke: var(--sma200); fill: var(--sma200); }
svg line.support, svg line.resistance { stroke-dasharray: 5 4; stroke-width: 1.2; }
svg .support { stroke: var(--up); fill: var(--up); }
svg .resistance { stroke: var(--down); fill: var(--down); }
svg .support-text { fill: var(--up); stroke: none; }
svg .resistance-text { fill: var(--down); stroke: none; }
svg .key { stroke: none; }
svg .contribution { fill: var(--accent); }
svg .call-bar, svg .call-line { fill: var(--call); stroke: var(--call); }
svg .put-bar, svg .put-line { fill: var(--put); stroke: var(--put); }
svg rect.call-bar, svg rect.put-bar { stroke: none; }
svg .max-pain { stroke: var(--pain); stroke-dasharray: 4 3; stroke-width: 1.5; }
svg .max-pain-text { fill: var(--pain); }
svg .atm { stroke: var(--muted); stroke-dasharray: 2 3; }
footer { margin-top: 32px; padding-top: 10px; border-top: 1px solid var(--rule); color: var(--muted); font-size: 12px; }
@page { size: A4; margin: 16mm 14mm; }
@media print {
  :root {
    --bg: #ffffff; --panel: #ffffff; --fg: #111111; --muted: #555555; --grid: #dddddd; --rule: #bbbbbb;
    --accent: #1f5fa8; --up: #1b7f4f; --down: #b3261e; --sma50: #a86b00; --sma200: #6a3cb0;
    --call: #b3261e; --put: #1b7f4f; --pain: #a86b00;
    color-scheme: light;
  }
  body { padding: 0; font-size: 11pt; background: #ffffff; color: #111111; }
  main, header, footer { max-width: none; }
  .figure, table, .stat, .warnings, svg { break-inside: avoid; page-break-inside: avoid; }
  svg { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  section { break-before: auto; }
}
`);
