import {
  Chart, LinearScale, LogarithmicScale, PointElement, Tooltip, type ChartDataset, type ChartOptions,
} from 'chart.js';
import zoomPlugin from 'chartjs-plugin-zoom';
import { formatNumber } from '../../src/shared/format';
import type { CompareData, CompareRun, LineChange, XAxisKind } from '../../src/shared/webviews/compare/contract';
import { bandsClient } from './bandsClient';
import { drawWhenNear, forgetCard, onScreen, redrawWhenShown } from './chartVisibility';
import { GroupedLines, type GroupingView } from './grouping';
import { concatPoints, linesOf } from './pageData';
import { xAxisTitle, xTicks } from './axis';
import { smoothInto } from './smoothing';
import { translucent } from './translucent';
import type { RedrawRest } from './slicedRedraw';
import { DrawnLine, TypedLineController, nearestIndex, stagedRender, type TypedLine, type TypedLineDataset } from './typedLines';

// Register only what the comparison draws: keeps the webview bundle small.
Chart.register(TypedLineController, PointElement, LinearScale, LogarithmicScale, Tooltip, zoomPlugin);

/** What the panel's shared features (synced zoom) hear from a chart. */
export interface ChartHooks {
  onZoom?(chart: MetricChart, min: number, max: number): void;
}

/** A run's drawn value nearest to an x (the tooltip's rows). */
export interface ValueAt {
  run: CompareRun;
  x: number;
  y: number | null;
}

export interface ChartView {
  smoothing: number;
  logScale: boolean;
  hidden: ReadonlySet<string>;
  /** Runs drawn as groups with bands (grouping.ts); absent: one line per run. */
  grouping?: GroupingView;
}

/** One run's line in one chart: the points as received, and as drawn at the current smoothing. */
export interface ChartLine {
  run: CompareRun;
  xs: Float64Array;
  ys: Float64Array;
}

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

/**
 * One chart per metric. Keeps the received points (typed arrays) so smoothing and visibility redraw without
 * asking the host; Chart.js draws axes, tooltip and zoom, the `typedLine` controller draws the lines.
 * Features hook in through `lines` (what is drawn) and `chart` (once drawn).
 */
export class MetricChart {
  private instance: Chart<'typedLine', never[]> | undefined;
  private lines: ChartLine[];
  private view: ChartView;
  /** The view last drawn; a chart off screen keeps the newer one in `view` until it shows. */
  private drawnView: ChartView | undefined;
  private dirty = false;
  private xAxis: XAxisKind;
  private xMetric: string | undefined;
  /** The run drawn boldly over the others (a legend entry hovered). */
  private highlighted: string | undefined;
  /** Made before its lines came (a new comparison's charts): no Chart.js chart until they do (constructor). */
  private awaitingLines: boolean;
  /** Set while the chart draws groups instead of runs. */
  private grouped: GroupedLines | undefined;
  /** Per line, the buffers its smoothed points are written into (smoothed()). */
  private readonly buffers = new WeakMap<ChartLine, { source: Float64Array; buffers: Float64Array[]; next: number }>();
  /** While set, render() does nothing (made(); redrawInSteps renders once the lines are placed). */
  private renderHeld = false;

  constructor(readonly canvas: HTMLCanvasElement, readonly metric: string, data: CompareData, view: ChartView, private readonly hooks: ChartHooks = {}) {
    this.lines = linesOf(data, metric);
    this.view = view;
    this.xAxis = data.xAxis;
    this.xMetric = data.xMetric;
    // A chart whose lines are on their way shows "Loading…" (pendingCharts.ts): an empty Chart.js chart drawn under it
    // would cost a layout and a draw in the task that builds the page, before the lines of the charts in view.
    this.awaitingLines = data.pendingMetrics?.includes(metric) === true;
    if (!this.awaitingLines) drawWhenNear(this.card, () => this.draw());
  }

  private get card(): Element {
    return this.canvas.closest('.chart-card') ?? this.canvas;
  }

  /** Lines came (a `lines` message or live changes): a chart not yet made is drawn once near the screen. */
  private linesCame(): void {
    if (!this.awaitingLines) return;
    this.awaitingLines = false;
    if (!this.instance) drawWhenNear(this.card, () => this.draw());
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
    const ticks = xTicks(this.xAxis);
    const build = ticks.build;
    return {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'typedNearest', intersect: false },
      scales: {
        x: {
          type: 'linear',
          title: { display: true, text: xAxisTitle(this.xAxis, this.xMetric), color: fg },
          ticks: { color: fg, maxTicksLimit: ticks.maxTicks, callback: (v, i, all) => ticks.label(Number(v), i, all.map((t) => t.value)) },
          grid: { color: grid },
          ...(build ? { afterBuildTicks: (scale: { min: number; max: number; ticks: Array<{ value: number }> }) => { scale.ticks = build(scale.min, scale.max).map((value) => ({ value })); } } : {}),
        },
        y: {
          type: this.view.logScale ? 'logarithmic' : 'linear',
          ticks: { color: fg, maxTicksLimit: 6, callback: (v) => formatNumber(Number(v)) },
          grid: { color: grid },
        },
      },
      plugins: {
        // The panel's own tooltip (tooltip.ts) lists every run at the hovered x.
        tooltip: { enabled: false },
        zoom: {
          zoom: {
            drag: { enabled: true, backgroundColor: 'rgba(100,150,255,0.15)' }, wheel: { enabled: false }, mode: 'x',
            onZoomComplete: ({ chart }) => this.hooks.onZoom?.(this, chart.scales.x?.min ?? 0, chart.scales.x?.max ?? 0),
          },
          pan: { enabled: false },
        },
      },
    };
  }

  /** One run's line as drawn: its points (smoothed), colour and visibility. */
  private typedLine(line: ChartLine, ys: Float64Array): TypedLine {
    const typed = new DrawnLine(line.xs, ys, line.run.color, this.lineWidth(), this.view.hidden.has(line.run.id), false);
    this.style(typed, line);
    return typed;
  }

  /** The chart's one dataset: every run's line (typedLines.ts says why not a dataset per run). */
  private runsDataset(): TypedLineDataset {
    const lines = this.lines.map((line) => this.typedLine(line, this.smoothed(line, this.view.smoothing)));
    return { type: 'typedLine', label: this.metric, data: [], xs: new Float64Array(0), ys: new Float64Array(0), borderColor: '#888', lines } as unknown as TypedLineDataset;
  }

  /**
   * A line's points at `weight`: the received array unsmoothed, else smoothed into one of two buffers kept per line
   * (alternating, so the array drawn last is never overwritten under its cached path; typedLines.ts keys on it).
   */
  private smoothed(line: ChartLine, weight: number): Float64Array {
    if (weight <= 0) return line.ys;
    let held = this.buffers.get(line);
    if (!held || held.source !== line.ys) {
      held = { source: line.ys, buffers: [], next: 0 };
      this.buffers.set(line, held);
    }
    // The second buffer only once a second smoothing comes (one change costs what it did: one array).
    const out = held.buffers[held.next] ?? new Float64Array(line.ys.length);
    held.buffers[held.next] = out;
    held.next = 1 - held.next;
    return smoothInto(line.ys, weight, out);
  }

  /** Many lines: one pixel (the hairline raster, ~10× cheaper); a few lines keep the bolder 1.5 px. */
  private lineWidth(): number {
    return this.lines.length > 12 ? 1 : 1.5;
  }

  /** Colour, width and stacking order: a highlighted run bold and on top, the others faded. */
  private style(typed: TypedLine, line: ChartLine): void {
    const runId = this.highlighted;
    const on = runId === undefined || line.run.id === runId;
    typed.borderColor = on ? line.run.color : translucent(line.run.color, 0.15);
    // One pixel: the rasteriser's hairline path (typedLines.ts); only the highlighted run is drawn thicker.
    typed.borderWidth = runId !== undefined && on ? 2.5 : this.lineWidth();
    typed.onTop = runId !== undefined && on;
  }

  /**
   * A new chart whose render() (where Chart.js' update ends) can be held back: set once, so the chart keeps one shape
   * (an inline plugin per chart, or a property added and removed per redraw, went with slower controls in the editor).
   */
  private made(chart: Chart<'typedLine', never[]>): Chart<'typedLine', never[]> {
    const render = chart.render.bind(chart);
    chart.render = (): void => {
      if (!this.renderHeld) render();
    };
    return chart;
  }

  /** Draws now (first time) or brings the drawn chart up to the current view and points. */
  private draw(): void {
    const view = this.view;
    const smoothingChanged = this.drawnView?.smoothing !== view.smoothing;
    if (view.grouping) {
      this.drawGroups(view, view.grouping);
      return;
    }
    const datasets = this.instance?.data.datasets as unknown as TypedLineDataset[] | undefined;
    const runs = datasets?.length === 1 ? datasets[0]?.lines : undefined;
    if (!this.instance) {
      this.instance = this.made(new Chart(this.canvas, { type: 'typedLine', data: { datasets: [this.runsDataset()] as unknown as Array<ChartDataset<'typedLine', never[]>> }, options: this.options() }));
    } else {
      if (this.grouped || !runs || !datasets) {
        // Ungrouped (or never drawn by run): the runs' dataset made anew.
        this.grouped = undefined;
        this.instance.data.datasets = [this.runsDataset()] as unknown as Array<ChartDataset<'typedLine', never[]>>;
      } else {
        for (let d = 0; d < this.lines.length; d++) {
          const line = this.lines[d];
          if (!line) continue;
          const typed = runs[d];
          if (!typed || typed.xs !== line.xs) {
            runs[d] = this.typedLine(line, this.smoothed(line, view.smoothing));
            continue;
          }
          // The same line with new values: only what changed is redone (a smoothing is one pass over its points).
          if (smoothingChanged) typed.ys = this.smoothed(line, view.smoothing);
          typed.hidden = view.hidden.has(line.run.id);
          this.style(typed, line);
        }
        runs.length = this.lines.length;
      }
      const y = this.instance.options.scales?.y;
      if (y) (y as { type: string }).type = view.logScale ? 'logarithmic' : 'linear';
      this.instance.update('none');
    }
    this.drawnView = { ...view, hidden: new Set(view.hidden) };
    this.dirty = false;
  }

  private drawGroups(view: ChartView, grouping: GroupingView): void {
    this.grouped ??= new GroupedLines(bandsClient(), () => { if (this.grouped) this.update(this.view); });
    const datasets = this.grouped.datasets(this.lines, grouping, view.smoothing) ?? (this.instance ? undefined : []);
    if (!datasets) return; // the worker is aggregating: the chart keeps what it shows until onBands redraws it
    if (!this.instance) this.instance = this.made(new Chart(this.canvas, { type: 'typedLine', data: { datasets }, options: this.options() }));
    else {
      this.instance.data.datasets = datasets;
      const y = this.instance.options.scales?.y;
      if (y) (y as { type: string }).type = view.logScale ? 'logarithmic' : 'linear';
      this.instance.update('none');
    }
    this.drawnView = { ...view, hidden: new Set(view.hidden) };
    this.dirty = false;
  }

  /**
   * The same runs and metric with new points (another x axis, or the comparison sent again): the canvas and the
   * Chart.js chart stay, only the lines and the x axis change (a new axis starts unzoomed: its units differ).
   */
  replaceData(data: CompareData, view: ChartView): void {
    this.lines = linesOf(data, this.metric);
    const axisChanged = this.xAxis !== data.xAxis || this.xMetric !== data.xMetric;
    this.xAxis = data.xAxis;
    this.xMetric = data.xMetric;
    if (this.instance && axisChanged) {
      // Unzoomed first (only when zoomed: a reset redraws), then the new axis' options.
      if ((this.instance as unknown as { isZoomedOrPanned?(): boolean }).isZoomedOrPanned?.()) this.resetZoom();
      this.instance.options = this.options();
    }
    this.update(view);
    if (!data.pendingMetrics?.includes(this.metric)) this.linesCame();
  }

  /** A smoothing, scale or visibility change: redrawn now if on screen, else when it scrolls into view. */
  update(view: ChartView): void {
    this.view = view;
    this.dirty = true;
    if (!this.instance) return;
    redrawWhenShown(this.card, () => { if (this.dirty) this.draw(); });
  }

  /**
   * The slider's redraw in steps of a few ms (a task each: slicedRedraw.ts): new values and scales now (Chart.js'
   * update, its render held back), the rest by stagedRender. Off screen, not yet made or grouped: update().
   */
  redrawInSteps(view: ChartView): RedrawRest | undefined {
    const chart = this.instance;
    if (!chart || view.grouping || this.grouped || !onScreen(this.card)) {
      this.update(view);
      return undefined;
    }
    this.view = view;
    this.renderHeld = true;
    try {
      this.draw();
    } finally {
      this.renderHeld = false;
    }
    return stagedRender(chart, () => this.instance === chart);
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
      if (change.mode === 'replace') {
        line.xs = change.xs;
        line.ys = change.ys;
      } else {
        line.xs = concatPoints(line.xs, change.xs);
        line.ys = concatPoints(line.ys, change.ys);
      }
      touched = true;
    }
    if (touched) {
      // Lines that came as live changes before their `lines` message: the chart is no longer waiting.
      this.card.classList.remove('loading');
      this.update(view);
      this.linesCame();
    }
  }

  /** Every run's drawn point nearest to x, for runs whose line reaches that far (within `slack` of its ends). */
  valuesAt(x: number, slack: number): ValueAt[] {
    if (this.grouped) return this.grouped.valuesAt(x, slack);
    const out: ValueAt[] = [];
    const drawn = (this.instance?.data.datasets[0] as unknown as TypedLineDataset | undefined)?.lines;
    this.lines.forEach((line, d) => {
      const xs = line.xs;
      const n = xs.length;
      const first = xs[0];
      const last = xs[n - 1];
      if (first === undefined || last === undefined || x < first - slack || x > last + slack) return;
      const i = nearestIndex(xs, x);
      // The value as drawn (smoothed), else as received.
      const y = drawn?.[d]?.ys[i] ?? line.ys[i];
      out.push({ run: line.run, x: xs[i] ?? x, y: y !== undefined && Number.isFinite(y) ? y : null });
    });
    return out;
  }

  /** The plot area in canvas CSS pixels, and conversions between x values and pixels. */
  plotArea(): { left: number; right: number; top: number; bottom: number } {
    const a = this.instance?.chartArea;
    return a ? { left: a.left, right: a.right, top: a.top, bottom: a.bottom } : { left: 0, right: 0, top: 0, bottom: 0 };
  }

  pixelToX(px: number): number {
    return this.instance?.scales.x?.getValueForPixel(px) ?? Number.NaN;
  }

  xToPixel(x: number): number {
    return this.instance?.scales.x?.getPixelForValue(x) ?? Number.NaN;
  }

  /** Zooms to an x range (another chart's, when zoom is synced). */
  setXRange(min: number, max: number): void {
    (this.instance as unknown as { zoomScale?(id: string, range: { min: number; max: number }, mode: string): void } | undefined)?.zoomScale?.('x', { min, max }, 'none');
  }

  /** One run drawn boldly and the others faded (a legend entry hovered); undefined draws all alike. */
  highlight(runId: string | undefined): void {
    if (this.highlighted === runId) return;
    this.highlighted = runId;
    this.update(this.view);
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
    forgetCard(this.card);
    this.instance?.destroy();
    this.instance = undefined;
  }
}
