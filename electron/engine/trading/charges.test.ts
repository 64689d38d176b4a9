import { describe, expect, it } from 'vitest';
import { WorkstationError } from '../../../shared/errors';
import { chargesFor, segmentOf } from './charges';

describe('chargesFor', () => {
  it('charges an equity delivery buy of ₹1,00,000: STT both sides, the ₹20 brokerage cap, stamp duty 0.015 %', () => {
    // value 1,00,00,000 paise; brokerage 0.05 % = 5,000 → capped at 2,000; STT 0.1 % = 10,000;
    // exchange 0.00297 % = 297; SEBI 0.0001 % = 10; GST 18 % × (2,000 + 297 + 10 = 2,307) = 415.26 → 415;
    // stamp 0.015 % = 1,500; total 2,000 + 10,000 + 297 + 10 + 415 + 1,500 = 14,222.
    expect(chargesFor({ segment: 'EQ', product: 'D', side: 'BUY', valuePaise: 10_000_000 })).toEqual({
      brokerage: 2_000,
      stt: 10_000,
      exchange: 297,
      sebi: 10,
      gst: 415,
      stampDuty: 1_500,
      total: 14_222,
    });
  });

  it('charges an equity delivery sell the same STT and no stamp duty', () => {
    // as the buy, without stamp duty: 2,000 + 10,000 + 297 + 10 + 415 = 12,722.
    expect(chargesFor({ segment: 'EQ', product: 'D', side: 'SELL', valuePaise: 10_000_000 })).toEqual({
      brokerage: 2_000,
      stt: 10_000,
      exchange: 297,
      sebi: 10,
      gst: 415,
      stampDuty: 0,
      total: 12_722,
    });
  });

  it('charges an intraday equity buy of ₹10,000 no STT and stamp duty 0.003 %', () => {
    // value 10,00,000 paise; brokerage 0.05 % = 500 (under the cap); exchange 0.00297 % = 29.7 → 30;
    // SEBI 0.0001 % = 1; GST 18 % × (500 + 30 + 1 = 531) = 95.58 → 96; stamp 0.003 % = 30;
    // total 500 + 30 + 1 + 96 + 30 = 657.
    expect(chargesFor({ segment: 'EQ', product: 'I', side: 'BUY', valuePaise: 1_000_000 })).toEqual({
      brokerage: 500,
      stt: 0,
      exchange: 30,
      sebi: 1,
      gst: 96,
      stampDuty: 30,
      total: 657,
    });
  });

  it('charges an intraday equity sell STT of 0.025 %', () => {
    // STT 0.025 % of 10,00,000 = 250; no stamp duty; total 500 + 250 + 30 + 1 + 96 = 877.
    expect(chargesFor({ segment: 'EQ', product: 'I', side: 'SELL', valuePaise: 1_000_000 })).toEqual({
      brokerage: 500,
      stt: 250,
      exchange: 30,
      sebi: 1,
      gst: 96,
      stampDuty: 0,
      total: 877,
    });
  });

  it('charges a futures sell of ₹5,00,000 STT 0.02 % and exchange 0.00173 %', () => {
    // value 5,00,00,000 paise; brokerage 25,000 → 2,000; STT 0.02 % = 10,000; exchange 0.00173 % = 865;
    // SEBI = 50; GST 18 % × (2,000 + 865 + 50 = 2,915) = 524.7 → 525; total 2,000 + 10,000 + 865 + 50 + 525 = 13,440.
    expect(chargesFor({ segment: 'FUT', product: 'I', side: 'SELL', valuePaise: 50_000_000 })).toEqual({
      brokerage: 2_000,
      stt: 10_000,
      exchange: 865,
      sebi: 50,
      gst: 525,
      stampDuty: 0,
      total: 13_440,
    });
  });

  it('charges a futures buy stamp duty of 0.002 % and no STT, whatever the product', () => {
    // stamp 0.002 % of 5,00,00,000 = 1,000; total 2,000 + 865 + 50 + 525 + 1,000 = 4,440.
    const intraday = chargesFor({ segment: 'FUT', product: 'I', side: 'BUY', valuePaise: 50_000_000 });
    expect(intraday).toEqual({
      brokerage: 2_000,
      stt: 0,
      exchange: 865,
      sebi: 50,
      gst: 525,
      stampDuty: 1_000,
      total: 4_440,
    });
    expect(chargesFor({ segment: 'FUT', product: 'D', side: 'BUY', valuePaise: 50_000_000 })).toEqual(intraday);
  });

  it('charges an option buy on its premium, rounding each part half-up once', () => {
    // premium 7,50,000 paise; brokerage 0.05 % = 375; exchange 0.03503 % = 262.725 → 263; SEBI 0.75 → 1;
    // GST 18 % × (375 + 263 + 1 = 639) = 115.02 → 115; stamp 0.003 % = 22.5 → 23; total 375 + 263 + 1 + 115 + 23 = 777.
    expect(chargesFor({ segment: 'OPT', product: 'D', side: 'BUY', valuePaise: 750_000 })).toEqual({
      brokerage: 375,
      stt: 0,
      exchange: 263,
      sebi: 1,
      gst: 115,
      stampDuty: 23,
      total: 777,
    });
  });

  it('charges an option sell STT of 0.1 % of the premium', () => {
    // STT 0.1 % of 7,50,000 = 750; total 375 + 750 + 263 + 1 + 115 = 1,504.
    expect(chargesFor({ segment: 'OPT', product: 'I', side: 'SELL', valuePaise: 750_000 })).toEqual({
      brokerage: 375,
      stt: 750,
      exchange: 263,
      sebi: 1,
      gst: 115,
      stampDuty: 0,
      total: 1_504,
    });
  });

  it('caps brokerage at ₹20 from a ₹40,000 order up', () => {
    // 0.05 % of 39,90,000 paise = 1,995; of 39,99,800 = 1,999.9 → 2,000; of 40,00,000 = 2,000;
    // of 1,00,00,00,000 = 5,00,000 → 2,000.
    const brokerage = (valuePaise: number) =>
      chargesFor({ segment: 'EQ', product: 'I', side: 'BUY', valuePaise }).brokerage;
    expect(brokerage(3_990_000)).toBe(1_995);
    expect(brokerage(3_999_800)).toBe(2_000);
    expect(brokerage(4_000_000)).toBe(2_000);
    expect(brokerage(1_000_000_000)).toBe(2_000);
  });

  it('rounds a half paisa up and anything under it down', () => {
    // SEBI 0.0001 %: 5,00,000 paise → 0.5 → 1; 4,99,999 paise → 0.499999 → 0.
    expect(chargesFor({ segment: 'EQ', product: 'D', side: 'SELL', valuePaise: 500_000 }).sebi).toBe(1);
    expect(chargesFor({ segment: 'EQ', product: 'D', side: 'SELL', valuePaise: 499_999 }).sebi).toBe(0);
  });

  it('charges nothing on a zero value', () => {
    expect(chargesFor({ segment: 'EQ', product: 'D', side: 'BUY', valuePaise: 0 })).toEqual({
      brokerage: 0,
      stt: 0,
      exchange: 0,
      sebi: 0,
      gst: 0,
      stampDuty: 0,
      total: 0,
    });
  });

  it('refuses a negative or fractional value, naming the field', () => {
    for (const valuePaise of [-1, 10.5, Number.NaN]) {
      let caught: unknown;
      try {
        chargesFor({ segment: 'EQ', product: 'D', side: 'BUY', valuePaise });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(WorkstationError);
      expect((caught as WorkstationError).code).toBe('VALIDATION_FAILED');
      expect((caught as WorkstationError).details?.[0]?.path).toEqual(['valuePaise']);
    }
  });
});

describe('segmentOf', () => {
  it('maps instrument types to charge schedules, and an index to none', () => {
    expect(segmentOf('EQ')).toBe('EQ');
    expect(segmentOf('FUT')).toBe('FUT');
    expect(segmentOf('CE')).toBe('OPT');
    expect(segmentOf('PE')).toBe('OPT');
    expect(segmentOf('INDEX')).toBeNull();
    expect(segmentOf('')).toBeNull();
  });
});
