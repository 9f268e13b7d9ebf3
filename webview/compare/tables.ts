// The params and metric summary tables under the charts: one column per shown run.
import { formatNumber } from '../../src/shared/format';
import { bestIndex } from '../../src/shared/metricDirection';
import type { CompareData, CompareRun } from '../../src/shared/webviews/compare/contract';
import { fromWireNumber, wireText, type WireNumber, type WireValue } from '../../src/shared/webviews/wireValue';
import { el } from '../shared/dom';

/** The runs shown (legend not hiding them), with their index into the aligned param values and summaries. */
function shownRuns(data: CompareData, visible: (id: string) => boolean): Array<{ run: CompareRun; at: number }> {
  return data.runs.map((run, at) => ({ run, at })).filter(({ run }) => visible(run.id));
}

function runHeader(runs: ReadonlyArray<{ run: CompareRun }>): HTMLTableRowElement {
  return el('tr', {}, el('th', {}, ''), ...runs.map(({ run }) => {
    const swatch = el('span', { className: 'swatch' });
    swatch.style.background = run.color;
    return el('th', { title: run.id }, swatch, run.name);
  }));
}

const cellText = (value: WireValue | undefined): string => (value === undefined || value === null ? '—' : wireText(value));

/** Params across runs; with onlyDifferent, rows where every shown run has the same value are hidden. */
export function paramsTable(data: CompareData, onlyDifferent: boolean, visible: (id: string) => boolean): HTMLTableElement {
  const runs = shownRuns(data, visible);
  const rows = data.params.filter((param) => !onlyDifferent || new Set(runs.map(({ at }) => JSON.stringify(param.values[at] ?? null))).size > 1);
  const body = el('tbody', {}, ...rows.map((param) => el('tr', {}, el('th', { className: 'row-key', title: param.name }, param.name),
    ...runs.map(({ at }) => el('td', {}, cellText(param.values[at]))))));
  if (rows.length === 0) {
    body.append(el('tr', {}, el('td', { className: 'empty', attrs: { colspan: String(runs.length + 1) } },
      onlyDifferent ? 'All params are equal across these runs.' : 'These runs logged no params.')));
  }
  return el('table', { className: 'grid', attrs: { 'data-table': 'params' } }, el('thead', {}, runHeader(runs)), body);
}

/**
 * Last / min / max per metric and run. In each row the best value is highlighted, by the metric's goal (declared,
 * else guessed): one cell, the first run to reach it; none for a metric without a direction or a single run.
 */
export function summaryTable(data: CompareData, visible: (id: string) => boolean): HTMLTableElement {
  const runs = shownRuns(data, visible);
  const rows: HTMLTableRowElement[] = [];
  for (const { metric, stats, goal } of data.summaries) {
    for (const field of ['last', 'min', 'max'] as const) {
      const values = runs.map(({ at }): WireNumber | undefined => stats[at]?.[field]);
      const numbers = values.map((v) => (v === undefined ? Number.NaN : fromWireNumber(v)));
      const best = numbers.filter((v) => Number.isFinite(v)).length > 1 ? bestIndex(numbers, goal) : undefined;
      const title = `${metric} (${field}); ${goal === 'minimize' ? 'best = lowest' : goal === 'maximize' ? 'best = highest' : 'no direction: no best'}`;
      rows.push(el('tr', {}, el('th', { className: 'row-key', title }, `${metric} · ${field}`),
        ...values.map((v, i) => el('td', { className: i === best ? 'best' : '' }, v === undefined ? '—' : formatNumber(fromWireNumber(v))))));
    }
  }
  return el('table', { className: 'grid', attrs: { 'data-table': 'summary' } }, el('thead', {}, runHeader(runs)), el('tbody', {}, ...rows));
}
