// Switching the x axis between steps and time from the lines the page holds (axisLines.ts; the host sends the other
// axis' lines after the shown ones), with no round trip when the page holds the charts on screen.
import type { CompareData, CompareToHostMessage } from '../../src/shared/webviews/compare/contract';
import type { LineAxis } from '../../src/shared/webviews/compare/lineAxes';
import { xAxisLabels } from './axis';
import type { AxisLines } from './axisLines';
import type { MetricChart } from './charts';
import { onScreen } from './chartVisibility';


/** What the switch needs of the page (main.ts). */
export interface SwitchPage {
  /** The comparison shown. */
  data(): CompareData | undefined;
  /** Shows `next` (the same runs and metrics on another axis) in the charts there are. */
  redraw(next: CompareData): void;
  charts(): readonly MetricChart[];
  selectedMetrics(): string[];
  post(message: CompareToHostMessage): void;
  saveState(): void;
  /** Marks the cards of `metrics` as waiting for their lines (and clears the others' marks). */
  markPending(metrics: ReadonlySet<string>): void;
  readonly status: HTMLElement;
}

/** A chart's card, for telling whether it is on screen. */
export const cardOf = (chart: MetricChart): Element => chart.canvas.closest('.chart-card') ?? chart.canvas;

/** The metrics of the charts on screen now. */
export const metricsOnScreen = (charts: readonly MetricChart[]): string[] => charts.filter((c) => onScreen(cardOf(c))).map((c) => c.metric);

export class AxisSwitch {
  /** A step ↔ time switch waiting for the lines of the charts on screen (the old axis stays drawn, marked loading). */
  private switching: LineAxis | undefined;

  constructor(private readonly page: SwitchPage, private readonly held: AxisLines) {}

  /** Whether a switch waits for lines. */
  get waiting(): boolean {
    return this.switching !== undefined;
  }

  /** A whole comparison came: whatever switch was waiting is over (it says its own axis). */
  drop(): void {
    this.switching = undefined;
  }

  /**
   * Steps ↔ time from the lines the page holds, telling the host the choice and the charts on screen whose lines the
   * page still lacks (`pending`), which it sends a chart per message ahead of anything else. The switch is
   * drawn as soon as every chart on screen has its lines (the charts below them wait, marked loading); until then the
   * old axis stays drawn, its charts on screen marked loading, and the page responsive.
   */
  start(axis: LineAxis): boolean {
    const shown = this.page.data();
    if (!shown) return false;
    const missing = shown.selectedMetrics.filter((m) => this.held.metricLines(axis, m, shown) === undefined);
    const screen = new Set(metricsOnScreen(this.page.charts()));
    // The charts below the fold ask for theirs as they near the screen (linePulls.ts).
    const pending = missing.filter((m) => screen.has(m));
    this.page.post({ type: 'setView', selectedMetrics: this.page.selectedMetrics(), xAxis: axis, held: true, ...(pending.length ? { pending } : {}) });
    this.switching = axis;
    this.page.saveState();
    if (!this.complete()) {
      this.page.status.hidden = false;
      this.page.status.textContent = `Loading the lines by ${xAxisLabels[axis].toLowerCase()}…`;
      this.page.markPending(screen);
    }
    return true;
  }

  /** The waiting switch drawn, if every chart on screen has its lines now; whether it was. */
  complete(): boolean {
    const shown = this.page.data();
    const axis = this.switching;
    if (!shown || axis === undefined) return false;
    const lines: CompareData['lines'] = [];
    const missing = new Set<string>();
    for (const metric of shown.selectedMetrics) {
      const held = this.held.metricLines(axis, metric, shown);
      if (held) lines.push(...held);
      else missing.add(metric);
    }
    if (this.page.charts().some((c) => missing.has(c.metric) && onScreen(cardOf(c)))) return false;
    const next: CompareData = { ...shown, xAxis: axis, lines };
    delete next.xMetric;
    delete next.xMissing;
    if (missing.size) next.pendingMetrics = [...missing];
    else delete next.pendingMetrics;
    // Only the charts change: the runs, legend, tables and metric choices are the ones shown.
    this.switching = undefined;
    this.page.markPending(new Set(next.pendingMetrics ?? []));
    this.clearStatus();
    this.page.redraw(next);
    return true;
  }

  /** No switch waits any more: its loading marks go (the charts still waiting for lines keep theirs). */
  end(): void {
    if (this.switching === undefined) return;
    this.switching = undefined;
    this.clearStatus();
    this.page.markPending(new Set(this.page.data()?.pendingMetrics ?? []));
  }

  private clearStatus(): void {
    this.page.status.textContent = '';
    this.page.status.hidden = true;
  }
}
