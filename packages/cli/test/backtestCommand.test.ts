import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadData, runBacktest } from '@pounce/backtest';
import { defaultDataFiles } from '@pounce/gateway';
import { runPounce } from './childProcess.ts';
import { runBacktestCommand, STREAM_ABOVE_BYTES, streamsData } from '../src/commands/backtest.ts';
import { tempDirs } from '../../gateway/test/testGateway.ts';
import smaCross from '../../../strategies/sma-cross/index.ts';


const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const run = (args: string[], cwd: string) => runPounce(args, { cwd });

describe('npm run backtest, then paper from the report (real processes)', () => {
  it('writes report.json and report.html, and --from-report runs paper with the same params', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pounce-bt-cli-'));
    const report = join(dir, 'report');
    const bt = await run(['backtest', 'sma-cross', '--param', 'fast=5', '--param', 'slow=20', '--to', '2003-01-01', '--report', report], dir);
    expect(bt.status).toBe(0);
    expect(bt.stdout).toMatch(/Sharpe\s+-?\d+\.\d\d/);
    expect(bt.stdout).toMatch(/Max drawdown duration\s+\d+ days/);
    const json = JSON.parse(readFileSync(join(report, 'report.json'), 'utf8')) as { params: Record<string, number>; trades: unknown[]; equity: unknown[]; data: { fingerprint: string } };
    expect(json.params).toEqual({ fast: 5, slow: 20, size: 100 });
    expect(json.trades.length).toBeGreaterThan(0);
    expect(json.data.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(existsSync(join(report, 'report.html'))).toBe(true);

    const paper = await run(['strategy', 'sma-cross', '--paper', '--from-report', report, '--duration', '2s', '--speed', '100', '--run-dir', join(dir, 'run')], dir);
    expect(paper.status).toBe(0);
    // Params name where each came from (item 4 of issue 13).
    expect(paper.stdout).toMatch(/params\s+fast=5 \(report\) slow=20 \(report\) size=100 \(report\)  \[from report /);
  });

  it('streams a small file in time order with the report a loaded run gives; rows out of time order load, and --stream refuses them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pounce-bt-cli-'));
    const args = ['backtest', 'sma-cross', '--to', '2005-01-01'];
    const streamed = await run([...args, '--report', join(dir, 'streamed')], dir);
    expect(streamed.status).toBe(0);
    expect(streamed.stdout).toMatch(/files 1 \(streamed\)/);
    // The same rows newest first: not in time order, so loaded (and sorted).
    const [header, ...rows] = readFileSync(join(ROOT, 'packages/gateway/data/nvda-1999-2014.csv'), 'utf8').trim().split('\n');
    const newestFirst = join(dir, 'nvda-desc.csv');
    writeFileSync(newestFirst, [header, ...[...rows].reverse()].join('\n'));
    const loaded = await run([...args, '--data', `NVDA=${newestFirst}`, '--report', join(dir, 'loaded')], dir);
    expect(loaded.status).toBe(0);
    expect(loaded.stdout).toMatch(/bars \d+ /);
    // Everything but when it ran and which bytes it read (the file differs, the bars do not).
    const body = (name: string): Record<string, unknown> => {
      const { createdAt: _createdAt, data, ...rest } = JSON.parse(readFileSync(join(dir, name, 'report.json'), 'utf8')) as Record<string, unknown>;
      const { files } = data as { files: Array<Record<string, unknown>> };
      return { ...rest, files: files.map(({ path: _path, ...f }) => f) };
    };
    expect(body('streamed')).toEqual(body('loaded'));
    // The audit trail is part of it: every fill, in both.
    const fills = body('loaded').fills as unknown[];
    expect(fills.length).toBeGreaterThan(10);
    expect(fills.length).toBe(body('loaded').fillCount);

    const refused = await run(['backtest', 'sma-cross', '--data', `NVDA=${newestFirst}`, '--stream'], dir);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/nvda-desc\.csv:3: column Date: expected rows in time order to stream the file \(this row is before line 2's\)/);
    // A bad row met while streaming is named by file, line and column, as when loading.
    const bad = join(dir, 'nvda-bad.csv');
    writeFileSync(bad, [header, ...rows.slice(0, 500).map((r, i) => (i === 300 ? r.replace(/,[^,]+$/, ',lots') : r))].join('\n'));
    const refusedRow = await run(['backtest', 'sma-cross', '--data', `NVDA=${bad}`, '--report', join(dir, 'bad')], dir);
    expect(refusedRow.status).not.toBe(0);
    expect(refusedRow.stderr).toMatch(/nvda-bad\.csv:302: column Volume: expected a number, got "lots"/);
    expect(existsSync(join(dir, 'bad'))).toBe(false);
  });

  it('rejects a bad --data file and bad flags with messages that name them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pounce-bt-cli-'));
    const r = await run(['backtest', 'sma-cross', '--data', 'NVDA=/nonexistent.csv'], dir);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/--data NVDA=\/nonexistent.csv: cannot read/);
    const f = await run(['backtest', 'sma-cross', '--fees', 'cheap'], dir);
    expect(f.stderr).toMatch(/--fees: expected tradeup, zero or per-share/);
  });

  const tempDir = tempDirs();

  it('streams fills, trades and equity to the report folder, and its report holds what a run keeping them all in memory gives', async () => {
    const dir = tempDir('pounce-bt-streamed-');
    const symbols = ['NVDA', 'ORCL'];
    const lines: string[] = [];
    expect(await runBacktestCommand(['sma-cross', '--symbols', symbols.join(','), '--to', '2010-01-01', '--report', dir], (l) => lines.push(l))).toBe(0);
    // Every fill, trade and point held in memory until the end (runBacktest's default).
    const kept = await runBacktest({ def: smaCross, symbols, bars: loadData(defaultDataFiles(symbols), { to: Date.parse('2010-01-01') }).bars });
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Record<string, unknown>;
    expect(report.metrics).toEqual(JSON.parse(JSON.stringify(kept.metrics, (_k, v: unknown) => (v === Infinity ? 'Infinity' : v))));
    expect(report.trades).toEqual(kept.trades);
    expect(report.fills).toEqual(kept.fills);
    expect(report.equity).toEqual(kept.equity);
    expect(report.fillCount).toBe(kept.fills.length);
    expect(kept.trades.length).toBeGreaterThan(50);
    expect(lines.join('\n')).toMatch(new RegExp(`Fills\\s+${kept.fills.length}\\n`));
    // The spooled files are removed once report.json holds them.
    expect(readdirSync(dir).sort()).toEqual(['report.html', 'report.json']);
  });
});

describe('when a backtest streams (docs/backtest.md)', () => {
  const temp = tempDirs();
  it('every file in time order streams at any size; one out of order makes all load up to 64 MB in all, stream above it; --stream always; a sweep or --kline never', () => {
    const dir = temp('pounce-streams-');
    const [header, ...rows] = readFileSync(join(ROOT, 'packages/gateway/data/nvda-1999-2014.csv'), 'utf8').trim().split('\n');
    const ordered = join(dir, 'in-order.csv');
    const reversed = join(dir, 'newest-first.csv');
    writeFileSync(ordered, [header, ...rows.slice(0, 50)].join('\n'));
    writeFileSync(reversed, [header, ...rows.slice(0, 50).reverse()].join('\n'));
    const single = { sweeping: false };
    const small = () => 1000;
    const large = () => STREAM_ABOVE_BYTES + 1;
    expect(STREAM_ABOVE_BYTES).toBe(64 * 2 ** 20);
    expect(streamsData([`NVDA=${ordered}`], single, small)).toBe(true);
    expect(streamsData([`NVDA=${ordered}`, `ORCL=${reversed}`], single, small)).toBe(false);
    expect(streamsData([`NVDA=${ordered}`, `ORCL=${reversed}`], single, large)).toBe(true);
    expect(streamsData([`ORCL=${reversed}`], { ...single, stream: true }, small)).toBe(true);
    expect(streamsData(['store:NVDA'], single, small)).toBe(true);
    expect(streamsData([`NVDA=${ordered}`], { sweeping: true, stream: true }, large)).toBe(false);
    expect(streamsData([`NVDA=${ordered}`], { sweeping: false, kline: 'NVDA' }, large)).toBe(false);
  });
});
