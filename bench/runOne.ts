// Runs one benchmark in this (fresh) process and prints its results as JSON on the last line.
import { backtestThroughput } from './backtestThroughput.ts';
import { cliMemory } from './cliMemory.ts';
import { csvStreaming } from './csvStreaming.ts';
import { nodeRss } from './nodeRss.ts';
import { orderRoundTrip } from './orderRoundTrip.ts';
import { peerDaily, peerMinute } from './peerComparison.ts';
import { pushDecode } from './pushDecode.ts';
import { signing } from './signing.ts';
import { storeRead } from './storeRead.ts';
import { streamingMemory } from './streamingMemory.ts';
import { sweepScaling } from './sweepScaling.ts';
import type { BenchResult } from './types.ts';

const BENCHES: Record<string, () => Promise<BenchResult[]> | BenchResult[]> = {
  throughput: () => backtestThroughput(),
  memory: () => streamingMemory(),
  csv: () => csvStreaming(),
  store: () => storeRead(),
  'cli-memory': () => cliMemory(),
  signing: () => signing(),
  roundtrip: () => orderRoundTrip(),
  push: () => pushDecode(),
  sweep: () => sweepScaling(),
  'node-rss': () => nodeRss(),
  // Started with --single-threaded-gc by run.ts.
  'sweep-1gc': () => sweepScaling(' (single-threaded GC)'),
  // Each runs Pounce's CLI and backtrader as processes of their own; skipped without ../shared.
  'peers-minute': () => peerMinute(),
  'peers-daily': () => peerDaily(),
};

const name = process.argv[2] ?? '';
const bench = BENCHES[name];
if (!bench) {
  process.stderr.write(`unknown benchmark "${name}"; one of ${Object.keys(BENCHES).join(', ')}\n`);
  process.exit(64);
}
const results = await bench();
process.stdout.write(JSON.stringify(results, (_k, v: unknown) => (v === Infinity ? null : v)) + '\n');
process.exit(0);
