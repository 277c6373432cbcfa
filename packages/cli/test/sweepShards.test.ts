import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runPounce } from './childProcess.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const run = (args: string[], cwd: string) => runPounce(args, { cwd });
/** The ranking table: from its header to the end of the output's ranking lines. */
const ranking = (stdout: string) => stdout.slice(stdout.indexOf('rank  sharpe')).split('\n').filter((l) => /^\s+\d+\s|^rank|^error/.test(l));

describe('sweeps beyond one machine: --shard i/N, then sweep merge (real processes)', () => {
  it('three shards merge to the ranking a single run prints, exactly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pounce-shards-'));
    try {
      const sweep = ['backtest', 'sma-cross', '--to', '2004-01-01', '--sweep', 'fast=4:12:4', '--sweep', 'slow=20,30,40', '--workers', '1', '--top', '9'];
      const single = await run(sweep, dir);
      expect(single.status, single.stderr).toBe(0);
      const shardFiles: string[] = [];
      for (const i of [0, 1, 2]) {
        const r = await run([...sweep, '--shard', `${i}/3`, '--report', join(dir, 'shards')], dir);
        expect(r.status, r.stderr).toBe(0);
        expect(r.stdout).toContain(`shard ${i}/3: 3 of them`);
        shardFiles.push(join(dir, 'shards', `sweep-shard-${i}-of-3.json`));
      }
      // Shards merge in any order, through either entry point.
      const merged = await run(['backtest', 'sweep', 'merge', shardFiles[2]!, shardFiles[0]!, shardFiles[1]!, '--top', '9'], dir);
      expect(merged.status, merged.stderr).toBe(0);
      expect(merged.stdout).toContain('9 combinations from 3 shards');
      expect(ranking(single.stdout)).toHaveLength(10);
      expect(ranking(merged.stdout)).toEqual(ranking(single.stdout));
      const direct = await run(['sweep', 'merge', ...shardFiles, '--top', '9'], dir);
      expect(ranking(direct.stdout)).toEqual(ranking(single.stdout));

      // A missing shard or a shard of another sweep is refused.
      const missing = await run(['sweep', 'merge', shardFiles[0]!, shardFiles[1]!], dir);
      expect(missing.status).not.toBe(0);
      expect(missing.stderr).toContain('missing shard 2/3');
      const other = JSON.parse(readFileSync(shardFiles[1]!, 'utf8')) as { sweep: { grid: string } };
      other.sweep.grid = 'f'.repeat(64);
      writeFileSync(join(dir, 'other.json'), JSON.stringify(other));
      const mixed = await run(['sweep', 'merge', shardFiles[0]!, join(dir, 'other.json'), shardFiles[2]!], dir);
      expect(mixed.stderr).toContain('is from another sweep (grid differs)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);

  it('--walk-forward prints a row per window and the stitched out-of-sample metrics', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pounce-wf-'));
    try {
      const r = await run(['backtest', 'sma-cross', '--to', '2006-01-01', '--sweep', 'fast=5,10', '--sweep', 'slow=30', '--walk-forward', 'train=3y,test=1y', '--workers', '1'], dir);
      expect(r.status, r.stderr).toBe(0);
      // Data 1999-01-22..2005-12-30: tests start 2002-01-22, 2003, 2004, 2005.
      expect(r.stdout.match(/^\s+\d+\s+\d{4}-\d\d-\d\d\.\.\S+\s+(\d{4}-\d\d-\d\d)\.\./gm)?.length).toBe(4);
      expect(r.stdout).toContain('1999-01-22..2002-01-22   2002-01-22..2003-01-22');
      expect(r.stdout).toMatch(/stitched out-of-sample equity:\n\s+Total return\s+-?\d+\.\d\d%/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);

  it('--report with a sweep or a walk-forward but no --shard is refused, not ignored', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pounce-sweep-report-'));
    try {
      const sweep = ['backtest', 'sma-cross', '--sweep', 'fast=5,10', '--sweep', 'slow=30', '--report', join(dir, 'out')];
      const plain = await run(sweep, dir);
      expect(plain.status).toBe(1);
      expect(plain.stderr).toContain('--report: with --sweep only --shard writes a report (the file sweep merge reads); a sweep prints its ranking');
      const wf = await run([...sweep, '--walk-forward', 'train=3y,test=1y'], dir);
      expect(wf.status).toBe(1);
      expect(wf.stderr).toContain('--report: a walk-forward prints its windows and stitched metrics; it writes no report');
      expect(existsSync(join(dir, 'out'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
