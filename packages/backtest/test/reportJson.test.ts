import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import smaCross from '../../../strategies/sma-cross/index.ts';
import { loadData, runBacktest, writeReport, type ReportData } from '../src/index.ts';
import { epochMsText } from '../src/report.ts';

const NVDA = fileURLToPath(new URL('../../gateway/data/nvda-1999-2014.csv', import.meta.url));

describe('report.json', () => {
  it('writes every equity point\'s time as String() does (the integer fast path and the rest)', () => {
    const edges = [1e6 - 1, 1e6, 1e6 + 1, 1_999_999, 2_000_000, 1e15 - 1, 1e15, 1577889000000, -1577889000000, 0, 0.5, 1e21, -0];
    for (const t of edges) expect(epochMsText(t)).toBe(String(t));
    fc.assert(fc.property(fc.oneof(fc.integer({ min: 0, max: 2 ** 31 }), fc.maxSafeInteger(), fc.double()), (t) => epochMsText(t) === String(t)), { numRuns: 20_000 });
  });

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
