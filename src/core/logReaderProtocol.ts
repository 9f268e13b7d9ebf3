// Messages between the index (main thread) and the log reader worker thread.
import type { LogBatch, LogReadJob } from './logBatches';
import type { TailResult } from './logTail';

/** Indexes into the shared control array: log lines the main thread has applied, and a stop request. */
export const CONSUMED = 0;
export const STOP = 1;
/**
 * Log lines the worker may read ahead of the main thread (plus one batch): enough to ride out the main thread's
 * bursts of page writes, little enough to bound memory (≈ 25 MB of columns for lines of 10 metrics).
 */
export const MAX_LINES_IN_FLIGHT = 100_000;

export interface ReaderWorkerData {
  jobs: LogReadJob[];
  /** SharedArrayBuffer of two Int32 slots (CONSUMED, STOP). */
  control: SharedArrayBuffer;
}

export type ReaderMessage =
  | { type: 'batch'; job: number; batch: LogBatch }
  | { type: 'done'; job: number; result: TailResult }
  | { type: 'failed'; job: number; message: string; code?: string };
