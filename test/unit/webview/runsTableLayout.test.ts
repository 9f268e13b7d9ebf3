// The runs table's layout choices: metric columns before params, a pinned and wide Name column with full names on
// hover, grouping rows by experiment or a param, and the CSV export of what the table shows.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { RunsTableToHostMessage, RunsTableViewState, TableRow } from '../../../src/shared/webviews/runsTable/contract';
import { loadWebview, messagesOfType, type Harness } from './webviewHarness';

function row(i: number, over: Partial<TableRow> = {}): TableRow {
  return {
    id: `run-${String(i).padStart(4, '0')}`,
    name: `sweep-lr-${i}-a-very-long-common-prefix-that-truncates-${i}`,
    experiment: i % 3 === 0 ? 'alpha' : 'beta',
    status: 'finished',
    startedAt: 1_790_000_000_000 - i * 60_000,
    durationMs: 1000 * i,
    tags: [],
    user: 'ada',
    gitCommit: '',
    params: [['lr', i % 2 ? 0.1 : 0.01], ['optimizer', 'adam']],
    metrics: [{ key: 'loss', last: 1 / (i + 1), min: 0, max: 1 }, { key: 'acc', last: i / 100, min: 0, max: 1 }],
    ...over,
  };
}

function tableWith(rows: TableRow[], saved?: RunsTableViewState): Harness {
  const h = loadWebview('runsTable', saved);
  h.send({ type: 'rows', rows, filter: saved?.filter ?? '', total: rows.length });
  return h;
}

const headerIds = (h: Harness): string[] => [...h.document.querySelectorAll<HTMLElement>('.head-cell')].map((c) => c.dataset.column ?? '');
const renderedRows = (h: Harness): HTMLElement[] => [...h.document.querySelectorAll<HTMLElement>('[role=grid] .row')]
  .sort((a, b) => Number(a.dataset.position) - Number(b.dataset.position));
const grid = (h: Harness): HTMLElement => h.document.querySelector('[role=grid]') as HTMLElement;
function key(h: Harness, name: string, init: { ctrlKey?: boolean; shiftKey?: boolean } = {}): void {
  grid(h).dispatchEvent(new h.window.KeyboardEvent('keydown', { key: name, bubbles: true, ...init }));
}
function groupBy(h: Harness, value: string): void {
  const select = h.document.querySelector<HTMLSelectElement>('#group-by');
  assert.ok(select, 'the toolbar has a Group by choice');
  select.value = value;
  select.dispatchEvent(new h.window.Event('change', { bubbles: true }));
}

test('runs table layout: metric columns come right after the run columns, before the params', () => {
  const h = tableWith([row(1), row(2)]);
  try {
    const ids = headerIds(h);
    const firstParam = ids.findIndex((id) => id.startsWith('p:'));
    const firstMetric = ids.findIndex((id) => id.startsWith('m:'));
    assert.ok(firstMetric >= 0 && firstParam > firstMetric, `metrics before params: ${ids.join(' ')}`);
    assert.deepEqual(ids.slice(firstMetric, firstMetric + 2), ['m:acc', 'm:loss']);
    // The run columns that come first are few enough that the metrics show on a 1,000 px wide panel.
    const widths = (grid(h).style.getPropertyValue('--cols')).split(' ').map((w) => Number.parseFloat(w));
    const before = widths.slice(0, firstMetric).reduce((a, b) => a + b, 0);
    assert.ok(before + (widths[firstMetric] ?? 0) <= 1000, `the first metric ends at ${before + (widths[firstMetric] ?? 0)} px`);
  } finally {
    h.close();
  }
});

test('runs table layout: the Name column is pinned and wide, and every name cell carries the full name on hover', () => {
  const h = tableWith([row(1), row(2, { name: 'short' })]);
  try {
    const head = h.document.querySelector<HTMLElement>('.head-cell[data-column="name"]');
    assert.ok(head?.classList.contains('pinned'), 'the Name header is pinned');
    const cells = renderedRows(h).map((r) => r.querySelector<HTMLElement>('.cell.pinned'));
    assert.equal(cells.length, 2);
    assert.equal(cells[0]?.textContent, row(1).name);
    assert.equal(cells[0]?.title, row(1).name, 'the full name on hover');
    assert.equal(cells[1]?.title, 'short', 'short names too');
    const widths = (grid(h).style.getPropertyValue('--cols')).split(' ').map((w) => Number.parseFloat(w));
    assert.ok((widths[0] ?? 0) >= 260, `the Name column is ${widths[0]} px wide`);
  } finally {
    h.close();
  }
});

test('runs table layout: rows group by experiment or by a param, with counts; groups collapse; keys and selection go on', () => {
  const rows = Array.from({ length: 9 }, (_, i) => row(i));
  const h = tableWith(rows);
  try {
    groupBy(h, 'experiment');
    const groupRows = (): HTMLElement[] => renderedRows(h).filter((r) => r.classList.contains('group'));
    assert.deepEqual(groupRows().map((g) => g.textContent), ['▾ alpha · 3 runs', '▾ beta · 6 runs']);
    assert.equal(grid(h).getAttribute('aria-rowcount'), String(9 + 2 + 1));
    assert.deepEqual((h.state() as RunsTableViewState).groupBy, 'experiment');

    // Keyboard: Down from the top lands on the first group's header, then on its first run (selected).
    key(h, 'ArrowDown');
    key(h, 'ArrowDown');
    key(h, 'ArrowDown', { shiftKey: true });
    (h.document.querySelector('#compare') as HTMLButtonElement).click();
    assert.deepEqual(messagesOfType<Extract<RunsTableToHostMessage, { type: 'compare' }>>(h, 'compare')[0]?.runIds, ['run-0000', 'run-0003']);

    // Clicking a group header collapses it; its runs leave the view, the count stays.
    groupRows()[0]?.dispatchEvent(new h.window.MouseEvent('click', { bubbles: true }));
    assert.deepEqual(groupRows().map((g) => g.textContent), ['▸ alpha · 3 runs', '▾ beta · 6 runs']);
    assert.equal(renderedRows(h).length, 2 + 6);
    assert.deepEqual((h.state() as RunsTableViewState).collapsed, ['alpha']);
    assert.match(h.document.querySelector('.counts')?.textContent ?? '', /2 selected/, 'the selection stays while collapsed');

    // By a param: one group per value, in value order.
    groupBy(h, 'p:lr');
    assert.deepEqual(groupRows().map((g) => g.textContent), ['▾ lr = 0.01 · 5 runs', '▾ lr = 0.1 · 4 runs']);
    groupBy(h, '');
    assert.equal(groupRows().length, 0);
    assert.deepEqual(h.errors, []);
  } finally {
    h.close();
  }
});

test('runs table layout: Export CSV sends the shown columns and rows in view order, RFC 4180, full precision', () => {
  const rows = [
    row(1, { name: 'has, a comma', params: [['lr', 0.1], ['note', 'say "hi"\nthere']] }),
    row(2, { name: '=HYPERLINK("http://x")' }),
    row(3, { metrics: [{ key: 'loss', last: { nonFinite: 'NaN' }, min: 0, max: 1 }] }),
  ];
  const h = tableWith(rows, { filter: '', sort: { column: 'm:loss', descending: false }, columns: { status: false }, onlyDiffering: false });
  try {
    const button = h.document.querySelector<HTMLButtonElement>('#export-csv');
    assert.ok(button, 'the toolbar has Export CSV');
    button.click();
    const sent = messagesOfType<Extract<RunsTableToHostMessage, { type: 'exportCsv' }>>(h, 'exportCsv');
    assert.equal(sent.length, 1);
    const csv = sent[0]?.csv ?? '';
    const lines = csv.split('\r\n');
    assert.equal(lines.at(-1), '', 'every record ends with CRLF');
    const header = lines[0]?.split(',') ?? [];
    // The shown headers in their order; times say their unit (ISO start in UTC, duration in seconds).
    const labels = headerIds(h).map((id) => h.document.querySelector<HTMLElement>(`.head-cell[data-column="${id}"] .label`)?.textContent ?? '');
    assert.deepEqual(header, labels.map((l) => ({ Started: 'Started (UTC)', Duration: 'Duration (s)' })[l] ?? l));
    const first = lines[1]?.split(',') ?? [];
    assert.equal(first[header.indexOf('Started (UTC)')], new Date(row(2).startedAt).toISOString());
    assert.equal(first[header.indexOf('Duration (s)')], '2');
    assert.ok(!header.includes('Status'), 'a hidden column is not exported');
    // Sorted by loss ascending: run 2 (1/3), run 1 (1/2), then NaN last.
    assert.ok(lines[1]?.startsWith('"\'=HYPERLINK(""http://x"")",'), `formula-looking text is defused and quoted: ${lines[1]}`);
    assert.ok(lines[2]?.startsWith('"has, a comma",'), lines[2]);
    assert.ok(csv.includes('"say ""hi""\nthere"'), 'a quote is doubled, a newline kept inside quotes');
    const lossAt = header.indexOf('loss');
    assert.equal(lines[1]?.split(',')[lossAt], String(1 / 3), 'numbers at full precision');
    assert.ok(lines[3]?.includes(',NaN'), 'NaN written as NaN');
  } finally {
    h.close();
  }
});
