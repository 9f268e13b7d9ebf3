import { formatCount } from '../../src/shared/format';
import { own } from '../../src/shared/own';
import { runsTableContract, type RunsTableViewState } from '../../src/shared/webviews/runsTable/contract';
import { connectToHost } from '../shared/vscodeApi';
import { el } from '../shared/dom';
import { applyDelta, arrangeColumns, buildColumns, sortOrder, toRow, uniformColumns, type Column, type Row } from './columns';
import { ColumnChooser } from './columnChooser';
import { FilterBox } from './filterBox';
import { tableCsv } from './csvExport';
import { VirtualGrid } from './grid';
import { toolbarControls } from './toolbar';
import { fillGroupChoices, groupItems, type GroupHeader, type ViewItem } from './groups';
import { Selection, type SelectModifiers } from './selection';


const host = connectToHost(runsTableContract);
const saved = host.savedState();
const state: RunsTableViewState = {
  filter: saved?.filter ?? '',
  sort: saved?.sort ?? null,
  columns: { ...(saved?.columns ?? {}) },
  onlyDiffering: saved?.onlyDiffering ?? false,
  widths: { ...(saved?.widths ?? {}) },
  ...(saved?.order ? { order: [...saved.order] } : {}),
  ...(saved?.groupBy ? { groupBy: saved.groupBy } : {}),
  ...(saved?.collapsed ? { collapsed: [...saved.collapsed] } : {}),
};

let rows: Row[] = [];
let total = 0;
let received = false;
let columns: Column[] = [];
let uniform = new Set<string>();
/** Runs in view order (group by group when grouped), as indices into rows. */
let order: number[] = [];
/** What each view position shows: a run or a group header. */
let items: ViewItem[] = [];
/** Run id → view position (runs in collapsed groups have none). */
let positions = new Map<string, number>();
const selection = new Selection();
/** Selection and scroll offset saved by the previous incarnation of this webview, restored with the first rows. */
let restore: { selected: string[]; scrollTop: number } | undefined = saved ? { selected: saved.selected ?? [], scrollTop: saved.scrollTop ?? 0 } : undefined;
let scrollTimer: ReturnType<typeof setTimeout> | undefined;

const app = document.getElementById('app') as HTMLElement;
const { filterInput, filterError, counts, onlyDiffInput, compareButton, analyzeButton, clearButton, groupSelect, exportButton } = toolbarControls();
const empty = el('div', { className: 'empty' });
const chooser = new ColumnChooser({
  toggle: (id, on) => {
    state.columns[id] = on;
    columnsChanged();
  },
  setGroup: (ids, on) => {
    for (const id of ids) state.columns[id] = on;
    columnsChanged();
  },
  resetOrder: () => {
    delete state.order;
    columnsChanged();
  },
});
const grid = new VirtualGrid({
  rowClick: (position, modifiers) => {
    // A click on a group header collapses or expands it.
    const group = groupAt(position);
    if (group) setCollapsed(group, !group.collapsed);
    else select(position, modifiers);
  },
  rowOpen: (position, runId) => open(position, runId),
  headerClick: (id) => cycleSort(id),
  resize: (id, width) => {
    (state.widths ??= {})[id] = width;
    renderGrid();
    saveState();
  },
  moveColumn: (id, targetId, after) => moveColumn(id, targetId, after),
  key: (e) => onKey(e),
}, 'Runs');

app.append(
  el('header', { className: 'toolbar' },
    el('div', { className: 'filter-box' }, filterInput, filterError),
    el('div', { className: 'actions' },
      chooser.element,
      el('label', { title: 'Group rows by the experiment or a param' }, 'Group by ', groupSelect),
      el('label', { title: 'Hide param and metric columns whose value is the same in every run shown' }, onlyDiffInput, ' Only differing'),
      compareButton,
      analyzeButton,
      clearButton,
      exportButton,
      counts)),
  empty,
  grid.element,
);

onlyDiffInput.checked = state.onlyDiffering;

function saveState(): void {
  state.selected = [...selection.ids];
  state.scrollTop = grid.element.scrollTop;
  host.setState({
    ...state, columns: { ...state.columns }, widths: { ...state.widths },
    ...(state.order ? { order: [...state.order] } : {}), ...(state.collapsed ? { collapsed: [...state.collapsed] } : {}),
  });
}

// Column ids hold param and metric names: read the saved choices by own property only.
const isShown = (c: Column): boolean => own(state.columns, c.id) ?? c.defaultShown;

/** The run at a view position; undefined on a group header. */
function rowAt(position: number): Row | undefined {
  const item = items[position];
  return item?.kind === 'run' ? rows[item.index] : undefined;
}

function groupAt(position: number): GroupHeader | undefined {
  const item = items[position];
  return item?.kind === 'group' ? item : undefined;
}

function itemAt(position: number): Row | GroupHeader {
  const item = groupAt(position) ?? rowAt(position);
  if (!item) throw new Error(`nothing at position ${position}`);
  return item;
}

function arranged(all: Column[]): Column[] {
  return arrangeColumns(all, state.order);
}

function moveColumn(id: string, targetId: string, after: boolean): void {
  const ids = arranged(columns).map((c) => c.id).filter((c) => c !== id);
  const at = ids.indexOf(targetId);
  if (at < 0 || !columns.some((c) => c.id === id)) return;
  ids.splice(after ? at + 1 : at, 0, id);
  state.order = ids;
  renderGrid();
  saveState();
  // Keep the keyboard on the moved header, so Alt+←/→ can go on moving it.
  grid.element.querySelector<HTMLElement>(`.head-cell[data-column="${id.replace(/["\\]/g, '\\$&')}"] .head-button`)?.focus();
}

function renderGrid(): void {
  const shown = arranged(columns).filter((c) => isShown(c) && !(state.onlyDiffering && uniform.has(c.id)));
  grid.setModel({
    rowCount: items.length,
    columns: shown,
    itemAt,
    isSelected: (id) => selection.ids.has(id),
    active: () => selection.active,
    sort: state.sort,
    width: (c) => (state.widths ? own(state.widths, c.id) : undefined) ?? c.width,
  });
  chooser.update({ columns, isShown, uniform, onlyDiffering: state.onlyDiffering, rearranged: state.order !== undefined });
}

function updateCounts(): void {
  const n = selection.ids.size;
  counts.textContent = `${formatCount(rows.length)} of ${formatCount(total)} runs${n ? ` · ${formatCount(n)} selected` : ''}`;
  compareButton.disabled = n === 0;
  compareButton.textContent = n ? `Compare ${formatCount(n)}` : 'Compare';
  analyzeButton.disabled = n < 2;
  clearButton.disabled = n === 0;
  if (received) saveState();
  empty.textContent = !received ? 'Loading runs…'
    : total === 0 ? 'No runs yet. Run a script that calls trialbook.init(), and its run appears here.'
      : rows.length === 0 ? 'No runs match the filter.' : '';
  empty.hidden = empty.textContent === '';
}

/** Runs under the selection anchor and the focus, to find them again after a re-sort or new rows. */
function focusIds(): [string | undefined, string | undefined] {
  const idAt = (p: number): string | undefined => rowAt(p)?.id;
  return [idAt(selection.anchor), idAt(selection.active)];
}

/** Sort into view positions, keeping the selection, its anchor and the focus on the same runs. */
function reorder([anchorId, activeId]: [string | undefined, string | undefined]): void {
  const column = state.sort ? columns.find((c) => c.id === state.sort?.column) : undefined;
  const sorted = sortOrder(rows, column, state.sort?.descending ?? false);
  const by = state.groupBy !== undefined ? columns.find((c) => c.id === state.groupBy) : undefined;
  ({ items, runOrder: order } = groupItems(rows, sorted, by, new Set(state.collapsed ?? [])));
  positions = new Map();
  items.forEach((item, position) => { if (item.kind === 'run') positions.set(rows[item.index]?.id ?? '', position); });
  // Runs in a collapsed group stay selected; only runs that left the rows leave the selection.
  selection.remap(new Set(rows.map((r) => r.id)), (id) => positions.get(id) ?? -1, anchorId, activeId);
}

function columnsChanged(): void {
  renderGrid();
  saveState();
}

function cycleSort(id: string): void {
  const current = state.sort?.column === id ? state.sort : null;
  // Ascending, then descending, then back to the index's order (newest first).
  state.sort = !current ? { column: id, descending: false } : !current.descending ? { column: id, descending: true } : null;
  reorder(focusIds());
  renderGrid();
  saveState();
}

function select(position: number, modifiers: SelectModifiers): void {
  if (position < 0 || position >= items.length) return;
  if (groupAt(position) && !modifiers.range) {
    // On a group header the focus moves; the selection stays.
    selection.active = position;
    grid.reveal(position);
    grid.updateSelection();
    return;
  }
  selection.select(position, modifiers, (p) => rowAt(p)?.id ?? '');
  grid.reveal(position);
  grid.updateSelection();
  updateCounts();
}

function open(position: number, runId?: string): void {
  if (runId !== undefined) {
    host.post({ type: 'openRun', runId });
    return;
  }
  const group = groupAt(position);
  if (group) {
    setCollapsed(group, !group.collapsed);
    return;
  }
  const run = rowAt(position);
  if (run) host.post({ type: 'openRun', runId: run.id });
}

/** Collapse or expand a group; the focus stays on its header. */
function setCollapsed(group: GroupHeader, collapsed: boolean): void {
  const keys = new Set(state.collapsed ?? []);
  if (collapsed) keys.add(group.key);
  else keys.delete(group.key);
  state.collapsed = [...keys];
  const focus = focusIds();
  reorder(focus);
  const at = items.findIndex((i) => i.kind === 'group' && i.key === group.key);
  if (at >= 0) selection.active = at;
  renderGrid();
  updateCounts();
}

function setGroupBy(id: string): void {
  if (id) state.groupBy = id;
  else delete state.groupBy;
  delete state.collapsed;
  reorder(focusIds());
  renderGrid();
  saveState();
}

function updateGroupChoices(): void {
  fillGroupChoices(groupSelect, columns, state.groupBy ?? '');
}

function selectedInViewOrder(): string[] {
  return order.map((i) => rows[i]?.id ?? '').filter((id) => selection.ids.has(id));
}

function onKey(e: KeyboardEvent): void {
  const last = items.length - 1;
  if (last < 0) return;
  const mod = e.ctrlKey || e.metaKey;
  const from = selection.active >= 0 ? selection.active : -1;
  let target: number | undefined;
  switch (e.key) {
    case 'ArrowDown': target = Math.min(last, from + 1); break;
    case 'ArrowUp': target = Math.max(0, from < 0 ? 0 : from - 1); break;
    case 'PageDown': target = Math.min(last, Math.max(0, from) + grid.pageSize()); break;
    case 'PageUp': target = Math.max(0, from - grid.pageSize()); break;
    case 'Home': target = 0; break;
    case 'End': target = last; break;
    case ' ': {
      const group = groupAt(from);
      if (group) setCollapsed(group, !group.collapsed);
      else if (from >= 0) select(from, { toggle: true, range: false });
      e.preventDefault();
      return;
    }
    case 'ArrowLeft':
    case 'ArrowRight': {
      // On a group header, ← collapses and → expands (as in a tree); elsewhere the grid scrolls sideways.
      const group = groupAt(from);
      if (!group) return;
      if (group.collapsed !== (e.key === 'ArrowLeft')) setCollapsed(group, e.key === 'ArrowLeft');
      e.preventDefault();
      return;
    }
    case 'Enter':
      if (from >= 0) open(from);
      e.preventDefault();
      return;
    case 'Escape':
      selection.clear();
      grid.updateSelection();
      updateCounts();
      return;
    case 'a':
    case 'A':
      if (!mod) return;
      selection.selectAll(order.map((i) => rows[i]?.id ?? '').filter((id) => id !== ''));
      grid.updateSelection();
      updateCounts();
      e.preventDefault();
      return;
    default:
      return;
  }
  e.preventDefault();
  if (mod && !e.shiftKey) {
    // Ctrl/Cmd + arrows move the focus without changing the selection (then Space toggles).
    selection.active = target;
    grid.reveal(target);
    grid.updateSelection();
    return;
  }
  select(target, { toggle: false, range: e.shiftKey });
}

const filterBox = new FilterBox(filterInput, filterError, state.filter, (filter) => {
  state.filter = filter;
  saveState();
}, (filter) => host.post({ type: 'setFilter', filter }), () => grid.element.focus());
grid.element.addEventListener('scroll', () => {
  // Remember where the user was, once scrolling settles.
  if (scrollTimer) clearTimeout(scrollTimer);
  scrollTimer = setTimeout(saveState, 250);
}, { passive: true });
onlyDiffInput.addEventListener('change', () => {
  state.onlyDiffering = onlyDiffInput.checked;
  columnsChanged();
});
groupSelect.addEventListener('change', () => setGroupBy(groupSelect.value));
exportButton.addEventListener('click', () => {
  const shown = arranged(columns).filter((c) => isShown(c) && !(state.onlyDiffering && uniform.has(c.id)));
  host.post({ type: 'exportCsv', csv: tableCsv(shown, order.flatMap((i) => rows[i] ?? [])) });
});
compareButton.addEventListener('click', () => {
  const runIds = selectedInViewOrder();
  if (runIds.length) host.post({ type: 'compare', runIds });
});
analyzeButton.addEventListener('click', () => {
  const runIds = selectedInViewOrder();
  if (runIds.length) host.post({ type: 'analyze', runIds });
});
clearButton.addEventListener('click', () => {
  selection.clear();
  grid.updateSelection();
  updateCounts();
});

function onRows(next: Row[], filter: string, all: number): void {
  received = true;
  const focus = focusIds();
  rows = next;
  total = all;
  columns = buildColumns(rows);
  uniform = uniformColumns(columns, rows);
  updateGroupChoices();
  reorder(focus);
  if (restore) {
    for (const id of restore.selected) if (positions.has(id)) selection.ids.add(id);
  }
  renderGrid();
  if (restore) {
    grid.element.scrollTop = restore.scrollTop;
    restore = undefined;
  }
  updateCounts();
  if (filter === state.filter) filterBox.showError('');
  document.body.dataset.rendered = String(rows.length);
}

host.onMessage((message) => {
  switch (message.type) {
    case 'rows':
      onRows(message.rows.map(toRow), message.filter, message.total);
      break;
    case 'rowsDelta':
      // A delta is relative to rows this page received: one that arrives first (queued for an earlier page) is stale.
      if (received) onRows(applyDelta(rows, message.upserts, message.removed, message.order), message.filter, message.total);
      break;
    case 'filterError':
      if (message.filter === state.filter) filterBox.showError(message.message);
      break;
    case 'error':
      received = true;
      filterBox.showError('');
      empty.textContent = message.message;
      empty.hidden = false;
      break;
  }
});

updateCounts();
host.post({ type: 'ready', state: saved ? { ...state } : undefined });
