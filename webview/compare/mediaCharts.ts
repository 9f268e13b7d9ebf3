// Histograms over steps (a heatmap per run: steps across, values up, counts as intensity; drawn on a plain canvas)
// with the distribution at a chosen step overlaid across runs, PR/ROC and other curves overlaid with their area in
// the legend, and confusion matrices as heatmaps with counts and row-normalised rates. Run-supplied text only
// through textContent and Chart.js labels (drawn on canvas, never parsed).
import { Chart, Legend, LineController, LineElement, LinearScale, PointElement, Tooltip } from 'chart.js';
import { formatNumber } from '../../src/shared/format';
import type { CompareRun } from '../../src/shared/webviews/compare/contract';
import { edgesOf, nearestStep, type CurveItem, type HistogramItem, type KeySeries, type MatrixItem } from '../../src/shared/webviews/media/contract';
import { clear, el } from '../shared/dom';
import { matrixTable } from './mediaMatrix';

// Legend is given to these charts only: registered globally it would add a legend to every metric chart.
Chart.register(LineController, LineElement, PointElement, LinearScale, Tooltip);

const theme = (name: string, fallback: string): string => getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;

function runName(runs: ReadonlyMap<string, CompareRun>, id: string): string {
  return runs.get(id)?.name ?? id;
}

function card(key: string, kind: string, ...children: Node[]): HTMLElement {
  return el('div', { className: 'media-card', attrs: { 'data-key': key, 'data-kind': kind } }, el('div', { className: 'chart-title' }, el('h3', {}, key)), ...children);
}

/** A run's histograms as a heatmap: one column per logged step, each bin shaded by its share of that step's largest. */
function drawHeatmap(canvas: HTMLCanvasElement, steps: readonly number[], items: readonly HistogramItem[], marked: number): void {
  const width = 320; // drawn at this size, shown at the column's width (CSS)
  const height = 140;
  const ratio = window.devicePixelRatio || 1;
  canvas.width = width * ratio;
  canvas.height = height * ratio;
  canvas.style.width = '100%';
  canvas.style.height = `${height}px`;
  const g = canvas.getContext('2d');
  if (!g) return;
  g.scale(ratio, ratio);
  let lo = Infinity;
  let hi = -Infinity;
  for (const item of items) {
    const edges = edgesOf(item);
    lo = Math.min(lo, edges[0] ?? lo);
    hi = Math.max(hi, edges[edges.length - 1] ?? hi);
  }
  if (!(hi > lo)) return;
  const color = theme('--vscode-charts-blue', '#3794ff');
  const columnWidth = width / Math.max(1, items.length);
  const yOf = (v: number): number => height - ((v - lo) / (hi - lo)) * height;
  items.forEach((item, column) => {
    const edges = edgesOf(item);
    const most = Math.max(1, ...item.counts);
    item.counts.forEach((count, bin) => {
      if (count <= 0) return;
      const top = yOf(edges[bin + 1] ?? hi);
      const bottom = yOf(edges[bin] ?? lo);
      g.globalAlpha = 0.1 + 0.9 * (count / most);
      g.fillStyle = color;
      g.fillRect(column * columnWidth, top, Math.max(1, columnWidth), Math.max(1, bottom - top));
    });
  });
  g.globalAlpha = 1;
  if (marked >= 0) {
    g.strokeStyle = theme('--vscode-editor-foreground', '#ccc');
    g.strokeRect(marked * columnWidth + 0.5, 0.5, Math.max(1, columnWidth) - 1, height - 1);
  }
  canvas.setAttribute('aria-label', `histograms over ${steps.length} steps, values ${formatNumber(lo)} to ${formatNumber(hi)}`);
}

export class HistogramCard {
  readonly root: HTMLElement;
  private readonly slider: HTMLInputElement;
  private readonly stepLabel: HTMLElement;
  private readonly heatmaps: { runId: string; canvas: HTMLCanvasElement }[] = [];
  private readonly overlay: Chart;
  private readonly steps: number[];

  constructor(private readonly series: KeySeries<HistogramItem>, private readonly runs: ReadonlyMap<string, CompareRun>) {
    this.steps = [...new Set(series.runs.flatMap((r) => r.steps))].sort((a, b) => a - b);
    this.slider = el('input', { attrs: { type: 'range', min: '0', max: String(Math.max(0, this.steps.length - 1)), step: '1', 'aria-label': `${series.key} step` } });
    this.slider.value = String(Math.max(0, this.steps.length - 1));
    this.stepLabel = el('output', { className: 'media-step' });
    const maps = el('div', { className: 'media-columns' });
    for (const run of series.runs) {
      const canvas = el('canvas', { attrs: { role: 'img' } });
      this.heatmaps.push({ runId: run.runId, canvas });
      maps.append(el('div', { className: 'media-column', attrs: { 'data-run': run.runId } }, el('div', { className: 'media-run' }, runName(runs, run.runId), ` · steps ${run.steps[0] ?? ''}–${run.steps[run.steps.length - 1] ?? ''}`), canvas));
    }
    const overlayCanvas = el('canvas', { attrs: { role: 'img', 'aria-label': `${series.key} distribution at the chosen step` } });
    this.overlay = new Chart(overlayCanvas, {
      type: 'line',
      plugins: [Legend],
      data: { datasets: [] },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false, parsing: false,
        scales: { x: { type: 'linear', title: { display: true, text: 'value' } }, y: { type: 'linear', beginAtZero: true, title: { display: true, text: 'count' } } },
        plugins: { legend: { display: true } },
      },
    });
    this.root = card(series.key, 'histogram',
      maps,
      el('label', { className: 'media-slider' }, 'Distribution at step ', this.slider, ' ', this.stepLabel),
      el('div', { className: 'media-overlay' }, overlayCanvas));
    this.slider.addEventListener('input', () => this.show());
    this.show();
  }

  private show(): void {
    const step = this.steps[Number(this.slider.value)] ?? 0;
    this.stepLabel.textContent = String(step);
    const datasets = [];
    for (const run of this.series.runs) {
      const at = nearestStep(run.steps, step);
      const heatmap = this.heatmaps.find((h) => h.runId === run.runId);
      if (heatmap) drawHeatmap(heatmap.canvas, run.steps, run.items.map((items) => items[0] ?? { counts: [0], min: 0, max: 1 }), at);
      const item = at >= 0 ? run.items[at]?.[0] : undefined;
      if (!item) continue;
      const edges = edgesOf(item);
      // A step outline: each bin's count held across the bin.
      const data = item.counts.flatMap((count, i) => [{ x: edges[i] ?? 0, y: count }, { x: edges[i + 1] ?? 0, y: count }]);
      datasets.push({ label: `${runName(this.runs, run.runId)} (step ${run.steps[at] ?? ''})`, data, borderColor: this.runs.get(run.runId)?.color ?? 'gray', pointRadius: 0, borderWidth: 1.5 });
    }
    this.overlay.data.datasets = datasets;
    this.overlay.update();
  }

  destroy(): void {
    this.overlay.destroy();
  }
}

/** Curves of one key overlaid across runs (the last logged of each run), the area under each in its legend entry. */
export class CurveCard {
  readonly root: HTMLElement;
  private readonly chart: Chart;

  constructor(series: KeySeries<CurveItem>, runs: ReadonlyMap<string, CompareRun>) {
    const canvas = el('canvas', { attrs: { role: 'img', 'aria-label': `${series.key} curves` } });
    const datasets = [];
    let xLabel = 'x';
    let yLabel = 'y';
    for (const run of series.runs) {
      const last = run.items.length - 1;
      for (const item of run.items[last] ?? []) {
        xLabel = item.xLabel;
        yLabel = item.yLabel;
        const area = item.auc === undefined ? '' : ` (${item.kind === 'pr' ? 'AP' : 'AUC'} ${item.auc.toFixed(3)})`;
        datasets.push({
          label: `${runName(runs, run.runId)}${area}`, data: item.x.map((x, i) => ({ x, y: item.y[i] ?? 0 })),
          borderColor: runs.get(run.runId)?.color ?? 'gray', pointRadius: 0, borderWidth: 1.5,
        });
      }
    }
    this.chart = new Chart(canvas, {
      type: 'line',
      plugins: [Legend],
      data: { datasets },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false, parsing: false,
        scales: { x: { type: 'linear', title: { display: true, text: xLabel } }, y: { type: 'linear', title: { display: true, text: yLabel } } },
        plugins: { legend: { display: true } },
      },
    });
    this.root = card(series.key, 'curve', el('div', { className: 'media-overlay' }, canvas),
      el('div', { className: 'media-legend-text', attrs: { 'aria-label': 'areas' } }, datasets.map((d) => d.label).join(' · ')));
  }

  destroy(): void {
    this.chart.destroy();
  }
}

/** Confusion matrices: one heatmap table per run (its last logged), counts with the share of the true label's row. */
export function matrixCard(series: KeySeries<MatrixItem>, runs: ReadonlyMap<string, CompareRun>): HTMLElement {
  const columns = el('div', { className: 'media-columns' });
  for (const run of series.runs) {
    const at = run.items.length - 1;
    const item = run.items[at]?.[0];
    if (!item) continue;
    const table = matrixTable(item);
    columns.append(el('div', { className: 'media-column', attrs: { 'data-run': run.runId } }, el('div', { className: 'media-run' }, runName(runs, run.runId), ` · step ${run.steps[at] ?? ''}`), table));
  }
  return card(series.key, 'confusion_matrix', columns);
}

export function emptyCharts(box: HTMLElement, cards: { destroy(): void }[]): void {
  for (const c of cards.splice(0)) c.destroy();
  clear(box);
}
