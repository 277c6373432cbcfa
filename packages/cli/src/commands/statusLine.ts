import type { RunStatus } from '@pounce/runtime';

/** An amount as the status line and the summary show it: `100,000.00`. */
export const money = (x: number): string => x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** One status line: venue time, positions, equity, P&L, orders, connection. */
export function formatStatus(s: RunStatus, elapsedMs: number): string {
  const pos = s.positions.length ? s.positions.map((p) => `${p.symbol} ${p.quantity > 0 ? '+' : ''}${p.quantity}`).join(' ') : 'flat';
  const day = new Date(s.venueTime).toISOString().slice(0, 10);
  const pnl = `${s.pnl >= 0 ? '+' : ''}${money(s.pnl)}`;
  return `[${(elapsedMs / 1000).toFixed(0).padStart(3)}s] ${day} | ${pos} | equity ${money(s.equity)} | P&L ${pnl} | orders ${s.orders} (open ${s.openOrders}, rejected ${s.rejected}${s.pending ? `, outcome pending ${s.pending}` : ''}) | fills ${s.fills} | ${s.connection}${s.halted ? ` | HALTED: ${s.halted}` : ''}${s.strategyErrors ? ` | strategy errors ${s.strategyErrors}` : ''}`;
}
