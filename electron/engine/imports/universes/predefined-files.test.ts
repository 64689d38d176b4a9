import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PredefinedUniverseFileSchema, type PredefinedUniverseFile } from '../../../../shared/domain/universes';
import { spotEntries } from '../../sim/universe';
import { isinCheckDigitValid } from './csv';

const DIR = path.resolve(import.meta.dirname, '..', '..', '..', '..', 'resources', 'universes');
const files = fs
  .readdirSync(DIR)
  .filter((file) => file.endsWith('.json'))
  .sort();
const universes = new Map<string, PredefinedUniverseFile>(
  files.map((file) => [
    file,
    PredefinedUniverseFileSchema.parse(JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8'))),
  ]),
);
const byId = (id: string) => [...universes.values()].find((u) => u.id === id)!;
const symbolsOf = (id: string) => byId(id).members.map((m) => m.symbol);

describe('the predefined universe files', () => {
  it('are the five universes, each named by its id', () => {
    expect(files).toEqual(['fno.json', 'indices.json', 'nifty50.json', 'niftybank.json', 'niftynext50.json']);
    for (const [file, universe] of universes) expect(file).toBe(`${universe.id}.json`);
  });

  it.each(files)('%s: valid ISINs, no symbol or ISIN twice, equities by ISIN and indices by key', (file) => {
    const { id, members } = universes.get(file)!;
    for (const m of members) {
      if (id === 'indices') {
        expect(m.isin, m.symbol).toBeUndefined();
        expect(m.instrumentKey, m.symbol).toMatch(/^NSE_INDEX\|/);
      } else {
        expect(m.instrumentKey, m.symbol).toBeUndefined();
        expect(isinCheckDigitValid(m.isin!), `${m.symbol} ${m.isin}`).toBe(true);
        expect(m.isin, m.symbol).toMatch(/^INE/);
      }
    }
    const symbols = members.map((m) => m.symbol);
    expect(new Set(symbols).size, 'symbols').toBe(symbols.length);
    const isins = members.flatMap((m) => (m.isin ? [m.isin] : []));
    expect(new Set(isins).size, 'ISINs').toBe(isins.length);
  });

  it('hold the whole index: 50, 50, and 12 or 14 members, the NIFTY 50 and NIFTY NEXT 50 apart', () => {
    expect(byId('nifty50').members).toHaveLength(50);
    expect(byId('niftynext50').members).toHaveLength(50);
    expect([12, 14]).toContain(byId('niftybank').members.length);
    const next = new Set(symbolsOf('niftynext50'));
    expect(symbolsOf('nifty50').filter((s) => next.has(s))).toEqual([]);
    expect(byId('fno').members.length).toBeGreaterThanOrEqual(180);
    expect(byId('fno').members.length).toBeLessThanOrEqual(220);
  });

  it('list every NIFTY 50 and NIFTY BANK member among the F&O stocks', () => {
    const fno = new Set(symbolsOf('fno'));
    expect(symbolsOf('nifty50').filter((s) => !fno.has(s))).toEqual([]);
    expect(symbolsOf('niftybank').filter((s) => !fno.has(s))).toEqual([]);
  });

  it('give a company the same ISIN in every file, and the one the demo market lists it under', () => {
    const isinOf = new Map<string, string>();
    for (const { members } of universes.values())
      for (const m of members) {
        if (!m.isin) continue;
        expect(isinOf.get(m.symbol) ?? m.isin, m.symbol).toBe(m.isin);
        isinOf.set(m.symbol, m.isin);
      }
    for (const { instrument } of spotEntries()) {
      const isin = isinOf.get(instrument.tradingSymbol);
      // Where the simulator keys an equity by a stand-in ISIN, the files carry the real one.
      if (isin === undefined || instrument.isin === null || instrument.isin.startsWith('INEDEMO')) continue;
      expect(isin, instrument.tradingSymbol).toBe(instrument.isin);
    }
  });

  it('name the indices by their Upstox keys, the simulator built-in ones as it keys them', () => {
    const keys = byId('indices').members.map((m) => m.instrumentKey);
    for (const { instrument } of spotEntries())
      if (instrument.instrumentType === 'INDEX') expect(keys).toContain(instrument.instrumentKey);
    expect(keys).toEqual(
      expect.arrayContaining([
        'NSE_INDEX|Nifty 50',
        'NSE_INDEX|Nifty Bank',
        'NSE_INDEX|Nifty Fin Service',
        'NSE_INDEX|NIFTY MID SELECT',
        'NSE_INDEX|India VIX',
      ]),
    );
  });
});
