// The main thread's side of the log reader worker: starts it on a sync's jobs and hands their batches over in order.
// Parsing (most of ingest's time) then runs beside the database writes, and off the extension host's thread.
import { Worker } from 'node:worker_threads';
import type { LogBatch, LogReadJob } from './logBatches';
import { CONSUMED, STOP, type ReaderMessage, type ReaderWorkerData } from './logReaderProtocol';
import type { TailResult } from './logTail';

/** The worker itself failed (not a log it read): the caller should read on its own thread instead. */
export class ReaderThreadError extends Error {}

export class LogReaderThread {
  private readonly worker: Worker;
  private readonly flags: Int32Array;
  private readonly queue: ReaderMessage[] = [];
  private wake: (() => void) | undefined;
  private failure: Error | undefined;
  private exited = false;
  private stopped = false;

  constructor(workerPath: string, jobs: LogReadJob[]) {
    const control = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
    this.flags = new Int32Array(control);
    const workerData: ReaderWorkerData = { jobs, control };
    this.worker = new Worker(workerPath, { workerData });
    this.worker.on('message', (m: ReaderMessage) => { this.queue.push(m); this.notify(); });
    this.worker.on('error', (err: Error) => {
      this.failure ??= new ReaderThreadError(`the log reader thread failed (${err.message})`);
      this.notify();
    });
    this.worker.on('exit', (code) => {
      this.exited = true;
      if (code !== 0 && !this.stopped) this.failure ??= new ReaderThreadError(`the log reader thread exited with code ${code}`);
      this.notify();
    });
  }

  /**
   * Reads job `job` (jobs must be read in the order given): `onBatch` gets each batch, and may be async (the
   * worker waits when it is too far ahead). Resolves with where the next read of that log starts.
   */
  async read(job: number, onBatch: (batch: LogBatch) => void | Promise<void>): Promise<TailResult> {
    for (;;) {
      const m = await this.next();
      if (m.job !== job) throw new ReaderThreadError(`the log reader thread answered job ${m.job} while job ${job} was expected`);
      if (m.type === 'done') return m.result;
      if (m.type === 'failed') throw Object.assign(new Error(m.message), m.code === undefined ? {} : { code: m.code });
      await onBatch(m.batch);
      Atomics.add(this.flags, CONSUMED, m.batch.lines);
      Atomics.notify(this.flags, CONSUMED);
    }
  }

  /** Stops the worker (also mid-read). */
  async close(): Promise<void> {
    this.stopped = true;
    Atomics.store(this.flags, STOP, 1);
    Atomics.notify(this.flags, CONSUMED);
    await this.worker.terminate();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  private async next(): Promise<ReaderMessage> {
    for (;;) {
      const m = this.queue.shift();
      if (m) return m;
      if (this.failure) throw this.failure;
      if (this.exited) throw new ReaderThreadError('the log reader thread ended before reading every log');
      await new Promise<void>((resolve) => { this.wake = resolve; });
    }
  }
}
