import { afterEach, describe, expect, it } from 'vitest';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_DATA } from '@pounce/gateway';
import type { ReplayCheckReport } from '../src/replayCheck/runReplayCheck.ts';
import { startPounce, waitFor } from './childProcess.ts';

const procs: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const p of procs.splice(0)) if (p.exitCode === null) p.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A folder with the first 200 lines of the shipped NVDA data (a window where sma-cross trades). */
function shortData(): { dir: string; spec: string } {
  const dir = mkdtempSync(join(tmpdir(), 'pounce-replay-cli-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'nvda.csv'), readFileSync(DEFAULT_DATA.NVDA!, 'utf8').split('\n').slice(0, 200).join('\n') + '\n');
  return { dir, spec: `NVDA=${join(dir, 'nvda.csv')}` };
}

const fillLines = (run: string) => (existsSync(join(run, 'journal.jsonl')) ? readFileSync(join(run, 'journal.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"e":"fill"')).length : 0);

describe('npm run replay-check (real processes)', () => {
  it('a fault-free paper run on the embedded gateway: zero differences, exit 0, JSON and HTML beside the journal', async () => {
    const { dir, spec } = shortData();
    const run = join(dir, 'run');
    const paper = startPounce(['strategy', 'sma-cross', '--paper', '--data', spec, '--speed', 'max', '--run-dir', run], procs, dir);
    expect(await paper.exited).toBe(0);
    expect(paper.out()).toContain('replay finished');
    expect(fillLines(run)).toBeGreaterThan(0);
    const check = startPounce(['replay-check', run], procs, dir);
    expect(await check.exited).toBe(0);
    expect(check.out()).toContain('no differences: the run did what the backtest did');
    const report = JSON.parse(readFileSync(join(run, 'replay-check.json'), 'utf8')) as ReplayCheckReport;
    expect(report.differences).toEqual([]);
    expect(report.fills.run).toBe(report.fills.backtest);
    expect(report.decisions.matched).toBe(report.decisions.run);
    expect(report.market.bars).toBe(199);
    expect(report.market.seenByStrategy).toBe(199);
    const html = readFileSync(join(run, 'replay-check.html'), 'utf8');
    expect(html).toContain('no differences');
    expect(html).not.toMatch(/<script|https?:\/\//);
  }, 60_000);

  it('--no-market-journal keeps no market.csv, and replay-check says what is missing', async () => {
    const { dir, spec } = shortData();
    const run = join(dir, 'run');
    const paper = startPounce(['strategy', 'sma-cross', '--paper', '--data', spec, '--speed', 'max', '--run-dir', run, '--no-market-journal'], procs, dir);
    expect(await paper.exited).toBe(0);
    expect(existsSync(join(run, 'market.csv'))).toBe(false);
    const check = startPounce(['replay-check', run], procs, dir);
    expect(await check.exited).toBe(1);
    expect(check.out()).toMatch(/has no market.csv bars/);
  }, 60_000);

  it('killed mid-run and resumed: the restart is named as the cause, exit 1', async () => {
    const { dir, spec } = shortData();
    const run = join(dir, 'run');
    const first = startPounce(['strategy', 'sma-cross', '--paper', '--data', spec, '--speed', '20', '--run-dir', run], procs, dir);
    await waitFor(() => fillLines(run) > 0, 30_000, 'the first fill');
    first.proc.kill('SIGKILL');
    await first.exited;
    const resumed = startPounce(['strategy', 'sma-cross', '--paper', '--data', spec, '--speed', 'max', '--resume', run], procs, dir);
    expect(await resumed.exited).toBe(0);
    const check = startPounce(['replay-check', run], procs, dir);
    expect(await check.exited).toBe(1);
    expect(check.out()).toMatch(/restart\s+\d+/);
    const report = JSON.parse(readFileSync(join(run, 'replay-check.json'), 'utf8')) as ReplayCheckReport;
    const roots = new Set(report.differences.filter((d) => d.follows === undefined).map((d) => d.cause));
    expect([...roots]).toEqual(['restart']);
    expect(report.differences.find((d) => d.follows === undefined)!.what).toMatch(/the run was restarted \(--resume\) at .* after [\d.]+ s down/);
    expect(existsSync(join(run, 'replay-check.html'))).toBe(true);
  }, 90_000);
});
