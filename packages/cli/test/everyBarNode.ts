import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Fill } from '@pounce/core';
import { DEFAULT_DATA } from '@pounce/gateway';

/** Buys one share of its symbol on every bar it sees: an order per bar, so a pause shows at once. */
export const EVERY_BAR_PLUGIN = `
export default {
  name: 'every-bar', params: {}, symbols: ['NVDA'],
  setup(ctx) {
    ctx.bars$().subscribe((b) => void ctx.submit({ symbol: b.symbol, side: 'BUY', quantity: 1 }));
  },
};
`;

/** A node of two every-bar strategies, `a` on NVDA and `b` on ORCL, over `lines` daily bars each from 1999-01-22. */
export function everyBarNode(dir: string, lines = 1500): string {
  const slice = (src: string, to: string) => {
    const [header, ...rows] = readFileSync(src, 'utf8').trim().split('\n');
    // The same days for both symbols (the files start in different years).
    const from = rows.findIndex((r) => r.startsWith('1999-01-22'));
    writeFileSync(to, [header, ...rows.slice(from, from + lines)].join('\n') + '\n');
    return to;
  };
  const plugin = join(dir, 'every-bar.mjs');
  writeFileSync(plugin, EVERY_BAR_PLUGIN);
  const path = join(dir, 'pounce.config.json');
  writeFileSync(path, JSON.stringify({
    venue: { mode: 'paper', embedded: true, data: [`NVDA=${slice(DEFAULT_DATA.NVDA!, join(dir, 'nvda.csv'))}`, `ORCL=${slice(DEFAULT_DATA.ORCL!, join(dir, 'orcl.csv'))}`] },
    account: { maxOrdersPerMinute: 100_000 },
    strategies: [
      { tag: 'a', strategy: plugin, symbols: ['NVDA'] },
      { tag: 'b', strategy: plugin, symbols: ['ORCL'] },
    ],
  }));
  return path;
}

export type Entry = { e: string; fill?: Fill; text?: string; action?: string; by?: string; ok?: boolean; outcome?: string; reason?: string; tag?: string; why?: string };
const lines = (p: string): Entry[] => (existsSync(p) ? readFileSync(p, 'utf8').split('\n').filter(Boolean).flatMap((l) => { try { return [JSON.parse(l) as Entry]; } catch { return []; } }) : []);
export const journal = (nodeDir: string, tag: string): Entry[] => lines(join(nodeDir, 'strategies', tag, 'journal.jsonl'));
/** A one-strategy run's journal. */
export const readJournal = (runDir: string): Entry[] => lines(join(runDir, 'journal.jsonl'));
export const nodeJournal = (nodeDir: string): Entry[] => lines(join(nodeDir, 'node.jsonl'));
