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

const tickText = (value: number | string): string => formatNumber(Number(value));

function runName(runs: ReadonlyMap<string, CompareRun>, id: string): string {
  return runs.get(id)?.name ?? id;
}

function card(key: string, kind: string, ...children: Node[]): HTMLElement {
  return el('div', { className: 'media-card', attrs: { 'data-key': key, 'data-kind': kind } }, el('div', { className: 'chart-title' }, el('h3', {}, key)), ...children);
}

const HEATMAP_WIDTH = 320; // drawn at this size (times the pixel ratio), shown at the column's width (CSS)
const HEATMAP_HEIGHT = 140;

/** A CSS colour as RGB, as the browser reads it (a 1×1 canvas): theme colours come in any CSS syntax. */
function rgbOf(color: string): [number, number, number] {
  const probe = document.createElement('canvas');
  probe.width = 1;
  probe.height = 1;
  const g = probe.getContext('2d', { willReadFrequently: true });
  if (!g) return [55, 148, 255];
  g.fillStyle = color;
  g.fillRect(0, 0, 1, 1);
  const [r = 55, gr = 148, b = 255] = g.getImageData(0, 0, 1, 1).data;
  return [r, gr, b];
}

/** A run's heatmap, rasterised once: redrawn on a slider move by one putImageData and the marker. */
interface Heatmap {
  pixels: ImageData | undefined;
  columns: number;
  lo: number;
  hi: number;
}

/**
 * A run's histograms as a heatmap: one column per logged step, each bin shaded by its share of that step's largest.
 * Written pixel by pixel into one ImageData (a few 10,000 pixels) rather than one fillRect per bin and step (100 steps
 * of 64 bins are 6,400 fills with their own alpha per run: the slowest part of opening the Media section).
 */
function rasterHeatmap(g: CanvasRenderingContext2D, items: readonly HistogramItem[], rgb: readonly [number, number, number], ratio: number): Heatmap {
  let lo = Infinity;
  let hi = -Infinity;
  for (const item of items) {
    const edges = edgesOf(item);
    lo = Math.min(lo, edges[0] ?? lo);
    hi = Math.max(hi, edges[edges.length - 1] ?? hi);
  }
  const width = Math.round(HEATMAP_WIDTH * ratio);
  const height = Math.round(HEATMAP_HEIGHT * ratio);
  if (!(hi > lo) || items.length === 0) return { pixels: undefined, columns: items.length, lo, hi };
  const pixels = g.createImageData(width, height);
  const data = pixels.data;
  const [r, gr, b] = rgb;
  const rowOf = (v: number): number => ((hi - v) / (hi - lo)) * height;
  items.forEach((item, column) => {
    const x0 = Math.floor((column * width) / items.length);
    const x1 = Math.max(x0 + 1, Math.floor(((column + 1) * width) / items.length));
    const edges = edgesOf(item);
    let most = 1;
    for (const count of item.counts) if (count > most) most = count;
    item.counts.forEach((count, bin) => {
      if (count <= 0) return;
      const top = Math.max(0, Math.floor(rowOf(edges[bin + 1] ?? hi)));
      const bottom = Math.min(height, Math.max(top + 1, Math.ceil(rowOf(edges[bin] ?? lo))));
      const alpha = Math.round(255 * (0.1 + 0.9 * (count / most)));
      for (let y = top; y < bottom; y++) {
        for (let x = x0; x < x1 && x < width; x++) {
          const at = (y * width + x) * 4;
          // Bins of one step do not overlap; where rounding makes two share a row, the darker wins.
          if ((data[at + 3] ?? 0) >= alpha) continue;
          data[at] = r;
          data[at + 1] = gr;
          data[at + 2] = b;
          data[at + 3] = alpha;
        }
      }
    });
  });
  return { pixels, columns: items.length, lo, hi };
}

/** The heatmap's pixels with the chosen step's column outlined. */
function paintHeatmap(g: CanvasRenderingContext2D, heatmap: Heatmap, marked: number, stroke: string, ratio: number): void {
  g.setTransform(1, 0, 0, 1, 0, 0);
  g.clearRect(0, 0, g.canvas.width, g.canvas.height);
  if (heatmap.pixels) g.putImageData(heatmap.pixels, 0, 0);
  if (marked < 0 || heatmap.columns === 0) return;
  g.setTransform(ratio, 0, 0, ratio, 0, 0);
  const columnWidth = HEATMAP_WIDTH / heatmap.columns;
  g.strokeStyle = stroke;
  g.lineWidth = 1;
  g.strokeRect(marked * columnWidth + 0.5, 0.5, Math.max(1, columnWidth) - 1, HEATMAP_HEIGHT - 1);
}

export class HistogramCard {
  readonly root: HTMLElement;
  private readonly slider: HTMLInputElement;
  private readonly stepLabel: HTMLElement;
  private readonly heatmaps: { runId: string; g: CanvasRenderingContext2D | null; heatmap: Heatmap; at: number }[] = [];
  private readonly stroke: string;
  private readonly ratio = window.devicePixelRatio || 1;
  private readonly overlay: Chart;
  private readonly steps: number[];

  constructor(private readonly series: KeySeries<HistogramItem>, private readonly runs: ReadonlyMap<string, CompareRun>) {
    this.steps = [...new Set(series.runs.flatMap((r) => r.steps))].sort((a, b) => a - b);
    this.slider = el('input', { attrs: { type: 'range', min: '0', max: String(Math.max(0, this.steps.length - 1)), step: '1', 'aria-label': `${series.key} step` } });
    this.slider.value = String(Math.max(0, this.steps.length - 1));
    this.stepLabel = el('output', { className: 'media-step' });
    const maps = el('div', { className: 'media-columns' });
    // Theme colours read once per card: each read after a DOM change would recalculate the page's styles.
    const rgb = rgbOf(theme('--vscode-charts-blue', '#3794ff'));
    this.stroke = theme('--vscode-editor-foreground', '#ccc');
    for (const run of series.runs) {
      const canvas = el('canvas', { attrs: { role: 'img' } });
      canvas.width = Math.round(HEATMAP_WIDTH * this.ratio);
      canvas.height = Math.round(HEATMAP_HEIGHT * this.ratio);
      canvas.style.width = '100%';
      canvas.style.height = `${HEATMAP_HEIGHT}px`;
      const g = canvas.getContext('2d');
      const items = run.items.map((list) => list[0] ?? { counts: [0], min: 0, max: 1 });
      const heatmap = g ? rasterHeatmap(g, items, rgb, this.ratio) : { pixels: undefined, columns: 0, lo: 0, hi: 0 };
      canvas.setAttribute('aria-label', `histograms over ${run.steps.length} steps, values ${formatNumber(heatmap.lo)} to ${formatNumber(heatmap.hi)}`);
      this.heatmaps.push({ runId: run.runId, g, heatmap, at: -2 });
      maps.append(el('div', { className: 'media-column', attrs: { 'data-run': run.runId } }, el('div', { className: 'media-run' }, runName(runs, run.runId), ` · steps ${run.steps[0] ?? ''}–${run.steps[run.steps.length - 1] ?? ''}`), canvas));
    }
    const overlayCanvas = el('canvas', { attrs: { role: 'img', 'aria-label': `${series.key} distribution at the chosen step` } });
    this.overlay = new Chart(overlayCanvas, {
      type: 'line',
      plugins: [Legend],
      data: { datasets: [] },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false, parsing: false,
        // Tick text by the shared formatter (as the metric charts): also spares Chart.js's Intl.NumberFormat, whose first
        // construction in a page costs tens of milliseconds of the Media section's first screen.
        scales: { x: { type: 'linear', title: { display: true, text: 'value' }, ticks: { callback: tickText } }, y: { type: 'linear', beginAtZero: true, title: { display: true, text: 'count' }, ticks: { callback: tickText } } },
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
      // Only a run whose marked step changed is painted again (from its pixels: no re-rasterising).
      if (heatmap?.g && heatmap.at !== at) {
        heatmap.at = at;
        paintHeatmap(heatmap.g, heatmap.heatmap, at, this.stroke, this.ratio);
      }
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
        scales: { x: { type: 'linear', title: { display: true, text: xLabel }, ticks: { callback: tickText } }, y: { type: 'linear', title: { display: true, text: yLabel }, ticks: { callback: tickText } } },
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
