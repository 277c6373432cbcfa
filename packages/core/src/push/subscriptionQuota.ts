import { WireFormatError } from '../api/wireFields.ts';
import { DataType, type DataTypeCode } from './pushCodec.ts';
import { PushRequestError } from './pushErrors.ts';

/**
 * The push listing (code 111) of what this tiger_id has subscribed and its limits, as the python
 * SDK's `query_subscribed_quote` callback receives it: `limit`/`used`/`subscribedSymbols` for
 * quotes, `askBidLimit`/`askBidUsed`/`subscribedAskBidSymbols` for depth, `tradeTickLimit`...,
 * `klineLimit`... (fields absent from a listing are undefined).
 */
export interface SubscriptionListing {
  readonly raw: Record<string, unknown>;
  limit(field: string): number | undefined;
  symbols(field: string): string[];
}

export function parseSubscriptionListing(msg: string): SubscriptionListing {
  let raw: unknown;
  try {
    raw = JSON.parse(msg);
  } catch {
    throw new WireFormatError('listing msg', 'a JSON object', msg.slice(0, 80));
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new WireFormatError('listing msg', 'a JSON object', msg.slice(0, 80));
  const o = raw as Record<string, unknown>;
  return {
    raw: o,
    limit: (f) => (typeof o[f] === 'number' ? (o[f] as number) : undefined),
    symbols: (f) => (Array.isArray(o[f]) ? (o[f] as unknown[]).map(String) : []),
  };
}

/** A subscription refused (or that would be) for lack of quota; the message says what is used and the fix. */
export class PushQuotaError extends PushRequestError {
  override readonly name: string = 'PushQuotaError';
  constructor(message: string, code: number | undefined, readonly listing: SubscriptionListing | undefined) {
    super(message, code);
  }
}

interface QuotaFields { what: string; limit: string; used: string; symbols: string }

const FIELDS: Partial<Record<DataTypeCode, QuotaFields>> = {
  [DataType.Quote]: { what: 'quote', limit: 'limit', used: 'used', symbols: 'subscribedSymbols' },
  [DataType.QuoteDepth]: { what: 'depth (ask/bid)', limit: 'askBidLimit', used: 'askBidUsed', symbols: 'subscribedAskBidSymbols' },
  [DataType.TradeTick]: { what: 'trade tick', limit: 'tradeTickLimit', used: 'tradeTickUsed', symbols: 'subscribedTradeTickSymbols' },
  [DataType.Kline]: { what: 'kline', limit: 'klineLimit', used: 'klineUsed', symbols: 'subscribedKlineSymbols' },
};

const FIX = 'unsubscribe symbols you no longer need (another process of this tiger_id may hold some), or raise your quote level with the broker';

/** The quota rules of one symbol data type, or undefined for trade streams (no quota). */
export function quotaFor(dataType: DataTypeCode): { refusal(l: SubscriptionListing, fresh: string[]): string | undefined; explainRefusal(serverMsg: string, l: SubscriptionListing | undefined, fresh: string[]): string } | undefined {
  const f = FIELDS[dataType];
  if (!f) return undefined;
  const usage = (l: SubscriptionListing) => {
    const subscribed = l.symbols(f.symbols);
    const used = l.limit(f.used) ?? subscribed.length;
    return { limit: l.limit(f.limit), used, subscribed };
  };
  return {
    refusal(l, fresh) {
      const u = usage(l);
      const adding = fresh.filter((s) => !u.subscribed.includes(s));
      if (u.limit === undefined || u.used + adding.length <= u.limit) return undefined;
      return `${f.what} subscription of ${adding.length} symbol(s) (${adding.slice(0, 5).join(', ')}${adding.length > 5 ? ', ...' : ''}) refused before sending: ` +
        `${u.used} of your ${u.limit} ${f.what} subscriptions are in use (${u.subscribed.slice(0, 5).join(', ')}${u.subscribed.length > 5 ? ', ...' : ''}). Fix: ${FIX}`;
    },
    explainRefusal(serverMsg, l, fresh) {
      const u = l ? usage(l) : undefined;
      const state = u ? `${u.used} of ${u.limit ?? '?'} ${f.what} subscriptions in use` : 'the subscription listing could not be read';
      return `the push server refused the ${f.what} subscription of ${fresh.join(', ')}: "${serverMsg}" (${state}). Fix: ${FIX}`;
    },
  };
}
