import {
  Chart, LinearScale, LogarithmicScale, PointElement, Tooltip, type ChartDataset, type ChartOptions,
} from 'chart.js';
import zoomPlugin from 'chartjs-plugin-zoom';
import { formatNumber } from '../../src/shared/format';
import type { CompareData, CompareRun, LineChange, XAxisKind } from '../../src/shared/webviews/compare/contract';
import { fromWireNumber, type WireNumber } from '../../src/shared/webviews/wireValue';
import { formatX, formatXFull, xAxisLabels } from './axis';
import { smooth } from './smoothing';
import { TypedLineController, type TypedLineDataset } from './typedLines';

// Register only what the comparison draws: keeps the webview bundle small.
Chart.register(TypedLineController, PointElement, LinearScale, LogarithmicScale, Tooltip, zoomPlugin);

export interface ChartView {
  smoothing: number;
  logScale: boolean;
  hidden: ReadonlySet<string>;
}

/** One run's line in one chart: the points as received, and as drawn at the current smoothing. */
export interface ChartLine {
  run: CompareRun;
  xs: Float64Array;
  ys: Float64Array;
}

/** A flat [x0, y0, x1, y1, …] list of wire numbers as typed arrays (non-finite y as NaN/±Infinity: a gap). */
export function toArrays(points: readonly WireNumber[]): { xs: Float64Array; ys: Float64Array } {
  const n = Math.floor(points.length / 2);
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = points[2 * i];
    const y = points[2 * i + 1];
    xs[i] = typeof x === 'number' ? x : Number.NaN;
    ys[i] = y === undefined ? Number.NaN : fromWireNumber(y);
  }
  return { xs, ys };
}

/** `a` then `b`, in one new array (live runs append points). */
export function concatPoints(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

/**
 * Draws a chart when its card is (about to be) on screen, and redraws a hidden one only once it shows again: a
 * comparison of many metrics costs only what is in view. Pages without IntersectionObserver draw everything.
 */
const pending = new Map<Element, () => void>();
const observer = typeof IntersectionObserver === 'function'
  ? new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      const show = pending.get(entry.target);
      pending.delete(entry.target);
      observer?.unobserve(entry.target);
      show?.();
    }
  }, { rootMargin: '200px 0px' })
  : undefined;

function inView(element: Element): boolean {
  if (!observer) return true;
  const r = element.getBoundingClientRect();
  return r.bottom >= -200 && r.top <= window.innerHeight + 200;
}

/**
 * One chart per metric. Keeps the received points (typed arrays) so smoothing and visibility redraw without
 * asking the host; Chart.js draws axes, tooltip and zoom, the `typedLine` controller draws the lines.
 * Features hook in through `lines` (what is drawn), `chart` (once drawn) and `onDrawn`.
 */
export class MetricChart {
  private instance: Chart<'typedLine', never[]> | undefined;
  private readonly lines: ChartLine[] = [];
  private view: ChartView;
  /** The view last drawn; a chart off screen keeps the newer one in `view` until it shows. */
  private drawnView: ChartView | undefined;
  private dirty = false;
  private readonly xAxis: XAxisKind;
  /** Called after each (re)draw of this chart, e.g. to sync overlays. */
  onDrawn: ((chart: MetricChart) => void) | undefined;

  constructor(readonly canvas: HTMLCanvasElement, readonly metric: string, data: CompareData, view: ChartView) {
    const runs = new Map(data.runs.map((r) => [r.id, r]));
    for (const line of data.lines) {
      const run = runs.get(line.runId);
      if (line.metric !== metric || !run) continue;
      this.lines.push({ run, ...toArrays(line.points) });
    }
    this.view = view;
    this.xAxis = data.xAxis;
    const card = canvas.closest('.chart-card') ?? canvas;
    if (inView(card)) this.draw();
    else {
      pending.set(card, () => this.draw());
      observer?.observe(card);
    }
  }

  /** The Chart.js chart, once the card has been on screen. */
  get chart(): Chart<'typedLine', never[]> | undefined {
    return this.instance;
  }

  get drawnLines(): readonly ChartLine[] {
    return this.lines;
  }

  private options(): ChartOptions<'typedLine'> {
    const fg = cssVar('--vscode-foreground', '#888');
    const grid = cssVar('--vscode-editorWidget-border', 'rgba(128,128,128,0.25)');
    const xAxis = this.xAxis;
    return {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'typedNearest', intersect: false },
      scales: {
        x: {
          type: 'linear',
          title: { display: true, text: xAxisLabels[xAxis], color: fg },
          ticks: { color: fg, maxTicksLimit: 8, callback: (v) => formatX(Number(v), xAxis) },
          grid: { color: grid },
        },
        y: {
          type: this.view.logScale ? 'logarithmic' : 'linear',
          ticks: { color: fg, maxTicksLimit: 6, callback: (v) => formatNumber(Number(v)) },
          grid: { color: grid },
        },
      },
      plugins: {
        tooltip: {
          callbacks: {
            title: (items) => (items[0] ? `${xAxisLabels[xAxis]} ${formatXFull(items[0].parsed.x ?? 0, xAxis)}` : ''),
            label: (item) => `${(item.dataset as { label?: string }).label ?? ''}: ${formatNumber(item.parsed.y ?? Number.NaN)}`,
          },
        },
        zoom: {
          zoom: { drag: { enabled: true, backgroundColor: 'rgba(100,150,255,0.15)' }, wheel: { enabled: false }, mode: 'x' },
          pan: { enabled: false },
        },
      },
    };
  }

  private dataset(line: ChartLine, ys: Float64Array): TypedLineDataset {
    return {
      type: 'typedLine', label: line.run.name, data: [], xs: line.xs, ys, borderColor: line.run.color, borderWidth: 1.5,
      hidden: this.view.hidden.has(line.run.id),
    } as unknown as TypedLineDataset;
  }

  /** Draws now (first time) or brings the drawn chart up to the current view and points. */
  private draw(): void {
    const view = this.view;
    const smoothingChanged = this.drawnView?.smoothing !== view.smoothing;
    if (!this.instance) {
      const datasets = this.lines.map((line) => this.dataset(line, smooth(line.ys, view.smoothing)));
      this.instance = new Chart(this.canvas, { type: 'typedLine', data: { datasets: datasets as unknown as Array<ChartDataset<'typedLine', never[]>> }, options: this.options() });
    } else {
      const datasets = this.instance.data.datasets as unknown as TypedLineDataset[];
      for (let d = 0; d < this.lines.length; d++) {
        const line = this.lines[d];
        if (!line) continue;
        const ds = datasets[d];
        if (!ds || ds.xs !== line.xs || smoothingChanged) {
          datasets[d] = this.dataset(line, smooth(line.ys, view.smoothing));
          continue;
        }
        ds.hidden = view.hidden.has(line.run.id);
        ds.label = line.run.name;
        ds.borderColor = line.run.color;
      }
      datasets.length = this.lines.length;
      const y = this.instance.options.scales?.y;
      if (y) (y as { type: string }).type = view.logScale ? 'logarithmic' : 'linear';
      this.instance.update('none');
    }
    this.drawnView = { ...view, hidden: new Set(view.hidden) };
    this.dirty = false;
    this.onDrawn?.(this);
  }

  /** A smoothing, scale or visibility change: redrawn now if on screen, else when it scrolls into view. */
  update(view: ChartView): void {
    this.view = view;
    this.dirty = true;
    if (!this.instance) return;
    const card = this.canvas.closest('.chart-card') ?? this.canvas;
    if (inView(card)) this.draw();
    else if (!pending.has(card)) {
      pending.set(card, () => { if (this.dirty) this.draw(); });
      observer?.observe(card);
    }
  }

  /** Live runs: append new points or replace lines in place; only a chart whose lines changed redraws. */
  applyChanges(changes: readonly LineChange[], runs: ReadonlyMap<string, CompareRun>, view: ChartView): void {
    let touched = false;
    for (const change of changes) {
      if (change.metric !== this.metric) continue;
      const run = runs.get(change.runId);
      if (!run) continue;
      let line = this.lines.find((l) => l.run.id === change.runId);
      if (!line) {
        line = { run, xs: new Float64Array(0), ys: new Float64Array(0) };
        this.lines.push(line);
      }
      line.run = run;
      const added = toArrays(change.points);
      if (change.mode === 'replace') {
        line.xs = added.xs;
        line.ys = added.ys;
      } else {
        line.xs = concatPoints(line.xs, added.xs);
        line.ys = concatPoints(line.ys, added.ys);
      }
      touched = true;
    }
    if (touched) this.update(view);
  }

  resetZoom(): void {
    (this.instance as unknown as { resetZoom?(): void } | undefined)?.resetZoom?.();
  }

  png(): string {
    if (!this.instance || this.dirty) this.draw();
    return this.instance?.toBase64Image('image/png', 1) ?? '';
  }

  get lineCount(): number {
    return this.lines.length;
  }

  destroy(): void {
    const card = this.canvas.closest('.chart-card') ?? this.canvas;
    pending.delete(card);
    observer?.unobserve(card);
    this.instance?.destroy();
  }
}
