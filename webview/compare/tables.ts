// The params and metric summary tables under the charts: one row per shown run (a hundred runs stay a readable
// table), columns sortable by a click on their header, params equal across the runs hidden on request.
import { formatNumber } from '../../src/shared/format';
import { bestIndex, type MetricGoal } from '../../src/shared/metricDirection';
import type { CompareData, CompareRun } from '../../src/shared/webviews/compare/contract';
import { fromWireNumber, wireText, type WireNumber, type WireValue } from '../../src/shared/webviews/wireValue';
import { el } from '../shared/dom';

/** A table's sort: a column key and its direction; kept by the page across redraws. */
export interface TableSort {
  key: string;
  descending: boolean;
}

interface Column {
  key: string;
  label: string;
  title: string;
  /** Text, the value it sorts by, and a class (e.g. `best`). */
  cell(at: number): { text: string; sort: number | string | null; className?: string };
}

/** The runs shown (legend not hiding them), with their index into the aligned param values and summaries. */
function shownRuns(data: CompareData, visible: (id: string) => boolean): Array<{ run: CompareRun; at: number }> {
  return data.runs.map((run, at) => ({ run, at })).filter(({ run }) => visible(run.id));
}

/** Numbers before text, missing values last whatever the direction. */
function compareCells(a: number | string | null, b: number | string | null, descending: boolean): number {
  if (a === null || b === null) return a === null ? (b === null ? 0 : 1) : -1;
  const order = typeof a === 'number' && typeof b === 'number' ? a - b
    : typeof a === 'number' ? -1 : typeof b === 'number' ? 1 : a.localeCompare(b, undefined, { numeric: true });
  return descending ? -order : order;
}

function runsTable(kind: string, runs: Array<{ run: CompareRun; at: number }>, columns: Column[], sort: TableSort | undefined,
  onSort: (sort: TableSort) => void, empty: string): HTMLTableElement {
  const sorted = [...runs];
  const column = sort ? columns.find((c) => c.key === sort.key) : undefined;
  if (sort && column) sorted.sort((a, b) => compareCells(column.cell(a.at).sort, column.cell(b.at).sort, sort.descending));
  const header = (key: string, label: string, title: string): HTMLTableCellElement => {
    const active = sort?.key === key;
    const th = el('th', { className: 'sortable', title: `${title} (click to sort)`, attrs: { 'data-key': key, 'aria-sort': active ? (sort?.descending ? 'descending' : 'ascending') : 'none' } },
      label, active ? (sort?.descending ? ' ▼' : ' ▲') : '');
    th.addEventListener('click', () => onSort({ key, descending: active ? !sort?.descending : false }));
    return th;
  };
  const head = el('tr', {}, header('', 'Run', 'Run name'), ...columns.map((c) => header(c.key, c.label, c.title)));
  const body = el('tbody', {}, ...sorted.map(({ run, at }) => {
    const swatch = el('span', { className: 'swatch' });
    swatch.style.background = run.color;
    return el('tr', { attrs: { 'data-run': run.id } }, el('th', { className: 'run-name', title: `${run.experiment} · ${run.id}` }, swatch, run.name),
      ...columns.map((c) => {
        const cell = c.cell(at);
        return el('td', { className: cell.className ?? '' }, cell.text);
      }));
  }));
  if (columns.length === 0) body.append(el('tr', {}, el('td', { className: 'empty', attrs: { colspan: '1' } }, empty)));
  return el('table', { className: 'grid', attrs: { 'data-table': kind } }, el('thead', {}, head), body);
}

const cellText = (value: WireValue | undefined): string => (value === undefined || value === null ? '—' : wireText(value));

/** Params across runs; with onlyDifferent, params where every shown run has the same value are left out. */
export function paramsTable(data: CompareData, onlyDifferent: boolean, visible: (id: string) => boolean,
  sort?: TableSort, onSort: (sort: TableSort) => void = () => undefined): HTMLTableElement {
  const runs = shownRuns(data, visible);
  const params = data.params.filter((param) => !onlyDifferent || new Set(runs.map(({ at }) => JSON.stringify(param.values[at] ?? null))).size > 1);
  const columns: Column[] = params.map((param) => ({
    key: `param:${param.name}`, label: param.name, title: param.name,
    cell: (at) => {
      const v = param.values[at];
      return { text: cellText(v), sort: typeof v === 'number' ? v : v === undefined || v === null ? null : cellText(v) };
    },
  }));
  return runsTable('params', runs, columns, sort, onSort, onlyDifferent ? 'All params are equal across these runs.' : 'These runs logged no params.');
}

/**
* The highlighted cell of a column: the run that reached the best value first, by the metric's goal (declared, else
 * guessed); none for a metric without a direction or with fewer than two runs to compare.
 */
export function bestRunIndex(values: readonly number[], goal: MetricGoal | undefined): number | undefined {
  return values.filter((v) => Number.isFinite(v)).length > 1 ? bestIndex(values, goal) : undefined;
}

/** Last / min / max per metric as columns, one row per run; the best value of each column is highlighted. */
export function summaryTable(data: CompareData, visible: (id: string) => boolean,
  sort?: TableSort, onSort: (sort: TableSort) => void = () => undefined): HTMLTableElement {
  const runs = shownRuns(data, visible);
  const columns: Column[] = [];
  for (const { metric, stats, goal } of data.summaries) {
    for (const field of ['last', 'min', 'max'] as const) {
      const value = (at: number): number | undefined => {
        const v: WireNumber | undefined = stats[at]?.[field];
        return v === undefined ? undefined : fromWireNumber(v);
      };
      const best = bestRunIndex(runs.map(({ at }) => value(at) ?? Number.NaN), goal);
      const bestAt = best === undefined ? undefined : runs[best]?.at;
      const rule = goal === 'minimize' ? 'best = lowest' : goal === 'maximize' ? 'best = highest' : 'no direction: no best';
      columns.push({
        key: `summary:${field}:${metric}`, label: `${metric} · ${field}`, title: `${metric} (${field}); ${rule}`,
        cell: (at) => {
          const v = value(at);
          return { text: v === undefined ? '—' : formatNumber(v), sort: v === undefined || Number.isNaN(v) ? null : v, className: at === bestAt ? 'best' : '' };
        },
      });
    }
  }
  return runsTable('summary', runs, columns, sort, onSort, 'These runs logged no metrics.');
}
