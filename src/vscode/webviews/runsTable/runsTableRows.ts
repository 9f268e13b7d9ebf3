// Index rows as the runs table receives them (no vscode import: unit-tested in plain Node).
import type { RunRow } from '../../../core/model';
import type { TableRow } from '../../../shared/webviews/runsTable/contract';
import { toWireNumber, toWireValue } from '../../../shared/webviews/wireValue';

/** A run as the table shows it: JSON-safe, params and metrics as lists (never name-keyed objects), nothing no column needs. */
export function toTableRow(run: RunRow, now: number): TableRow {
  const end = run.endedAt ?? (run.status === 'running' ? Math.max(now, run.lastEventAt) : run.lastEventAt);
  const row: TableRow = {
    id: run.id,
    name: run.name,
    experiment: run.experiment,
    status: run.status,
    startedAt: run.startedAt,
    durationMs: Math.max(0, end - run.startedAt),
    tags: run.tags,
    user: run.user ?? '',
    gitCommit: run.gitCommit ?? '',
    params: Object.entries(run.params).map(([key, value]) => [key, toWireValue(value)]),
    metrics: Object.entries(run.metrics).map(([key, m]) => ({ key, last: toWireNumber(m.last), min: toWireNumber(m.min), max: toWireNumber(m.max) })),
    summary: Object.entries(run.summary ?? {}).map(([key, value]) => [key, toWireValue(value)]),
  };
  if (run.status === 'running' && run.stale) row.staleForMs = Math.max(0, now - run.lastEventAt);
  return row;
}

/** The index's filter error, with the expression and a caret under the column where it went wrong when it has one. */
export function filterErrorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const pointer = (err as Error & { pointer?: unknown }).pointer;
  return typeof pointer === 'function' ? `${err.message}\n${String(pointer.call(err))}` : err.message;
}
