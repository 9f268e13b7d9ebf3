// Pure queries over run rows: sorting, param comparison. Filtering lives in filterLanguage.ts.
import type { ParamComparison, ParamValue, RunRow } from './model';
import { encodeJson } from './store';

const COLUMNS: Record<string, (r: RunRow) => string | number | undefined> = {
  name: (r) => r.name,
  id: (r) => r.id,
  experiment: (r) => r.experiment,
  status: (r) => r.status,
  started: (r) => r.startedAt,
  ended: (r) => r.endedAt,
  updated: (r) => r.lastEventAt,
  duration: (r) => (r.endedAt ?? r.lastEventAt) - r.startedAt,
  user: (r) => r.user,
  host: (r) => r.host,
};

function sortValue(r: RunRow, key: string): string | number | undefined {
  const column = COLUMNS[key];
  if (column) return column(r);
  const metricKey = key.startsWith('metric.') ? key.slice(7) : key;
  const m = Object.prototype.hasOwnProperty.call(r.metrics, metricKey) ? r.metrics[metricKey] : undefined;
  if (m && !key.startsWith('param.')) return m.last;
  const paramKey = key.startsWith('param.') ? key.slice(6) : key;
  const p: ParamValue | undefined = Object.prototype.hasOwnProperty.call(r.params, paramKey) ? r.params[paramKey] : undefined;
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
  const values: ParamComparison['values'] = {};
  for (const r of rows) values[r.id] = { ...r.params };
  let list = [...keys].sort();
  if (onlyDifferent) {
    list = list.filter((k) => {
      const seen = new Set(rows.map((r) => (Object.prototype.hasOwnProperty.call(r.params, k) ? encodeJson(r.params[k]) : '\u0000missing')));
      return seen.size > 1;
    });
    for (const r of rows) {
      const kept: Record<string, ParamValue> = {};
      for (const k of list) if (Object.prototype.hasOwnProperty.call(r.params, k)) kept[k] = r.params[k] as ParamValue;
      values[r.id] = kept;
    }
  }
  return { keys: list, values };
}
