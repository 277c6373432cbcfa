import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Fill } from '@pounce/core';
import { loadData, runBacktest } from '@pounce/backtest';
import { DEFAULT_DATA } from '@pounce/gateway';
import { loadStrategy } from '@pounce/runtime';
import { STRATEGIES_DIR } from '../src/commands/strategiesDir.ts';
import { childEnv, runPounce } from './childProcess.ts';


const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const run = (args: string[], cwd = ROOT) => runPounce(args, { cwd, env: childEnv({ ...process.env, HOME: mkdtempSync(join(tmpdir(), 'home-')) }) });

describe('npm run strategy (real process)', () => {
  it('runs sma-cross on paper against the embedded gateway, trades, and exits 0 with a summary', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pounce-cli-'));
    const r = await run(['strategy', 'sma-cross', '--paper', '--duration', '6s', '--speed', '200', '--run-dir', join(dir, 'run')], dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/venue\s+embedded local gateway \(paper account \d{17}/);
    const fills = Number(/fills\s+(\d+)/.exec(r.stdout.split('summary')[1] ?? '')?.[1]);
    expect(fills).toBeGreaterThan(0);
    const journal = /journal\s+(\S+)/.exec(r.stdout)![1]!;
    expect(existsSync(journal)).toBe(true);
    const journaledFills = readFileSync(journal, 'utf8').split('\n').filter((l) => l.includes('"e":"fill"')).length;
    expect(journaledFills).toBe(fills);
  });

  it('--speed max runs the whole replay in lockstep, ends by itself, and journals the backtest\'s fills', async () => {
    // Before the lockstep replay: 19 fills instead of 146, and a DAY order sent on the last bar
    // kept the run alive for ever.
    const dir = mkdtempSync(join(tmpdir(), 'pounce-cli-'));
    try {
      const r = await run(['strategy', 'sma-cross', '--paper', '--speed', 'max', '--run-dir', join(dir, 'run')], dir);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('replay finished');
      const journaled = readFileSync(join(dir, 'run', 'journal.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"e":"fill"'))
        .map((l) => (JSON.parse(l) as { fill: Fill }).fill).map((f) => [f.time, f.action, f.quantity, f.price]);
      const { def } = await loadStrategy('sma-cross', STRATEGIES_DIR);
      const bt = await runBacktest({ def, bars: loadData([`NVDA=${DEFAULT_DATA.NVDA}`]).bars });
      expect(bt.fills.length).toBeGreaterThan(100);
      expect(journaled).toEqual(bt.fills.map((f) => [f.time, f.action, f.quantity, f.price]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('--list shows the shipped strategies', async () => {
    const r = await run(['strategy', '--list']);
    expect(r.status).toBe(0);
    for (const s of ['sma-cross', 'bollinger-reversion', 'opening-range-breakout']) expect(r.stdout).toContain(s);
  });

  it('refuses --live without a config, and bad params, with clear messages and a non-zero exit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pounce-cli-'));
    const live = await run(['strategy', 'sma-cross', '--live'], dir);
    expect(live.status).not.toBe(0);
    expect(live.stderr).toMatch(/--live needs tiger_openapi_config.properties with a live account/);
    const bad = await run(['strategy', 'sma-cross', '--paper', '--param', 'fast=abc', '--duration', '1s'], dir);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/parameter fast: expected a number, got "abc"/);
  });

  it('refuses --live on a live account without --confirm-live, and a live account with --paper', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pounce-cli-'));
    const cfg = join(dir, 'tiger_openapi_config.properties');
    writeFileSync(cfg, readFileSync(join(ROOT, 'packages/core/test/fixtures/sample_openapi_config.properties'), 'utf8').replace('license=TBHK', 'license=TBUS'));
    chmodSync(cfg, 0o600);
    const live = await run(['strategy', 'sma-cross', '--live', '--config', cfg], dir);
    expect(live.status).not.toBe(0);
    expect(live.stderr).toMatch(/needs explicit confirmation: add --confirm-live 12345678/);
    const paper = await run(['strategy', 'sma-cross', '--paper', '--config', cfg], dir);
    expect(paper.status).not.toBe(0);
    expect(paper.stderr).toMatch(/is a live account; --paper needs a paper/);
  });
});
