// Entry of the log reader worker thread (bundled as dist/logReaderWorker.js): reads and parses the logs of a
// sync's jobs in order, and streams their batches to the index on the main thread (see logReaderThread).
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage } from '../shared/errorMessage';
import { BatchBuilder, batchBuffers, readLogBatches } from './logBatches';
import { CONSUMED, MAX_LINES_IN_FLIGHT, STOP, type ReaderMessage, type ReaderWorkerData } from './logReaderProtocol';

function run(): void {
  const port = parentPort;
  if (!port) throw new Error('logReaderWorker must run as a worker thread');
  const { jobs, control } = workerData as ReaderWorkerData;
  const flags = new Int32Array(control);
  let produced = 0;
  const builder = new BatchBuilder();
  const post = (message: ReaderMessage, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);
  for (let job = 0; job < jobs.length; job++) {
    if (Atomics.load(flags, STOP) !== 0) return;
    try {
      const result = readLogBatches(jobs[job]!, (batch) => {
        // Backpressure: the main thread applies batches in order; never run more than a few ahead of it.
        for (;;) {
          if (Atomics.load(flags, STOP) !== 0) throw new Error('stopped');
          const consumed = Atomics.load(flags, CONSUMED);
          // Both counters wrap at 2^32 together; their difference stays right.
          if (((produced - consumed) | 0) < MAX_LINES_IN_FLIGHT) break;
          Atomics.wait(flags, CONSUMED, consumed, 1000);
        }
        produced = (produced + batch.lines) | 0;
        post({ type: 'batch', job, batch }, batchBuffers(batch));
      }, builder);
      post({ type: 'done', job, result });
    } catch (err) {
      if (Atomics.load(flags, STOP) !== 0) return;
      const e = err as NodeJS.ErrnoException;
      const failed: ReaderMessage = { type: 'failed', job, message: errorMessage(err) };
      if (typeof e.code === 'string') failed.code = e.code;
      post(failed);
    }
  }
}

run();
