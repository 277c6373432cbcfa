import { closeSync, openSync } from 'node:fs';
import type { EquityPoint } from './BacktestVenue.ts';
import { CurveChart } from './curveChart.ts';
import { equityPointJson, JsonArrayWriter } from './equityJson.ts';
import type { WrittenEquity } from './report.ts';

/** Doubles per point in a chunk: time, equity, gross, whether there is a benchmark (1 or 0), benchmark. */
export const EQUITY_ROW_WIDTH = 5;

/** Equity points packed as EQUITY_ROW_WIDTH doubles each (what crosses to the writer thread). */
export interface EquityChunk {
  rows: Float64Array<ArrayBuffer>;
  points: number;
}

/** `e` as an Error whose message names `path` (fs errors of a descriptor do not). */
export function errorNaming(path: string, e: unknown): Error {
  const err = e instanceof Error ? e : new Error(String(e));
  if (!err.message.includes(path)) err.message = `${path}: ${err.message}`;
  return err;
}

/**
 * report.json's `equity` text, written to `path` a chunk of points at a time, and the report's
 * chart gathered from the same points. The equity writer thread runs it, and EquityJsonSpool runs
 * it itself for a curve too short to be worth starting the thread.
 *
 * @example
 * ```ts
 * const w = new EquityChunkWriter('equity.json.part');
 * w.write({ rows: Float64Array.of(0, 100_000, 0, 0, 0), points: 1 });
 * const series = w.end(); // the file holds '[\n  {"time":0,"equity":100000,"gross":0}\n ]'
 * ```
 */
export class EquityChunkWriter {
  private readonly chart = new CurveChart();
  private readonly fd: number;
  private readonly array: JsonArrayWriter;
  private open = true;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
    try {
      this.array = new JsonArrayWriter(this.fd);
    } catch (e) {
      closeSync(this.fd);
      throw errorNaming(path, e);
    }
  }

  write(chunk: EquityChunk): void {
    const rows = chunk.rows;
    for (let i = 0; i < chunk.points; i++) {
      const at = i * EQUITY_ROW_WIDTH;
      const p: EquityPoint = rows[at + 3] === 1
        ? { time: rows[at]!, equity: rows[at + 1]!, gross: rows[at + 2]!, benchmark: rows[at + 4]! }
        : { time: rows[at]!, equity: rows[at + 1]!, gross: rows[at + 2]! };
      this.array.add(equityPointJson(p));
      this.chart.add(p);
    }
  }

  /** Closes the array and the file; the chart's data. */
  end(): WrittenEquity['series'] {
    this.array.close();
    this.close();
    return this.chart.series();
  }

  /** Closes the file as it is (after a failure; idempotent). */
  close(): void {
    if (!this.open) return;
    this.open = false;
    closeSync(this.fd);
  }
}
