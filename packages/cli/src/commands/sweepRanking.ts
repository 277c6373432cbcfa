import type { IndexedSweepResult, SweepResult } from '@pounce/backtest';

export const paramText = (r: SweepResult) => Object.entries(r.params).map(([k, v]) => `${k}=${String(v)}`).join(' ');

/** The ranking table of a sweep (a single run and a merge of its shards print it the same). */
export function printRanking(out: (l: string) => void, ranked: readonly IndexedSweepResult[], all: readonly IndexedSweepResult[], top: number): void {
  out('\nrank  sharpe   return    maxDD  trades  params');
  ranked.slice(0, top).forEach((r, i) => out(`${String(i + 1).padStart(4)}  ${r.metrics!.sharpe.toFixed(2).padStart(6)}  ${(r.metrics!.totalReturn * 100).toFixed(2).padStart(7)}%  ${(r.metrics!.maxDrawdown * 100).toFixed(1).padStart(5)}%  ${String(r.metrics!.tradeCount).padStart(6)}  ${paramText(r)}`));
  for (const r of all.filter((x) => x.error)) out(`error     ${paramText(r)}: ${r.error}`);
}
