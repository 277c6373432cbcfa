import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadData, runBacktest } from '@pounce/backtest';
import onFileBars from '../peers/smaCrossOnFileBars.ts';

const FLOOR = fileURLToPath(new URL('../peers/smaCrossFloor.mjs', import.meta.url));

/** `n` one-minute bars of a seeded random walk, 09:31 on, in the peer workload's CSV format. */
function minuteCsv(n: number): string {
  let seed = 7;
  const next = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  let price = 100;
  const rows = ['Date,Time,Open,High,Low,Close,Volume,OpenInterest'];
  for (let i = 0; i < n; i++) {
    const open = price;
    price = Math.max(1, price * Math.exp((next() - 0.5) * 0.004));
    const day = 2 + Math.floor(i / 390);
    const minute = 9 * 60 + 31 + (i % 390);
    const time = `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}:00`;
    rows.push(`2012-01-${String(day).padStart(2, '0')},${time},${open.toFixed(4)},${(Math.max(open, price) * 1.0002).toFixed(4)},${(Math.min(open, price) * 0.9998).toFixed(4)},${price.toFixed(4)},5000,0`);
  }
  return `${rows.join('\n')}\n`;
}

describe('bench/peers/smaCrossFloor.mjs (the minute peer row\'s engine-less loop)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pounce-floor-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('makes the fills and final equity Pounce\'s backtest of the same bars makes, so it runs the same workload', async () => {
    expect(existsSync(fileURLToPath(new URL('../../packages/backtest/dist/equityJson.js', import.meta.url))), 'run npm run build first').toBe(true);
    const file = join(dir, 'minute.csv');
    writeFileSync(file, minuteCsv(7_800));
    const floor = spawnSync(process.execPath, [FLOOR, file, join(dir, 'equity.json')], { encoding: 'utf8' });
    expect(floor.status, floor.stderr).toBe(0);
    const [, fills, final] = /fills (\d+) final (\S+)/.exec(floor.stdout) ?? [];
    const r = await runBacktest({ def: onFileBars, bars: loadData([`S0=${file}`]).bars, symbols: ['S0'], cash: 10_000_000, fees: 'zero', slippageBps: 0, participation: 1 });
    expect(r.fills.length).toBeGreaterThan(100);
    expect(Number(fills)).toBe(r.fills.length);
    expect(Number(final)).toBeCloseTo(r.endEquity, 2);
    // Its equity text holds one point per bar, as report.json's does.
    expect((JSON.parse(readFileSync(join(dir, 'equity.json'), 'utf8')) as unknown[]).length).toBe(7_800);
  });
});
