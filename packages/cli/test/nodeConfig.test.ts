import { describe, expect, it } from 'vitest';
import { parseNodeConfig } from '../src/commands/nodeConfig.ts';

const entry = { tag: 'fast', strategy: 'sma-cross' };
const parse = (x: unknown) => () => parseNodeConfig(JSON.stringify(x), 'pounce.config.json');

describe('node config parsing names the field and what it expected', () => {
  it('parses a minimal config with paper defaults', () => {
    const c = parseNodeConfig(JSON.stringify({ strategies: [{ ...entry, params: { fast: 3 }, risk: { maxOrderQuantity: 500 } }], account: { dailyLossLimit: 1000 } }));
    expect(c.venue.mode).toBe('paper');
    expect(c.account).toEqual({ dailyLossLimit: 1000 });
    expect(c.strategies[0]).toMatchObject({ tag: 'fast', strategy: 'sma-cross', params: { fast: 3 }, risk: { maxOrderQuantity: 500 } });
  });
  it('refuses a tag that cannot be part of an order id', () => expect(parse({ strategies: [{ ...entry, tag: 'Fast-1' }] })).toThrow(/strategies\[0\]\.tag: expected 1-8 characters a-z or 0-9.*got "Fast-1"/));
  it('refuses two entries with one tag', () => expect(parse({ strategies: [entry, { ...entry, strategy: 'bollinger-reversion' }] })).toThrow(/strategies\[1\]\.tag: "fast" is used by an earlier entry/));
  it('refuses an unknown field, naming it', () => expect(parse({ strategies: [{ ...entry, risk: { maxOrderQty: 5 } }] })).toThrow(/strategies\[0\]\.risk\.maxOrderQty: unknown field/));
  it('refuses a non-positive limit', () => expect(parse({ strategies: [entry], account: { maxGrossExposure: -1 } })).toThrow(/account\.maxGrossExposure: expected a positive number, got -1/));
  it('reads the pattern-day-trader switch and refuses other values', () => {
    expect(parseNodeConfig(JSON.stringify({ strategies: [entry], account: { patternDayTrader: 'off' } })).account).toEqual({ patternDayTrader: 'off' });
    expect(parse({ strategies: [entry], account: { patternDayTrader: 'no' } })).toThrow(/account\.patternDayTrader: expected "enforce" or "off", got "no"/);
  });
  it('refuses a config without strategies', () => expect(parse({ venue: { mode: 'paper' } })).toThrow(/strategies: expected a non-empty array/));
  it('refuses a venue mode other than paper or live', () => expect(parse({ venue: { mode: 'demo' }, strategies: [entry] })).toThrow(/venue\.mode: expected "paper" or "live", got "demo"/));
  it('refuses text that is not JSON', () => expect(() => parseNodeConfig('{', 'pounce.config.json')).toThrow(/pounce.config.json: not valid JSON/));
});
