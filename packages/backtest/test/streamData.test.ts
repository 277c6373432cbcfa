import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import bollinger from '../../../strategies/bollinger-reversion/index.ts';
import smaCross from '../../../strategies/sma-cross/index.ts';
import { BarStore, importCsv } from '@pounce/store';
import { canStream, loadData, runBacktest, streamData } from '../src/index.ts';
import { tempDirs } from '../../gateway/test/testGateway.ts';

const data = (name: string) => fileURLToPath(new URL(`../../gateway/data/${name}`, import.meta.url));
const SPECS = [`ORCL=${data('orcl-1995-2014.csv')}`, `NVDA=${data('nvda-1999-2014.csv')}`];
const RANGE = { from: Date.UTC(2001, 0, 1), to: Date.UTC(2009, 0, 1) };

describe('streamData', () => {
  const temp = tempDirs();

  it('reads a stored series one year file at a time: the next file only once the replay took the last bar of the one before', () => {
    const storeDir = temp('pounce-stream-store-');
    importCsv(new BarStore(storeDir), `NVDA=${data('nvda-1999-2014.csv')}`);
    const { partitions } = new BarStore(storeDir).find('NVDA');
    const total = partitions.reduce((n, p) => n + p.bytes, 0);
    const streamed = streamData(['store:NVDA'], {}, { storeDir });
    expect(streamed.progress()).toBe(0);
    let bars = 0;
    for (const slice of streamed.slices) {
      const t = slice[0]!.time;
      // Files read so far (each file's bytes are counted as it is read): those up to the bar's own
      // year; at a file's last bar also the next one, as the replay looks one bar ahead.
      const upTo = partitions.filter((p) => p.first <= t);
      const read = upTo.reduce((n, p) => n + p.bytes, 0);
      const atLast = upTo[upTo.length - 1]!.last === t && upTo.length < partitions.length;
      const allowed = atLast ? [read, read + partitions[upTo.length]!.bytes] : [read];
      if (!allowed.some((n) => streamed.progress() === (n === total ? 1 : n / total))) throw new Error(`bar ${bars} (${new Date(t).toISOString()}): ${streamed.progress() * total} bytes read, expected ${allowed.join(' or ')}`);
      bars++;
    }
    expect(partitions.length).toBe(16);
    expect(bars).toBe(partitions.reduce((n, p) => n + p.bars, 0));
    expect(streamed.progress()).toBe(1);
  });

  it('runs a backtest identical to one over loaded data: fills, equity, fingerprint, file summary', async () => {
    for (const def of [smaCross, bollinger]) {
      const loaded = loadData(SPECS, RANGE);
      const streamed = streamData(SPECS, RANGE);
      const symbols = ['NVDA', 'ORCL'];
      const a = await runBacktest({ def, symbols, bars: loaded.bars });
      const b = await runBacktest({ def, symbols, bars: streamed });
      expect(a.fills.length).toBeGreaterThan(10);
      expect(b.fills).toEqual(a.fills);
      expect(b.equity).toEqual(a.equity);
      expect(b.metrics).toEqual(a.metrics);
      expect(streamed.fingerprint).toBe(loaded.fingerprint);
      expect(streamed.files).toEqual(loaded.files);
      expect(streamed.progress()).toBe(1);
    }
  });

  it('reads a symbol split over two files one after the other, and refuses overlapping ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pounce-stream-'));
    const [header, ...rows] = readFileSync(data('nvda-1999-2014.csv'), 'utf8').trim().split('\n');
    const part = (name: string, lines: string[]) => {
      writeFileSync(join(dir, name), [header, ...lines].join('\n'));
      return `NVDA=${join(dir, name)}`;
    };
    const early = part('a.csv', rows.slice(0, 2000));
    const late = part('b.csv', rows.slice(2000));
    const whole = await runBacktest({ def: smaCross, bars: loadData([`NVDA=${data('nvda-1999-2014.csv')}`]).bars });
    const split = await runBacktest({ def: smaCross, bars: streamData([early, late]) });
    expect(split.fills).toEqual(whole.fills);
    const overlapping = part('c.csv', rows.slice(1990, 2100));
    await expect(runBacktest({ def: smaCross, bars: streamData([early, overlapping]) })).rejects.toThrow(/files of NVDA overlap in time/);
  });

  it('canStream: files in time order, one symbol\'s files one after another; not rows out of order, overlapping files or an unreadable file', () => {
    const dir = temp('pounce-can-stream-');
    const [header, ...rows] = readFileSync(data('nvda-1999-2014.csv'), 'utf8').trim().split('\n');
    const part = (name: string, lines: string[], symbol = 'NVDA') => {
      writeFileSync(join(dir, name), [header, ...lines].join('\n'));
      return `${symbol}=${join(dir, name)}`;
    };
    const early = part('a.csv', rows.slice(0, 2000));
    const late = part('b.csv', rows.slice(2000));
    expect(canStream([...SPECS, 'store:NVDA'])).toBe(true);
    expect(canStream([early, late])).toBe(true);
    expect(canStream([late, early])).toBe(false);
    expect(canStream([early, part('c.csv', rows.slice(1999, 2100))])).toBe(false);
    // Another symbol's file may cover the same days.
    expect(canStream([early, part('d.csv', rows.slice(0, 2000), 'ORCL')])).toBe(true);
    expect(canStream([part('e.csv', [...rows].reverse())])).toBe(false);
    expect(canStream(['NVDA=/nonexistent/x.csv'])).toBe(false);
  });

  it('says which file has no bars in the range, and which file cannot be read', async () => {
    await expect(runBacktest({ def: smaCross, bars: streamData(SPECS, { from: Date.UTC(1996, 0, 1), to: Date.UTC(1998, 0, 1) }) })).rejects.toThrow(/--data NVDA=.*: no bars in the chosen date range/);
    expect(() => streamData(['NVDA=/nonexistent/x.csv'])).toThrow('--data NVDA=/nonexistent/x.csv: cannot read /nonexistent/x.csv');
  });
});
