// The host's side of the importance worker: parameter importance for 2,000 runs takes tens of ms (more with many
// params), too long for the extension host's thread, which serves every editor event meanwhile. The worker starts
// on the first request and keeps the table; if it cannot start or dies, importance is computed on this thread
// instead (slower for the editor, but the panel still answers), and the log says why.
import { Worker } from 'node:worker_threads';
import type { AnalysisTable } from './dimensions';
import { paramImportance, type ImportanceResult } from './importance';
import type { ImportanceReply, ImportanceRequest } from './importanceProtocol';
import { errorMessage } from '../../shared/errorMessage';

export interface ImportanceAnswer {
  result: ImportanceResult;
  /** Milliseconds the computation took (on the worker, or here). */
  ms: number;
  /** Where it ran: `worker`, or `inline` after the worker failed. */
  ran: 'worker' | 'inline';
}

interface Pending { resolve: (answer: ImportanceAnswer) => void; reject: (err: Error) => void; metric: string }

export class ImportanceThread {
  private worker: Worker | undefined;
  private broken = false;
  private table: AnalysisTable | undefined;
  private version = 0;
  /** The table version the worker holds (it is sent when a request needs it). */
  private sentVersion = -1;
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly workerPath: string, private readonly warn: (message: string) => void) {}

  /** The table later requests are computed on. */
  setTable(table: AnalysisTable): void {
    this.table = table;
    this.version++;
  }

  /** Importance of the params for `metric` in the current table, computed off this thread. */
  importance(metric: string): Promise<ImportanceAnswer> {
    const table = this.table;
    if (!table) return Promise.reject(new Error('no runs to compute importance on yet'));
    const worker = this.broken ? undefined : this.start();
    if (!worker) return Promise.resolve(this.inline(table, metric));
    if (this.sentVersion !== this.version) {
      this.post(worker, { type: 'table', version: this.version, table });
      this.sentVersion = this.version;
    }
    const id = this.nextId++;
    return new Promise<ImportanceAnswer>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, metric });
      worker.ref();
      this.post(worker, { type: 'importance', id, version: this.version, metric });
    });
  }

  /** Stops the worker; requests still waiting are computed here. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.broken = true;
    this.settleInline();
    await worker?.terminate();
  }

  private post(worker: Worker, message: ImportanceRequest): void {
    worker.postMessage(message);
  }

  private inline(table: AnalysisTable, metric: string): ImportanceAnswer {
    const t0 = performance.now();
    const result = paramImportance(table, metric);
    return { result, ms: performance.now() - t0, ran: 'inline' };
  }

  private start(): Worker | undefined {
    if (this.worker) return this.worker;
    try {
      const worker = new Worker(this.workerPath);
      worker.on('message', (reply: ImportanceReply) => this.onReply(reply));
      worker.on('error', (err: Error) => this.fail(`the importance worker failed (${err.message})`));
      worker.on('exit', (code) => { if (this.worker === worker) this.fail(`the importance worker exited with code ${code}`); });
      // An idle worker does not keep the process (a CLI, a test) alive; one with a request waiting does.
      worker.unref();
      this.worker = worker;
      this.sentVersion = -1;
      return worker;
    } catch (err) {
      this.fail(`the importance worker could not start (${errorMessage(err)})`);
      return undefined;
    }
  }

  private onReply(reply: ImportanceReply): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker?.unref();
    if (reply.ok) waiting.resolve({ result: reply.result, ms: reply.ms, ran: 'worker' });
    else waiting.reject(new Error(reply.message));
  }

  private fail(message: string): void {
    if (this.broken) return;
    this.broken = true;
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
    this.warn(`Trialbook: ${message}; computing parameter importance on the extension host's thread from now on.`);
    this.settleInline();
  }

  /** Requests the worker will not answer any more: computed here. */
  private settleInline(): void {
    const table = this.table;
    for (const [id, waiting] of this.pending) {
      this.pending.delete(id);
      if (table) waiting.resolve(this.inline(table, waiting.metric));
      else waiting.reject(new Error('no runs to compute importance on'));
    }
  }
}
