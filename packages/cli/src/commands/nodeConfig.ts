import type { AccountLimits, RiskLimits } from '@pounce/runtime';
import { parseWebhookTarget, type WebhookTarget } from '@pounce/dashboard';

/** One `strategies[]` entry of a node config. */
export interface NodeStrategyConfig {
  tag: string;
  strategy: string;
  params: Record<string, string | number | boolean>;
  symbols: string[] | undefined;
  risk: RiskLimits;
  capital: number | undefined;
  onStrategyError: 'halt' | 'continue' | undefined;
}

/** A node config (`pounce.config.json`), parsed; see docs/node.md for every field. */
export interface NodeConfig {
  venue: { mode: 'paper' | 'live'; config?: string; embedded?: boolean; account?: string; confirmLive?: string; data?: string[]; speed?: number | 'max' };
  account: AccountLimits;
  strategies: NodeStrategyConfig[];
  /** Webhooks told of fills, halts, disconnects and errors (docs/operations.md). */
  notify: WebhookTarget[];
}

export class NodeConfigError extends Error {
  override readonly name = 'NodeConfigError';
}

type Json = unknown;
const fail = (field: string, expected: string, got: Json): never => {
  throw new NodeConfigError(`${field}: expected ${expected}, got ${JSON.stringify(got) ?? 'nothing'}`);
};
const isObject = (x: Json): x is Record<string, Json> => typeof x === 'object' && x !== null && !Array.isArray(x);

function object(x: Json, field: string, keys: readonly string[]): Record<string, Json> {
  if (!isObject(x)) return fail(field, 'an object', x);
  for (const k of Object.keys(x)) if (!keys.includes(k)) throw new NodeConfigError(`${field}.${k}: unknown field (expected one of ${keys.join(', ')})`);
  return x;
}
function optString(x: Json, field: string): string | undefined {
  if (x === undefined) return undefined;
  return typeof x === 'string' && x.length > 0 ? x : fail(field, 'a non-empty string', x);
}
function optPositive(x: Json, field: string): number | undefined {
  if (x === undefined) return undefined;
  return typeof x === 'number' && Number.isFinite(x) && x > 0 ? x : fail(field, 'a positive number', x);
}
function optStrings(x: Json, field: string): string[] | undefined {
  if (x === undefined) return undefined;
  if (!Array.isArray(x) || x.length === 0 || x.some((s) => typeof s !== 'string' || s.length === 0)) return fail(field, 'a non-empty array of strings', x);
  return x as string[];
}

const RISK_NUMBERS = ['maxOrderQuantity', 'maxOrderNotional', 'maxPositionPerSymbol', 'maxGrossExposure', 'dailyLossLimit', 'maxOrdersPerMinute', 'priceBandPercent', 'maxOpenOrders'] as const;

function risk(x: Json, field: string): RiskLimits {
  if (x === undefined) return {};
  const o = object(x, field, [...RISK_NUMBERS, 'allowedSymbols']);
  const out: RiskLimits = {};
  for (const k of RISK_NUMBERS) {
    const v = optPositive(o[k], `${field}.${k}`);
    if (v !== undefined) out[k] = v;
  }
  const allowed = optStrings(o.allowedSymbols, `${field}.allowedSymbols`);
  if (allowed) out.allowedSymbols = allowed;
  return out;
}

function strategy(x: Json, field: string): NodeStrategyConfig {
  const o = object(x, field, ['tag', 'strategy', 'params', 'symbols', 'risk', 'capital', 'onStrategyError']);
  const tag = typeof o.tag === 'string' && /^[a-z0-9]{1,8}$/.test(o.tag) ? o.tag : fail(`${field}.tag`, '1-8 characters a-z or 0-9 (the strategy\'s tag in its order ids)', o.tag);
  const name = optString(o.strategy, `${field}.strategy`) ?? fail(`${field}.strategy`, 'a strategy name (see npm run strategy -- --list)', o.strategy);
  const params: Record<string, string | number | boolean> = {};
  if (o.params !== undefined) {
    if (!isObject(o.params)) fail(`${field}.params`, 'an object of parameter values', o.params);
    for (const [k, v] of Object.entries(o.params as Record<string, Json>)) {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') fail(`${field}.params.${k}`, 'a string, number or boolean', v);
      params[k] = v as string | number | boolean;
    }
  }
  const policy = o.onStrategyError;
  if (policy !== undefined && policy !== 'halt' && policy !== 'continue') fail(`${field}.onStrategyError`, '"halt" or "continue"', policy);
  return { tag, strategy: name, params, symbols: optStrings(o.symbols, `${field}.symbols`), risk: risk(o.risk, `${field}.risk`), capital: optPositive(o.capital, `${field}.capital`), onStrategyError: policy as 'halt' | 'continue' | undefined };
}

/**
 * Parses a node config (JSON text), naming the field and what was expected on any error.
 *
 * @example
 * ```ts
 * parseNodeConfig('{"strategies":[{"tag":"a","strategy":"sma-cross"}]}').strategies[0].tag; // 'a'
 * ```
 */
export function parseNodeConfig(text: string, source = 'node config'): NodeConfig {
  let raw: Json;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new NodeConfigError(`${source}: not valid JSON (${(e as Error).message})`);
  }
  const top = object(raw, source, ['venue', 'account', 'strategies', 'notify', '$schema']);
  const v = top.venue === undefined ? {} : object(top.venue, 'venue', ['mode', 'config', 'embedded', 'account', 'confirmLive', 'data', 'speed']);
  const mode = v.mode === undefined ? 'paper' : v.mode === 'paper' || v.mode === 'live' ? v.mode : fail('venue.mode', '"paper" or "live"', v.mode);
  if (v.embedded !== undefined && typeof v.embedded !== 'boolean') fail('venue.embedded', 'true or false', v.embedded);
  const speed = v.speed === undefined || v.speed === 'max' ? v.speed : optPositive(v.speed, 'venue.speed');
  const a = top.account === undefined ? {} : object(top.account, 'account', ['maxGrossExposure', 'dailyLossLimit', 'maxOrdersPerMinute', 'patternDayTrader']);
  const account: AccountLimits = {};
  for (const k of ['maxGrossExposure', 'dailyLossLimit', 'maxOrdersPerMinute'] as const) {
    const x = optPositive(a[k], `account.${k}`);
    if (x !== undefined) account[k] = x;
  }
  if (a.patternDayTrader !== undefined) {
    if (a.patternDayTrader !== 'enforce' && a.patternDayTrader !== 'off') fail('account.patternDayTrader', '"enforce" or "off"', a.patternDayTrader);
    account.patternDayTrader = a.patternDayTrader as 'enforce' | 'off';
  }
  if (!Array.isArray(top.strategies) || top.strategies.length === 0) fail('strategies', 'a non-empty array of strategy entries', top.strategies);
  const strategies = (top.strategies as Json[]).map((s, k) => strategy(s, `strategies[${k}]`));
  const seen = new Set<string>();
  for (const [k, s] of strategies.entries()) {
    if (seen.has(s.tag)) throw new NodeConfigError(`strategies[${k}].tag: "${s.tag}" is used by an earlier entry; each strategy needs its own tag`);
    seen.add(s.tag);
  }
  if (top.notify !== undefined && !Array.isArray(top.notify)) fail('notify', 'an array of webhooks ({ "url", "preset", "chatId" })', top.notify);
  const notify = ((top.notify ?? []) as Json[]).map((w, k) => {
    const field = `notify[${k}]`;
    const o = object(w, field, ['url', 'preset', 'chatId']);
    try {
      return parseWebhookTarget(o, field);
    } catch (e) {
      throw new NodeConfigError((e as Error).message);
    }
  });
  return {
    notify,
    venue: { mode, config: optString(v.config, 'venue.config'), embedded: v.embedded as boolean | undefined, account: optString(v.account, 'venue.account'), confirmLive: optString(v.confirmLive, 'venue.confirmLive'), data: optStrings(v.data, 'venue.data'), speed: speed as number | 'max' | undefined },
    account,
    strategies,
  };
}
