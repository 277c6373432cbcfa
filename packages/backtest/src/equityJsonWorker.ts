// The thread behind EquityJsonSpool: turns chunks of equity points into report.json's text as
// the run makes them, and gathers the report's chart from the same points (EquityChunkWriter).
import { parentPort, workerData } from 'node:worker_threads';
import { EquityChunkWriter, errorNaming, type EquityChunk } from './equityChunkWriter.ts';
import { EQUITY_PROGRESS, type EquityWriterData, type EquityWriterDone } from './equityJsonSpool.ts';

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
    const err = errorNaming(path, e);
    const written = Buffer.from(err.message, 'utf8').copy(Buffer.from(progress, EQUITY_PROGRESS.messageAt, EQUITY_PROGRESS.bytes - EQUITY_PROGRESS.messageAt));
    Atomics.store(chunksDone, EQUITY_PROGRESS.messageLength, written);
    Atomics.store(chunksDone, EQUITY_PROGRESS.failed, 1);
    throw err;
  } finally {
    Atomics.notify(chunksDone, EQUITY_PROGRESS.written);
  }
}

const writer = flagged(() => new EquityChunkWriter(path));

port.on('message', (m: EquityChunk | 'end') =>
  flagged(() => {
    if (m === 'end') {
      port.postMessage({ series: writer.end() } satisfies EquityWriterDone);
      port.close();
      return;
    }
    writer.write(m);
    Atomics.add(chunksDone, EQUITY_PROGRESS.written, 1);
  }),
);
