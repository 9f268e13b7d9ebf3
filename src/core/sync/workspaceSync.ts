// One sync of a workspace to an MLflow server: every run folder with a log (or only the runs named, without listing
// the runs folder: the editor names the runs the index reported changed), a few at a time, each from its cursor. Runs imported from other tools (a `source.json` beside the log) are not sent back out. A refusal that
// concerns one run is reported and the others go on; wrong credentials or a server that stays away stop the sync
// (it resumes where it stopped next time).
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { errorMessage } from '../../shared/errorMessage';
import { listRunLogs, runLogsOf, type RunLog } from '../index/runFolders';
import { RegistryError } from '../registry/errors';
import { readEditsIfChanged } from '../runEditsReader';
import type { RunFacts } from './runFacts';
import { countPoints } from './runPoints';
import { syncRun, type SyncContext } from './runSync';
import { SyncApi, type RetryPolicy } from './syncApi';
import { memoFor, sameMark, type SyncMemo } from './syncMemo';
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
  /**
   * Only these runs (default: all). Named runs are looked at without listing the runs folder: a pass costs what it
   * names, whatever the workspace holds.
   */
  runIds?: readonly string[];
  crashAfterMs?: number;
  /**
   * Largest artifact file sent, in bytes (default 0: artifacts are not sent). Larger files are not sent and the
   * run is tagged so.
   */
  artifactMaxBytes?: number;
  now?: () => number;
  onWarning?: (message: string) => void;
  onRetry?: (why: string, waitMs: number) => void;
  onProgress?: (p: { runsDone: number; runs: number; points: number }) => void;
}

export interface SyncProblem { runId: string; message: string }

export interface SyncReport {
  runs: number;
  runsChanged: number;
  /** Runs skipped without a read: nothing changed since their last complete sync in this process. */
  unchanged: number;
  points: number;
  /** Artifact files uploaded, and their bytes. */
  artifactFiles: number;
  artifactBytes: number;
  requests: number;
  retries: number;
  problems: SyncProblem[];
  warnings: string[];
  /** Set when the sync stopped early (credentials, server away): the reason, in words. */
  stopped?: RegistryError;
}

/** What this process remembers of the target's runs (see syncMemo.ts), shared by every sync to it. */
export function memoOfTarget(trialbookDir: string, target: SyncTarget): SyncMemo {
  return memoFor(new SyncStateStore(trialbookDir, targetKey(target.trackingUri, target.experimentPrefix)).dir);
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
  const report: SyncReport = { runs: 0, runsChanged: 0, unchanged: 0, points: 0, artifactFiles: 0, artifactBytes: 0, requests: 0, retries: 0, problems: [], warnings };
  const ctx: SyncContext = {
    api, store, prefix: target.experimentPrefix, experiments: store.loadExperiments(), created: new Set(), missing: new Set(), warn,
    now: opts.now ?? Date.now, crashAfterMs: opts.crashAfterMs ?? 30_000,
    artifactMaxBytes: Math.max(0, opts.artifactMaxBytes ?? 0), workspace: dirname(trialbookDir),
  };
  const memo = memoFor(store.dir);
  const logs = (await runLogs(trialbookDir, opts.runIds)).filter((l) => !isImported(trialbookDir, memo, l.id));
  report.runs = logs.length;
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (next < logs.length && !report.stopped) {
      const log = logs[next++];
      if (!log) break;
      if ('problem' in log) { report.problems.push({ runId: log.id, message: log.problem }); continue; }
      const known = memo.runs.get(log.id);
      const edits = readEditsIfChanged(join(trialbookDir, 'runs', log.id, 'edits.jsonl'), known?.edits);
      // Nothing changed since this run's last complete sync here: no state read, no log read.
      if (known && !edits.changed && known.artifactMaxBytes === ctx.artifactMaxBytes && sameMark(known.log, log.identity) && known.state === store.mark(log.id) && ctx.now() < known.until) {
        report.unchanged++;
        opts.onProgress?.({ runsDone: ++done, runs: logs.length, points: report.points });
        continue;
      }
      memo.runs.delete(log.id);
      const { state, problem } = store.load(log.id);
      if (problem) warn(problem);
      try {
        const sent = await syncRun({
          ...ctx, onPoints: (n) => { report.points += n; }, onArtifacts: (files, bytes) => { report.artifactFiles += files; report.artifactBytes += bytes; },
        }, log.file, state, edits.edits?.overrides);
        if (sent.changed) report.runsChanged++;
        memo.runs.set(log.id, { log: log.identity, state: store.mark(log.id), edits: edits.edits, artifactMaxBytes: ctx.artifactMaxBytes, until: quietUntil(state.facts, ctx.now(), ctx.crashAfterMs) });
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

/** The logs of the runs named, or of every run (a listing of the runs folder) when none are. */
function runLogs(trialbookDir: string, runIds: readonly string[] | undefined): Promise<RunLog[]> {
  const runsDir = join(trialbookDir, 'runs');
  return runIds ? runLogsOf(runsDir, runIds) : listRunLogs(runsDir);
}

/** A run imported from another tool (its folder has a source.json): never synced out; remembered once seen. */
function isImported(trialbookDir: string, memo: SyncMemo, runId: string): boolean {
  if (memo.imported.has(runId)) return true;
  if (!existsSync(join(trialbookDir, 'runs', runId, 'source.json'))) return false;
  memo.imported.add(runId);
  return true;
}

/** Until when a synced run needs nothing unless its files change: forever, or until a running run counts as crashed. */
function quietUntil(facts: RunFacts, now: number, crashAfterMs: number): number {
  if (facts.status !== 'running') return Number.POSITIVE_INFINITY;
  if (facts.lastMs === undefined) return 0;
  const crashAt = facts.lastMs + crashAfterMs;
  return now > crashAt ? Number.POSITIVE_INFINITY : crashAt + 1;
}

/** Points in the logs that are not on the server yet (reads only the unsent tails), of the runs named or of all. */
export async function pendingPoints(trialbookDir: string, target: SyncTarget, runIds?: readonly string[]): Promise<{ points: number; runs: number }> {
  const store = new SyncStateStore(trialbookDir, targetKey(target.trackingUri, target.experimentPrefix));
  let points = 0;
  let runs = 0;
  const memo = memoFor(store.dir);
  for (const log of await runLogs(trialbookDir, runIds)) {
    if ('problem' in log || isImported(trialbookDir, memo, log.id)) continue;
    // Synced completely in this process and unchanged since: nothing pending, no state read.
    const known = memo.runs.get(log.id);
    if (known && sameMark(known.log, log.identity) && known.state === store.mark(log.id)) continue;
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
