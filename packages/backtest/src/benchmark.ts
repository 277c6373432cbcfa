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
  /** Each symbol's slot in `last` and `shares`. */
  private readonly slot: ReadonlyMap<string, number>;
  /** The last close of each slot; 0 until it has one. Arrays, not maps: a step runs per bar with one symbol. */
  private readonly last: Float64Array;
  private shares: Float64Array | undefined;
  private value: number;

  /** The symbols held, each once, in the order first named. */
  readonly symbols: readonly string[];

  constructor(private readonly cash: number, symbols: readonly string[]) {
    this.value = cash;
    this.symbols = [...new Set(symbols)];
    this.slot = new Map(this.symbols.map((s, i) => [s, i]));
    this.last = new Float64Array(this.slot.size);
  }

  /** One replay step's bars; returns the benchmark's value after them. */
  step(bars: readonly Bar[]): number {
    const last = this.last;
    for (const b of bars) {
      const i = this.slot.get(b.symbol);
      if (i !== undefined) last[i] = b.close;
    }
    if (!this.shares && last.length > 0 && last.every((p) => p > 0)) {
      const each = this.cash / last.length;
      this.shares = last.map((p) => each / p);
    }
    const shares = this.shares;
    if (shares) {
      let v = 0;
      for (let i = 0; i < shares.length; i++) v += shares[i]! * last[i]!;
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
