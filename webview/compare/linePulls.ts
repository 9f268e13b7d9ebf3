// The lines of the charts below the fold, asked for as each nears the screen: the host sends the charts in view
// unasked (both x axes) and the others only when asked, as W&B and TensorBoard load their panels.
import type { CompareData, CompareToHostMessage } from '../../src/shared/webviews/compare/contract';
import { otherAxis, type LineAxis } from '../../src/shared/webviews/compare/lineAxes';
import type { MetricChart } from './charts';
import { onScreen } from './chartVisibility';

/** What the pulls need of the page. */
export interface PullPage {
  data(): CompareData | undefined;
  /** Whether the page holds `metric`'s lines on `axis` (or can convert them: relative ↔ wall). */
  holds(axis: LineAxis, metric: string): boolean;
  post(message: CompareToHostMessage): void;
}

const kind = (axis: LineAxis): string => (axis === 'step' ? 'step' : 'time');

/** Once the page's thread is idle, within a second (where the page cannot tell: 200 ms). */
function whenIdle(run: () => void): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(run, { timeout: 1000 });
  else setTimeout(run, 200);
}

export class LinePulls {
  /** `${kind}/${metric}` asked for since the page's last fresh start (the host sends each once). */
  private readonly asked = new Set<string>();
  private readonly cards = new Map<Element, string>();
  private readonly observer: IntersectionObserver | undefined;
  /** Off until the charts in view are painted: nothing asked for may come before them. */
  private started = false;

  constructor(private readonly page: PullPage) {
    // A screen's height ahead: a chart scrolled to has its lines by the time it shows. The page's own document is the
    // root: a webview is a cross-origin frame, where the implicit root (the editor's window) ignores the margin.
    this.observer = typeof IntersectionObserver === 'function'
      ? new IntersectionObserver((entries) => this.near(entries.filter((e) => e.isIntersecting).map((e) => e.target)), { root: document, rootMargin: '100% 0px' })
      : undefined;
  }

  /** A fresh comparison (`data` or `update`): the host holds nothing as sent; nothing is watched until it is painted. */
  reset(): void {
    this.asked.clear();
    this.started = false;
    this.observer?.disconnect();
    this.cards.clear();
  }

  /**
   * Watches `charts` (after the charts in view were painted, and after an x-axis switch): each chart lacking lines
   * on the shown or the other axis is asked for once it comes within a screen of the viewport.
   */
  watch(charts: readonly MetricChart[]): void {
    this.started = true;
    const shown = this.page.data();
    if (!shown || shown.xAxis === 'metric') return;
    this.observer?.disconnect();
    this.cards.clear();
    for (const chart of charts) {
      const card = chart.canvas.closest('.chart-card') ?? chart.canvas;
      this.cards.set(card, chart.metric);
      if (this.observer) this.observer.observe(card);
    }
    // Where the page cannot tell what is near (no IntersectionObserver), every chart is near.
    if (!this.observer) this.near([...this.cards.keys()]);
  }

  /**
   * Cards within the margin: those on screen are asked for now, the others once the page is idle (within a second),
   * so that a control used right after a Compare (an x-axis switch, smoothing) is not queued behind their lines.
   */
  private near(cards: readonly Element[]): void {
    if (!this.started) return;
    this.ask(cards.filter(onScreen));
    const soon = cards.filter((card) => !onScreen(card));
    if (soon.length) whenIdle(() => this.ask(soon));
    for (const card of cards) this.observer?.unobserve(card);
  }

  private ask(cards: readonly Element[]): void {
    const shown = this.page.data();
    if (!this.started || !shown || shown.xAxis === 'metric') return;
    const axes: LineAxis[] = [shown.xAxis, otherAxis(shown.xAxis)];
    for (const axis of axes) {
      const metrics = cards.map((card) => this.cards.get(card)).filter((metric): metric is string => metric !== undefined)
        .filter((metric) => !this.asked.has(`${kind(axis)}/${metric}`) && !this.lacksNothing(axis, metric, shown));
      for (const metric of metrics) this.asked.add(`${kind(axis)}/${metric}`);
      if (metrics.length) this.page.post({ type: 'wantLines', metrics, xAxis: axis });
    }
  }

  private lacksNothing(axis: LineAxis, metric: string, shown: CompareData): boolean {
    return axis === shown.xAxis ? !(shown.pendingMetrics ?? []).includes(metric) : this.page.holds(axis, metric);
  }
}
