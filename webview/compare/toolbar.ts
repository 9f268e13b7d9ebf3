// The compare page's toolbar: which metrics to chart, the x axis, smoothing, log scale, zoom and export. main.ts wires
// the controls' events to the page's state.
import { xAxisKinds, type XAxisKind } from '../../src/shared/webviews/compare/contract';
import { clear, el } from '../shared/dom';
import { xAxisLabels } from './axis';

export class Toolbar {
  private readonly metricsList = el('div', { className: 'metric-options' });
  private readonly metricsSummary = el('summary', {}, 'Metrics');
  readonly xAxisSelect = el('select', { attrs: { 'aria-label': 'X axis' } });
  readonly smoothingInput = el('input', { attrs: { type: 'range', min: '0', max: '0.99', step: '0.01', 'aria-label': 'Smoothing', id: 'smoothing' } });
  readonly smoothingValue = el('output', { attrs: { for: 'smoothing' } });
  readonly logInput = el('input', { attrs: { type: 'checkbox', id: 'log-scale' } });
  readonly resetZoom = el('button', { title: 'Drag across a chart to zoom; this resets every chart' }, 'Reset zoom');
  readonly syncZoomInput = el('input', { attrs: { type: 'checkbox', id: 'sync-zoom' } });
  readonly exportCsv = el('button', {}, 'Export CSV');
  readonly root: HTMLElement;

  /** `grouping` and `runPicker`: the controls of those parts of the page, placed among these. */
  constructor(grouping: HTMLElement, runPicker: HTMLElement) {
    this.root = el('header', { className: 'toolbar' },
      el('details', { className: 'metrics-picker' }, this.metricsSummary, this.metricsList),
      el('label', {}, 'X axis ', this.xAxisSelect),
      el('label', { className: 'smoothing' }, 'Smoothing ', this.smoothingInput, this.smoothingValue),
      el('label', {}, this.logInput, ' Log scale'),
      grouping,
      el('label', { title: 'Zooming one chart zooms every chart to the same x range' }, this.syncZoomInput, ' Sync zoom'),
      this.resetZoom,
      runPicker,
      this.exportCsv);
  }

  /** Step, time, or any metric the runs logged (x by metric: the host pairs the values by step); `xAxis` chosen. */
  renderXAxisOptions(metrics: readonly string[], xAxis: XAxisKind, xMetric: string | undefined): void {
    const select = this.xAxisSelect;
    clear(select);
    for (const k of xAxisKinds) if (k !== 'metric') select.append(el('option', { attrs: { value: k } }, xAxisLabels[k]));
    if (metrics.length) {
      select.append(el('optgroup', { attrs: { label: 'Metric' } },
        ...metrics.map((m) => el('option', { attrs: { value: `metric:${m}` } }, m))));
    }
    select.value = xAxis === 'metric' && xMetric !== undefined ? `metric:${xMetric}` : xAxis;
  }

  /** A box per metric the runs logged, those charted ticked; `changed` gets the ticked ones after each change. */
  renderMetricPicker(metrics: readonly string[], charted: readonly string[], changed: (next: string[]) => void): void {
    clear(this.metricsList);
    const selected = new Set(charted);
    for (const metric of metrics) {
      const box = el('input', { attrs: { type: 'checkbox' } });
      box.checked = selected.has(metric);
      box.addEventListener('change', () => {
        changed([...this.metricsList.querySelectorAll('input')].filter((i) => i.checked).map((i) => i.dataset.metric as string));
      });
      box.dataset.metric = metric;
      this.metricsList.append(el('label', {}, box, ' ', metric));
    }
    this.metricsSummary.textContent = `Metrics (${charted.length} of ${metrics.length})`;
  }
}
