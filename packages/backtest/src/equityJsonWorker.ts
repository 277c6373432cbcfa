// The thread behind EquityJsonSpool: turns chunks of equity points into report.json's text as
// the run makes them, and gathers the report's chart from the same points.
import { closeSync, openSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { EquityPoint } from './BacktestVenue.ts';
import { CurveChart } from './curveChart.ts';
import { equityPointJson, JsonArrayWriter } from './equityJson.ts';
import { EQUITY_PROGRESS, EQUITY_ROW_WIDTH, type EquityChunk, type EquityWriterData, type EquityWriterDone } from './equityJsonSpool.ts';

const { path, progress } = workerData as EquityWriterData;
const port = parentPort!;
const chunksDone = new Int32Array(progress, 0, 3);

/**
 * Runs `f`; a throw also leaves its reason in the shared progress buffer and raises the failure
 * flag, so that a main thread waiting for room (EquityJsonSpool.add) wakes and can name it.
 */
function flagged<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    // fs errors of a descriptor do not name the file.
    if (!err.message.includes(path)) err.message = `${path}: ${err.message}`;
    const written = Buffer.from(err.message, 'utf8').copy(Buffer.from(progress, EQUITY_PROGRESS.messageAt, EQUITY_PROGRESS.bytes - EQUITY_PROGRESS.messageAt));
    Atomics.store(chunksDone, EQUITY_PROGRESS.messageLength, written);
    Atomics.store(chunksDone, EQUITY_PROGRESS.failed, 1);
    throw err;
  } finally {
    Atomics.notify(chunksDone, EQUITY_PROGRESS.written);
  }
}

const chart = new CurveChart();
const { fd, array } = flagged(() => {
  const opened = openSync(path, 'w');
  return { fd: opened, array: new JsonArrayWriter(opened) };
});

function write(m: EquityChunk): void {
  const rows = m.rows;
  for (let i = 0; i < m.points; i++) {
    const at = i * EQUITY_ROW_WIDTH;
    const p: EquityPoint = rows[at + 3] === 1
      ? { time: rows[at]!, equity: rows[at + 1]!, gross: rows[at + 2]!, benchmark: rows[at + 4]! }
      : { time: rows[at]!, equity: rows[at + 1]!, gross: rows[at + 2]! };
    array.add(equityPointJson(p));
    chart.add(p);
  }
}

port.on('message', (m: EquityChunk | 'end') =>
  flagged(() => {
    if (m === 'end') {
      array.close();
      closeSync(fd);
      port.postMessage({ series: chart.series() } satisfies EquityWriterDone);
      port.close();
      return;
    }
    write(m);
    Atomics.add(chunksDone, EQUITY_PROGRESS.written, 1);
  }),
);
