import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { rankSweep, type IndexedSweepResult } from './sweep.ts';

/** Shard `index` of `count` (0-based, as a Kubernetes Indexed Job's JOB_COMPLETION_INDEX). */
export interface ShardSpec {
  index: number;
  count: number;
}

/** `--shard 0/3` -> { index: 0, count: 3 }. */
export function parseShard(v: string): ShardSpec {
  const m = /^(\d+)\/(\d+)$/.exec(v.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index >= count) throw new Error(`--shard: expected i/N with 0 <= i < N (e.g. 0/3), got "${v}"`);
  return { index, count };
}

/**
 * The grid indexes a shard runs: every `count`-th combination from `index` (round robin, so each
 * shard gets a share of every part of the grid and shards take about as long).
 */
export function shardIndexes(gridSize: number, shard: ShardSpec): number[] {
  const out: number[] = [];
  for (let k = shard.index; k < gridSize; k += shard.count) out.push(k);
  return out;
}

/** What must be equal for shard reports to belong to one sweep. */
export interface SweepIdentity {
  strategy: string;
  /** The data's fingerprint (loadData's). */
  data: string;
  /** sha256 of the grid (every combination, in order) and the run settings. */
  grid: string;
  gridSize: number;
}

/** The identity of a sweep: same strategy, data, combinations and settings give the same one. */
export function sweepIdentity(strategy: string, dataFingerprint: string, combos: ReadonlyArray<Record<string, unknown>>, settings: Record<string, unknown>): SweepIdentity {
  const grid = createHash('sha256').update(JSON.stringify({ combos, settings })).digest('hex');
  return { strategy, data: dataFingerprint, grid, gridSize: combos.length };
}

/** A shard's results, written by `--shard i/N`, read by `sweep merge`. */
export interface SweepShardReport {
  kind: 'pounce.sweep-shard';
  version: 1;
  sweep: SweepIdentity;
  shard: ShardSpec;
  results: IndexedSweepResult[];
}

// Metrics hold Infinity (a profit factor without losses) and maybe NaN; JSON has neither.
const encode = (_k: string, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? `${v}` : v);
const decode = (_k: string, v: unknown) => (v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : v === 'NaN' ? NaN : v);

export function writeShardReport(path: string, r: SweepShardReport): void {
  writeFileSync(path, `${JSON.stringify(r, encode, 1)}\n`);
}

export function readShardReport(path: string): SweepShardReport {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'), decode);
  } catch {
    throw new Error(`sweep merge: ${path} is not a readable JSON file`);
  }
  const r = raw as Partial<SweepShardReport>;
  if (r.kind !== 'pounce.sweep-shard' || r.version !== 1 || !r.sweep || !r.shard || !Array.isArray(r.results)) throw new Error(`sweep merge: ${path} is not a sweep shard report (kind pounce.sweep-shard, version 1)`);
  return r as SweepShardReport;
}

/** The identity's fields, as a refusal names them. */
const IDENTITY_FIELDS: ReadonlyArray<[keyof SweepIdentity, string]> = [['strategy', 'strategy'], ['data', 'data fingerprint'], ['grid', 'grid'], ['gridSize', 'grid size']];

/**
 * Combines the shard reports of one sweep into the ranking a single run gives (rankSweep over every
 * result). Refuses reports of different sweeps, a missing or repeated shard, or a result count
 * that does not cover the grid exactly once.
 */
export function mergeShardReports(reports: ReadonlyArray<SweepShardReport & { path?: string }>): { sweep: SweepIdentity; results: IndexedSweepResult[]; ranked: IndexedSweepResult[] } {
  if (reports.length === 0) throw new Error('sweep merge: give the shard reports to merge');
  const first = reports[0]!;
  const count = first.shard.count;
  const seen = new Set<number>();
  for (const r of reports) {
    const name = r.path ?? `shard ${r.shard.index}/${r.shard.count}`;
    for (const [k, what] of IDENTITY_FIELDS) {
      if (r.sweep[k] !== first.sweep[k]) throw new Error(`sweep merge: ${name} is from another sweep (${what} differs)`);
    }
    if (r.shard.count !== count) throw new Error(`sweep merge: ${name} is shard ${r.shard.index}/${r.shard.count}, the others are of ${count}`);
    if (seen.has(r.shard.index)) throw new Error(`sweep merge: shard ${r.shard.index}/${count} given twice`);
    seen.add(r.shard.index);
    const expected = shardIndexes(first.sweep.gridSize, r.shard);
    if (r.results.length !== expected.length || r.results.some((x, i) => x.index !== expected[i])) throw new Error(`sweep merge: ${name} does not hold exactly its shard's combinations`);
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !seen.has(i));
  if (missing.length > 0) throw new Error(`sweep merge: missing shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')}`);
  const results = reports.flatMap((r) => r.results).sort((a, b) => a.index - b.index);
  return { sweep: first.sweep, results, ranked: rankSweep(results) };
}
