// A logged table: cells arrive on request (only the table shown crosses the channel); sortable by any column
// (numbers as numbers), virtualised (only the rows in view are in the DOM, so a table of 100,000 rows scrolls).
import type { MediaTable } from '../../src/shared/webviews/media/contract';
import { clear, el } from '../shared/dom';

const ROW_HEIGHT = 22;
const VIEW_ROWS = 15;

function compareCells(a: string, b: string): number {
  const x = Number(a);
  const y = Number(b);
  if (a !== '' && b !== '' && Number.isFinite(x) && Number.isFinite(y)) return x - y;
  return a.localeCompare(b);
}

export class VirtualTable {
  readonly root: HTMLElement;
  private readonly head: HTMLTableRowElement;
  private readonly body: HTMLTableSectionElement;
  private readonly bodyTable: HTMLTableElement;
  private readonly scroller: HTMLElement;
  private readonly spacer: HTMLElement;
  private order: number[] = [];
  private sort: { column: number; descending: boolean } | undefined;
  private frame: number | undefined;

  constructor(private readonly table: MediaTable) {
    this.head = el('tr');
    this.body = el('tbody');
    // Header and rows in two fixed-layout tables of one width: the header stays while the rows scroll.
    const header = el('table', { className: 'media-table' }, el('thead', {}, this.head));
    this.bodyTable = el('table', { className: 'media-table media-table-rows' }, this.body);
    this.spacer = el('div', { className: 'media-table-spacer' });
    this.scroller = el('div', { className: 'media-table-scroll' }, this.spacer, this.bodyTable);
    this.scroller.style.maxHeight = `${ROW_HEIGHT * VIEW_ROWS}px`;
    this.root = el('div', {}, el('div', { className: 'media-table-info' }, `${table.rows.length.toLocaleString('en-US')} rows`), header, this.scroller);
    this.order = table.rows.map((_, i) => i);
    this.spacer.style.height = `${ROW_HEIGHT * table.rows.length}px`;
    table.columns.forEach((name, i) => {
      const button = el('button', { className: 'link', title: `Sort by ${name}` }, name);
      button.addEventListener('click', () => this.sortBy(i));
      this.head.append(el('th', { attrs: { 'aria-sort': 'none' } }, button));
    });
    this.scroller.addEventListener('scroll', () => {
      if (this.frame !== undefined) return;
      this.frame = requestAnimationFrame(() => {
        this.frame = undefined;
        this.draw();
      });
    });
    this.draw();
  }

  private sortBy(column: number): void {
    const descending = this.sort?.column === column ? !this.sort.descending : false;
    this.sort = { column, descending };
    const rows = this.table.rows;
    this.order.sort((a, b) => {
      const d = compareCells(rows[a]?.[column] ?? '', rows[b]?.[column] ?? '');
      return (descending ? -d : d) || a - b;
    });
    Array.from(this.head.children).forEach((th, i) => th.setAttribute('aria-sort', i === column ? (descending ? 'descending' : 'ascending') : 'none'));
    this.draw();
  }

  private draw(): void {
    const first = Math.max(0, Math.floor(this.scroller.scrollTop / ROW_HEIGHT) - 2);
    const last = Math.min(this.order.length, first + VIEW_ROWS + 6);
    clear(this.body);
    // The rows in view sit where they would be in the whole table: moved down by the rows above.
    this.bodyTable.style.top = `${first * ROW_HEIGHT}px`;
    for (let i = first; i < last; i++) {
      const row = this.table.rows[this.order[i] ?? 0] ?? [];
      this.body.append(el('tr', {}, ...row.map((cell) => el('td', {}, cell))));
    }
  }
}
