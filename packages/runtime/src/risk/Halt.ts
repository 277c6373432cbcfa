/**
 * Why new exposure is halted. Every cause allows the same thing: reduce-only orders (an order
 * that shrinks an existing position without flipping it, counting working orders on its side);
 * everything else is refused. The first halt of a run is kept; it lasts until the run ends.
 *
 * | cause | set by |
 * |---|---|
 * | `daily-loss` | a mark (bar, quote, fill) or check finds equity `dailyLossLimit` below the day's start |
 * | `kill-switch` | `TradingEngine.kill` (dashboard button, `KILL` file, Ctrl-C twice); also cancels open orders |
 * | `strategy-error` | a strategy handler threw and the run is set to halt on it |
 * | `operator` | `TradingEngine.halt(text)` |
 * | `venue` | a fatal venue stream error (e.g. kicked out by another login) |
 */
export type HaltCause = 'daily-loss' | 'kill-switch' | 'strategy-error' | 'operator' | 'venue';

export interface Halt {
  readonly cause: HaltCause;
  /** What happened, for people: shown on the status line, the dashboard and in refusals. */
  readonly text: string;
}
