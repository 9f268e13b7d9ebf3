// A confusion matrix as a heatmap table: counts with the share of the true label's row, shaded by that share. Shared
// by the compare panel's Media section and the run details page (no Chart.js here: the details page stays small).
import type { MatrixItem } from '../../src/shared/webviews/media/contract';
import { el } from '../shared/dom';

export function matrixTable(item: MatrixItem): HTMLTableElement {
  const table = el('table', { className: 'media-matrix' });
  const head = el('tr', {}, el('th', { className: 'corner', title: 'rows: true label · columns: predicted' }, 'true \\ pred'));
  for (const label of item.labels) head.append(el('th', {}, label));
  table.append(el('thead', {}, head));
  const body = el('tbody');
  item.matrix.forEach((row, r) => {
    const total = row.reduce((a, b) => a + b, 0);
    const tr = el('tr', {}, el('th', {}, item.labels[r] ?? ''));
    row.forEach((count, c) => {
      const rate = total > 0 ? count / total : 0;
      const cell = el('td', { title: `true ${item.labels[r] ?? ''}, predicted ${item.labels[c] ?? ''}: ${count} of ${total}` },
        el('span', { className: 'count' }, String(count)), el('span', { className: 'rate' }, `${(rate * 100).toFixed(1)}%`));
      cell.style.setProperty('--rate', rate.toFixed(3));
      if (r === c) cell.classList.add('diagonal');
      tr.append(cell);
    });
    body.append(tr);
  });
  table.append(body);
  return table;
}
