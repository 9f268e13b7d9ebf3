// The runs' `run.summary` values under the metric summaries: one row per run (it scales to many runs), one column
// per summary name. Names and values are run-supplied: text nodes only.
import type { CompareData } from '../../src/shared/webviews/compare/contract';
import { wireText } from '../../src/shared/webviews/wireValue';
import { el } from '../shared/dom';

export function summaryValuesTable(data: CompareData, visible: (id: string) => boolean): HTMLTableElement {
  const names = data.summaryValues ?? [];
  const table = el('table', { className: 'grid', attrs: { 'data-table': 'summary-values' } });
  if (names.length === 0) return table;
  const head = el('tr', {}, el('th', {}, 'Summary'), ...names.map(({ name }) => el('th', { title: name }, name)));
  const rows = data.runs.map((run, at) => ({ run, at })).filter(({ run }) => visible(run.id)).map(({ run, at }) => {
    const swatch = el('span', { className: 'swatch' });
    swatch.style.background = run.color;
    return el('tr', {}, el('th', { className: 'row-key', title: run.id }, swatch, run.name),
      ...names.map(({ values }) => {
        const value = values[at];
        return el('td', {}, value === undefined || value === null ? '—' : wireText(value));
      }));
  });
  table.append(el('thead', {}, head), el('tbody', {}, ...rows));
  return table;
}
