// Messages between the Analysis panel's host and its importance worker (importanceThread.ts, importanceWorker.ts).
import type { AnalysisTable } from './dimensions';
import type { ImportanceResult } from './importance';

/** To the worker: the table importance is computed on from now on (sent once per table), or one metric's request. */
export type ImportanceRequest =
  | { type: 'table'; version: number; table: AnalysisTable }
  | { type: 'importance'; id: number; version: number; metric: string };

/** From the worker: the result (with the milliseconds it took there), or why it failed. */
export type ImportanceReply =
  | { id: number; ok: true; result: ImportanceResult; ms: number }
  | { id: number; ok: false; message: string };
