import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PeerFill } from './tradeLists.ts';

/** The fields of a Pounce fill the comparison reads (report.json `fills`). */
interface ReportFill {
  symbol: string;
  action: string;
  price: number;
  quantity: number;
  time: number;
}

/**
 * Every fill of a `pounce backtest` run, read from its report folder. The one place that knows where
 * the report keeps its fills (report.json today): adapt here if they move to a file of their own.
 */
export function readPounceFills(reportDir: string): ReportFill[] {
  const report = JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8')) as { fills?: ReportFill[] };
  if (!Array.isArray(report.fills)) throw new Error(`${reportDir}/report.json: no fills array (adapt readPounceFills to where the report keeps its fills)`);
  return report.fills;
}

const NEW_YORK = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** A fill time as the data file's New York wall clock: 'YYYY-MM-DD' (day) or 'YYYY-MM-DD HH:MM' (minute). */
export function newYorkBarKey(ms: number, granularity: 'day' | 'minute'): string {
  const p = Object.fromEntries(NEW_YORK.formatToParts(ms).map((x) => [x.type, x.value]));
  const date = `${p.year}-${p.month}-${p.day}`;
  return granularity === 'day' ? date : `${date} ${p.hour}:${p.minute}`;
}

/** Pounce's fills in the comparison's terms. */
export function pounceFills(reportDir: string, granularity: 'day' | 'minute'): PeerFill[] {
  return readPounceFills(reportDir).map((f) => {
    if (f.action !== 'BUY' && f.action !== 'SELL') throw new Error(`fill action "${f.action}": expected BUY or SELL`);
    return { symbol: f.symbol, time: newYorkBarKey(f.time, granularity), side: f.action, price: f.price, quantity: f.quantity };
  });
}

/** The peer driver's fills file (bench/peers/backtrader_sma_cross.py): symbol,time,side,price,size per line. */
export function parsePeerFills(text: string): PeerFill[] {
  return text
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l, i) => {
      const [symbol, time, side, price, quantity] = l.split(',');
      if (!symbol || !time || (side !== 'BUY' && side !== 'SELL') || !Number.isFinite(Number(price)) || !Number.isFinite(Number(quantity))) throw new Error(`peer fills line ${i + 1}: expected symbol,time,BUY|SELL,price,size, got "${l}"`);
      return { symbol, time, side, price: Number(price), quantity: Number(quantity) };
    });
}
