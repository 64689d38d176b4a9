import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { queryPlan } from '../../../tests/helpers/schema';
import { makeTempDir, removeTempDirs } from '../../../tests/helpers/temp-dir';
import { openDatabase } from './open';
import { createPaperOrderStore, paperOrderId, type NewPaperOrder } from './paper-orders';
import type { Db } from './types';

const RELIANCE = 'NSE_EQ|INE002A01018';
const INFY = 'NSE_EQ|INE009A01021';
/** 09:30 IST on Monday 5 January 2026. */
const AT = Date.parse('2026-01-05T04:00:00.000Z');

const order = (overrides: Partial<NewPaperOrder> = {}): NewPaperOrder => ({
  tag: 'T1',
  instrumentKey: RELIANCE,
  side: 'BUY',
  quantity: 10,
  orderType: 'LIMIT',
  pricePaise: 250_000,
  triggerPricePaise: null,
  product: 'D',
  createdAt: AT,
  ...overrides,
});

const opened: Db[] = [];
function open(file: string): Db {
  const db = openDatabase(file);
  opened.push(db);
  return db;
}

afterEach(() => {
  for (const db of opened.splice(0)) if (db.open) db.close();
  removeTempDirs();
});

describe('paper order store', () => {
  it('stores a new order OPEN, untriggered and unfilled, under a dated id', () => {
    const book = createPaperOrderStore(open(path.join(makeTempDir(), 'test.db')));
    const id = book.insert(order());
    expect(id).toBe('PAPER-20260105-1');
    expect(book.get(id)).toEqual({
      brokerOrderId: id,
      tag: 'T1',
      instrumentKey: RELIANCE,
      side: 'BUY',
      quantity: 10,
      orderType: 'LIMIT',
      pricePaise: 250_000,
      triggerPricePaise: null,
      product: 'D',
      status: 'OPEN',
      triggered: false,
      filledQuantity: 0,
      filledValuePaise: 0,
      message: null,
      createdAt: AT,
      updatedAt: AT,
    });
    expect(book.get('PAPER-20260105-99')).toBeUndefined();
  });

  it('dates ids by the IST trading day, not the UTC one', () => {
    // 20:00 UTC on 5 January is 01:30 IST on 6 January.
    expect(paperOrderId(Date.parse('2026-01-05T20:00:00.000Z'), 7)).toBe('PAPER-20260106-7');
    expect(paperOrderId(Date.parse('2026-01-05T18:29:59.999Z'), 7)).toBe('PAPER-20260105-7');
  });

  it('keeps ids unique when the database is opened again', () => {
    const file = path.join(makeTempDir(), 'test.db');
    const first = open(file);
    const book = createPaperOrderStore(first);
    expect([book.insert(order()), book.insert(order({ tag: 'T2' }))]).toEqual(['PAPER-20260105-1', 'PAPER-20260105-2']);
    first.close();
    const reopened = createPaperOrderStore(open(file));
    const nextDay = Date.parse('2026-01-06T04:00:00.000Z');
    expect(reopened.insert(order({ tag: 'T3', createdAt: nextDay }))).toBe('PAPER-20260106-3');
    expect(reopened.byTag('T1').map((o) => o.brokerOrderId)).toEqual(['PAPER-20260105-1']);
  });

  it('finds every slice of a tag, oldest first, and nothing for an unknown tag', () => {
    const book = createPaperOrderStore(open(path.join(makeTempDir(), 'test.db')));
    const ids = [
      book.insert(order({ tag: 'SLICED' })),
      book.insert(order({ tag: 'OTHER' })),
      book.insert(order({ tag: 'SLICED' })),
    ];
    expect(book.byTag('SLICED').map((o) => o.brokerOrderId)).toEqual([ids[0], ids[2]]);
    expect(book.byTag('NOPE')).toEqual([]);
  });

  it('lists working orders oldest first, of one instrument or of all, leaving out final ones', () => {
    const book = createPaperOrderStore(open(path.join(makeTempDir(), 'test.db')));
    const a = book.insert(order({ tag: 'A' }));
    const b = book.insert(order({ tag: 'B', instrumentKey: INFY }));
    const c = book.insert(order({ tag: 'C' }));
    const d = book.insert(order({ tag: 'D' }));
    const change = { triggered: false, message: null, updatedAt: AT + 1_000 };
    book.update(a, { ...change, status: 'PARTIALLY_FILLED', filledQuantity: 4, filledValuePaise: 1_000_000 });
    book.update(c, { ...change, status: 'FILLED', filledQuantity: 10, filledValuePaise: 2_500_000 });
    book.update(d, { ...change, status: 'CANCELLED', filledQuantity: 0, filledValuePaise: 0, message: 'cancelled' });
    expect(book.working().map((o) => o.brokerOrderId)).toEqual([a, b]);
    expect(book.working(RELIANCE).map((o) => o.brokerOrderId)).toEqual([a]);
    expect(book.working('NSE_EQ|NONE')).toEqual([]);
  });

  it('updates what moves after placement and keeps the rest', () => {
    const book = createPaperOrderStore(open(path.join(makeTempDir(), 'test.db')));
    const id = book.insert(order({ orderType: 'SL', triggerPricePaise: 249_000 }));
    const moved = book.update(id, {
      status: 'PARTIALLY_FILLED',
      triggered: true,
      filledQuantity: 3,
      filledValuePaise: 750_000,
      message: 'trigger price reached',
      updatedAt: AT + 5_000,
    });
    expect(moved).toBe(true);
    expect(book.get(id)).toMatchObject({
      quantity: 10,
      pricePaise: 250_000,
      triggerPricePaise: 249_000,
      status: 'PARTIALLY_FILLED',
      triggered: true,
      filledQuantity: 3,
      filledValuePaise: 750_000,
      message: 'trigger price reached',
      createdAt: AT,
      updatedAt: AT + 5_000,
    });
    expect(book.update('PAPER-20260105-42', { ...book.get(id)!, status: 'FILLED' })).toBe(false);
  });

  it("scans an instrument's working orders through the partial index", () => {
    const db = open(path.join(makeTempDir(), 'test.db'));
    const plan = queryPlan(
      db,
      `SELECT * FROM paper_orders WHERE instrument_key = ? AND status IN ('OPEN', 'PARTIALLY_FILLED') ORDER BY rowid`,
      [RELIANCE],
    );
    expect(plan.join('\n')).toContain('paper_orders_working');
  });
});
