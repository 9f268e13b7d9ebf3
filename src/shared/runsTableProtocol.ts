// The typed message contract between the extension host and the runs table webview, and the host's conversion
// of index rows into it. Both sides import this file; it needs only the core's types, never its code.
import type { ParamValue, RunRow } from '../core/model';

/** JSON (the webview channel) cannot carry NaN or ±Infinity: they travel under this tag and are shown as text. */
export interface NonFinite {
  nonFinite: 'NaN' | 'Infinity' | '-Infinity';
}

export type TableNumber = number | NonFinite;

/** A param cell: nested lists and objects arrive already rendered as their JSON text. */
export type TableValue = string | number | boolean | null | NonFinite;

export interface TableMetric {
  last: TableNumber;
  min: TableNumber;
  max: TableNumber;
}

/** One run as the table shows it: only what the columns need, already JSON-safe. */
export interface TableRow {
  id: string;
  name: string;
  experiment: string;
  status: string;
  /** Milliseconds since the epoch. */
  startedAt: number;
  /** End (or, while running, latest event) minus start, in milliseconds. */
  durationMs: number;
  tags: string[];
  user: string;
  gitCommit: string;
  params: Record<string, TableValue>;
  metrics: Record<string, TableMetric>;
}

export interface RunsTableSort {
  /** A column id (see webview/runsTable/columns.ts): `name`, `started`, `p:<param>`, `m:<metric>`, `m:<metric>:min`, … */
  column: string;
  descending: boolean;
}

/** UI choices the webview keeps with setState; the panel serializer gets them back after a reload. */
export interface RunsTableViewState {
  filter: string;
  sort: RunsTableSort | null;
  /** Column id → shown or not, only where the user overrode the column's default. */
  columns: Record<string, boolean>;
  onlyDiffering: boolean;
  /** Column id → width in pixels, where the user resized a column. */
  widths?: Record<string, number>;
  /** Column ids in the order the user arranged them (dragging a header, or Alt+←/→ on it); absent: natural order. */
  order?: string[];
  /** Selected run ids and the scroll offset, so the table comes back as it was when its tab is shown again. */
  selected?: string[];
  scrollTop?: number;
}

export type HostToRunsTableMessage =
  /** Every run matching `filter`, in the index's default order (newest first); `total` counts all runs. */
  | { type: 'rows'; rows: TableRow[]; filter: string; total: number }
  /**
   * What changed since the last `rows` or `rowsDelta` (same filter): rows added or changed, ids no longer listed,
   * and the ids in the new order when the order changed. Live runs then cost a few rows per update, not all.
   */
  | { type: 'rowsDelta'; upserts: TableRow[]; removed: string[]; order?: string[]; filter: string; total: number }
  /** The filter could not be parsed: the rows shown so far stay. */
  | { type: 'filterError'; filter: string; message: string }
  | { type: 'error'; message: string };

export type RunsTableToHostMessage =
  | { type: 'ready'; state?: RunsTableViewState }
  | { type: 'setFilter'; filter: string }
  | { type: 'compare'; runIds: string[] }
  | { type: 'openRun'; runId: string };

export function nonFinite(value: number): TableNumber {
  if (Number.isFinite(value)) return value;
  return { nonFinite: Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity' };
}

export function isNonFinite(value: unknown): value is NonFinite {
  return typeof value === 'object' && value !== null && typeof (value as NonFinite).nonFinite === 'string';
}

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/** Type guard for messages arriving from the webview (untrusted until checked, payload included). */
export function isRunsTableToHostMessage(value: unknown): value is RunsTableToHostMessage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  switch (m.type) {
    case 'ready':
      return m.state === undefined || isRunsTableViewState(m.state);
    case 'setFilter':
      return typeof m.filter === 'string';
    case 'compare':
      return isStringArray(m.runIds);
    case 'openRun':
      return typeof m.runId === 'string';
    default:
      return false;
  }
}

export function isRunsTableViewState(value: unknown): value is RunsTableViewState {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Record<string, unknown>;
  const sort = s.sort as Record<string, unknown> | null | undefined;
  return typeof s.filter === 'string'
    && typeof s.onlyDiffering === 'boolean'
    && typeof s.columns === 'object' && s.columns !== null
    && (s.order === undefined || isStringArray(s.order))
    && (sort === null || (typeof sort === 'object' && sort !== undefined && typeof sort.column === 'string' && typeof sort.descending === 'boolean'));
}

function tableValue(value: ParamValue | undefined): TableValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') return nonFinite(value);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

/** A run as the table shows it (host side): JSON-safe, non-finite numbers tagged, nothing no column needs. */
export function toTableRow(run: RunRow, now: number): TableRow {
  const end = run.endedAt ?? (run.status === 'running' ? Math.max(now, run.lastEventAt) : run.lastEventAt);
  const params: Record<string, TableValue> = {};
  for (const [k, v] of Object.entries(run.params)) params[k] = tableValue(v);
  const metrics: Record<string, TableMetric> = {};
  for (const [k, m] of Object.entries(run.metrics)) metrics[k] = { last: nonFinite(m.last), min: nonFinite(m.min), max: nonFinite(m.max) };
  return {
    id: run.id, name: run.name, experiment: run.experiment, status: run.status, startedAt: run.startedAt,
    durationMs: Math.max(0, end - run.startedAt), tags: run.tags, user: run.user ?? '', gitCommit: run.gitCommit ?? '',
    params, metrics,
  };
}

/** The index's filter error, with the expression and a caret under the column where it went wrong when it has one. */
export function filterErrorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const pointer = (err as Error & { pointer?: unknown }).pointer;
  return typeof pointer === 'function' ? `${err.message}\n${String(pointer.call(err))}` : err.message;
}
