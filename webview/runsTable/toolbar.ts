// The runs table's toolbar controls (filter, Group by, Compare, Export CSV…), built once; main.ts wires them.
import { el } from '../shared/dom';

export function toolbarControls() {
  const filterInput = el('input', {
    attrs: {
      id: 'filter', type: 'text', spellcheck: 'false', 'aria-label': 'Filter runs',
      placeholder: 'Filter, e.g. status = finished and val_acc > 0.9 and lr < 1e-3',
      'aria-describedby': 'filter-error',
    },
    title: 'The index\'s filter language: val_acc > 0.9, max(val_acc) >= 0.95, lr < 1e-3, optimizer = adam, '
      + 'status in (running, crashed), tag = baseline, text ~ otter, or a bare word to search names and notes; '
      + 'combine with and, or, not and parentheses. Enter applies at once.',
  });
  const filterError = el('div', { className: 'filter-error', attrs: { id: 'filter-error', role: 'alert' } });
  const counts = el('span', { className: 'counts', attrs: { role: 'status' } });
  const onlyDiffInput = el('input', { attrs: { type: 'checkbox', id: 'only-differing' } });
  const compareButton = el('button', { className: 'primary', attrs: { id: 'compare' }, title: 'Compare the selected runs (charts, params, metrics)' }, 'Compare');
  const analyzeButton = el('button', { attrs: { id: 'analyze' }, title: 'Analyze the selected runs: parallel coordinates, scatter, parameter importance' }, 'Analyze');
  const clearButton = el('button', { attrs: { id: 'clear-selection' }, title: 'Clear the selection (Escape)' }, 'Clear selection');
  const groupSelect = el('select', { attrs: { id: 'group-by', 'aria-label': 'Group rows by' }, title: 'Group rows by the experiment or a param' });
  const exportButton = el('button', { attrs: { id: 'export-csv' }, title: 'Save the table as shown (columns, rows in this order) as a CSV file' }, 'Export CSV');
  return { filterInput, filterError, counts, onlyDiffInput, compareButton, analyzeButton, clearButton, groupSelect, exportButton };
}
