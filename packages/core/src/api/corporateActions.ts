import { asArray, asObject, num, optStr, WireFormatError, type WireObject } from './wireFields.ts';

/** A split as `get_corporate_split` returns it: `fromFactor` old shares become `toFactor` new ones. */
export interface CorporateSplit {
  symbol: string;
  /** Ex-date, yyyy-mm-dd in the market's time zone. */
  exDate: string;
  fromFactor: number;
  toFactor: number;
  market: string | undefined;
}

/** A cash dividend as `get_corporate_dividend` returns it. */
export interface CorporateDividend {
  symbol: string;
  /** Ex-date, yyyy-mm-dd in the market's time zone. */
  exDate: string;
  amount: number;
  currency: string | undefined;
  recordDate: string | undefined;
  payDate: string | undefined;
  market: string | undefined;
}

const ZONES: Readonly<Record<string, string>> = { US: 'America/New_York', HK: 'Asia/Hong_Kong', CN: 'Asia/Shanghai' };

/** A wire date: yyyy-mm-dd text (kept), or epoch ms (its date in the market's zone). */
function wireDate(o: WireObject, key: string, market: string): string {
  const v = o[key];
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v)) return v.slice(0, 10);
  const ms = num(o, key);
  const d = new Date(ms);
  if (!Number.isFinite(d.getTime())) throw new WireFormatError(key, 'a date', v);
  // en-CA formats as yyyy-mm-dd.
  return new Intl.DateTimeFormat('en-CA', { timeZone: ZONES[market] ?? 'America/New_York', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

/** The reply's data: `{ SYMBOL: [item, ...], ... }` (as the python SDK's responses read it). */
function bySymbol(data: unknown, method: string): Array<[string, WireObject]> {
  if (data === null || data === undefined) return [];
  return Object.entries(asObject(data, method)).flatMap(([symbol, list]) => asArray(list, symbol).map((item): [string, WireObject] => [symbol, asObject(item, symbol)]));
}

export function parseCorporateSplits(data: unknown, market: string): CorporateSplit[] {
  return bySymbol(data, 'corporate_action').map(([symbol, o]) => ({
    symbol, exDate: wireDate(o, 'executeDate', market), fromFactor: num(o, 'fromFactor'), toFactor: num(o, 'toFactor'), market: optStr(o, 'market'),
  }));
}

export function parseCorporateDividends(data: unknown, market: string): CorporateDividend[] {
  return bySymbol(data, 'corporate_action').map(([symbol, o]) => ({
    symbol, exDate: wireDate(o, 'executeDate', market), amount: num(o, 'amount'), currency: optStr(o, 'currency'),
    recordDate: o.recordDate == null ? undefined : wireDate(o, 'recordDate', market), payDate: o.payDate == null ? undefined : wireDate(o, 'payDate', market),
    market: optStr(o, 'market'),
  }));
}

