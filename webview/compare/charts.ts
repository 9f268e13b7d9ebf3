import {
  Chart, LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip,
  type ChartDataset, type ChartOptions, type ScatterDataPoint,
} from 'chart.js';
import zoomPlugin from 'chartjs-plugin-zoom';
import { formatNumber } from '../../src/shared/format';
import type { CompareData, CompareRun, LineChange, XAxisKind } from '../../src/shared/webviews/compare/contract';
import type { WireNumber } from '../../src/shared/webviews/wireValue';
import { formatX, formatXFull, xAxisLabels } from './axis';
import { smooth } from './smoothing';

// Register only what the comparison draws: keeps the webview bundle small.
Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip, zoomPlugin);

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

  constructor(readonly canvas: HTMLCanvasElement, readonly metric: string, data: CompareData, view: ChartView) {
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
          title: { display: true, text: xAxisLabels[xAxis], color: fg },
          ticks: { color: fg, maxTicksLimit: 8, callback: (v) => formatX(Number(v), xAxis) },
          grid: { color: grid },
        },
        y: {
          type: view.logScale ? 'logarithmic' : 'linear',
          ticks: { color: fg, maxTicksLimit: 6, callback: (v) => formatNumber(Number(v)) },
          grid: { color: grid },
        },
      },
      plugins: {
        tooltip: {
          callbacks: {
            title: (items) => (items[0] ? `${xAxisLabels[xAxis]} ${formatXFull(items[0].parsed.x ?? 0, xAxis)}` : ''),
            label: (item) => `${(item.dataset as { label?: string }).label ?? ''}: ${item.parsed.y === null ? '—' : formatNumber(item.parsed.y)}`,
          },
        },
        zoom: {
          zoom: { drag: { enabled: true, backgroundColor: 'rgba(100,150,255,0.15)' }, wheel: { enabled: false }, mode: 'x' },
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
      }
    }
    const y = this.chart.options.scales?.y;
    if (y) (y as { type: string }).type = view.logScale ? 'logarithmic' : 'linear';
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
