// One sync of a workspace to an MLflow server: every run folder with a log, a few at a time, each from its
// cursor. Runs imported from other tools (a `source.json` beside the log) are not sent back out. A refusal that
// concerns one run is reported and the others go on; wrong credentials or a server that stays away stop the sync
// (it resumes where it stopped next time).
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from '../../shared/errorMessage';
import { listRunLogs } from '../index/runFolders';
import { RegistryError } from '../registry/errors';
import { readEditsIfChanged } from '../runEditsReader';
import { countPoints } from './runPoints';
import { syncRun, type SyncContext } from './runSync';
import { SyncApi, type RetryPolicy } from './syncApi';
import { SyncStateStore, targetKey } from './syncState';
import type { SyncTarget } from './syncTarget';
import type { Credentials } from '../registry/types';

export interface SyncOptions {
  trialbookDir: string;
  target: SyncTarget;
  credentials: Credentials;
  retry?: Partial<RetryPolicy>;
  signal?: AbortSignal;
  /** Runs synced at once (default 4). */
  concurrency?: number;
  /** Only these runs (default: all). */
  runIds?: string[];
  crashAfterMs?: number;
  now?: () => number;
  onWarning?: (message: string) => void;
  onRetry?: (why: string, waitMs: number) => void;
  onProgress?: (p: { runsDone: number; runs: number; points: number }) => void;
}

export interface SyncProblem { runId: string; message: string }

export interface SyncReport {
  runs: number;
  runsChanged: number;
  points: number;
  requests: number;
  retries: number;
  problems: SyncProblem[];
  warnings: string[];
  /** Set when the sync stopped early (credentials, server away): the reason, in words. */
  stopped?: RegistryError;
}

/** Errors after which no other run can do better: stop the whole sync. */
function stopsSync(err: unknown): boolean {
  return err instanceof RegistryError && (err.code === 'auth' || err.code === 'denied' || err.code === 'unreachable' || err.code === 'server' || err.code === 'protocol' || err.code === 'cancelled');
}

export async function syncWorkspace(opts: SyncOptions): Promise<SyncReport> {
  const { trialbookDir, target } = opts;
  const warnings: string[] = [];
  const warn = (m: string): void => { if (!warnings.includes(m)) { warnings.push(m); opts.onWarning?.(m); } };
  const api = new SyncApi(target.trackingUri, {
    credentials: opts.credentials, ...(opts.retry ? { retry: opts.retry } : {}), ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onRetry ? { onRetry: opts.onRetry } : {}),
  });
  const store = new SyncStateStore(trialbookDir, targetKey(target.trackingUri, target.experimentPrefix));
  const report: SyncReport = { runs: 0, runsChanged: 0, points: 0, requests: 0, retries: 0, problems: [], warnings };
  const ctx: SyncContext = {
    api, store, prefix: target.experimentPrefix, experiments: store.loadExperiments(), missing: new Set(), warn,
    now: opts.now ?? Date.now, crashAfterMs: opts.crashAfterMs ?? 30_000,
  };
  const wanted = opts.runIds ? new Set(opts.runIds) : undefined;
  const logs = (await listRunLogs(join(trialbookDir, 'runs')))
    .filter((l) => (!wanted || wanted.has(l.id)) && !existsSync(join(trialbookDir, 'runs', l.id, 'source.json')));
  report.runs = logs.length;
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < logs.length && !report.stopped) {
      const log = logs[next++];
      if (!log) break;
      if ('problem' in log) { report.problems.push({ runId: log.id, message: log.problem }); continue; }
      const { state, problem } = store.load(log.id);
      if (problem) warn(problem);
      const edits = readEditsIfChanged(join(trialbookDir, 'runs', log.id, 'edits.jsonl'), undefined);
      try {
        const sent = await syncRun({ ...ctx, onPoints: (n) => { report.points += n; } }, log.file, state, edits.edits?.overrides);
        if (sent.changed) report.runsChanged++;
      } catch (err) {
        if (opts.signal?.aborted) { report.stopped ??= new RegistryError('cancelled', 'Sync cancelled; the next sync resumes where this one stopped.'); break; }
        if (stopsSync(err)) { report.stopped ??= err as RegistryError; break; }
        report.problems.push({ runId: log.id, message: errorMessage(err) });
      }
      opts.onProgress?.({ runsDone: ++done, runs: logs.length, points: report.points });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 4, logs.length)) }, worker));
  report.requests = api.requests;
  report.retries = api.retries;
  return report;
}

/** Points in the logs that are not on the server yet (reads only the unsent tails). */
export async function pendingPoints(trialbookDir: string, target: SyncTarget): Promise<{ points: number; runs: number }> {
  const store = new SyncStateStore(trialbookDir, targetKey(target.trackingUri, target.experimentPrefix));
  let points = 0;
  let runs = 0;
  for (const log of await listRunLogs(join(trialbookDir, 'runs'))) {
    if ('problem' in log || existsSync(join(trialbookDir, 'runs', log.id, 'source.json'))) continue;
    const { state } = store.load(log.id);
    let size: number;
    try { size = statSync(log.file).size; } catch { continue; }
    if (size <= state.cursor.offset && state.mlflowRunId) continue;
    const n = countPoints(log.file, state.cursor, size);
    points += n;
    runs++;
  }
  return { points, runs };
}
