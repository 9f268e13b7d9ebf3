// The params and metric summary sections under the charts. At 100 runs they are thousands of cells whose building
// and layout cost more than drawing the charts, so a change (data, a hide) rebuilds them after the charts' frame
// has been painted, once however many changes came in that frame; their own controls (sort, only differences)
// rebuild them at once.
import type { CompareData } from '../../src/shared/webviews/compare/contract';
import { clear, el } from '../shared/dom';
import { afterNextPaint } from './paintMarks';
import { summaryValuesTable } from './summaryValues';
import { paramsTable, summaryTable, type TableSort } from './tables';

export interface TablesSource {
  data(): CompareData | undefined;
  visible(runId: string): boolean;
  /** Only differences ticked: the user changed it (saved with the view). */
  onlyDifferentChanged(onlyDifferent: boolean): void;
}

export class CompareTables {
  /** The two sections, in page order. */
  readonly sections: HTMLElement[];
  readonly onlyDiffInput = el('input', { attrs: { type: 'checkbox', id: 'only-diff' } });
  private readonly paramsBox = el('div', { className: 'table-box' });
  private readonly summaryBox = el('div', { className: 'table-box' });
  private readonly sorts: { params?: TableSort; summary?: TableSort } = {};
  private queued = false;

  constructor(private readonly source: TablesSource, onlyDifferent: boolean) {
    this.onlyDiffInput.checked = onlyDifferent;
    this.sections = [
      el('section', { className: 'tables-section' }, el('h2', {}, 'Params ', el('label', { className: 'inline' }, this.onlyDiffInput, ' Only differences')), this.paramsBox),
      el('section', { className: 'tables-section' }, el('h2', {}, 'Metrics summary'), this.summaryBox),
    ];
    this.onlyDiffInput.addEventListener('change', () => {
      this.source.onlyDifferentChanged(this.onlyDiffInput.checked);
      this.render();
    });
  }

  /** Rebuilds once the next frame (with the charts' redraw) has been painted. */
  schedule(): void {
    if (this.queued) return;
    this.queued = true;
    afterNextPaint(() => {
      this.queued = false;
      this.render();
    });
  }

  render(): void {
    const data = this.source.data();
    if (!data) return;
    const visible = (id: string): boolean => this.source.visible(id);
    clear(this.paramsBox);
    this.paramsBox.append(paramsTable(data, this.onlyDiffInput.checked, visible, this.sorts.params, (sort) => {
      this.sorts.params = sort;
      this.render();
    }));
    clear(this.summaryBox);
    this.summaryBox.append(summaryTable(data, visible, this.sorts.summary, (sort) => {
      this.sorts.summary = sort;
      this.render();
    }), summaryValuesTable(data, visible));
  }
}
