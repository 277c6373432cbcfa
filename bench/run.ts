// npm run bench [-- name ...] [--record]: each benchmark in a fresh process and a table against
// the targets; with --record (npm run bench:record) bench/RESULTS.md is rewritten with the figures
// and the machine. Without it the tracked tree is left as it was.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { carriedRows } from './carriedRows.ts';
import type { BenchResult } from './types.ts';

const ALL = ['signing', 'push', 'roundtrip', 'throughput', 'memory', 'csv', 'store', 'cli-memory', 'sweep', 'sweep-1gc', 'node-rss', 'peers-daily', 'peers-minute'];
/**
 * Node flags per benchmark. sweep-1gc runs the sweep with V8's single-threaded GC: by default one
 * worker already uses the second core for parallel GC, which hides how the workers themselves scale.
 * node-rss collects garbage before each RSS sample, so the slope is what stays, not GC timing.
 */
const FLAGS: Record<string, string[]> = { 'sweep-1gc': ['--single-threaded-gc'], 'node-rss': ['--expose-gc'] };
const args = process.argv.slice(2);
const record = args.includes('--record');
const chosen = args.filter((a) => a !== '--record');
const names = chosen.length ? chosen : ALL;
const tsxLoader = new URL('../node_modules/tsx/dist/esm/index.mjs', import.meta.url).href;
const one = fileURLToPath(new URL('./runOne.ts', import.meta.url));

const rows: BenchResult[] = [];
for (const n of names) {
  process.stderr.write(`running ${n}...\n`);
  const out = execFileSync(process.execPath, [...(FLAGS[n] ?? []), '--import', tsxLoader, one, n], { encoding: 'utf8', maxBuffer: 1 << 24, stdio: ['ignore', 'pipe', 'inherit'] });
  const last = out.trim().split('\n').pop()!;
  rows.push(...(JSON.parse(last) as BenchResult[]).map((r) => ({ ...r, target: r.target ?? Infinity })));
}

const fmt = (x: number) => (x >= 1000 ? Math.round(x).toLocaleString('en-US') : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const verdict = (r: BenchResult) => (r.skipped ? 'skipped' : !Number.isFinite(r.target) ? 'report' : (r.better === 'higher' ? r.value >= r.target : r.value <= r.target) ? 'met' : 'MISSED');
const target = (r: BenchResult) => (Number.isFinite(r.target) ? `${r.better === 'higher' ? '>=' : '<='} ${fmt(r.target)}` : '-');
const table = [
  '| benchmark | result | target | | detail |',
  '|---|---|---|---|---|',
  ...rows.map((r) => `| ${r.name} | ${r.skipped ? '-' : `${fmt(r.value)} ${r.unit}`} | ${target(r)} | ${verdict(r)} | ${r.detail} |`),
];
process.stdout.write(table.join('\n') + '\n');
if (!record) {
  process.stderr.write('bench/RESULTS.md left as it is (npm run bench:record to write these figures there)\n');
  process.exit(0);
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
const machine = `${cpus().length} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}`;
const path = fileURLToPath(new URL('./RESULTS.md', import.meta.url));
let previous = '';
try {
  previous = readFileSync(path, 'utf8');
} catch {
  /* first run */
}
// The previous full run stays below the latest one: on a shared VM the spread between runs is
// part of the result.
const previousRun = previous.includes('Latest run:')
  ? `\n\n## Previous run\n\n${previous.slice(previous.indexOf('Latest run:')).split('\n## ')[0]!.replace('Latest run:', 'Run:').trim()}`
  : '';
const partial = names.length === ALL.length ? '' : `\n\nOnly ${names.join(', ')} were run this time; the other rows are the previous run's, each marked with the time of the run that measured it.`;
const written = names.length === ALL.length ? table : [...table.slice(0, 2), ...carriedRows(previous, table.slice(2))];
writeFileSync(path, `# Benchmark results\n\nLatest run: ${new Date().toISOString()} on ${machine}.\nWritten by \`npm run bench:record\` (each benchmark in a fresh process; medians where repeated). Each row's\ndetail says what it runs. Timings on a shared VM drift between runs and days: compare with the previous\nrun below before reading much into one figure.${partial}\n\n${written.join('\n')}${previousRun}\n`);

