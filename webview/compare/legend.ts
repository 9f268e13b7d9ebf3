// The runs' legend, built to scale to a hundred runs: a search box, show/hide of the matching runs, a click to
// hide one run, a hover that highlights the run in every chart, and a button to take a run out of the comparison.
import type { CompareRun } from '../../src/shared/webviews/compare/contract';
import { clear, el } from '../shared/dom';

export interface LegendActions {
  /** Hides or shows runs (all of `ids` to `hidden`). */
  setHidden(ids: readonly string[], hidden: boolean): void;
  /** Removes a run from the comparison. */
  remove(runId: string): void;
  /** A run hovered (undefined: none). */
  highlight(runId: string | undefined): void;
}

export function matchesQuery(run: CompareRun, query: string): boolean {
  const q = query.trim().toLowerCase();
  return q === '' || run.name.toLowerCase().includes(q) || run.experiment.toLowerCase().includes(q) || run.id.toLowerCase().includes(q);
}

export class Legend {
  readonly root: HTMLElement;
  private readonly list = el('div', { className: 'legend', attrs: { role: 'group', 'aria-label': 'Runs (click to hide or show)' } });
  private readonly search = el('input', { className: 'legend-search', attrs: { type: 'search', placeholder: 'Search runs', 'aria-label': 'Search runs' } });
  private readonly count = el('span', { className: 'legend-count' });
  private readonly showAll = el('button', { className: 'small', title: 'Show the runs that match the search' }, 'Show all');
  private readonly hideAll = el('button', { className: 'small', title: 'Hide the runs that match the search' }, 'Hide all');
  private runs: readonly CompareRun[] = [];
  private hidden: ReadonlySet<string> = new Set();

  constructor(private readonly actions: LegendActions) {
    this.root = el('div', { className: 'legend-box' },
      el('div', { className: 'legend-tools' }, this.search, this.showAll, this.hideAll, this.count), this.list);
    this.search.addEventListener('input', () => this.filter());
    this.showAll.addEventListener('click', () => this.actions.setHidden(this.matching(), false));
    this.hideAll.addEventListener('click', () => this.actions.setHidden(this.matching(), true));
    this.list.addEventListener('mouseleave', () => this.actions.highlight(undefined));
  }

  private matching(): string[] {
    return this.runs.filter((r) => matchesQuery(r, this.search.value)).map((r) => r.id);
  }

  render(runs: readonly CompareRun[], hidden: ReadonlySet<string>): void {
    this.runs = runs;
    this.hidden = hidden;
    clear(this.list);
    for (const run of runs) {
      const off = hidden.has(run.id);
      const swatch = el('span', { className: 'swatch' });
      swatch.style.background = run.color;
      const item = el('button', { className: `legend-item${off ? ' off' : ''}`, title: `${run.experiment} · ${run.status} · ${run.id}`, attrs: { 'aria-pressed': String(!off) } }, swatch, run.name);
      item.addEventListener('click', () => this.actions.setHidden([run.id], !this.hidden.has(run.id)));
      const remove = el('button', { className: 'legend-remove', title: `Remove ${run.name} from the comparison`, attrs: { 'aria-label': `Remove ${run.name} from the comparison` } }, '×');
      remove.disabled = runs.length <= 1;
      remove.addEventListener('click', () => this.actions.remove(run.id));
      const entry = el('span', { className: 'legend-entry', attrs: { 'data-run': run.id } }, item, remove);
      entry.addEventListener('mouseenter', () => this.actions.highlight(run.id));
      this.list.append(entry);
    }
    this.filter();
  }

  /**
   * Only which runs are hidden changed (same runs): each entry is restyled in place, so hiding one of 100 runs
   * touches 100 class names instead of rebuilding 100 entries and their listeners.
   */
  restyle(hidden: ReadonlySet<string>): void {
    this.hidden = hidden;
    for (const item of this.list.querySelectorAll<HTMLElement>('.legend-item')) {
      const id = item.parentElement?.dataset.run;
      const off = id !== undefined && hidden.has(id);
      item.classList.toggle('off', off);
      item.setAttribute('aria-pressed', String(!off));
    }
    this.filter();
  }

  /** Entries not matching the search are hidden from the legend (not from the charts). */
  private filter(): void {
    const query = this.search.value;
    const byId = new Map(this.runs.map((r) => [r.id, r]));
    let shown = 0;
    for (const entry of this.list.querySelectorAll<HTMLElement>('.legend-entry')) {
      const run = entry.dataset.run === undefined ? undefined : byId.get(entry.dataset.run);
      const match = run !== undefined && matchesQuery(run, query);
      entry.hidden = !match;
      if (match) shown++;
    }
    const visible = this.runs.filter((r) => !this.hidden.has(r.id)).length;
    this.count.textContent = query.trim()
      ? `${shown} of ${this.runs.length} runs match · ${visible} drawn`
      : `${this.runs.length} runs · ${visible} drawn`;
  }
}
