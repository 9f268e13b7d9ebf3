import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { RunsTableToHostMessage, RunsTableViewState, TableRow } from '../../../src/shared/webviews/runsTable/contract';
import { loadWebview, messagesOfType, PageClock, structure, type Harness } from './webviewHarness';

/** Run-supplied text that a page parsing HTML would turn into elements, attributes or script. */
const evilName = '<img src=x onerror="window.__pwned = true">';
const evilTag = '"><svg onload=alert(1)><script>alert(2)</script>';
const statuses = ['finished', 'running', 'failed', 'crashed', 'killed'];

/** Rows as the host sends them, newest first; names are deliberately not in alphabetical order. */
function makeRows(n: number, offset = 0, evil = { name: evilName, tag: evilTag }): TableRow[] {
  const rows: TableRow[] = [];
  for (let i = offset; i < n + offset; i++) {
    rows.push({
      id: `run-${String(i).padStart(6, '0')}`,
      name: i === 2 ? evil.name : `run ${(i * 7919) % 100_003}`,
      experiment: i % 2 ? 'sweep' : 'baseline',
      status: statuses[i % statuses.length] ?? 'finished',
      startedAt: 1_790_000_000_000 - i * 60_000,
      durationMs: 1000 * (i % 500),
      tags: i === 3 ? [evil.tag] : i % 3 ? ['a'] : [],
      user: 'ada',
      gitCommit: 'abcdef1234',
      params: [['lr', 10 ** -((i % 5) + 1)], ['optimizer', 'adam'], ['layers', i % 4]],
      metrics: [
        { key: 'loss', last: i % 10 === 5 ? { nonFinite: 'NaN' } : (i % 97) / 97, min: 0, max: 1 },
        { key: 'acc', last: 0.5, min: 0.1, max: 0.9 },
      ],
    });
  }
  return rows;
}

function tableWith(rows: TableRow[], saved?: RunsTableViewState, clock?: PageClock): Harness {
  const h = loadWebview('runsTable', saved, clock ? { clock } : {});
  h.send({ type: 'rows', rows, filter: saved?.filter ?? '', total: rows.length });
  return h;
}

const grid = (h: Harness): HTMLElement => h.document.querySelector('[role=grid]') as HTMLElement;
const renderedRows = (h: Harness): HTMLElement[] => [...h.document.querySelectorAll<HTMLElement>('[role=grid] .row')];
const header = (h: Harness, column: string): HTMLElement => h.document.querySelector(`.head-cell[data-column="${column}"]`) as HTMLElement;
const headerIds = (h: Harness): string[] => [...h.document.querySelectorAll<HTMLElement>('.head-cell')].map((c) => c.dataset.column ?? '');
/** Cell text of the rendered rows in view order, for one column. */
function columnText(h: Harness, column: string): string[] {
  const index = headerIds(h).indexOf(column);
  assert.ok(index >= 0, `column ${column} is shown`);
  return renderedRows(h)
    .sort((a, b) => Number(a.dataset.position) - Number(b.dataset.position))
    .map((r) => r.children[index]?.textContent ?? '');
}
function rowByPosition(h: Harness, position: number): HTMLElement {
  const row = h.document.querySelector<HTMLElement>(`.row[data-position="${position}"]`);
  assert.ok(row, `row at position ${position} is rendered`);
  return row;
}
function click(h: Harness, target: HTMLElement, init: { ctrlKey?: boolean; shiftKey?: boolean; metaKey?: boolean } = {}): void {
  target.dispatchEvent(new h.window.MouseEvent('click', { bubbles: true, ...init }));
}
function key(h: Harness, name: string, init: { ctrlKey?: boolean; shiftKey?: boolean } = {}): void {
  grid(h).dispatchEvent(new h.window.KeyboardEvent('keydown', { key: name, bubbles: true, ...init }));
}
/** jsdom does not scroll: give the grid a settable scrollTop, then fire the scroll event as a browser would. */
function scrollTo(h: Harness, top: number): void {
  const g = grid(h);
  let value = top;
  Object.defineProperty(g, 'scrollTop', { configurable: true, get: () => value, set: (v: number) => { value = v; } });
  g.dispatchEvent(new h.window.Event('scroll'));
}

test('runs table: the first message is ready; with saved state it carries the state', () => {
  const fresh = loadWebview('runsTable');
  try {
    assert.deepEqual(fresh.posted, [{ type: 'ready' }]);
  } finally {
    fresh.close();
  }
  const saved: RunsTableViewState = { filter: 'lr < 0.01', sort: { column: 'm:loss', descending: true }, columns: { tags: false }, onlyDiffering: true, widths: {} };
  const revived = loadWebview('runsTable', saved);
  try {
    assert.deepEqual(revived.posted, [{ type: 'ready', state: saved }]);
    assert.equal(revived.document.querySelector<HTMLInputElement>('#filter')?.value, 'lr < 0.01');
  } finally {
    revived.close();
  }
});

test('runs table: 10,000 rows render only a window of rows, and scrolling moves the window', async () => {
  const h = tableWith(makeRows(10_000));
  try {
    const g = grid(h);
    assert.equal(g.getAttribute('aria-rowcount'), '10001');
    const body = g.querySelector<HTMLElement>('.body');
    assert.equal(body?.style.height, `${10_000 * 24}px`, 'the spacer is as tall as every row');
    const first = renderedRows(h);
    assert.ok(first.length > 10 && first.length < 100, `only a window is in the DOM (${first.length} rows)`);
    assert.equal(first[0]?.getAttribute('aria-rowindex'), '2');

    scrollTo(h, 5000 * 24);
    await h.frame();
    const moved = renderedRows(h);
    assert.ok(moved.length < 100, `still a window after scrolling (${moved.length} rows)`);
    const indices = moved.map((r) => Number(r.getAttribute('aria-rowindex')));
    assert.ok(indices.includes(5002), 'the row at the scroll position is rendered');
    assert.ok(Math.min(...indices) > 4900, 'rows far above the view are gone');
    assert.deepEqual(h.errors, []);
  } finally {
    h.close();
  }
});

test('runs table: clicking a header sorts ascending, then descending, then back; NaN and empty stay last', () => {
  const h = tableWith(makeRows(30));
  try {
    const nameButton = header(h, 'name').querySelector('button') as HTMLElement;
    click(h, nameButton);
    const names = columnText(h, 'name');
    assert.deepEqual(names, [...names].sort((a, b) => a.localeCompare(b, undefined, { numeric: true })));
    assert.equal(header(h, 'name').getAttribute('aria-sort'), 'ascending');
    click(h, header(h, 'name').querySelector('button') as HTMLElement);
    assert.deepEqual(columnText(h, 'name'), [...names].reverse());
    assert.equal(header(h, 'name').getAttribute('aria-sort'), 'descending');
    click(h, header(h, 'name').querySelector('button') as HTMLElement);
    assert.equal(header(h, 'name').getAttribute('aria-sort'), 'none');
    assert.equal(rowByPosition(h, 0).dataset.runId, 'run-000000', 'back to the host order');

    click(h, header(h, 'm:loss').querySelector('button') as HTMLElement);
    click(h, header(h, 'm:loss').querySelector('button') as HTMLElement);
    const losses = columnText(h, 'm:loss');
    assert.deepEqual(losses.slice(-3), ['NaN', 'NaN', 'NaN'], 'NaN values are shown as NaN and sort last');
    const numbers = losses.slice(0, -3).map(Number);
    assert.deepEqual(numbers, [...numbers].sort((a, b) => b - a), 'descending by value');
    assert.deepEqual((h.state() as RunsTableViewState).sort, { column: 'm:loss', descending: true });
  } finally {
    h.close();
  }
});

test('runs table: click, ctrl-click, ctrl+shift-click and shift-click select; Compare sends the selected ids in view order', () => {
  const h = tableWith(makeRows(50));
  try {
    const compare = h.document.querySelector<HTMLButtonElement>('#compare') as HTMLButtonElement;
    assert.equal(compare.disabled, true, 'nothing to compare yet');
    click(h, rowByPosition(h, 1).children[0] as HTMLElement);
    click(h, rowByPosition(h, 4), { ctrlKey: true });
    click(h, rowByPosition(h, 7), { shiftKey: true, ctrlKey: true });
    assert.equal(rowByPosition(h, 5).getAttribute('aria-selected'), 'true');
    assert.equal(rowByPosition(h, 0).getAttribute('aria-selected'), 'false');
    assert.equal(compare.disabled, false);
    compare.click();
    assert.deepEqual(messagesOfType(h, 'compare'), [{ type: 'compare', runIds: ['run-000001', 'run-000004', 'run-000005', 'run-000006', 'run-000007'] }]);
    // Ctrl-click on a selected row deselects it.
    click(h, rowByPosition(h, 4), { ctrlKey: true });
    compare.click();
    assert.deepEqual(messagesOfType<Extract<RunsTableToHostMessage, { type: 'compare' }>>(h, 'compare')[1]?.runIds, ['run-000001', 'run-000005', 'run-000006', 'run-000007']);
    // Shift-click without ctrl replaces the selection with the range from the anchor (the last clicked row).
    click(h, rowByPosition(h, 9), { shiftKey: true });
    compare.click();
    assert.deepEqual(messagesOfType<Extract<RunsTableToHostMessage, { type: 'compare' }>>(h, 'compare')[2]?.runIds, ['run-000004', 'run-000005', 'run-000006', 'run-000007', 'run-000008', 'run-000009']);
  } finally {
    h.close();
  }
});

test('runs table: keyboard moves, extends and toggles the selection; Enter and double-click open the run', () => {
  const h = tableWith(makeRows(50));
  try {
    key(h, 'ArrowDown');
    key(h, 'ArrowDown');
    key(h, 'ArrowDown', { shiftKey: true });
    key(h, 'ArrowDown', { shiftKey: true });
    assert.equal(grid(h).getAttribute('aria-activedescendant'), 'rt-row-3');
    key(h, 'ArrowDown', { ctrlKey: true });
    key(h, ' ');
    (h.document.querySelector('#compare') as HTMLButtonElement).click();
    assert.deepEqual(messagesOfType(h, 'compare'), [{ type: 'compare', runIds: ['run-000001', 'run-000002', 'run-000003', 'run-000004'] }]);
    // Enter on a header button belongs to the button (sorting), not to the focused row.
    header(h, 'name').querySelector('button')?.dispatchEvent(new h.window.KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    assert.deepEqual(messagesOfType(h, 'openRun'), []);
    key(h, 'Enter');
    rowByPosition(h, 9).dispatchEvent(new h.window.MouseEvent('dblclick', { bubbles: true }));
    assert.deepEqual(messagesOfType(h, 'openRun'), [{ type: 'openRun', runId: 'run-000004' }, { type: 'openRun', runId: 'run-000009' }]);
    key(h, 'a', { ctrlKey: true });
    assert.match(h.document.querySelector('.counts')?.textContent ?? '', /50 selected/);
    key(h, 'Escape');
    assert.equal(h.document.querySelectorAll('.row[aria-selected=true]').length, 0);
  } finally {
    h.close();
  }
});

test('runs table: typing a filter sends one debounced setFilter; a filter error shows inline until rows arrive', () => {
  const clock = new PageClock();
  const h = tableWith(makeRows(20), undefined, clock);
  try {
    const input = h.document.querySelector<HTMLInputElement>('#filter') as HTMLInputElement;
    for (const text of ['s', 'status =', 'status = running']) {
      input.value = text;
      input.dispatchEvent(new h.window.Event('input', { bubbles: true }));
      clock.tick(50);
    }
    assert.deepEqual(messagesOfType(h, 'setFilter'), [], 'not sent while typing');
    clock.tick(249);
    assert.deepEqual(messagesOfType(h, 'setFilter'), [], 'not sent before 300 ms without a keystroke');
    clock.tick(1);
    assert.deepEqual(messagesOfType(h, 'setFilter'), [{ type: 'setFilter', filter: 'status = running' }]);
    assert.equal((h.state() as RunsTableViewState).filter, 'status = running');

    input.value = 'lr <';
    input.dispatchEvent(new h.window.KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    assert.deepEqual(messagesOfType(h, 'setFilter').at(-1), { type: 'setFilter', filter: 'lr <' }, 'Enter sends at once');
    h.send({ type: 'filterError', filter: 'lr <', message: 'Invalid filter at column 5: expected a value after "<"' });
    const error = h.document.querySelector<HTMLElement>('.filter-error') as HTMLElement;
    assert.equal(error.hidden, false);
    assert.equal(error.textContent, 'Invalid filter at column 5: expected a value after "<"');
    assert.equal(input.getAttribute('aria-invalid'), 'true');
    assert.equal(renderedRows(h).length, 20, 'the rows shown so far stay');

    input.value = 'lr < 0.01';
    input.dispatchEvent(new h.window.KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    h.send({ type: 'rows', rows: makeRows(3), filter: 'lr < 0.01', total: 20 });
    assert.equal(error.hidden, true);
    assert.equal(renderedRows(h).length, 3);
    assert.match(h.document.querySelector('.counts')?.textContent ?? '', /^3 of 20 runs/);
  } finally {
    h.close();
  }
});

test('runs table: "only differing" hides params and metrics equal in every run; the chooser hides columns', () => {
  const h = tableWith(makeRows(20));
  try {
    assert.ok(headerIds(h).includes('p:optimizer'));
    assert.ok(headerIds(h).includes('m:acc'));
    const only = h.document.querySelector<HTMLInputElement>('#only-differing') as HTMLInputElement;
    only.checked = true;
    only.dispatchEvent(new h.window.Event('change', { bubbles: true }));
    const ids = headerIds(h);
    assert.ok(!ids.includes('p:optimizer') && !ids.includes('m:acc'), `equal columns hidden: ${ids.join(' ')}`);
    assert.ok(ids.includes('p:lr') && ids.includes('m:loss') && ids.includes('name'), 'differing and run columns stay');

    const box = h.document.querySelector<HTMLInputElement>('.chooser input[data-column="p:lr"]') as HTMLInputElement;
    box.checked = false;
    box.dispatchEvent(new h.window.Event('change', { bubbles: true }));
    assert.ok(!headerIds(h).includes('p:lr'));
    const state = h.state() as RunsTableViewState;
    assert.equal(state.onlyDiffering, true);
    assert.deepEqual(state.columns, { 'p:lr': false });
  } finally {
    h.close();
  }
});

test('runs table: a live update keeps the selection, the focus and the scroll position', async () => {
  const h = tableWith(makeRows(2000));
  try {
    scrollTo(h, 1000 * 24);
    await h.frame();
    click(h, rowByPosition(h, 1000));
    click(h, rowByPosition(h, 1002), { ctrlKey: true });
    // A new run arrives at the top: every old run moves down one position.
    h.send({ type: 'rows', rows: [...makeRows(1, 5000), ...makeRows(2000)], filter: '', total: 2001 });
    assert.equal(grid(h).scrollTop, 1000 * 24);
    const selected = [...h.document.querySelectorAll<HTMLElement>('.row[aria-selected=true]')].map((r) => r.dataset.runId).sort();
    assert.deepEqual(selected, ['run-001000', 'run-001002']);
    assert.equal(grid(h).getAttribute('aria-activedescendant'), 'rt-row-1003', 'the focus follows its run');
  } finally {
    h.close();
  }
});

test('runs table: run-supplied text is shown as text, never parsed as HTML', () => {
  // The same rows with plain text are the reference: markup in names, tags and params must change no element or attribute.
  const withNote = (rows: TableRow[], note: string): TableRow[] => rows.map((r, i) => (i === 4 ? { ...r, params: [...r.params, ['note', note]] } : r));
  // Plain text of the same lengths (long cells get a tooltip).
  const plainText = (text: string): string => 'x'.repeat(text.length);
  const plain = tableWith(withNote(makeRows(10, 0, { name: plainText(evilName), tag: plainText(evilTag) }), plainText(evilTag)));
  const h = tableWith(withNote(makeRows(10), evilTag));
  try {
    assert.deepEqual(structure(h.document), structure(plain.document), 'the page built the same elements and attributes');
    assert.equal(h.document.querySelectorAll('img, svg, script, [onerror], [onload]').length, 0);
    assert.ok(columnText(h, 'name').includes(evilName), 'the name is shown as text');
    assert.ok(columnText(h, 'tags').includes(evilTag), 'the tag is shown as text');
    assert.ok(columnText(h, 'p:note').includes(evilTag), 'the param is shown as text');
  } finally {
    h.close();
    plain.close();
  }
});

test('runs table: selection and scroll offset are saved, and restored when the webview comes back', () => {
  const first = tableWith(makeRows(100));
  let saved: RunsTableViewState;
  try {
    click(first, rowByPosition(first, 2));
    click(first, rowByPosition(first, 5), { ctrlKey: true });
    saved = first.state() as RunsTableViewState;
    assert.deepEqual([...(saved.selected ?? [])].sort(), ['run-000002', 'run-000005']);
  } finally {
    first.close();
  }
  const again = tableWith(makeRows(100), saved);
  try {
    assert.deepEqual(again.posted[0], { type: 'ready', state: { filter: '', sort: null, columns: {}, onlyDiffering: false, widths: {} } });
    const selected = [...again.document.querySelectorAll<HTMLElement>('.row[aria-selected=true]')].map((r) => r.dataset.runId).sort();
    assert.deepEqual(selected, ['run-000002', 'run-000005']);
    assert.match(again.document.querySelector('.counts')?.textContent ?? '', /2 selected/);
  } finally {
    again.close();
  }
});

test('runs table: a rowsDelta (changed, new and removed rows) shows exactly what a full rows message would, selection kept', async () => {
  const rows = makeRows(60);
  const saved: RunsTableViewState = { filter: '', sort: { column: 'm:loss', descending: false }, columns: {}, onlyDiffering: false, widths: {} };
  const h = tableWith(rows, saved);
  const reference = loadWebview('runsTable', saved);
  try {
    click(h, rowByPosition(h, 1));
    const selectedId = rowByPosition(h, 1).dataset.runId;
    assert.ok(selectedId);
    const changed = { ...rows[7]!, name: 'renamed run', metrics: rows[7]!.metrics.map((m) => (m.key === 'loss' ? { key: 'loss', last: -1, min: -1, max: 1 } : m)) };
    const added = { ...makeRows(1, 500)[0]!, name: 'brand new run' };
    const next = [added, ...rows.filter((r) => r.id !== rows[4]!.id).map((r) => (r.id === changed.id ? changed : r))];
    h.send({ type: 'rowsDelta', upserts: [changed, added], removed: [rows[4]!.id], order: next.map((r) => r.id), filter: '', total: next.length });
    reference.send({ type: 'rows', rows: next, filter: '', total: next.length });
    assert.deepEqual(columnText(h, 'name'), columnText(reference, 'name'));
    assert.deepEqual(columnText(h, 'm:loss'), columnText(reference, 'm:loss'));
    assert.equal(columnText(h, 'name')[0], 'renamed run', 'the changed loss sorts it first');
    assert.ok(!columnText(h, 'name').includes(rows[4]!.name), 'the removed run is gone');
    assert.equal(h.document.body.dataset.rendered, String(next.length));
    assert.ok(h.document.querySelector(`.row[data-run-id="${selectedId}"]`)?.getAttribute('aria-selected') === 'true', 'the selection survives the update');
  } finally {
    h.close();
    reference.close();
  }
});

test('runs table: columns move by dragging a header or Alt+←/→, the order is kept across reloads and new columns, and resets', async () => {
  const rows = makeRows(20);
  const h = tableWith(rows);
  let revived: Harness | undefined;
  try {
    const natural = headerIds(h);
    const first = natural.indexOf('p:layers');
    assert.deepEqual(natural.slice(first, first + 3), ['p:layers', 'p:lr', 'p:optimizer'], natural.join(' '));

    // Keyboard: Alt+→ on the layers header moves it one place right, and keeps the focus on it.
    const button = header(h, 'p:layers').querySelector('button') as HTMLElement;
    button.dispatchEvent(new h.window.KeyboardEvent('keydown', { key: 'ArrowRight', altKey: true, bubbles: true }));
    assert.deepEqual(headerIds(h).slice(first, first + 3), ['p:lr', 'p:layers', 'p:optimizer']);
    assert.equal(h.document.activeElement, header(h, 'p:layers').querySelector('button'));

    // Drag: the first metric header dropped on the left half of the name header goes before it.
    const loss = header(h, 'm:loss');
    const name = header(h, 'name');
    loss.dispatchEvent(new h.window.MouseEvent('dragstart', { bubbles: true }));
    name.dispatchEvent(new h.window.MouseEvent('dragover', { bubbles: true, cancelable: true, clientX: 0 }));
    assert.ok(name.classList.contains('drop-before'), 'the drop target shows where the column lands');
    name.dispatchEvent(new h.window.MouseEvent('drop', { bubbles: true, cancelable: true, clientX: 0 }));
    const moved = headerIds(h);
    assert.equal(moved.indexOf('m:loss') + 1, moved.indexOf('name'));
    assert.deepEqual(columnText(h, 'm:loss').length, 20, 'cells follow their header');

    // The order is saved; a reload gets it back, and a param that appears later lands beside its neighbours.
    const saved = h.state() as RunsTableViewState;
    assert.ok(saved.order?.includes('p:layers'));
    const withNew = rows.map((r): TableRow => ({ ...r, params: [...r.params, ['momentum', 0.9]] }));
    revived = tableWith(withNew, saved);
    const ids = headerIds(revived);
    assert.equal(ids.indexOf('m:loss') + 1, ids.indexOf('name'));
    // momentum sorts after lr naturally, so it follows lr wherever lr went.
    assert.deepEqual(ids.slice(ids.indexOf('p:lr'), ids.indexOf('p:lr') + 4), ['p:lr', 'p:momentum', 'p:layers', 'p:optimizer']);

    // "Reset column order" in the chooser puts everything back.
    const reset = revived.document.querySelector<HTMLButtonElement>('#reset-column-order');
    assert.ok(reset, 'the chooser offers a reset once columns were moved');
    reset.click();
    assert.deepEqual(headerIds(revived).filter((id) => id !== 'p:momentum'), natural);
    assert.equal((revived.state() as RunsTableViewState).order, undefined);
  } finally {
    h.close();
    revived?.close();
  }
});

test('runs table: state saved by an older version is dropped: the page starts from defaults and says ready without it', () => {
  for (const stale of [{ filter: 3 }, { filter: '', sort: 'name', columns: {}, onlyDiffering: false }, { filter: '', sort: null, columns: [], onlyDiffering: false, order: 'name' }]) {
    const h = tableWith(makeRows(20), stale as unknown as RunsTableViewState);
    try {
      assert.deepEqual(h.posted[0], { type: 'ready' }, JSON.stringify(stale));
      assert.equal(h.document.querySelector<HTMLInputElement>('#filter')?.value, '');
      assert.equal(renderedRows(h).length, 20, 'the page works');
      assert.deepEqual(h.errors, [], JSON.stringify(stale));
    } finally {
      h.close();
    }
  }
});

test('runs table: summary values are columns of their own (shown, sortable, named exactly), __proto__ included', () => {
  const rows = makeRows(4).map((row, i): TableRow => ({
    ...row,
    summary: i === 3 ? [] : [['best_accuracy', [0.91, 0.97, 0.93][i] ?? 0], ['__proto__', `v${i}`]],
  }));
  const h = tableWith(rows);
  try {
    assert.ok(headerIds(h).includes('s:best_accuracy'), headerIds(h).join(' '));
    assert.equal(header(h, 's:best_accuracy').textContent?.includes('best_accuracy'), true);
    assert.deepEqual(columnText(h, 's:__proto__'), ['v0', 'v1', 'v2', '']);
    click(h, header(h, 's:best_accuracy').querySelector('button') as HTMLElement);
    click(h, header(h, 's:best_accuracy').querySelector('button') as HTMLElement);
    assert.deepEqual(columnText(h, 's:best_accuracy'), ['0.97', '0.93', '0.91', ''], 'descending, the run without it last');
    assert.equal(h.document.querySelector('.head-cell[data-column="s:constructor"]'), null);
  } finally {
    h.close();
  }
});
