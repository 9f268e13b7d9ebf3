// Pure queries over run rows: sorting, param comparison. Filtering lives in filterLanguage.ts.
// Metric and param names are run-supplied: every lookup by them is an own-property check (or a Map), so a metric
// named `constructor` or `__proto__` is found only on the runs that logged it.
import { summaryValue } from '../shared/metricDirection';
import type { ParamComparison, RunRow } from './model';
import { encodeJson } from './store';

const COLUMNS = new Map<string, (r: RunRow) => string | number | undefined>([
  ['name', (r) => r.name],
  ['id', (r) => r.id],
  ['experiment', (r) => r.experiment],
  ['status', (r) => r.status],
  ['started', (r) => r.startedAt],
  ['ended', (r) => r.endedAt],
  ['updated', (r) => r.lastEventAt],
  ['duration', (r) => (r.endedAt ?? r.lastEventAt) - r.startedAt],
  ['user', (r) => r.user],
  ['host', (r) => r.host],
]);

/** Whether a sort key names one of the run's own columns rather than a metric or param. */
export function isSortColumn(key: string): boolean {
  return COLUMNS.has(key);
}

function own<T>(o: Record<string, T>, k: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined;
}

function sortValue(r: RunRow, key: string): string | number | undefined {
  const column = COLUMNS.get(key);
  if (column) return column(r);
  if (key.startsWith('summary.')) {
    const s = r.summary ? own(r.summary, key.slice(8)) : undefined;
    return typeof s === 'number' || typeof s === 'string' ? s : typeof s === 'boolean' ? (s ? 1 : 0) : undefined;
  }
  if (!key.startsWith('param.')) {
    const m = own(r.metrics, key.startsWith('metric.') ? key.slice(7) : key);
    if (m) return summaryValue(m, m.summaryMode);
    if (key.startsWith('metric.')) return undefined;
  }
  const p = own(r.params, key.startsWith('param.') ? key.slice(6) : key);
  if (typeof p === 'number' || typeof p === 'string') return p;
  if (typeof p === 'boolean') return p ? 1 : 0;
  return undefined;
}

/**
 * Sorts by `key` (a column, metric or param name; `-` prefix for descending). Runs without a value, and NaN,
 * always come last; ties keep the newest run first.
 */
export function sortRuns(rows: RunRow[], sort: string | undefined): RunRow[] {
  const spec = sort?.trim() || '-started';
  const desc = spec.startsWith('-');
  const key = spec.replace(/^[-+]/, '');
  const keyed = rows.map((r) => ({ r, v: sortValue(r, key) }));
  keyed.sort((a, b) => {
    const av = a.v; const bv = b.v;
    const aMissing = av === undefined || (typeof av === 'number' && Number.isNaN(av));
    const bMissing = bv === undefined || (typeof bv === 'number' && Number.isNaN(bv));
    if (aMissing || bMissing) return aMissing === bMissing ? b.r.startedAt - a.r.startedAt || (a.r.id < b.r.id ? -1 : 1) : aMissing ? 1 : -1;
    let c: number;
    if (typeof av === 'number' && typeof bv === 'number') c = av - bv;
    else c = String(av).localeCompare(String(bv));
    if (c !== 0) return desc ? -c : c;
    return b.r.startedAt - a.r.startedAt || (a.r.id < b.r.id ? -1 : 1);
  });
  return keyed.map((k) => k.r);
}

export function compareParamValues(rows: RunRow[], onlyDifferent: boolean): ParamComparison {
  const keys = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r.params)) keys.add(k);
  let list = [...keys].sort();
  if (onlyDifferent) {
    list = list.filter((k) => {
      const seen = new Set(rows.map((r) => (Object.prototype.hasOwnProperty.call(r.params, k) ? encodeJson(r.params[k]) : '\u0000missing')));
      return seen.size > 1;
    });
  }
  // Object.fromEntries defines own properties, so a param named `__proto__` stays a param (an assignment would
  // set the object's prototype instead).
  const shown = new Set(list);
  const values: ParamComparison['values'] = Object.fromEntries(rows.map((r) => [r.id, onlyDifferent
    ? Object.fromEntries(Object.entries(r.params).filter(([k]) => shown.has(k)))
    : { ...r.params }]));
  return { keys: list, values };
}
