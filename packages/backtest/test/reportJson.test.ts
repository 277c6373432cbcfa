import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import smaCross from '../../../strategies/sma-cross/index.ts';
import { loadData, runBacktest, writeReport, type ReportData } from '../src/index.ts';

const NVDA = fileURLToPath(new URL('../../gateway/data/nvda-1999-2014.csv', import.meta.url));

describe('report.json', () => {
  it('holds exactly what one JSON.stringify of the report would (written in pieces)', async () => {
    const data = loadData([`NVDA=${NVDA}`]);
    const r = await runBacktest({ def: smaCross, bars: data.bars });
    // Three copies of the curve: more than one 10,000-point piece.
    const equity = [...r.equity, ...r.equity, ...r.equity];
    const report: ReportData = { ...r, equity, version: 1, createdAt: '2026-11-26T00:00:00.000Z', data: { fingerprint: data.fingerprint, files: data.files }, fills: r.fills };
    // A profit factor with no losing trade is Infinity: written as the string "Infinity".
    report.metrics = { ...report.metrics, profitFactor: Infinity };
    const dir = mkdtempSync(join(tmpdir(), 'pounce-report-'));
    const { json } = writeReport(dir, report);
    const expected = JSON.parse(JSON.stringify(report, (_k, v: unknown) => (v === Infinity ? 'Infinity' : v))) as unknown;
    expect(equity.length).toBeGreaterThan(10_000);
    expect(r.trades.length).toBeGreaterThan(50);
    expect(JSON.parse(readFileSync(json, 'utf8'))).toEqual(expected);
    const empty = writeReport(join(dir, 'empty'), { ...report, trades: [], equity: [] });
    expect(JSON.parse(readFileSync(empty.json, 'utf8'))).toMatchObject({ trades: [], equity: [] });
  });
});
