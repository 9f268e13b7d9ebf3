// Parameter importance for the chosen metric: bars sorted as the host sorted them (forest importance, else
// |Spearman|), each bar's colour and sign the direction of the Spearman correlation; a table with the figures and
// why a value is missing; the note when there are too few runs to say anything.
import { formatNumber } from '../../src/shared/format';
import type { ImportanceInfo, ParamImportanceInfo } from '../../src/shared/webviews/analysis/contract';
import { el } from '../shared/dom';

const fmt = (v: number | undefined): string => (v === undefined ? '—' : formatNumber(v));

function barValue(p: ParamImportanceInfo, forest: boolean): number | undefined {
  return forest ? p.importance : p.spearman === undefined ? undefined : Math.abs(p.spearman);
}

function sign(p: ParamImportanceInfo): string {
  return p.spearman === undefined ? '' : p.spearman >= 0 ? '+' : '−';
}

export function importanceView(result: ImportanceInfo): HTMLElement {
  const forest = result.forest !== undefined;
  const shown = result.params.filter((p) => barValue(p, forest) !== undefined).slice(0, 30);
  const max = Math.max(1e-12, ...shown.map((p) => barValue(p, forest) ?? 0));
  const bars = el('div', { className: 'bars', attrs: { role: 'list' } }, ...shown.map((p) => {
    const v = barValue(p, forest) ?? 0;
    const s = sign(p);
    const bar = el('div', { className: `bar ${s === '+' ? 'positive' : s === '−' ? 'negative' : 'unsigned'}` });
    bar.style.width = `${Math.max(1, (v / max) * 100)}%`;
    return el('div', { className: 'bar-row', attrs: { role: 'listitem' }, title: p.name },
      el('span', { className: 'bar-name' }, `${s} ${p.name}`.trim()),
      el('span', { className: 'bar-track' }, bar),
      el('span', { className: 'bar-value' }, formatNumber(v)));
  }));
  const table = el('table', { className: 'grid importance-table' },
    el('thead', {}, el('tr', {}, ...['param', 'importance', 'Spearman', 'Pearson', 'runs', 'encoding', 'note'].map((h) => el('th', {}, h)))),
    el('tbody', {}, ...result.params.map((p) => el('tr', {},
      el('th', { className: 'row-key', title: p.name }, p.name), el('td', {}, fmt(p.importance)), el('td', {}, fmt(p.spearman)),
      el('td', {}, fmt(p.pearson)), el('td', {}, String(p.runs)), el('td', {}, p.encoding), el('td', { title: p.note ?? '' }, p.note ?? '')))));
  const how = forest && result.forest
    ? `Bars: random-forest importance (${result.forest.trees} trees on ${result.forest.sampled} of ${result.runs} runs, ${result.forest.features} encoded columns); sign and colour: Spearman correlation (red +, blue −). ${formatNumber(result.ms)} ms.`
    : `Bars: |Spearman correlation| over ${result.runs} runs (red +, blue −). ${formatNumber(result.ms)} ms.`;
  return el('div', { className: 'importance' },
    result.note ? el('p', { className: 'note' }, result.note) : null,
    shown.length ? bars : null,
    shown.length ? el('p', { className: 'muted' }, how) : null,
    result.params.length ? el('details', {}, el('summary', {}, 'Figures per param'), table) : null);
}
