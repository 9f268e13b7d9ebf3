// The column chooser: a popover with a search box and a checkbox per column, grouped as run, params, metrics.
import { clear, el } from '../shared/dom';
import type { Column, ColumnGroup } from './columns';

export interface ChooserModel {
  columns: readonly Column[];
  isShown(column: Column): boolean;
  /** Columns "only differing" hides right now (same value in every shown run). */
  uniform: ReadonlySet<string>;
  onlyDiffering: boolean;
  /** Whether the user moved columns (then the chooser offers to put them back). */
  rearranged: boolean;
}

export interface ChooserEvents {
  toggle(columnId: string, shown: boolean): void;
  setGroup(ids: string[], shown: boolean): void;
  resetOrder(): void;
}

const groupTitles: Record<ColumnGroup, string> = { run: 'Run', param: 'Params', metric: 'Metrics', summary: 'Summary values' };

export class ColumnChooser {
  readonly element: HTMLDetailsElement;
  private readonly summary: HTMLElement;
  private readonly search: HTMLInputElement;
  private readonly list: HTMLDivElement;
  private model: ChooserModel | undefined;

  constructor(private readonly events: ChooserEvents) {
    this.summary = el('summary', { title: 'Choose the columns to show' }, 'Columns');
    this.search = el('input', { attrs: { type: 'search', placeholder: 'Find a column', 'aria-label': 'Find a column' } });
    this.list = el('div', { className: 'chooser-list' });
    this.element = el('details', { className: 'chooser' }, this.summary, el('div', { className: 'chooser-pop' }, this.search, this.list));
    this.search.addEventListener('input', () => this.renderList());
    // A popover closes when the user clicks anywhere else.
    document.addEventListener('mousedown', (e) => {
      if (this.element.open && e.target instanceof Node && !this.element.contains(e.target)) this.element.open = false;
    });
    this.element.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        this.element.open = false;
        this.summary.focus();
      }
    });
  }

  update(model: ChooserModel): void {
    this.model = model;
    const shown = model.columns.filter((c) => model.isShown(c) && !(model.onlyDiffering && model.uniform.has(c.id))).length;
    this.summary.textContent = `Columns (${shown} of ${model.columns.length})`;
    this.renderList();
  }

  private renderList(): void {
    const model = this.model;
    if (!model) return;
    clear(this.list);
    const needle = this.search.value.trim().toLowerCase();
    if (model.rearranged) {
      const reset = el('button', { className: 'link', attrs: { id: 'reset-column-order' }, title: 'Put the columns back in their natural order' }, 'Reset column order');
      reset.addEventListener('click', () => this.events.resetOrder());
      this.list.append(el('div', { className: 'chooser-group' }, reset));
    }
    for (const group of ['run', 'param', 'metric', 'summary'] as ColumnGroup[]) {
      const columns = model.columns.filter((c) => c.group === group && (!needle || c.label.toLowerCase().includes(needle)));
      if (columns.length === 0) continue;
      const ids = columns.map((c) => c.id);
      const all = el('button', { className: 'link', title: `Show every ${groupTitles[group].toLowerCase()} column listed` }, 'all');
      const none = el('button', { className: 'link', title: `Hide every ${groupTitles[group].toLowerCase()} column listed` }, 'none');
      all.addEventListener('click', () => this.events.setGroup(ids, true));
      none.addEventListener('click', () => this.events.setGroup(ids, false));
      this.list.append(el('div', { className: 'chooser-group' }, el('span', {}, groupTitles[group]), all, none));
      for (const column of columns) {
        const box = el('input', { attrs: { type: 'checkbox' } });
        box.checked = model.isShown(column);
        box.dataset.column = column.id;
        box.addEventListener('change', () => this.events.toggle(column.id, box.checked));
        const same = model.uniform.has(column.id);
        this.list.append(el('label', { className: `chooser-item${same && model.onlyDiffering ? ' muted' : ''}`, title: column.description },
          box, ' ', column.label, same ? el('span', { className: 'hint' }, ' same in all') : null));
      }
    }
  }
}
