import { DateTime } from 'luxon';
import { bizParam, commonParam } from '../http/GatewayError.ts';
import { US_STOCK_TICKS, type MarketReplay } from '@pounce/matching';
import { shippedCalendar, type Market, type Timeframe } from '@pounce/calendar';
import { KlinePeriodError, replayKlines } from '../replay/replayKlines.ts';
import { optNum, optStr, reqStr, strList, type Biz } from './bizFields.ts';

export interface QuoteContext {
  replay: MarketReplay;
  /** The replayed data's own period. */
  data: Timeframe;
  /** Whether the service has announced `date` closed in `market` (GatewayOptions.closures). */
  closed?: (market: Market, date: string) => boolean;
}

/** A `yyyy-MM-dd` date or epoch ms, as trading_calendar takes them, as a date in the market's zone. */
function calendarDate(biz: Biz, key: string, zone: string): string | undefined {
  const v = biz[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') return DateTime.fromMillis(v, { zone }).toISODate()!;
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return DateTime.fromMillis(Number(v), { zone }).toISODate()!;
  throw bizParam(`${key} must be yyyy-MM-dd or epoch ms`);
}
type Handler = (biz: Biz, ctx: QuoteContext) => unknown;

/** NYSE regular-hours state at `ms` (weekends closed; holidays not modelled). */
export function usMarketStatus(ms: number): { status: string; marketStatus: string } {
  const t = DateTime.fromMillis(ms, { zone: 'America/New_York' });
  const minutes = t.hour * 60 + t.minute;
  if (t.weekday >= 6) return { status: 'MARKET_CLOSED', marketStatus: 'Closed' };
  if (minutes < 4 * 60) return { status: 'NOT_YET_OPEN', marketStatus: 'Not Yet Opened' };
  if (minutes < 9 * 60 + 30) return { status: 'PRE_HOUR_TRADING', marketStatus: 'Pre-Market Trading' };
  if (minutes < 16 * 60) return { status: 'TRADING', marketStatus: 'Trading' };
  if (minutes < 20 * 60) return { status: 'POST_HOUR_TRADING', marketStatus: 'Post-Market Trading' };
  return { status: 'CLOSING', marketStatus: 'Closed' };
}

/** The simulated bid/ask spread around a price: 2 bps, at least a cent. */
export function quoteSpread(price: number): number {
  return Math.max(0.01, Math.round(price * 0.0002 * 100) / 100);
}

const PERIODS = new Set(['day', 'week', 'month', 'year', '1min', '3min', '5min', '10min', '15min', '30min', '45min', '60min', '120min', '240min', '2hour', '3hour', '4hour', '6hour']);
const MINUTES: Record<string, number> = { day: 1440, week: 7 * 1440, month: 31 * 1440, year: 366 * 1440 };

function known(ctx: QuoteContext, symbols: string[]): void {
  const bad = symbols.filter((s) => !ctx.replay.has(s));
  if (bad.length) throw commonParam(`invalid symbols: ${bad.join(',')}`);
}

/** Quote methods, all answered as of the replay clock. */
export const quoteMethods: Record<string, Handler> = {
  market_state: (biz, ctx) => {
    const market = optStr(biz, 'market') ?? 'ALL';
    if (!['US', 'ALL'].includes(market)) throw bizParam(`market ${market} is not served by the local gateway (US only)`);
    const now = ctx.replay.now();
    const st = usMarketStatus(now);
    return [{ market: 'US', ...st, openTime: DateTime.fromMillis(now, { zone: 'America/New_York' }).toFormat("MM-dd '09:30:00' ZZZZ") }];
  },

  quote_real_time: (biz, ctx) => {
    const symbols = strList(biz, 'symbols');
    known(ctx, symbols);
    return symbols.flatMap((symbol) => {
      const b = ctx.replay.latest(symbol);
      if (!b) return [];
      const spread = quoteSpread(b.close);
      return [{
        symbol, open: b.open, high: b.high, low: b.low, close: b.close, preClose: ctx.replay.previous(symbol)?.close ?? b.open,
        latestPrice: b.close, latestTime: b.time, askPrice: b.close + spread / 2, askSize: 100, bidPrice: b.close - spread / 2, bidSize: 100,
        volume: b.volume, status: 'NORMAL',
      }];
    });
  },

  kline: (biz, ctx) => {
    const symbols = strList(biz, 'symbols');
    known(ctx, symbols);
    const period = reqStr(biz, 'period');
    if (!PERIODS.has(period)) throw bizParam(`period ${period} is not supported`);
    const begin = optNum(biz, 'begin_time') ?? -1;
    const end = optNum(biz, 'end_time') ?? -1;
    const limit = Math.min(optNum(biz, 'limit') ?? 251, 1200);
    const token = optStr(biz, 'page_token');
    if (token && symbols.length !== 1) throw bizParam('page_token is only valid with exactly one symbol');
    const now = ctx.replay.now();
    // Base bars per bar of the period: with no begin_time only the tail that can make `limit` bars is aggregated.
    const periodMinutes = MINUTES[period] ?? Number(/^(\d+)/.exec(period)?.[1] ?? 1) * (period.endsWith('hour') ? 60 : 1);
    const perBar = ctx.data.kind === 'session' ? Math.ceil(periodMinutes / 1440) : Math.ceil(periodMinutes / ctx.data.minutes) * (periodMinutes >= 1440 ? 2 : 1);
    return symbols.map((symbol) => {
      // Every period from the replayed bars up to now (see replayKlines); newest `limit` in range, paged backwards by token.
      let base = ctx.replay.history(symbol);
      if (begin >= 0) base = base.filter((b) => b.time >= begin - 86_400_000);
      else if (!token) base = base.slice(-Math.min(base.length, (limit + 2) * perBar + 1));
      let made: ReturnType<typeof replayKlines>;
      try {
        made = replayKlines(base, symbol, period, ctx.data, now);
      } catch (e) {
        if (e instanceof KlinePeriodError) throw bizParam(e.message);
        throw e;
      }
      let bars = made.filter((b) => (begin < 0 || b.time >= begin) && (end < 0 || b.time <= end));
      if (token) {
        const before = Number(Buffer.from(token, 'base64').toString('utf8'));
        if (!Number.isFinite(before)) throw bizParam('page_token is not valid');
        bars = bars.filter((b) => b.time < before);
      }
      const page = bars.slice(Math.max(0, bars.length - limit));
      const more = bars.length > page.length && page.length > 0;
      return {
        symbol, period,
        nextPageToken: more ? Buffer.from(String(page[0]!.time)).toString('base64') : undefined,
        items: page.map((b) => ({ time: b.time, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume, amount: b.close * b.volume })),
      };
    });
  },

  /** Trading and non-trading dates of a market: the shipped calendar less announced closures (the SDK's get_trading_calendar). */
  trading_calendar: (biz, ctx) => {
    const market = reqStr(biz, 'market');
    if (market !== 'US' && market !== 'HK') throw bizParam(`market ${market} has no calendar on the local gateway (US, HK)`);
    const cal = shippedCalendar(market as Market);
    const now = ctx.replay.now();
    const from = calendarDate(biz, 'begin_date', cal.zone) ?? cal.dateOf(now);
    const to = calendarDate(biz, 'end_date', cal.zone) ?? DateTime.fromISO(from, { zone: cal.zone }).plus({ days: 365 }).toISODate()!;
    if (to < from) throw bizParam('end_date is before begin_date');
    const out: Array<{ date: string; type: string }> = [];
    for (let d = DateTime.fromISO(from, { zone: cal.zone }); d.toISODate()! < to; d = d.plus({ days: 1 })) {
      const date = d.toISODate()!;
      out.push({ date, type: cal.session(date) && !ctx.closed?.(market as Market, date) ? 'TRADING' : 'NON_TRADING' });
      if (out.length > 3700) throw bizParam('the range is limited to ten years');
    }
    return out;
  },

  timeline: (biz, ctx) => {
    const symbols = strList(biz, 'symbols');
    known(ctx, symbols);
    return symbols.map((symbol) => {
      const h = ctx.replay.history(symbol).slice(-390);
      return { symbol, period: 'day', preClose: h[0]?.open ?? 0, intraday: { items: h.map((b) => ({ time: b.time, volume: b.volume, price: b.close, avgPrice: (b.high + b.low + b.close) / 3 })), beginTime: h[0]?.time ?? -1, endTime: h[h.length - 1]?.time ?? -1 } };
    });
  },

  trade_tick: (biz, ctx) => {
    const symbols = strList(biz, 'symbols');
    known(ctx, symbols);
    const limit = Math.min(optNum(biz, 'limit') ?? 200, 1000);
    return symbols.map((symbol) => {
      // One synthetic print per replayed bar (its close), so ticks agree with bars.
      const h = ctx.replay.history(symbol);
      const from = Math.max(0, h.length - limit);
      return { symbol, beginIndex: from, endIndex: h.length - 1, items: h.slice(from).map((b, i) => ({ time: b.time, volume: b.volume, price: b.close, type: i > 0 && b.close < h[from + i - 1]!.close ? '-' : '+' })) };
    });
  },

  quote_depth: (biz, ctx) => {
    const symbols = strList(biz, 'symbols');
    reqStr(biz, 'market');
    known(ctx, symbols);
    return symbols.map((symbol) => {
      const b = ctx.replay.latest(symbol);
      const px = b?.close ?? 0;
      const tick = 0.01;
      return {
        symbol,
        asks: Array.from({ length: 5 }, (_, i) => ({ price: Math.round((px + tick * (i + 1)) * 100) / 100, count: 1 + i, volume: 100 * (i + 1) })),
        bids: Array.from({ length: 5 }, (_, i) => ({ price: Math.round((px - tick * (i + 1)) * 100) / 100, count: 1 + i, volume: 100 * (i + 1) })),
      };
    });
  },
};

/** Contract description for a replayed symbol (US stock, 1 share lots, cent ticks). */
export function contractJson(symbol: string): Record<string, unknown> {
  return {
    contractId: 0, identifier: symbol, symbol, secType: 'STK', currency: 'USD', exchange: 'SMART', market: 'US', primaryExchange: 'NASDAQ',
    localSymbol: symbol, name: symbol, multiplier: 1, lotSize: 1, minTick: 0.01, status: 1, tradeable: true, closeOnly: false, marginable: true,
    shortable: true, shortMargin: 0.5, tickSizes: US_STOCK_TICKS.map((b) => ({ begin: String(b.begin), end: String(b.end), tickSize: b.tickSize, type: 'CLOSED_OPEN' })), isEtf: false,
    supportOvernightTrading: false, supportFractionalShare: false,
  };
}
