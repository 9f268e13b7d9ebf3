// Column model: the fixed run columns, then one column per param and per metric summary seen in the rows.
import { formatDate, formatDuration } from '../../src/shared/format';
import type { TableMetric, TableRow } from '../../src/shared/webviews/runsTable/contract';
import { fromWireNumber, isNonFinite, wireText, type WireValue } from '../../src/shared/webviews/wireValue';
import { summaryColumns } from './summaryColumns';

/**
 * A row as the page keeps it: the host's row with its params and metrics in Maps, since their names are the run's
 * (a param named `constructor` or `__proto__` must find only itself).
 */
export interface Row extends Omit<TableRow, 'params' | 'metrics' | 'summary'> {
  params: ReadonlyMap<string, WireValue>;
  metrics: ReadonlyMap<string, TableMetric>;
  /** The run's `run.summary` values (see summaryColumns.ts). */
  summary: ReadonlyMap<string, WireValue>;
}

export function toRow(row: TableRow): Row {
  return { ...row, params: new Map(row.params), metrics: new Map(row.metrics.map((m) => [m.key, m])), summary: new Map(row.summary ?? []) };
}

export type ColumnGroup = 'run' | 'param' | 'metric' | 'summary';

/** What a cell sorts and compares by: numbers (NaN and ±∞ included), text, or nothing. */
export type CellKey = number | string | null;

export interface Column {
  id: string;
  label: string;
  group: ColumnGroup;
  /** Header tooltip: what the column holds. */
  description: string;
  width: number;
  numeric: boolean;
  /** Shown unless the user hid it in the column chooser. */
  defaultShown: boolean;
  key(row: Row): CellKey;
  text(row: Row): string;
  /** The CSV header and value where they differ from the label and the sort key (times). */
  csvLabel?: string;
  csv?(row: Row): CellKey;
}

export function valueKey(value: WireValue | undefined): CellKey {
  if (value === undefined || value === null) return null;
  if (isNonFinite(value)) return fromWireNumber(value);
  if (typeof value === 'boolean') return String(value);
  return value;
}

/** The shared formatter's text (numbers to 4 significant digits, NaN, ∞); nothing for a run without the value. */
export const cellText = (value: WireValue | undefined): string => (value === undefined ? '' : wireText(value));

// Name is wide (names often share a long prefix) and pinned; the others are narrow enough that the first metric
// columns show on a 1,000 px panel.
const runColumns: Column[] = [
  { id: 'name', label: 'Name', group: 'run', description: 'Run name', width: 280, numeric: false, defaultShown: true, key: (r) => r.name, text: (r) => r.name },
  { id: 'experiment', label: 'Experiment', group: 'run', description: 'Experiment', width: 120, numeric: false, defaultShown: true, key: (r) => r.experiment, text: (r) => r.experiment },
  {
    // A silent import its tool still calls running says so, as the Runs view does; it sorts right after the live ones.
    id: 'status', label: 'Status', group: 'run', description: 'Run status', width: 90, numeric: false, defaultShown: true,
    key: (r) => (r.staleForMs === undefined ? r.status : `${r.status} · no update`),
    text: (r) => (r.staleForMs === undefined ? r.status : `${r.status} · no update for ${formatDuration(r.staleForMs)}`),
  },
  {
    id: 'started', label: 'Started', group: 'run', description: 'Start time (local)', width: 156, numeric: true, defaultShown: true, key: (r) => r.startedAt, text: (r) => formatDate(r.startedAt),
    csvLabel: 'Started (UTC)', csv: (r) => (Number.isFinite(r.startedAt) && r.startedAt > 0 ? new Date(r.startedAt).toISOString() : null),
  },
  {
    id: 'duration', label: 'Duration', group: 'run', description: 'Run time (so far, while running)', width: 80, numeric: true, defaultShown: true, key: (r) => r.durationMs, text: (r) => formatDuration(r.durationMs),
    csvLabel: 'Duration (s)', csv: (r) => r.durationMs / 1000,
  },
  { id: 'tags', label: 'Tags', group: 'run', description: 'Tags', width: 130, numeric: false, defaultShown: true, key: (r) => r.tags.join(', ') || null, text: (r) => r.tags.join(', ') },
  { id: 'user', label: 'User', group: 'run', description: 'Who started the run', width: 100, numeric: false, defaultShown: false, key: (r) => r.user || null, text: (r) => r.user },
  { id: 'commit', label: 'Commit', group: 'run', description: 'Git commit', width: 84, numeric: false, defaultShown: false, key: (r) => r.gitCommit || null, text: (r) => r.gitCommit.slice(0, 8) },
  { id: 'id', label: 'Run ID', group: 'run', description: 'Run id', width: 210, numeric: false, defaultShown: false, key: (r) => r.id, text: (r) => r.id },
];

/** Run columns placed after the metrics' last values. */
const trailing = new Set(['tags', 'user', 'commit', 'id']);

function paramColumn(name: string, numeric: boolean): Column {
  return {
    id: `p:${name}`, label: name, group: 'param', description: `Param ${name}`, width: 110, numeric, defaultShown: true,
    key: (r) => valueKey(r.params.get(name)),
    text: (r) => cellText(r.params.get(name)),
  };
}

function metricColumn(name: string, field: 'last' | 'min' | 'max'): Column {
  const suffix = field === 'last' ? '' : ` (${field})`;
  return {
    id: field === 'last' ? `m:${name}` : `m:${name}:${field}`,
    label: `${name}${suffix}`, group: 'metric', description: `Metric ${name}, ${field} value`, width: 104, numeric: true, defaultShown: field === 'last',
    key: (r) => valueKey(r.metrics.get(name)?.[field]),
    text: (r) => cellText(r.metrics.get(name)?.[field]),
  };
}

/**
 * Every column the rows can fill, in display order: run columns, each metric's last value (what a user opens the
 * table to see), params, then each metric's min and max (hidden until chosen).
 */
export function buildColumns(rows: readonly Row[]): Column[] {
  // Param name → whether every value it takes is a number (then the column aligns right, like metrics).
  const params = new Map<string, boolean>();
  const metrics = new Set<string>();
  for (const row of rows) {
    for (const [k, v] of row.params) {
      const numeric = v === null || typeof v === 'number' || isNonFinite(v);
      params.set(k, (params.get(k) ?? true) && numeric);
    }
    for (const k of row.metrics.keys()) metrics.add(k);
  }
  const byName = (a: string, b: string): number => a.localeCompare(b);
  const metricNames = [...metrics].sort(byName);
  return [
    // Who, when and what first, then the metrics; tags and the hidden run columns after them.
    ...runColumns.filter((c) => !trailing.has(c.id)),
    ...metricNames.map((m) => metricColumn(m, 'last')),
    ...summaryColumns(rows),
    ...runColumns.filter((c) => trailing.has(c.id)),
    ...[...params.keys()].sort(byName).map((p) => paramColumn(p, params.get(p) ?? false)),
    ...metricNames.flatMap((m) => [metricColumn(m, 'min'), metricColumn(m, 'max')]),
  ];
}

/** Ascending order; empty cells always last, NaN after every other number, numbers before text. */
export function compareKeys(a: CellKey, b: CellKey): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') {
    const an = Number.isNaN(a);
    const bn = Number.isNaN(b);
    if (an || bn) return an && bn ? 0 : an ? 1 : -1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a.localeCompare(b, undefined, { numeric: true });
}

/** Row order for a sort: stable, and empty cells stay at the bottom in both directions. */
export function sortOrder(rows: readonly Row[], column: Column | undefined, descending: boolean): number[] {
  const order = rows.map((_, i) => i);
  if (!column) return order;
  const keys = rows.map((r) => column.key(r));
  order.sort((i, j) => {
    const a = keys[i] ?? null;
    const b = keys[j] ?? null;
    if (a === null || b === null || (typeof a === 'number' && Number.isNaN(a)) || (typeof b === 'number' && Number.isNaN(b))) {
      return compareKeys(a, b) || i - j;
    }
    const c = compareKeys(a, b);
    return (descending ? -c : c) || i - j;
  });
  return order;
}

/** Param and metric columns whose cell is the same in every given row (missing counts as a value). */
export function uniformColumns(columns: readonly Column[], rows: readonly Row[]): Set<string> {
  const same = new Set<string>();
  for (const column of columns) {
    if (column.group === 'run') continue;
    const head = rows[0];
    if (head === undefined) { same.add(column.id); continue; }
    const first = column.key(head);
    let uniform = true;
    for (let i = 1; i < rows.length && uniform; i++) {
      const row = rows[i];
      const k = row === undefined ? null : column.key(row);
      uniform = k === first || (typeof k === 'number' && typeof first === 'number' && Number.isNaN(k) && Number.isNaN(first));
    }
    if (uniform) same.add(column.id);
  }
  return same;
}

/**
 * Columns in the user's order: those the user arranged in that order, and each column that appeared since (a new
 * param or metric) right after the column that precedes it naturally.
 */
export function arrangeColumns(all: Column[], userOrder: readonly string[] | undefined): Column[] {
  if (!userOrder) return all;
  const rank = new Map(userOrder.map((id, i) => [id, i]));
  const out = all.filter((c) => rank.has(c.id)).sort((a, b) => (rank.get(a.id) ?? 0) - (rank.get(b.id) ?? 0));
  all.forEach((c, i) => {
    if (rank.has(c.id)) return;
    const before = all.slice(0, i).reverse().find((p) => out.includes(p));
    out.splice(before ? out.indexOf(before) + 1 : 0, 0, c);
  });
  return out;
}

/** The rows after an update: changed rows replaced, new ones placed by the host's order, removed ones gone. */
export function applyDelta(current: Row[], upserts: TableRow[], removed: string[], ids: string[] | undefined): Row[] {
  const byId = new Map(current.map((r) => [r.id, r]));
  for (const id of removed) byId.delete(id);
  for (const r of upserts) byId.set(r.id, toRow(r));
  const order = ids ?? current.map((r) => r.id);
  return order.flatMap((id) => byId.get(id) ?? []);
}
