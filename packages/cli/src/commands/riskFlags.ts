import type { RiskLimits } from '@pounce/runtime';

/** The RiskLimits fields whose value is a number. */
type NumberLimit = { [K in keyof RiskLimits]-?: NonNullable<RiskLimits[K]> extends number ? K : never }[keyof RiskLimits];
/** The RiskLimits fields whose value is a list of symbols. */
type SymbolsLimit = { [K in keyof RiskLimits]-?: NonNullable<RiskLimits[K]> extends readonly string[] ? K : never }[keyof RiskLimits];

/**
 * One risk flag: the limit it sets, what its value must be, and its help line. `expects` ends the
 * error message (`--flag: expected <expects>, got "x"`).
 */
type RiskFlag =
  | { readonly limit: NumberLimit; readonly kind: 'positive' | 'count'; readonly expects: string; readonly help: string }
  | { readonly limit: SymbolsLimit; readonly kind: 'symbols'; readonly expects: string; readonly help: string };

/**
 * Every risk flag, declared once for the strategy, backtest and parity commands (a backtest must
 * apply exactly the checks the paper run will). A new limit is one entry here.
 */
export const RISK_FLAGS = {
  'max-order-qty': { limit: 'maxOrderQuantity', kind: 'positive', expects: 'a positive number', help: 'largest quantity of one order' },
  'max-order-notional': { limit: 'maxOrderNotional', kind: 'positive', expects: 'a positive number', help: 'largest value of one order (price x quantity)' },
  'max-position': { limit: 'maxPositionPerSymbol', kind: 'positive', expects: 'a positive number', help: 'largest position in one symbol, long or short' },
  'max-gross': { limit: 'maxGrossExposure', kind: 'positive', expects: 'a positive number', help: 'largest total value of all positions' },
  'daily-loss': {
    limit: 'dailyLossLimit', kind: 'positive', expects: 'a positive amount (the loss from the previous session\'s close that halts new orders, e.g. 500)',
    help: 'loss from the previous session\'s closing equity that halts new orders (a positive amount)',
  },
  allow: { limit: 'allowedSymbols', kind: 'symbols', expects: 'a comma-separated list of symbols', help: 'only these symbols may be traded (A,B,...)' },
  'max-orders-per-min': { limit: 'maxOrdersPerMinute', kind: 'count', expects: 'a positive whole number', help: 'most orders sent in any 60 seconds of venue time' },
  'max-open-orders': { limit: 'maxOpenOrders', kind: 'count', expects: 'a positive whole number', help: 'most orders working or in flight at once' },
  'price-band': { limit: 'priceBandPercent', kind: 'positive', expects: 'a positive percentage (e.g. 5 for 5%)', help: 'refuse a limit/stop price more than this percent from the last price' },
} as const satisfies Record<string, RiskFlag>;

export type RiskFlagName = keyof typeof RISK_FLAGS;

const FLAGS = Object.entries(RISK_FLAGS) as Array<[RiskFlagName, RiskFlag]>;

/** The risk flags as `parseArgs` options with their help; spread them into a command's options. */
export const RISK_OPTIONS = Object.fromEntries(FLAGS.map(([name, f]) => [name, { type: 'string', value: f.kind === 'symbols' ? 'A,B' : 'N', help: f.help }])) as {
  readonly [K in RiskFlagName]: { readonly type: 'string'; readonly value: string; readonly help: string };
};

/** The risk flags' names, for a command's help group. */
export const RISK_FLAG_NAMES = FLAGS.map(([name]) => name);

/** Help lines, one per flag. */
export function riskHelpLines(): string[] {
  const w = Math.max(...FLAGS.map(([n, f]) => `--${n} ${f.kind === 'symbols' ? 'A,B' : 'N'}`.length));
  return FLAGS.map(([n, f]) => `  ${`--${n} ${f.kind === 'symbols' ? 'A,B' : 'N'}`.padEnd(w)}  ${f.help}`);
}

function parseValue(name: RiskFlagName, flag: RiskFlag, text: string): number | string[] {
  const fail = () => new Error(`--${name}: expected ${flag.expects}, got "${text}"`);
  if (flag.kind === 'symbols') {
    const symbols = text.split(',').map((s) => s.trim()).filter(Boolean);
    if (symbols.length === 0) throw fail();
    return symbols;
  }
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0 || (flag.kind === 'count' && !Number.isInteger(n))) throw fail();
  return n;
}

function setLimit(limits: RiskLimits, flag: RiskFlag, value: number | readonly string[]): void {
  // The flag's kind decides the value's type (parseValue / riskFromReport checked it).
  (limits as Record<string, unknown>)[flag.limit] = value;
}

/**
 * Refuses a negative value given as a separate argument (`--daily-loss -5`) with the flag's own
 * message; parseArgs would otherwise call it an "ambiguous" argument. Call before parseArgs.
 */
export function checkRiskArgs(argv: readonly string[]): void {
  for (let i = 0; i < argv.length - 1; i++) {
    const name = argv[i]!.startsWith('--') ? (argv[i]!.slice(2) as RiskFlagName) : undefined;
    const next = argv[i + 1]!;
    if (name && Object.hasOwn(RISK_FLAGS, name) && /^-\d|^-\.\d/.test(next)) parseValue(name, RISK_FLAGS[name], next);
  }
}

/** The limits set by the risk flags present in parsed `values` (absent flags set nothing). */
export function parseRiskFlags(values: Readonly<Partial<Record<string, unknown>>>): RiskLimits {
  const limits: RiskLimits = {};
  for (const [name, flag] of FLAGS) {
    const text = values[name];
    if (typeof text === 'string') setLimit(limits, flag, parseValue(name, flag, text));
  }
  return limits;
}

/**
 * Limits recorded in a backtest report (`config.risk`), checked as the flags are. A field this
 * version does not know is an error: dropping a limit silently would trade with less protection.
 */
export function riskFromReport(raw: unknown, where: string): RiskLimits {
  if (raw === undefined) return {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error(`${where}: config.risk: expected an object of risk limits`);
  const limits: RiskLimits = {};
  for (const [key, value] of Object.entries(raw)) {
    const entry = FLAGS.find(([, f]) => f.limit === key);
    if (!entry) throw new Error(`${where}: config.risk.${key}: not a risk limit this version knows (${FLAGS.map(([, f]) => f.limit).join(', ')})`);
    const [, flag] = entry;
    const ok = flag.kind === 'symbols'
      ? Array.isArray(value) && value.length > 0 && value.every((s) => typeof s === 'string' && s !== '')
      : typeof value === 'number' && Number.isFinite(value) && value > 0 && (flag.kind !== 'count' || Number.isInteger(value));
    if (!ok) throw new Error(`${where}: config.risk.${key}: expected ${flag.expects}, got ${JSON.stringify(value)}`);
    setLimit(limits, flag, value as number | string[]);
  }
  return limits;
}

/**
 * The limits as flags (`max-order-qty=50 allow=A,B`), or `none`; `sourceOf` adds where each came
 * from, e.g. `(report)`.
 */
export function describeRisk(limits: RiskLimits, sourceOf?: (limit: keyof RiskLimits) => string): string {
  const parts = FLAGS.flatMap(([name, flag]) => {
    const value = limits[flag.limit];
    if (value === undefined) return [];
    const text = Array.isArray(value) ? value.join(',') : String(value);
    return [`${name}=${text}${sourceOf ? ` (${sourceOf(flag.limit)})` : ''}`];
  });
  return parts.length > 0 ? parts.join(' ') : 'none';
}
