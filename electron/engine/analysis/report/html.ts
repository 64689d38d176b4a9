import type { Report } from '../../../../shared/domain/analysis';
import { factorChart, priceChart } from './html/charts';
import { fixed, istDate, istDateTime, words } from './html/format';
import { markup } from './html/markup';
import { dataAgeTable, factorTable, keyLevelTable, sectionTables } from './html/sections';
import { STYLESHEET } from './html/style';

/**
 * The downloadable forms of a report. The HTML is one self-contained document: inline style and SVG only, no script
 * and nothing fetched, and its policy forbids loading anything, so it opens offline years later and prints to PDF.
 */

const POLICY = "default-src 'none'; style-src 'unsafe-inline'";

function level1Text(report: Report): string {
  if (!report.level1) return 'Not from a scan';
  const { verdict, compositeScore, direction } = report.level1;
  const agreement = report.agreesWithLevel1 === null ? '' : report.agreesWithLevel1 ? ' (agrees)' : ' (disagrees)';
  return `${verdict}, ${fixed(compositeScore, 1)}, ${words(direction)}${agreement}`;
}

export function reportHtml(report: Report): string {
  const stat = (label: string, value: string) =>
    markup`<div class="stat"><span class="label">${label}</span><span class="value">${value}</span></div>`;
  const headline = [
    stat('Conviction', fixed(report.convictionScore, 1)),
    stat('Risk grade', words(report.riskGrade)),
    stat('Direction', words(report.direction)),
    stat('Level 1', level1Text(report)),
  ];
  const warnings =
    report.warnings.length === 0
      ? null
      : markup`<ul class="warnings">${report.warnings.map((warning) => markup`<li>${warning}</li>`)}</ul>`;
  const footer = `Report ${report.id} · analysis ${report.analysisId} · made ${istDateTime(report.createdAt)} (${report.createdAt}) · data as of ${istDate(report.asOf)} (${report.asOf}) · Tickdesk`;
  return markup`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="dark light">
<title>${report.symbol} deep-dive, ${istDate(report.asOf)} (report ${report.id})</title>
<style>${STYLESHEET}</style>
</head>
<body>
<header>
<h1>${report.symbol}</h1>
<p class="muted">${report.instrumentKey} · deep-dive of ${istDate(report.asOf)}</p>
<div class="headline">${headline}</div>
</header>
<main>
<section id="summary"><h2>Summary</h2><p class="summary">${report.summary}</p>${warnings}</section>
<section id="price"><h2>Price</h2><div class="figure">${priceChart(report)}</div>${keyLevelTable(report)}</section>
<section id="factors"><h2>Factors</h2><div class="figure">${factorChart(report.factors)}</div>${factorTable(report)}</section>
${sectionTables(report)}
<section id="data"><h2>Data</h2>${dataAgeTable(report)}</section>
</main>
<footer>${footer}</footer>
</body>
</html>
`.text;
}

/** The report exactly as the library stores it, indented two spaces. */
export const reportJson = (report: Report): string => JSON.stringify(report, null, 2);

/** `RELIANCE-2026-12-03-report-42.html`: the symbol in safe characters, the IST date the report was made, its id. */
export function reportFilename(report: Report, ext: 'html' | 'json'): string {
  const symbol =
    report.symbol
      .replace(/[^A-Za-z0-9_-]+/g, '-')
      .replace(/-{2,}/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 40) || 'report';
  return `${symbol}-${istDate(report.createdAt).replace(/[^0-9-]/g, '')}-report-${Math.trunc(report.id)}.${ext}`;
}
