// A virtualised grid: fixed row height, one spacer as tall as every row together, and only the rows in view
// (plus a small overscan) in the DOM. Rows are re-rendered on scroll in a requestAnimationFrame.
import type { RunsTableSort } from '../../src/shared/webviews/runsTable/contract';
import { el } from '../shared/dom';
import type { Column, Row } from './columns';
import type { GroupHeader } from './groups';
import type { SelectModifiers } from './selection';

export const ROW_HEIGHT = 24;
export const HEAD_HEIGHT = 28;
const OVERSCAN = 8;
/** When layout reports no height (hidden panel, jsdom), render as if this many pixels were visible. */
const FALLBACK_HEIGHT = 600;
const MIN_WIDTH = 48;
const KNOWN_STATUS = new Set(['running', 'finished', 'failed', 'killed', 'crashed']);

export interface GridModel {
  rowCount: number;
  columns: Column[];
  /** The run at a view position, or the group header there (when rows are grouped). */
  itemAt(position: number): Row | GroupHeader;
  isSelected(id: string): boolean;
  /** View position of the keyboard focus, or -1. */
  active(): number;
  sort: RunsTableSort | null;
  width(column: Column): number;
}

export interface GridEvents {
  rowClick(position: number, modifiers: SelectModifiers): void;
  /** A row was double-clicked: its position, and the run it shows (undefined for a group row). */
  rowOpen(position: number, runId: string | undefined): void;
  headerClick(columnId: string): void;
  resize(columnId: string, width: number): void;
  /** Move a column before or after another (a header dragged onto another, or Alt+←/→ on a header). */
  moveColumn(columnId: string, targetId: string, after: boolean): void;
  key(event: KeyboardEvent): void;
}

export class VirtualGrid {
  /** The focusable grid (role=grid); it scrolls, and holds the sticky header and the rows' spacer. */
  readonly element: HTMLDivElement;
  private readonly head: HTMLDivElement;
  private readonly body: HTMLDivElement;
  private readonly rendered = new Map<number, HTMLDivElement>();
  private model: GridModel | undefined;
  private frame = 0;

  constructor(private readonly events: GridEvents, label: string) {
    this.head = el('div', { className: 'head', attrs: { role: 'row', 'aria-rowindex': '1' } });
    this.body = el('div', { className: 'body', attrs: { role: 'rowgroup' } });
    this.element = el('div', {
      className: 'grid',
      attrs: { role: 'grid', tabindex: '0', 'aria-label': label, 'aria-multiselectable': 'true', 'aria-rowcount': '1' },
    }, el('div', { className: 'head-group', attrs: { role: 'rowgroup' } }, this.head), this.body);
    this.element.addEventListener('scroll', () => this.schedule(), { passive: true });
    this.element.addEventListener('keydown', (e) => {
      // Keys on a header button (Enter or Space to sort) are the button's own, not row navigation.
      if (e.target === this.element) this.events.key(e);
    });
    this.body.addEventListener('mousedown', (e) => {
      // Shift-click selects rows, not text.
      if (e.shiftKey) e.preventDefault();
    });
    this.body.addEventListener('click', (e) => {
      const position = this.positionOf(e.target);
      if (position === undefined) return;
      this.element.focus({ preventScroll: true });
      this.events.rowClick(position, { toggle: e.ctrlKey || e.metaKey, range: e.shiftKey });
    });
    this.body.addEventListener('dblclick', (e) => {
      const position = this.positionOf(e.target);
      // The run the row shows, not the one now at its position: new rows may have arrived between the two clicks.
      const row = e.target instanceof Element ? e.target.closest<HTMLElement>('.row') : null;
      if (position !== undefined) this.events.rowOpen(position, row?.dataset.runId);
    });
    if (typeof ResizeObserver !== 'undefined') new ResizeObserver(() => this.schedule()).observe(this.element);
  }

  private positionOf(target: EventTarget | null): number | undefined {
    const row = target instanceof Element ? target.closest<HTMLElement>('.row') : null;
    return row?.dataset.position !== undefined ? Number(row.dataset.position) : undefined;
  }

  /** New rows, columns, order or sort: rebuild the header and every rendered row, keeping the scroll position. */
  setModel(model: GridModel): void {
    this.model = model;
    this.applyWidths(model);
    this.element.setAttribute('aria-rowcount', String(model.rowCount + 1));
    this.element.setAttribute('aria-colcount', String(model.columns.length));
    this.body.style.height = `${model.rowCount * ROW_HEIGHT}px`;
    this.renderHead(model);
    for (const row of this.rendered.values()) row.remove();
    this.rendered.clear();
    this.render();
  }

  private applyWidths(model: GridModel, override?: { id: string; width: number }): void {
    const widths = model.columns.map((c) => (override?.id === c.id ? override.width : model.width(c)));
    this.element.style.setProperty('--cols', widths.map((w) => `${w}px`).join(' '));
    this.element.style.setProperty('--row-width', `${widths.reduce((a, b) => a + b, 0)}px`);
  }

  /** Selection or focus changed: restyle the rendered rows only. */
  updateSelection(): void {
    const model = this.model;
    if (!model) return;
    for (const [position, row] of this.rendered) this.styleRow(row, position, model);
    this.updateActiveDescendant();
  }

  /** Scroll just enough that the row at `position` is fully in view, then render. */
  reveal(position: number): void {
    const view = this.viewHeight();
    const top = position * ROW_HEIGHT;
    if (top < this.element.scrollTop) this.element.scrollTop = top;
    else if (top + ROW_HEIGHT > this.element.scrollTop + view) this.element.scrollTop = top + ROW_HEIGHT - view;
    this.render();
  }

  /** How many rows fit in the view (for PageUp/PageDown). */
  pageSize(): number {
    return Math.max(1, Math.floor(this.viewHeight() / ROW_HEIGHT) - 1);
  }

  /** Rendered row count (for tests and the benchmark). */
  get renderedRows(): number {
    return this.rendered.size;
  }

  private viewHeight(): number {
    const h = this.element.clientHeight;
    return (h > 0 ? h : FALLBACK_HEIGHT) - HEAD_HEIGHT;
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(): void {
    const model = this.model;
    if (!model) return;
    const top = this.element.scrollTop;
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(model.rowCount - 1, Math.ceil((top + this.viewHeight()) / ROW_HEIGHT) + OVERSCAN);
    for (const [position, row] of this.rendered) {
      if (position < first || position > last) {
        row.remove();
        this.rendered.delete(position);
      }
    }
    const fresh = document.createDocumentFragment();
    for (let position = first; position <= last; position++) {
      if (this.rendered.has(position)) continue;
      const row = this.renderRow(position, model);
      this.rendered.set(position, row);
      fresh.append(row);
    }
    this.body.append(fresh);
    this.updateActiveDescendant();
  }

  private renderRow(position: number, model: GridModel): HTMLDivElement {
    const run = model.itemAt(position);
    const row = el('div', { className: 'row', attrs: { role: 'row', id: `rt-row-${position}`, 'aria-rowindex': String(position + 2) } });
    row.dataset.position = String(position);
    row.style.transform = `translateY(${position * ROW_HEIGHT}px)`;
    if ('kind' in run) {
      this.fillGroupRow(row, run);
      this.styleRow(row, position, model);
      return row;
    }
    row.dataset.runId = run.id;
    model.columns.forEach((column, i) => {
      const text = column.text(run);
      const pinned = column.id === 'name' ? ' pinned' : '';
      const cell = el('div', { className: `cell ${column.group}${column.numeric ? ' num' : ''}${pinned}`, attrs: { role: 'gridcell', 'aria-colindex': String(i + 1) } });
      if (column.id === 'status') {
        const dot = el('span', { className: `dot ${KNOWN_STATUS.has(run.status) ? run.status : 'unknown'}`, attrs: { 'aria-hidden': 'true' } });
        cell.append(dot, text);
      } else {
        cell.textContent = text;
      }
      // The full text on hover: always for names (runs often differ only at the end), else where it may be cut.
      if (pinned || text.length > 10) cell.title = text;
      row.append(cell);
    });
    this.styleRow(row, position, model);
    return row;
  }

  /** A group header row: one cell across the row whose label stays in view when scrolled sideways. */
  private fillGroupRow(row: HTMLDivElement, group: GroupHeader): void {
    row.classList.add('group');
    row.setAttribute('aria-expanded', String(!group.collapsed));
    const label = `${group.label} · ${group.count} run${group.count === 1 ? '' : 's'}`;
    const cell = el('div', { className: 'cell group-cell', attrs: { role: 'gridcell', 'aria-colindex': '1' }, title: label },
      el('span', { className: 'group-label' }, el('span', { className: 'twisty', attrs: { 'aria-hidden': 'true' } }, group.collapsed ? '▸' : '▾'), ' ', label));
    row.append(cell);
  }

  private styleRow(row: HTMLDivElement, position: number, model: GridModel): void {
    const selected = model.isSelected(row.dataset.runId ?? '');
    row.setAttribute('aria-selected', String(selected));
    row.classList.toggle('selected', selected);
    row.classList.toggle('active', position === model.active());
  }

  private updateActiveDescendant(): void {
    const active = this.model?.active() ?? -1;
    if (active >= 0 && this.rendered.has(active)) this.element.setAttribute('aria-activedescendant', `rt-row-${active}`);
    else this.element.removeAttribute('aria-activedescendant');
  }

  private renderHead(model: GridModel): void {
    while (this.head.firstChild) this.head.removeChild(this.head.firstChild);
    model.columns.forEach((column, i) => {
      const sorted = model.sort?.column === column.id ? model.sort : null;
      const arrow = el('span', { className: 'sort-arrow', attrs: { 'aria-hidden': 'true' } }, sorted ? (sorted.descending ? '▼' : '▲') : '');
      const button = el('button', { className: 'head-button', title: `${column.description} — click to sort` }, el('span', { className: 'label' }, column.label), arrow);
      button.addEventListener('click', () => this.events.headerClick(column.id));
      button.addEventListener('keydown', (e) => {
        if (!e.altKey || (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight')) return;
        e.preventDefault();
        const neighbour = model.columns[e.key === 'ArrowLeft' ? i - 1 : i + 1];
        if (neighbour) this.events.moveColumn(column.id, neighbour.id, e.key === 'ArrowRight');
      });
      const resizer = el('span', { className: 'resizer', attrs: { 'aria-hidden': 'true' } });
      this.attachResize(resizer, column, model);
      const cell = el('div', {
        className: `head-cell ${column.group}${column.numeric ? ' num' : ''}${column.id === 'name' ? ' pinned' : ''}`,
        attrs: { role: 'columnheader', 'aria-colindex': String(i + 1), 'aria-sort': sorted ? (sorted.descending ? 'descending' : 'ascending') : 'none' },
      }, button, resizer);
      cell.dataset.column = column.id;
      this.attachMove(cell, column);
      this.head.append(cell);
    });
  }

  /** Dragging a header onto another moves the column there: before it on its left half, after it on its right. */
  private attachMove(cell: HTMLElement, column: Column): void {
    cell.draggable = true;
    const side = (e: DragEvent): boolean => {
      const box = cell.getBoundingClientRect();
      return e.clientX > box.left + box.width / 2;
    };
    cell.addEventListener('dragstart', (e) => {
      this.dragging = column.id;
      e.dataTransfer?.setData('text/plain', column.label);
      if (e.dataTransfer) e.dataTransfer.effectAllowed = 'move';
      cell.classList.add('dragging');
    });
    cell.addEventListener('dragend', () => {
      this.dragging = undefined;
      cell.classList.remove('dragging');
    });
    cell.addEventListener('dragover', (e) => {
      if (!this.dragging || this.dragging === column.id) return;
      e.preventDefault();
      cell.classList.toggle('drop-before', !side(e));
      cell.classList.toggle('drop-after', side(e));
    });
    cell.addEventListener('dragleave', () => cell.classList.remove('drop-before', 'drop-after'));
    cell.addEventListener('drop', (e) => {
      cell.classList.remove('drop-before', 'drop-after');
      const moved = this.dragging;
      this.dragging = undefined;
      if (!moved || moved === column.id) return;
      e.preventDefault();
      this.events.moveColumn(moved, column.id, side(e));
    });
  }

  private dragging: string | undefined;

  /** Dragging a header's right edge resizes the column live (CSS only); the width is reported when released. */
  private attachResize(handle: HTMLElement, column: Column, model: GridModel): void {
    handle.addEventListener('pointerdown', (down) => {
      down.preventDefault();
      down.stopPropagation();
      const startX = down.clientX;
      const startWidth = model.width(column);
      let width = startWidth;
      const move = (e: PointerEvent): void => {
        width = Math.max(MIN_WIDTH, Math.round(startWidth + e.clientX - startX));
        this.applyWidths(model, { id: column.id, width });
      };
      const up = (): void => {
        window.removeEventListener('pointermove', move);
        window.removeEventListener('pointerup', up);
        if (width !== startWidth) this.events.resize(column.id, width);
      };
      window.addEventListener('pointermove', move);
      window.addEventListener('pointerup', up);
    });
  }
}
