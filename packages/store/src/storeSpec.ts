import { checkStoreSymbol } from './storeSymbol.ts';

/** Where the CLI keeps the store unless --store says otherwise (relative to the working folder). */
export const DEFAULT_STORE_DIR = '.pounce/store';

/** A `--data` argument that names stored bars: `store:SYM` or `store:SYM@PERIOD`. */
export interface StoreSpec {
  symbol: string;
  /** Undefined: the symbol's only stored period. */
  period: string | undefined;
}

export function isStoreSpec(spec: string): boolean {
  return spec.startsWith('store:');
}

/**
 * Reads `store:SYM[@PERIOD]`.
 *
 * @example
 * ```ts
 * parseStoreSpec('store:nvda@day'); // { symbol: 'NVDA', period: 'day' }
 * ```
 */
export function parseStoreSpec(spec: string): StoreSpec {
  const m = /^store:([A-Za-z0-9.^_-]+)(?:@([a-z0-9]+))?$/.exec(spec);
  if (!m) throw new Error(`--data ${spec}: expected store:SYMBOL or store:SYMBOL@PERIOD (e.g. store:NVDA@day)`);
  return { symbol: checkStoreSymbol(m[1]!, `--data ${spec}`), period: m[2] };
}
