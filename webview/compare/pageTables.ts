// The params and metric summary sections under the charts. At 100 runs they are thousands of cells whose building,
// styling and layout cost more than drawing the charts (4,000 elements: 150-230 ms in one task in the editor, which
// held back the lines of the charts in view), so a change (data, a hide) rebuilds a section once the charts' frame
// has been painted and only when the section is near the screen (below the charts it usually is not: it is built
// as it scrolls in), once however many changes came meanwhile; their own controls (sort, only differences) rebuild
// them at once.
import type { CompareData } from '../../src/shared/webviews/compare/contract';
import { clear, el } from '../shared/dom';
import { drawWhenNear } from './chartVisibility';
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
      this.renderParams();
    });
  }

  /** Rebuilds each section once the next frame (with the charts' redraw) has been painted and it is near the screen. */
  schedule(): void {
    if (this.queued) return;
    this.queued = true;
    afterNextPaint(() => {
      this.queued = false;
      const [params, summary] = this.sections as [HTMLElement, HTMLElement];
      drawWhenNear(params, () => this.renderParams());
      drawWhenNear(summary, () => this.renderSummary());
    });
  }

  private renderParams(): void {
    const data = this.source.data();
    if (!data) return;
    clear(this.paramsBox);
    this.paramsBox.append(paramsTable(data, this.onlyDiffInput.checked, (id) => this.source.visible(id), this.sorts.params, (sort) => {
      this.sorts.params = sort;
      this.renderParams();
    }));
  }

  private renderSummary(): void {
    const data = this.source.data();
    if (!data) return;
    const visible = (id: string): boolean => this.source.visible(id);
    clear(this.summaryBox);
    this.summaryBox.append(summaryTable(data, visible, this.sorts.summary, (sort) => {
      this.sorts.summary = sort;
      this.renderSummary();
    }), summaryValuesTable(data, visible));
  }
}
