import { describe, expect, it } from 'vitest';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCsvBars } from '@pounce/core';
import { BarStore, importCsv } from '@pounce/store';
import { tempDirs } from '../../gateway/test/testGateway.ts';
import { ROOT, runPounce } from './childProcess.ts';

const NVDA = join(ROOT, 'packages/gateway/data/nvda-1999-2014.csv');
const IDX = join(ROOT, 'packages/gateway/data/idx-5min-2006.csv');
const barsOf = (path: string) => parseCsvBars(readFileSync(path, 'utf8'), { symbol: 'X' });
const utc = (t: number) => `${new Date(t).toISOString().slice(0, 16)}Z`;
const pounce = (args: string[]) => runPounce(args);
// Several real processes per test on a shared 2-core machine.
const SLOW = 300_000;

interface Fill { time: number; symbol: string; side: string; quantity: number; price: number; fee: number; clientOrderId?: string }
const fillsOf = (report: string) => (JSON.parse(readFileSync(join(report, 'report.json'), 'utf8')) as { fills: Fill[] }).fills;

describe('pounce data import / list / info (real processes)', () => {
  const temp = tempDirs();

  it('imports the shipped files, lists them, shows one symbol\'s files; a second import adds nothing', async () => {
    const store = join(temp('pounce-data-'), 'store');
    const nvda = barsOf(NVDA);
    const idx = barsOf(IDX);
    const n = nvda.length;
    const first = await pounce(['data', 'import', `NVDA=${NVDA}`, IDX, '--store', store]);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(new RegExp(`^NVDA\\s+day\\s+${n} bars\\s+${n} new\\s+0 already stored\\s+\\S*nvda-1999-2014.csv$`, 'm'));
    expect(first.stdout).toMatch(new RegExp(`^IDX\\s+5min\\s+${idx.length} bars\\s+${idx.length} new\\s+0 already stored`, 'm'));

    const again = await pounce(['data', 'import', `NVDA=${NVDA}`, '--store', store]);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`^NVDA\\s+day\\s+${n} bars\\s+0 new\\s+${n} already stored`, 'm'));

    const list = await pounce(['data', 'list', '--store', store]);
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(new RegExp(`^IDX\\s+5min\\s+${idx.length}\\s+${utc(idx[0]!.time)}\\s+${utc(idx[idx.length - 1]!.time)}$`, 'm'));
    expect(list.stdout).toMatch(new RegExp(`^NVDA\\s+day\\s+${n}\\s+1999-01-22T14:30Z\\s+${utc(nvda[n - 1]!.time)}$`, 'm'));
    expect(list.stdout).toContain(`2 series, ${n + idx.length} bars`);

    const info = await pounce(['data', 'info', 'nvda', '--store', store]);
    expect(info.status).toBe(0);
    expect(info.stdout).toMatch(new RegExp(`^NVDA day\\s+${n} bars\\s+1999-01-22T14:30Z \\.\\. ${utc(nvda[n - 1]!.time)}\\s+16 files, [\\d.]+ KiB\\s+read as --data store:NVDA@day$`, 'm'));
    const size = statSync(join(store, 'day', 'NVDA', '2004.arrow')).size;
    const y2004 = nvda.filter((b) => new Date(b.time).getUTCFullYear() === 2004);
    expect(info.stdout).toMatch(new RegExp(`^  2004\\.arrow\\s+${y2004.length}\\s+${utc(y2004[0]!.time)}\\s+${utc(y2004[y2004.length - 1]!.time)}\\s+${(size / 1024).toFixed(1).replace('.', '\\.')} KiB\\s+[0-9a-f]{16}$`, 'm'));
  }, SLOW);

  it('refuses a bad row naming the file, line and column, and a changed bar naming the time and field', async () => {
    const dir = temp('pounce-data-');
    const store = join(dir, 'store');
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'Date,Open,High,Low,Close,Volume\n2004-01-02,1,2,1,1.5,100\n2004-01-05,1,2,1,1.5,lots\n');
    const r = await pounce(['data', 'import', `BAD=${bad}`, '--store', store]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`error: ${bad}:3: column Volume: expected a number, got "lots"`);

    const good = join(dir, 'good.csv');
    writeFileSync(good, 'Date,Open,High,Low,Close,Volume\n2004-01-02,1,2,1,1.5,100\n2004-01-05,1,2,1,1.6,100\n');
    expect((await pounce(['data', 'import', `X=${good}`, '--store', store])).status).toBe(0);
    writeFileSync(good, 'Date,Open,High,Low,Close,Volume\n2004-01-02,1,2,1,1.5,100\n2004-01-05,1,2,1,1.7,100\n');
    const changed = await pounce(['data', 'import', `X=${good}`, '--store', store]);
    expect(changed.status).toBe(1);
    expect(changed.stderr).toMatch(/X 2004-01-05T14:30:00.000Z: close 1.7 differs from 1.6 in the store .*pass --replace/);
    const replaced = await pounce(['data', 'import', `X=${good}`, '--store', store, '--replace']);
    expect(replaced.stdout).toMatch(/^X\s+day\s+2 bars\s+2 new/m);
  }, SLOW);

  it('refuses `..=FILE --replace` (the store folder itself) naming the symbol: the stored series stay', async () => {
    const dir = temp('pounce-data-');
    const store = join(dir, 'store');
    importCsv(new BarStore(store), `NVDA=${NVDA}`);
    const r = await pounce(['data', 'import', `..=${NVDA}`, '--replace', '--store', store]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`error: data import ..=${NVDA}: symbol (from SYM=): expected a symbol of letters, digits and . ^ _ - not starting with "." (e.g. NVDA, BRK.B), got ".."`);
    expect(new BarStore(store).list().map((s) => `${s.symbol} ${s.period} ${s.bars}`)).toEqual([`NVDA day ${barsOf(NVDA).length}`]);
  }, SLOW);

  it('a backtest on --data store:NVDA fills exactly as on the CSV, also with --store alone', async () => {
    const dir = temp('pounce-data-');
    const store = join(dir, 'store');
    expect((await pounce(['data', 'import', `NVDA=${NVDA}`, '--store', store])).status).toBe(0);
    const args = ['backtest', 'sma-cross', '--to', '2008-01-01'];
    const csv = await pounce([...args, '--data', `NVDA=${NVDA}`, '--report', join(dir, 'csv')]);
    const stored = await pounce([...args, '--data', 'store:NVDA', '--store', store, '--report', join(dir, 'stored')]);
    expect(csv.status).toBe(0);
    expect(stored.stderr).not.toContain('error');
    expect(stored.status).toBe(0);
    // The header names what was read: a stored series, not a file count.
    expect(stored.stdout).toMatch(/^strategy\s+sma-cross\s+symbols NVDA\s+store series 1 \(streamed\)/m);
    const want = fillsOf(join(dir, 'csv'));
    expect(want.length).toBeGreaterThan(10);
    expect(fillsOf(join(dir, 'stored'))).toEqual(want);
    // --store without --data reads the strategy's symbols from the store.
    const bySymbol = await pounce([...args, '--store', store, '--report', join(dir, 'by-symbol')]);
    expect(bySymbol.status).toBe(0);
    expect(fillsOf(join(dir, 'by-symbol'))).toEqual(want);
  }, SLOW);

  it('a sweep on --data store:NVDA@day ranks as on the CSV', async () => {
    const dir = temp('pounce-data-');
    const store = join(dir, 'store');
    expect((await pounce(['data', 'import', `NVDA=${NVDA}`, '--store', store])).status).toBe(0);
    const sweep = ['backtest', 'sma-cross', '--to', '2008-01-01', '--sweep', 'fast=5:15:5', '--workers', '1'];
    const ranking = (out: string) => out.split('\n').filter((l) => /^\s+\d+\s/.test(l));
    const sweepCsv = await pounce([...sweep, '--data', `NVDA=${NVDA}`]);
    const sweepStored = await pounce([...sweep, '--data', 'store:NVDA@day', '--store', store]);
    expect(sweepStored.status).toBe(0);
    expect(ranking(sweepCsv.stdout).length).toBe(3);
    expect(ranking(sweepStored.stdout)).toEqual(ranking(sweepCsv.stdout));
  }, SLOW);

  it('the gateway replays a stored series (--data store:SYM)', async () => {
    const { loadBarFiles } = await import('@pounce/gateway');
    const dir = temp('pounce-data-');
    expect((await pounce(['data', 'import', `NVDA=${NVDA}`, '--store', dir])).status).toBe(0);
    expect(loadBarFiles(['store:NVDA'], undefined, dir)).toEqual(loadBarFiles([`NVDA=${NVDA}`]));
  }, SLOW);
});
