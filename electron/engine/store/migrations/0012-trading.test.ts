import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeTestDbs, openAtVersion, tableColumns } from '../../../../tests/helpers/schema';
import { makeTempDir, removeTempDirs } from '../../../../tests/helpers/temp-dir';
import { openDatabase } from '../open';

afterEach(() => {
  closeTestDbs();
  removeTempDirs();
});

const instrumentRow = (table: string, key: string, tick: number | null) =>
  `INSERT INTO ${table} (instrument_key, trading_symbol, name, segment, exchange, instrument_type, tick_size,
     search_symbol, search_root) VALUES ('${key}', 'X', 'X', 'NSE_EQ', 'NSE', 'EQ', ${tick ?? 'NULL'}, 'X', 'X')`;

describe('migration 0012-trading', () => {
  it('turns stored tick sizes from Upstox paise into rupees, in both instrument table sets', () => {
    const file = path.join(makeTempDir('tickdesk-mig-'), 'test.db');
    const old = openDatabase(file, { targetVersion: 11 });
    old.exec(instrumentRow('instruments', 'NSE_EQ|A', 5));
    old.exec(instrumentRow('instruments', 'NSE_EQ|B', null));
    old.exec(instrumentRow('instruments_alt', 'NSE_FO|1', 10));
    old.close();
    const db = openDatabase(file, { targetVersion: 12 });
    const ticks = (table: string) => db.prepare(`SELECT instrument_key AS k, tick_size AS t FROM ${table}`).all();
    expect(ticks('instruments')).toEqual([
      { k: 'NSE_EQ|A', t: 0.05 },
      { k: 'NSE_EQ|B', t: null },
    ]);
    expect(ticks('instruments_alt')).toEqual([{ k: 'NSE_FO|1', t: 0.1 }]);
    db.close();
  });

  it('adds orders with unique clientOrderId and tag, and refuses values outside the contract', () => {
    const db = openAtVersion(12);
    expect(tableColumns(db, 'orders').map((c) => c.name)).toContain('tag');
    const insert = (cid: string, tag: string, status = 'QUEUED', quantity = 1) =>
      db
        .prepare(
          `INSERT INTO orders (client_order_id, tag, broker, instrument_key, trading_symbol, side, quantity, order_type,
             product, status, created_at, updated_at)
           VALUES (?, ?, 'paper', 'NSE_EQ|A', 'A', 'BUY', ?, 'MARKET', 'I', ?, 0, 0)`,
        )
        .run(cid, tag, quantity, status);
    insert('a', 'TAGA');
    expect(() => insert('a', 'TAGB')).toThrow(/UNIQUE/);
    expect(() => insert('b', 'TAGA')).toThrow(/UNIQUE/);
    expect(() => insert('c', 'TAGC', 'SENT')).toThrow(/CHECK/);
    expect(() => insert('d', 'TAGD', 'QUEUED', 0)).toThrow(/CHECK/);
  });

  it('keeps one line per account in a ledger entry, and drops the lines with their entry', () => {
    const db = openAtVersion(12);
    db.prepare("INSERT INTO ledger_entries (id, broker, at, kind, description) VALUES (1, 'paper', 0, 'deposit', 'd')").run();
    db.prepare("INSERT INTO ledger_lines VALUES (1, 'cash', 100), (1, 'capital', -100)").run();
    expect(() => db.prepare("INSERT INTO ledger_lines VALUES (1, 'cash', 5)").run()).toThrow(/UNIQUE|PRIMARY/);
    expect(() => db.prepare("INSERT INTO ledger_lines VALUES (1, 'margin', 5)").run()).toThrow(/CHECK/);
    db.prepare('DELETE FROM ledger_entries WHERE id = 1').run();
    expect(db.prepare('SELECT COUNT(*) AS n FROM ledger_lines').get()).toEqual({ n: 0 });
  });
});
