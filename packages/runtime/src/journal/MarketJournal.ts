import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Bar, Quote } from '@pounce/core';

/** A bar as the strategy received it, and the venue time it arrived at. */
export interface SeenBar extends Bar {
  /** Venue time when the bar reached the run (replay time on the embedded gateway). */
  seen: number;
}

/** A quote as the strategy received it. */
export interface SeenQuote {
  symbol: string;
  time: number;
  price: number | undefined;
  bid: number | undefined;
  ask: number | undefined;
  seen: number;
}

export interface MarketRecord {
  bars: SeenBar[];
  quotes: SeenQuote[];
}

export const MARKET_JOURNAL_FILE = 'market.csv';

const num = (v: number | undefined) => (v === undefined ? '' : String(v));
const opt = (s: string | undefined) => (s === undefined || s === '' ? undefined : Number(s));

/**
 * The market data a run's strategy saw, one CSV line per bar (`b,time,symbol,o,h,l,c,v,seen`) or
 * quote (`q,time,symbol,price,bid,ask,seen`), in arrival order; `seen` is left empty when it
 * equals `time`. Numbers are written as JavaScript prints them, so a replay reads back exactly the
 * values the strategy got. One synchronous write per line: a crash loses at most the line.
 *
 * @example
 * ```ts
 * const m = MarketJournal.open('.pounce/runs/demo');
 * m.bar({ symbol: 'NVDA', time: 0, open: 1, high: 2, low: 0.5, close: 1.5, volume: 100 }, 0);
 * m.close();
 * MarketJournal.read('.pounce/runs/demo').bars.length; // 1
 * ```
 */
export class MarketJournal {
  private fd: number | undefined;

  private constructor(readonly path: string) {
    this.fd = openSync(path, 'a', 0o600);
  }

  static open(dir: string): MarketJournal {
    return new MarketJournal(join(dir, MARKET_JOURNAL_FILE));
  }

  bar(b: Bar, seen: number): void {
    this.write(`b,${b.time},${b.symbol},${b.open},${b.high},${b.low},${b.close},${b.volume},${seen === b.time ? '' : seen}\n`);
  }

  quote(q: Quote, seen: number): void {
    this.write(`q,${q.time},${q.symbol},${num(q.latestPrice)},${num(q.bidPrice)},${num(q.askPrice)},${seen === q.time ? '' : seen}\n`);
  }

  private write(line: string): void {
    if (this.fd !== undefined) writeSync(this.fd, line);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** Every complete line of a run's market journal (empty when the run kept none). */
  static read(dir: string): MarketRecord {
    const path = join(dir, MARKET_JOURNAL_FILE);
    const out: MarketRecord = { bars: [], quotes: [] };
    if (!existsSync(path)) return out;
    const text = readFileSync(path, 'utf8');
    // A torn last line (crash mid-write) has no newline: ignore it.
    const lines = text.slice(0, text.lastIndexOf('\n') + 1).split('\n');
    for (const line of lines) {
      const f = line.split(',');
      const time = Number(f[1]);
      if (f[0] === 'b' && f.length === 9) {
        out.bars.push({ time, symbol: f[2]!, open: Number(f[3]), high: Number(f[4]), low: Number(f[5]), close: Number(f[6]), volume: Number(f[7]), seen: f[8] === '' ? time : Number(f[8]) });
      } else if (f[0] === 'q' && f.length === 7) {
        out.quotes.push({ time, symbol: f[2]!, price: opt(f[3]), bid: opt(f[4]), ask: opt(f[5]), seen: f[6] === '' ? time : Number(f[6]) });
      }
    }
    return out;
  }
}
