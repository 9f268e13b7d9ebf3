import {
  Chart, LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip,
  type ChartDataset, type ChartOptions, type ScatterDataPoint,
} from 'chart.js';
import zoomPlugin from 'chartjs-plugin-zoom';
import { formatNumber } from '../../src/shared/format';
import type { CompareData, CompareRun, LineChange, XAxisKind } from '../../src/shared/webviews/compare/contract';
import type { WireNumber } from '../../src/shared/webviews/wireValue';
import { xAxisTitle, xTicks } from './axis';
import { smooth } from './smoothing';

// Register only what the comparison draws: keeps the webview bundle small.
Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip, zoomPlugin);

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

/** A lone point has no line to draw: it gets a marker. */
const markerRadius = (points: number): number => (points === 1 ? 4 : 0);

/** A run's colour faded, for the runs not highlighted. */
function dimmed(color: string): string {
  if (color.startsWith('hsl(')) return `hsla(${color.slice(4, -1)}, 0.15)`;
  if (/^#[0-9a-f]{6}$/i.test(color)) return `${color}26`;
  return color;
}

export interface ChartView {
  smoothing: number;
  logScale: boolean;
  hidden: ReadonlySet<string>;
}

interface RawLine {
  run: CompareRun;
  xs: number[];
  /** Non-finite values (NaN, ±∞) as null: the line shows a gap there. */
  ys: Array<number | null>;
}

/** Appends a flat [x, y, …] list of wire numbers to a line's points. */
function appendPoints(line: RawLine, points: readonly WireNumber[]): void {
  for (let i = 0; i + 1 < points.length; i += 2) {
    const x = points[i];
    const y = points[i + 1];
    line.xs.push(typeof x === 'number' ? x : Number.NaN);
    line.ys.push(typeof y === 'number' ? y : null);
  }
}

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

/** One chart per metric; keeps raw points so smoothing and visibility redraw without asking the host. */
export class MetricChart {
  readonly chart: Chart<'line', ScatterDataPoint[]>;
  private readonly lines: RawLine[];

  private highlighted: string | undefined;

  constructor(readonly canvas: HTMLCanvasElement, readonly metric: string, data: CompareData, view: ChartView, hooks: ChartHooks = {}) {
    const runs = new Map(data.runs.map((r) => [r.id, r]));
    this.lines = [];
    for (const line of data.lines) {
      const run = runs.get(line.runId);
      if (line.metric !== metric || !run) continue;
      const raw: RawLine = { run, xs: [], ys: [] };
      appendPoints(raw, line.points);
      this.lines.push(raw);
    }
    const fg = cssVar('--vscode-foreground', '#888');
    const grid = cssVar('--vscode-editorWidget-border', 'rgba(128,128,128,0.25)');
    const xAxis: XAxisKind = data.xAxis;
    const ticks = xTicks(xAxis);
    const build = ticks.build;
    const options: ChartOptions<'line'> = {
      animation: false,
      parsing: false,
      normalized: true,
      responsive: true,
      maintainAspectRatio: false,
      spanGaps: false,
      interaction: { mode: 'nearest', intersect: false },
      elements: { point: { radius: 0, hoverRadius: 3 }, line: { borderWidth: 1.5, tension: 0 } },
      scales: {
        x: {
          type: 'linear',
          title: { display: true, text: xAxisTitle(xAxis, data.xMetric), color: fg },
          ticks: { color: fg, maxTicksLimit: ticks.maxTicks, callback: (v, i, all) => ticks.label(Number(v), i, all.map((t) => t.value)) },
          grid: { color: grid },
          ...(build ? { afterBuildTicks: (scale: { min: number; max: number; ticks: Array<{ value: number }> }) => { scale.ticks = build(scale.min, scale.max).map((value) => ({ value })); } } : {}),
        },
        y: {
          type: view.logScale ? 'logarithmic' : 'linear',
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
            onZoomComplete: ({ chart }) => hooks.onZoom?.(this, chart.scales.x?.min ?? 0, chart.scales.x?.max ?? 0),
          },
          pan: { enabled: false },
        },
      },
    };
    this.chart = new Chart(canvas, { type: 'line', data: { datasets: this.datasets(view) }, options });
  }

  private datasets(view: ChartView): Array<ChartDataset<'line', ScatterDataPoint[]>> {
    return this.lines.map((line) => {
      const ys = smooth(line.ys, view.smoothing);
      const points: ScatterDataPoint[] = new Array(line.xs.length);
      for (let i = 0; i < line.xs.length; i++) points[i] = { x: line.xs[i] ?? 0, y: ys[i] as number };
      return {
        label: line.run.name,
        data: points,
        borderColor: line.run.color,
        backgroundColor: line.run.color,
        pointRadius: markerRadius(line.xs.length),
        hidden: view.hidden.has(line.run.id),
      };
    });
  }

  /** Live runs: append new points or replace lines in place, then redraw without rebuilding the chart. */
  applyChanges(changes: readonly LineChange[], runs: ReadonlyMap<string, CompareRun>, view: ChartView): void {
    let touched = false;
    for (const change of changes) {
      if (change.metric !== this.metric) continue;
      const run = runs.get(change.runId);
      if (!run) continue;
      let line = this.lines.find((l) => l.run.id === change.runId);
      if (!line) {
        line = { run, xs: [], ys: [] };
        this.lines.push(line);
      }
      line.run = run;
      if (change.mode === 'replace') {
        line.xs = [];
        line.ys = [];
      }
      appendPoints(line, change.points);
      touched = true;
    }
    if (touched) this.update(view);
  }

  /**
   * Redraw after a smoothing, scale or visibility change, without rebuilding the chart: existing datasets
   * and their point objects are updated in place (Chart.js then reuses its metadata), new lines are added.
   */
  update(view: ChartView): void {
    const datasets = this.chart.data.datasets;
    if (datasets.length !== this.lines.length) {
      this.chart.data.datasets = this.datasets(view);
    } else {
      for (let d = 0; d < this.lines.length; d++) {
        const line = this.lines[d];
        const ds = datasets[d];
        if (!line || !ds) continue;
        const ys = smooth(line.ys, view.smoothing);
        const points = ds.data;
        if (points.length > line.xs.length) points.length = line.xs.length;
        for (let i = 0; i < line.xs.length; i++) {
          const p = points[i];
          const x = line.xs[i] ?? 0;
          if (p) {
            p.x = x;
            p.y = ys[i] as number;
          } else {
            points[i] = { x, y: ys[i] as number };
          }
        }
        ds.hidden = view.hidden.has(line.run.id);
        ds.label = line.run.name;
        ds.pointRadius = markerRadius(line.xs.length);
      }
    }
    const y = this.chart.options.scales?.y;
    if (y) (y as { type: string }).type = view.logScale ? 'logarithmic' : 'linear';
    this.chart.update('none');
    if (this.highlighted !== undefined) this.highlight(this.highlighted);
  }

  /** Every run's drawn point nearest to x, for runs whose line reaches that far (within `slack` of its ends). */
  valuesAt(x: number, slack: number): ValueAt[] {
    const out: ValueAt[] = [];
    this.lines.forEach((line, d) => {
      const xs = line.xs;
      const n = xs.length;
      const first = xs[0];
      const last = xs[n - 1];
      if (first === undefined || last === undefined || x < first - slack || x > last + slack) return;
      let lo = 0;
      let hi = n - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((xs[mid] ?? 0) < x) lo = mid + 1;
        else hi = mid;
      }
      const before = lo > 0 ? lo - 1 : lo;
      const i = Math.abs((xs[before] ?? 0) - x) <= Math.abs((xs[lo] ?? 0) - x) ? before : lo;
      const y = this.chart.data.datasets[d]?.data[i]?.y;
      out.push({ run: line.run, x: xs[i] ?? x, y: typeof y === 'number' ? y : null });
    });
    return out;
  }

  /** The plot area in canvas CSS pixels, and conversions between x values and pixels. */
  plotArea(): { left: number; right: number; top: number; bottom: number } {
    const a = this.chart.chartArea;
    return { left: a.left, right: a.right, top: a.top, bottom: a.bottom };
  }

  pixelToX(px: number): number {
    return this.chart.scales.x?.getValueForPixel(px) ?? Number.NaN;
  }

  xToPixel(x: number): number {
    return this.chart.scales.x?.getPixelForValue(x) ?? Number.NaN;
  }

  /** Zooms to an x range (another chart's, when zoom is synced). */
  setXRange(min: number, max: number): void {
    (this.chart as unknown as { zoomScale(id: string, range: { min: number; max: number }, mode: string): void }).zoomScale('x', { min, max }, 'none');
  }

  /** One run drawn boldly and the others faded (a legend entry hovered); undefined draws all alike. */
  highlight(runId: string | undefined): void {
    this.highlighted = runId;
    this.lines.forEach((line, d) => {
      const ds = this.chart.data.datasets[d];
      if (!ds) return;
      const on = runId === undefined || line.run.id === runId;
      ds.borderColor = on ? line.run.color : dimmed(line.run.color);
      ds.backgroundColor = ds.borderColor;
      ds.borderWidth = runId !== undefined && on ? 2.5 : 1.5;
    });
    // The highlighted line drawn over the others.
    this.chart.data.datasets.forEach((ds, d) => { ds.order = runId !== undefined && this.lines[d]?.run.id === runId ? -1 : 0; });
    this.chart.update('none');
  }

  resetZoom(): void {
    (this.chart as unknown as { resetZoom(): void }).resetZoom();
  }

  png(): string {
    return this.chart.toBase64Image('image/png', 1);
  }

  get lineCount(): number {
    return this.lines.length;
  }

  destroy(): void {
    this.chart.destroy();
  }
}
