/**
 * Runs the sma-cross strategy from code on the embedded gateway and prints the summary.
 * Run: npx tsx examples/run-strategy.ts [seconds]
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openVenue } from '@pounce/cli';
import { TradingEngine } from '@pounce/runtime';
import smaCross from '../strategies/sma-cross/index.ts';

const seconds = Number(process.argv[2] ?? 10);
const runDir = mkdtempSync(join(tmpdir(), 'pounce-run-'));
const { venue, description, replay } = await openVenue({ mode: 'paper', embedded: true, symbols: ['NVDA'], gateway: { stateDir: join(runDir, 'gateway'), speed: 100 } });
console.log(`venue: ${description}`);
const engine = await TradingEngine.start({ def: smaCross, rawParams: { fast: 5, slow: 20 }, venue, runDir, risk: { maxOrderQuantity: 1000 } });
// The embedded replay starts once the strategy runs; stop after `seconds` or when the data ends.
await Promise.race([replay?.start(), new Promise((r) => setTimeout(r, seconds * 1000))]);
const s = await engine.stop();
console.log(`fills ${s.fills}, P&L ${s.pnl.toFixed(2)}, journal ${s.journalPath}`);
