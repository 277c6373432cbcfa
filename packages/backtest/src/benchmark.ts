import type { Bar } from '@pounce/core';

/** Buy-and-hold over the same data and cash: what a backtest's result is measured against. */
export interface BenchmarkSummary {
  /** How the benchmark is built, for people. */
  description: string;
  symbols: string[];
  startValue: number;
  endValue: number;
  /** endValue / startValue - 1. */
  totalReturn: number;
}

/**
 * Buy-and-hold: at the first step where every symbol has a price, the starting cash is split
 * equally across the symbols and bought at their closes (whole and fractional shares, no fees);
 * the holding is then valued at each step's last closes. Before that step it is the cash.
 *
 * @example
 * ```ts
 * const b = new BuyAndHold(100_000, ['NVDA']);
 * b.step([{ symbol: 'NVDA', time: 0, open: 10, high: 10, low: 10, close: 10, volume: 1 }]); // 100000
 * b.step([{ symbol: 'NVDA', time: 1, open: 11, high: 11, low: 11, close: 11, volume: 1 }]); // 110000
 * ```
 */
export class BuyAndHold {
  private readonly last = new Map<string, number>();
  private shares: Map<string, number> | undefined;
  private value: number;
  /** The symbols as a set: a step looks up every bar of its slice (with a list, 500 symbols cost 500 x 500). */
  private readonly held: ReadonlySet<string>;

  constructor(private readonly cash: number, readonly symbols: readonly string[]) {
    this.value = cash;
    this.held = new Set(symbols);
  }

  /** One replay step's bars; returns the benchmark's value after them. */
  step(bars: readonly Bar[]): number {
    for (const b of bars) if (this.held.has(b.symbol)) this.last.set(b.symbol, b.close);
    if (!this.shares && this.symbols.length > 0 && this.symbols.every((s) => (this.last.get(s) ?? 0) > 0)) {
      const each = this.cash / this.symbols.length;
      this.shares = new Map(this.symbols.map((s) => [s, each / this.last.get(s)!]));
    }
    if (this.shares) {
      let v = 0;
      for (const [s, q] of this.shares) v += q * this.last.get(s)!;
      this.value = v;
    }
    return this.value;
  }

  summary(): BenchmarkSummary {
    return {
      description: `buy and hold ${this.symbols.join(', ')}: the starting cash split equally, bought at the first close where all have a price, no fees`,
      symbols: [...this.symbols], startValue: this.cash, endValue: this.value, totalReturn: this.cash > 0 ? this.value / this.cash - 1 : 0,
    };
  }
}
