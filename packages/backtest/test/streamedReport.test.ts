import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import smaCross from '../../../strategies/sma-cross/index.ts';
import { CurveChart, EQUITY_MAX_BACKLOG, EQUITY_THREAD_AFTER, EquityJsonSpool, reportHtml, runBacktest, streamData, StreamedReport, writeReport, writeReportWithEquity, type ChartSeries, type EquityPoint, type ReportData } from '../src/index.ts';
import { tempDirs } from '../../gateway/test/testGateway.ts';

const data = (name: string) => fileURLToPath(new URL(`../../gateway/data/${name}`, import.meta.url));
const SPECS = [`ORCL=${data('orcl-1995-2014.csv')}`, `NVDA=${data('nvda-1999-2014.csv')}`];
const newTempDir = tempDirs();
const tempDir = () => newTempDir('pounce-streamed-report-');

/** The chart data report.html embeds. */
function chartOf(html: string): ChartSeries {
  const m = /const d = (\{.*\});/.exec(html);
  if (!m) throw new Error('no chart data in report.html');
  return JSON.parse(m[1]!) as ChartSeries;
}

describe('StreamedReport (what npm run backtest writes)', () => {
  it('keeps no fill, trade or equity point in the run (fills and trades go to files as they happen, equity points to the spool), and writes the report a run that keeps them all writes', async () => {
    const symbols = ['NVDA', 'ORCL'];
    const full = await runBacktest({ def: smaCross, symbols, bars: streamData(SPECS) });
    const meta = { createdAt: '2026-11-27T00:00:00.000Z', data: { fingerprint: 'f', files: [] } };
    const kept = writeReport(join(tempDir(), 'kept'), { ...full, version: 1, ...meta });

    const dir = join(tempDir(), 'streamed');
    const report = new StreamedReport(dir);
    const lean = await runBacktest({ def: smaCross, symbols, bars: streamData(SPECS), ...report.sinks() });
    expect(lean.fills).toEqual([]);
    expect(lean.trades).toEqual([]);
    expect(lean.equity).toEqual([]);
    // Each went to its file (equity points: to the spool) as it happened.
    expect(report.fills.count).toBe(full.fills.length);
    expect(report.trades.count).toBe(full.trades.length);
    expect(report.equity.count).toBe(full.equity.length);
    const files = await report.write(lean, meta);

    expect(lean.metrics).toEqual(full.metrics);
    expect(full.trades.length).toBeGreaterThan(50);
    expect(readFileSync(files.json, 'utf8')).toBe(readFileSync(kept.json, 'utf8'));
    expect(readFileSync(files.html, 'utf8')).toBe(readFileSync(kept.html, 'utf8'));
    // The spooled files are gone once the report holds them.
    expect(readdirSync(dir).sort()).toEqual(['report.html', 'report.json']);
  });

  it('a report that cannot be written still removes the spooled files', async () => {
    const dir = join(tempDir(), 'unwritable');
    const report = new StreamedReport(dir);
    const r = await runBacktest({ def: smaCross, symbols: ['NVDA'], bars: streamData([SPECS[1]!]), ...report.sinks() });
    expect(report.fills.count).toBeGreaterThan(0);
    // A folder where report.json goes: writing it fails (as root too, unlike a read-only folder).
    mkdirSync(join(dir, 'report.json'));
    await expect(report.write(r, { createdAt: '2026-11-27T00:00:00.000Z', data: { fingerprint: 'f', files: [] } })).rejects.toThrow(/report\.json: exists and is not a file/);
    expect(readdirSync(dir)).toEqual(['report.json']);
  });

  it.skipIf(!existsSync('/dev/full'))('a report whose equity text could not be written leaves no report.json behind (not one cut short)', async () => {
    const dir = join(tempDir(), 'full-disk');
    mkdirSync(dir);
    // Every write of the equity thread fails as on a full disk.
    symlinkSync('/dev/full', join(dir, 'equity.json.part'));
    const report = new StreamedReport(dir);
    const r = await runBacktest({ def: smaCross, symbols: ['NVDA'], bars: streamData([SPECS[1]!]), ...report.sinks() });
    await expect(report.write(r, { createdAt: '2026-11-27T00:00:00.000Z', data: { fingerprint: 'f', files: [] } })).rejects.toThrow(/equity\.json\.part: .*ENOSPC/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it.skipIf(!existsSync('/dev/full'))('a report that cannot be written whole leaves the last whole report.json and report.html, never a pair from two runs', async () => {
    const dir = join(tempDir(), 'full-page');
    const run = async (createdAt: string) => {
      const report = new StreamedReport(dir);
      const r = await runBacktest({ def: smaCross, symbols: ['NVDA'], bars: streamData([SPECS[1]!]), ...report.sinks() });
      return report.write(r, { createdAt, data: { fingerprint: 'f', files: [] } });
    };
    await run('2026-11-27T00:00:00.000Z');
    const before = { json: readFileSync(join(dir, 'report.json'), 'utf8'), html: readFileSync(join(dir, 'report.html'), 'utf8') };
    // Where the second run's page is written before both are renamed into place: a full disk.
    symlinkSync('/dev/full', join(dir, 'report.html.partial'));
    await expect(run('2026-11-28T00:00:00.000Z')).rejects.toThrow(/ENOSPC/);
    expect(readdirSync(dir).sort()).toEqual(['report.html', 'report.json']);
    expect(readFileSync(join(dir, 'report.json'), 'utf8')).toBe(before.json);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toBe(before.html);
  });

  it('a report whose page cannot be renamed into place leaves the old pair, not the new report.json beside it', async () => {
    const dir = join(tempDir(), 'rename-fails');
    writeReport(dir, { ...minimalReport([{ time: 0, equity: 1, gross: 0 }]), createdAt: 'first' });
    const before = readFileSync(join(dir, 'report.json'), 'utf8');
    // report.html set aside, then a folder in its place: renaming the new page onto it fails (EISDIR).
    rmSync(join(dir, 'report.html'));
    mkdirSync(join(dir, 'report.html'));
    expect(() => writeReport(dir, { ...minimalReport([{ time: 0, equity: 2, gross: 0 }]), createdAt: 'second' })).toThrow();
    expect(readdirSync(dir).sort()).toEqual(['report.html', 'report.json']);
    expect(readFileSync(join(dir, 'report.json'), 'utf8')).toBe(before);
  });

  it('writeReport that fails part way (an equity source that throws) leaves no report.json behind', () => {
    const dir = join(tempDir(), 'throws');
    function* failing(): Generator<EquityPoint> {
      yield { time: 0, equity: 1, gross: 0 };
      throw new Error('the curve could not be read');
    }
    expect(() => writeReport(dir, { ...minimalReport([]), equity: failing() })).toThrow(/could not be read/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a failed run removes its spooled files', async () => {
    const dir = join(tempDir(), 'failed');
    const report = new StreamedReport(dir);
    report.sinks().onEquity!({ time: 0, equity: 1, gross: 0 });
    await report.remove();
    expect(existsSync(join(dir, 'equity.json.part'))).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('report.html curve', () => {
  // 100,000 steps of a gentle rise with one single-step crash and one single-step spike.
  const DIP = 50_001;
  const SPIKE = 70_003;
  const curve: EquityPoint[] = Array.from({ length: 100_000 }, (_, i) => ({ time: i * 60_000, equity: i === DIP ? 50_000 : i === SPIKE ? 300_000 : 100_000 + i, gross: 0 }));

  it('keeps every high, low and drawdown trough of a long curve in a few thousand points', () => {
    const html = reportHtml(minimalReport(curve));
    const d = chartOf(html);
    expect(d.t.length).toBeLessThanOrEqual(6002);
    expect(d.t.length).toBeGreaterThan(1000);
    expect(Math.min(...d.eq)).toBe(50_000);
    expect(Math.max(...d.eq)).toBe(300_000);
    // The deepest drawdown is measured from the true peak before it (100,000 + DIP - 1).
    expect(Math.min(...d.dd)).toBeCloseTo(-(1 - 50_000 / (100_000 + DIP - 1)) * 100, 10);
    expect(d.t[0]).toBe(0);
    expect(d.t[d.t.length - 1]).toBe(curve[curve.length - 1]!.time / 1000);
    expect([...d.t].sort((a, b) => a - b)).toEqual(d.t);
  });

  it('lists the last 500 trades and says how many there were', () => {
    const trades = Array.from({ length: 600 }, (_, i) => ({ symbol: `T${i}`, side: 'long' as const, quantity: 1, entryTime: 0, entryPrice: 1, exitTime: 86_400_000, exitPrice: 2, fees: 0, pnl: 1 }));
    const html = reportHtml({ ...minimalReport(curve.slice(0, 10)), trades });
    expect(html).toContain('Trades (last 500 of 600)');
    expect(html).toContain('<td>T599</td>');
    expect(html).toContain('<td>T100</td>');
    expect(html).not.toContain('<td>T99</td>');
  });

  it('draws a short curve whole', () => {
    const chart = new CurveChart();
    for (const p of curve.slice(0, 1500)) chart.add(p);
    expect(chart.series().eq).toEqual(curve.slice(0, 1500).map((p) => p.equity));
  });
});

/** A report of `equity` with no fills or trades. */
function minimalReport(equity: EquityPoint[]): ReportData {
  return {
    strategy: 's', params: {}, symbols: ['X'], config: { cash: 100_000, fees: 'zero', slippageBps: 0, participation: 0.1, risk: {} }, startEquity: 100_000, endEquity: 199_999,
    metrics: { totalReturn: 0, cagr: 0, sharpe: 0, sortino: 0, maxDrawdown: 0, maxDrawdownDurationMs: 0, winRate: 0, profitFactor: 0, exposure: 0, turnover: 0, tradeCount: 0, periodsPerYear: 252 },
    fillCount: 0, rejected: { count: 0, reasons: [] }, benchmark: { description: 'b', symbols: ['X'], startValue: 1, endValue: 1, totalReturn: 0 },
    version: 1, createdAt: '', data: { fingerprint: 'f', files: [] }, fills: [], trades: [], equity,
  };
}

describe('EquityJsonSpool', () => {
  const points: EquityPoint[] = Array.from({ length: 10_000 }, (_, i) => (i % 3 === 0
    ? { time: 1_700_000_000_000 + i * 60_000, equity: 100_000 + i / 7, gross: i / 3 }
    : { time: 1_700_000_000_000 + i * 60_000, equity: 100_000 - i * 0.1, gross: 0, benchmark: i === 5 ? Number.NaN : 99_999.123456789 + i }));
  points.push({ time: 0, equity: Number.POSITIVE_INFINITY, gross: -0, benchmark: Number.MIN_VALUE });

  it.each([
    ['its thread', 0, true],
    ['finish() itself, for a curve shorter than EQUITY_THREAD_AFTER', undefined, false],
  ] as const)('%s writes the equity text and chart writeReport writes for the same points, across many chunks, extreme values included', async (_who, threadAfter, threaded) => {
    const dir = tempDir();
    const kept = writeReport(join(dir, 'kept'), minimalReport(points));
    const spool = new EquityJsonSpool(join(dir, 'equity.json.part'), { threadAfter });
    for (const p of points) spool.add(p);
    expect(spool.count).toBe(points.length);
    expect(points.length).toBeLessThan(EQUITY_THREAD_AFTER);
    expect(spool.threaded).toBe(threaded);
    const { equity: _all, ...rest } = minimalReport([]);
    const written = await writeReportWithEquity(join(dir, 'threaded'), rest, spool.finish());
    expect(readFileSync(written.json, 'utf8')).toBe(readFileSync(kept.json, 'utf8'));
    expect(readFileSync(written.html, 'utf8')).toBe(readFileSync(kept.html, 'utf8'));
    await spool.remove();
    expect(existsSync(join(dir, 'equity.json.part'))).toBe(false);
    expect(() => spool.add(points[0]!)).toThrow(/equity\.json\.part: the spool is finished or removed/);
  });

  it('the thread starts once EQUITY_THREAD_AFTER points are held, and a long curve still writes what writeReport writes', async () => {
    const dir = tempDir();
    const long: EquityPoint[] = Array.from({ length: EQUITY_THREAD_AFTER + 100 }, (_, i) => ({ time: 1_700_000_000_000 + i * 60_000, equity: 100_000 + Math.sin(i / 50) * 1_000, gross: i % 7 }));
    const kept = writeReport(join(dir, 'kept'), minimalReport(long));
    const spool = new EquityJsonSpool(join(dir, 'equity.json.part'));
    for (const p of long.slice(0, EQUITY_THREAD_AFTER - 1)) spool.add(p);
    expect(spool.threaded).toBe(false);
    for (const p of long.slice(EQUITY_THREAD_AFTER - 1)) spool.add(p);
    expect(spool.threaded).toBe(true);
    expect(EQUITY_THREAD_AFTER).toBe(32_768); // docs/backtest.md names the threshold
    const { equity: _all, ...rest } = minimalReport([]);
    const written = await writeReportWithEquity(join(dir, 'threaded'), rest, spool.finish());
    expect(readFileSync(written.json, 'utf8')).toBe(readFileSync(kept.json, 'utf8'));
    expect(readFileSync(written.html, 'utf8')).toBe(readFileSync(kept.html, 'utf8'));
    await spool.remove();
  });

  it('the run waits for the thread once it is EQUITY_MAX_BACKLOG chunks behind: memory stays bounded', async () => {
    const dir = tempDir();
    const spool = new EquityJsonSpool(join(dir, 'equity.json.part'));
    // Added at once, while the thread is still starting: without the wait all of them would be queued.
    const chunks = EQUITY_MAX_BACKLOG + 8;
    for (let i = 0; i < chunks * 2048; i++) spool.add({ time: i, equity: 1, gross: 0 });
    expect(spool.backlog).toBeLessThanOrEqual(EQUITY_MAX_BACKLOG);
    expect(EQUITY_MAX_BACKLOG).toBe(64); // docs/backtest.md names the bound
    await spool.finish();
    expect(spool.backlog).toBe(0);
    await spool.remove();
  });

  it.skipIf(!existsSync('/dev/full'))('a thread that fails stops the run at its next wait for room, naming why', async () => {
    const dir = tempDir();
    const part = join(dir, 'equity.json.part');
    symlinkSync('/dev/full', part);
    const spool = new EquityJsonSpool(part);
    expect(() => {
      for (let i = 0; i < (EQUITY_MAX_BACKLOG + 2) * 2048; i++) spool.add({ time: i, equity: 1, gross: 0 });
    }).toThrow(/the equity writer thread failed: .*equity\.json\.part: .*ENOSPC/);
    await expect(spool.finish()).rejects.toThrow(/ENOSPC/);
    await spool.remove();
    expect(existsSync(part)).toBe(false);
  });

  it('an empty curve is an empty array', async () => {
    const dir = tempDir();
    const kept = writeReport(join(dir, 'kept'), minimalReport([]));
    const spool = new EquityJsonSpool(join(dir, 'equity.json.part'), { threadAfter: 0 });
    const { equity: _none, ...rest } = minimalReport([]);
    const written = await writeReportWithEquity(join(dir, 'threaded'), rest, spool.finish());
    expect(readFileSync(written.json, 'utf8')).toBe(readFileSync(kept.json, 'utf8'));
    expect(spool.threaded).toBe(false);
    await spool.remove();
  });

  it('a curve that ends short of EQUITY_THREAD_AFTER never starts the thread, not even in finish()', async () => {
    const dir = tempDir();
    const spool = new EquityJsonSpool(join(dir, 'equity.json.part'));
    // The last chunk is partial: counted as a whole chunk, it used to cross the threshold in finish().
    for (let i = 0; i < EQUITY_THREAD_AFTER - 100; i++) spool.add({ time: i, equity: 1, gross: 0 });
    await spool.finish();
    expect(spool.threaded).toBe(false);
    await spool.remove();
  });

  it('refuses a threadAfter it could not hand over at once', () => {
    expect(() => new EquityJsonSpool(join(tempDir(), 'e.part'), { threadAfter: (EQUITY_MAX_BACKLOG + 1) * 2048 })).toThrow(/threadAfter: expected a whole number of points from 0 to 131072, got 133120/);
    expect(() => new EquityJsonSpool(join(tempDir(), 'e.part'), { threadAfter: -1 })).toThrow(/threadAfter/);
  });

  it.each([0, undefined])('a file that cannot be written fails finish() with the reason (threadAfter %s)', async (threadAfter) => {
    const spool = new EquityJsonSpool(join(tempDir(), 'no-such-folder', 'equity.json.part'), { threadAfter });
    // One whole chunk: with threadAfter 0 it starts the thread; by default the curve is written by finish().
    for (let i = 0; i < 2048; i++) spool.add(points[i]!);
    await expect(spool.finish()).rejects.toThrow(/no-such-folder.*ENOENT|ENOENT.*no-such-folder/);
    expect(spool.threaded).toBe(threadAfter === 0);
    await spool.remove();
  });

  it.skipIf(!existsSync('/dev/full'))('a short curve whose text cannot be written fails finish() naming the file and the reason', async () => {
    const part = join(tempDir(), 'equity.json.part');
    symlinkSync('/dev/full', part);
    const spool = new EquityJsonSpool(part);
    for (const p of points) spool.add(p);
    await expect(spool.finish()).rejects.toThrow(/equity\.json\.part: .*ENOSPC/);
    expect(spool.threaded).toBe(false);
    await spool.remove();
  });
});
