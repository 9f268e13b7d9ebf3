import type { CellValue, CompareData } from '../../src/shared/protocol';
import { el } from '../shared/dom';
import { formatValue, lowerIsBetter } from './format';

function cellText(value: CellValue | undefined): string {
  if (value === undefined || value === null) return '—';
  return typeof value === 'number' ? formatValue(value) : String(value);
}

function runHeader(data: CompareData, visible: (id: string) => boolean): HTMLTableRowElement {
  return el('tr', {}, el('th', {}, ''), ...data.runs.filter((r) => visible(r.id)).map((run) => {
    const swatch = el('span', { className: 'swatch' });
    swatch.style.background = run.color;
    return el('th', { title: run.id }, swatch, run.name);
  }));
}

/** Params across runs; with onlyDifferent, rows where every run has the same value are hidden. */
export function paramsTable(data: CompareData, onlyDifferent: boolean, visible: (id: string) => boolean): HTMLTableElement {
  const runs = data.runs.filter((r) => visible(r.id));
  const rows = Object.keys(data.params).sort().filter((key) => {
    if (!onlyDifferent) return true;
    const values = new Set(runs.map((r) => JSON.stringify(data.params[key][r.id] ?? null)));
    return values.size > 1;
  });
  const body = el('tbody', {}, ...rows.map((key) => el('tr', {}, el('th', { className: 'row-key', title: key }, key),
    ...runs.map((r) => el('td', {}, cellText(data.params[key][r.id]))))));
  if (rows.length === 0) {
    body.append(el('tr', {}, el('td', { className: 'empty', attrs: { colspan: String(runs.length + 1) } },
      onlyDifferent ? 'All params are equal across these runs.' : 'These runs logged no params.')));
  }
  return el('table', { className: 'grid', attrs: { 'data-table': 'params' } }, el('thead', {}, runHeader(data, visible)), body);
}

/** Last / min / max per metric and run; the best value in each metric's row is highlighted. */
export function summaryTable(data: CompareData, visible: (id: string) => boolean): HTMLTableElement {
  const runs = data.runs.filter((r) => visible(r.id));
  const rows: HTMLTableRowElement[] = [];
  for (const metric of data.metrics) {
    const stats = data.summaries[metric] ?? {};
    const lower = lowerIsBetter(metric);
    for (const field of ['last', 'min', 'max'] as const) {
      const values = runs.map((r) => stats[r.id]?.[field] ?? null);
      const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
      const best = finite.length > 1 ? (lower ? Math.min(...finite) : Math.max(...finite)) : undefined;
      rows.push(el('tr', {}, el('th', { className: 'row-key', title: `${metric} (${field}); best = ${lower ? 'lowest' : 'highest'}` }, `${metric} · ${field}`),
        ...values.map((v) => el('td', { className: v !== null && v === best ? 'best' : '' }, formatValue(v)))));
    }
  }
  return el('table', { className: 'grid', attrs: { 'data-table': 'summary' } }, el('thead', {}, runHeader(data, visible)), el('tbody', {}, ...rows));
}
