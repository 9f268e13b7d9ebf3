// One comparison: charts of the chosen metrics for the chosen runs, with params and metric summaries. The page asks for
// data with its ready message; the host re-sends when the view changes and, for live runs, sends only what changed.
import * as vscode from 'vscode';
import { errorMessage } from '../../../shared/errorMessage';
import {
  compareContract, type CompareData, type CompareLine, type CompareToHostMessage, type CompareViewState, type HostToCompareMessage, type XAxisKind,
} from '../../../shared/webviews/compare/contract';
import { narrowData } from '../../../shared/webviews/compare/wireLines';
import { ContextKey, compareViewType } from '../../commandIds';
import type { ComparePanelInfo } from '../../testApi';
import { HostedWebview, type PageSpec } from '../hostedWebview';
import { buildCompareDataInSlices, pointsForWidth, postPendingLines, prefetchSeries, withLines } from './compareData';
import { inViewPending, postFollowing, postLacking, warmBelowFold } from './compareFollow';
import { CompareLinePulls } from './compareLinePulls';
import { CompareLinesPosted } from './compareLinesPosted';
import { exportComparisonCsv, saveChartPng } from './compareExports';
import { canUpdate, lineChanges } from './compareUpdate';
import { CompareMediaHost, runsResourceRoot } from './compareMediaHost';
import { CompareRunMatches } from './compareRunMatches';
import type { CompareContext } from './compareContext';
import { chartsThatFit } from './compareLayout';
import type { Ahead, Prefetch } from './compareAhead';

/** Kept while hidden: at 100 runs, shown again from its saved state, it took a second (a new webview, the data again). */
export const comparePage: PageSpec = { viewType: compareViewType, title: 'Compare Runs', script: 'compare.js', styles: ['compare.css'], keptWhenHidden: true };

/** Live runs change often: at most four updates a second. */
const UPDATE_INTERVAL_MS = 250;

export class ComparePanel {
  readonly webview: HostedWebview<CompareToHostMessage, HostToCompareMessage, CompareViewState>;
  private runIds: string[];
  private selectedMetrics: string[] | undefined;
  private xAxis: XAxisKind;
  private xMetric: string | undefined;
  private chartPixelWidth: number | undefined;
  /** What the page holds, for live updates; undefined until it has received a full comparison. */
  private lastData: CompareData | undefined;
  /** What the page was sent since its last full comparison (compareLinesPosted.ts). */
  private readonly posted: CompareLinesPosted;
  /** The charts on screen, as the page reported them after laying out its latest comparison (`onScreen`). */
  private onScreen: string[] | undefined;
  /** Requests to send, counted: only the latest one's data is posted. */
  private sends = 0;
  /** Incremental messages sent (live runs), for the tests. */
  private updatesSent = 0;
  /** Full comparisons (`data` messages) posted, and of those the ones posted before the page said ready, for the tests. */
  private dataSent = 0;
  private dataSentAhead = 0;
  /** The comparison a new page was sent while it loaded, until its ready message comes. */
  private ahead: Ahead | undefined;
  /** Index change reports about this panel's runs: one during a page's load is not a live update (none is sent then). */
  private changes = 0;
  /**
   * Lines read while the page is still starting (VS Code takes a second or more to create a webview, and the host
   * is idle meanwhile) into the index's cache, where the page's first request finds them; stopped by any request.
   */
  private prefetched: Prefetch | undefined;
  private readonly runMatches: CompareRunMatches;
  private readonly media: CompareMediaHost;
  /** The charts below the fold, sent as the page asks for them. */
  private readonly pulls: CompareLinePulls;

  constructor(
    panel: vscode.WebviewPanel,
    private readonly ctx: CompareContext,
    state: { runIds: readonly string[]; selectedMetrics: readonly string[]; xAxis: XAxisKind; xMetric?: string },
    onDispose: (panel: ComparePanel) => void,
    /** A new page (not one VS Code revives with its saved state): its comparison is sent while it loads. */
    fresh = false,
  ) {
    this.runIds = [...state.runIds];
    this.selectedMetrics = state.selectedMetrics.length ? [...state.selectedMetrics] : undefined;
    this.xAxis = state.xAxis;
    this.xMetric = state.xMetric;
    const listeners: vscode.Disposable[] = [];
    this.posted = new CompareLinesPosted((message, ahead) => (ahead ? this.webview.host.postAhead(message) : this.webview.host.post(message)));
    this.webview = new HostedWebview(panel, {
      extensionUri: ctx.extensionUri,
      log: ctx.log,
      page: comparePage,
      contract: compareContract,
      resourceRoots: [runsResourceRoot(ctx.host.trialbookDir)],
      handlers: {
        ready: (message, saved) => this.onReady(message.chartPixelWidth, saved, message.chartsInView),
        resize: (message) => this.onResize(message.chartPixelWidth),
        setView: (message) => {
          this.selectedMetrics = message.selectedMetrics;
          this.xAxis = message.xAxis;
          this.xMetric = message.xMetric;
          // The page draws the axis from lines it holds: the charts it lacks are sent, then what the host keeps follows.
          if (message.held === true && message.xAxis !== 'metric') return this.switchHeld(message.xAxis, message.pending ?? []);
          return this.send();
        },
        findRuns: (message) => this.runMatches.find(message.filter),
        setRuns: (message) => this.setRuns(message.runIds),
        exportCsv: () => this.exportCsv(),
        savePng: (message) => saveChartPng(message.metric, message.dataUrl, this.ctx.log),
        wantLines: (message) => this.pulls.want(message.xAxis, message.metrics),
        onScreen: (message) => {
          this.onScreen = message.metrics;
          this.ctx.layout.chartsInView = chartsThatFit(message.metrics.length, this.lastData?.selectedMetrics.length, this.ctx.layout.chartsInView);
        },
        drawn: (message) => ctx.log.info(`Compare: drew ${message.metric} (${message.lines} lines) in ${message.ms.toFixed(0)} ms`),
        loadTable: async (message) => this.media.sendTable(await ctx.host.get(), message.runId, message.file),
        openLink: (message) => this.media.openLink(message.url),
      },
      onDispose: () => {
        this.prefetched = undefined;
        for (const d of listeners.splice(0)) d.dispose();
        onDispose(this);
      },
    });
    this.media = new CompareMediaHost(panel.webview, (message) => this.webview.host.post(message), ctx.mediaCatalog);
    this.pulls = new CompareLinePulls({
      posted: this.posted, shown: () => this.lastData, ready: () => this.webview.host.isReady, index: () => ctx.host.get(),
      maxPoints: () => pointsForWidth(this.chartPixelWidth, ctx.maxPoints()), holding: (metric, lines) => this.holding(metric, lines),
      warn: (message) => ctx.log.warn(message),
    });
    this.runMatches = new CompareRunMatches(() => ctx.host.get(), (message) => this.webview.host.post(message));
    const liveUpdate = this.webview.host.throttled(UPDATE_INTERVAL_MS, 'a live update', () => this.send(true));
    listeners.push(
      panel.onDidChangeViewState((e) => { void vscode.commands.executeCommand('setContext', ContextKey.compareFocused, e.webviewPanel.active); }),
      ctx.host.onDidChange((report) => {
        if (report.changed.some((id) => this.runIds.includes(id)) || report.removed.some((id) => this.runIds.includes(id))) {
          this.prefetched = undefined;
          this.changes++;
          liveUpdate();
        }
      }),
    );
    void vscode.commands.executeCommand('setContext', ContextKey.compareFocused, true);
    this.updateTitle();
    if (this.runIds.length) {
      if (fresh) this.sendAhead();
      else this.prefetch();
    }
  }

  /**
   * A new page: its comparison is built and posted while VS Code creates the webview (the host idle meanwhile), so it
   * is there when the page has run its script; its ready message then only starts what follows. That message carries
   * no lines (at 100 runs those of the charts in view made it 2.7 MB, serialized and copied in one task of 80+ ms): the
   * charts in view follow a chart per message. No post is awaited before the next is read: VS Code answers a post to a
   * page it is still creating only once its frame is there (~0.2 s after the click); messages keep their order. Needs
   * the chart width pages last reported (points per line depend on it); a window's first panel reads ahead (prefetch).
   */
  private sendAhead(): void {
    const { chartPixelWidth, chartsInView } = this.ctx.layout;
    const xAxis = this.xAxis;
    if (chartPixelWidth === undefined || xAxis === 'metric') {
      this.prefetch();
      return;
    }
    const sending = ++this.sends;
    const generation = this.webview.host.pageGeneration;
    const maxPoints = pointsForWidth(chartPixelWidth, this.ctx.maxPoints());
    const [runIds, metrics, changes] = [[...this.runIds], this.selectedMetrics, this.changes];
    const current = (): boolean => sending === this.sends && !this.webview.host.isReady && generation === this.webview.host.pageGeneration;
    void this.ctx.host.get()
      .then(async (index) => {
        const data = await buildCompareDataInSlices(index, runIds, metrics, xAxis, maxPoints, undefined, 0);
        // The page said ready meanwhile (its request builds anew) or the panel moved on.
        if (!current()) return;
        this.ahead = { data, maxPoints, sending, generation, changes };
        this.lastData = data;
        this.posted.showing();
        this.dataSent++;
        this.dataSentAhead++;
        this.posted.forget();
        this.onScreen = undefined;
        const deliveries = [this.posted.post({ type: 'data', data: narrowData(data) }, true)];
        // The charts in view, a chart per message. What the page said ready before getting follows then (onReady).
        const inView = (data.pendingMetrics ?? []).slice(0, Math.max(1, chartsInView ?? 1));
        await postPendingLines(index, data.runs.map((r) => r.id), inView, xAxis, maxPoints, (metric, lines) => {
          this.posted.shown(lines);
          if (this.ahead?.sending === sending) this.ahead = { ...this.ahead, data: withLines(this.ahead.data, [metric], lines) };
          deliveries.push(this.posted.postLines(metric, lines, xAxis, true));
        }, () => !current());
        await Promise.all(deliveries);
        // The charts below the fold: read into the cache while the page still loads.
        if (current()) this.prefetch();
      })
      .catch((err: unknown) => this.ctx.log.warn(`Compare: building the comparison ahead of the page failed: ${errorMessage(err)}`));
  }

  /** Shows other runs in this panel (a new Compare reuses the open comparison: no new webview to wait for). */
  async showRuns(runIds: readonly string[]): Promise<void> {
    this.runIds = [...runIds];
    this.ahead = undefined;
    // Until the new runs' data is sent, the panel is not showing them (the tests' ready and pointsSent say so).
    this.lastData = undefined;
    this.posted.showing();
    this.updateTitle();
    if (!this.panel.visible) this.panel.reveal(undefined, false);
    if (this.webview.host.isReady) {
      await this.send();
    } else {
      // The page comes back (revealed) and asks with its ready message; meanwhile the data is read.
      this.prefetch();
    }
  }

  /**
   * Reads the lines for the page's first request, chart by chart in the page's order, at the width comparison pages
   * last had: however many charts the page has in view, their lines are then in the cache (send reads them again).
   */
  private prefetch(): void {
    const xAxis = this.xAxis;
    if (xAxis === 'metric') return;
    const maxPoints = pointsForWidth(this.ctx.layout.chartPixelWidth, this.ctx.maxPoints());
    const prefetch: Prefetch = { runs: this.runIds.length };
    this.prefetched = prefetch;
    const [runIds, metrics] = [[...this.runIds], this.selectedMetrics];
    // Any request (the page's first included) or a change of runs ends it: send reads what it needs itself.
    const stale = (): boolean => this.prefetched !== prefetch;
    void this.ctx.host.get()
      .then((index) => prefetchSeries(index, runIds, metrics, xAxis, maxPoints, stale))
      .catch((err: unknown) => this.ctx.log.warn(`Compare: reading the lines ahead failed: ${errorMessage(err)}`));
  }

  get panel(): vscode.WebviewPanel {
    return this.webview.panel;
  }

  info(): ComparePanelInfo {
    return {
      runIds: [...this.runIds],
      metrics: this.lastData?.selectedMetrics ?? [],
      ready: this.webview.host.isReady && this.lastData !== undefined && !inViewPending(this.lastData, this.onScreen, this.ctx.layout.chartsInView) && this.pulls.idle && !this.posted.busy,
      ...this.posted.info(),
      updatesSent: this.updatesSent,
      dataSent: this.dataSent,
      dataSentAhead: this.dataSentAhead,
      ...(this.lastData ? { xAxis: this.lastData.xAxis } : {}),
      ...(this.lastData?.xMetric !== undefined ? { xMetric: this.lastData.xMetric } : {}),
      xMissing: [...(this.lastData?.xMissing ?? [])],
      mediaKeys: this.media.sentKeys,
      ...this.runMatches.info(),
    };
  }

  /** Lines of the shown axis posted after the comparison's first message: the page holds them now. */
  private holding(metric: string, lines: CompareLine[]): void {
    if (this.lastData) this.lastData = withLines(this.lastData, [metric], lines);
  }

  private updateTitle(): void {
    this.panel.title = `Compare: ${this.runIds.length} run${this.runIds.length === 1 ? '' : 's'}`;
  }

  private onReady(chartPixelWidth: number | undefined, saved: CompareViewState | undefined, chartsInView: number | undefined): Promise<void> {
    if (chartsInView !== undefined) this.ctx.layout.chartsInView = chartsInView;
    if (saved) {
      // A panel revived without runs takes them from the page; otherwise the panel's own runs win.
      if (this.runIds.length === 0) {
        this.runIds = saved.runIds;
        this.updateTitle();
      }
      if (saved.selectedMetrics.length) this.selectedMetrics = saved.selectedMetrics;
      this.xAxis = saved.xAxis;
      this.xMetric = saved.xMetric;
    }
    this.chartPixelWidth = chartPixelWidth;
    if (chartPixelWidth !== undefined) this.ctx.layout.chartPixelWidth = chartPixelWidth;
    const ahead = this.ahead;
    this.ahead = undefined;
    // The page was sent its comparison while it loaded, for its width, with nothing saved to change it and none of its
    // runs changed since (a remote run's history fetched meanwhile, new points): what follows.
    if (ahead && !saved && ahead.sending === this.sends && ahead.generation === this.webview.host.pageGeneration
      && ahead.changes === this.changes && ahead.maxPoints === pointsForWidth(chartPixelWidth, this.ctx.maxPoints())) {
      this.prefetched = undefined;
      // With the lines of the charts posted ahead so far (the rest follow).
      this.lastData = ahead.data;
      return this.follow(ahead.sending, ahead.data, ahead.maxPoints);
    }
    // The page starts over: the next message carries the whole comparison.
    this.lastData = undefined;
    return this.send();
  }

  private async onResize(chartPixelWidth: number): Promise<void> {
    const before = pointsForWidth(this.chartPixelWidth, this.ctx.maxPoints());
    this.chartPixelWidth = chartPixelWidth;
    this.ctx.layout.chartPixelWidth = chartPixelWidth;
    if (pointsForWidth(this.chartPixelWidth, this.ctx.maxPoints()) !== before) await this.send();
  }

  /**
   * Sends the comparison; for live runs (`incremental`), only what changed since the last message. `held`: the page
   * switched its x axis with lines it holds: the comparison is built the same way (from the cache the lines were
   * read into) and kept as what the page shows, but not posted.
   */
  private async send(incremental = false, held = false): Promise<void> {
    // A page that is not there (hidden tab) gets everything when it says ready again.
    if (!this.webview.host.isReady) return;
    const sending = ++this.sends;
    try {
      const maxPoints = pointsForWidth(this.chartPixelWidth, this.ctx.maxPoints());
      // The lines read ahead are in the cache; what is still to read is read here, the page's charts in view first.
      this.prefetched = undefined;
      const index = await this.ctx.host.get();
      // A live update compares every line with what was sent (and a held axis is all of the page's lines): read at once.
      // A new comparison's first message carries no lines: they follow a chart per message (see follow).
      const data = await buildCompareDataInSlices(index, this.runIds, this.selectedMetrics, this.xAxis, maxPoints, this.xMetric, incremental || held ? undefined : 0);
      // Built in slices: a later request (another axis, new points) started meanwhile and sends the newer view.
      if (sending !== this.sends) return;
      const previous = this.lastData;
      this.lastData = data;
      this.posted.showing(data.lines);
      if (incremental && previous && canUpdate(previous, data)) {
        this.updatesSent++;
        this.posted.forget();
        await this.posted.post({ type: 'update', runs: data.runs, metrics: data.metrics, summaries: data.summaries, summaryValues: data.summaryValues, changes: lineChanges(previous.lines, data.lines, data.xAxis) });
        await this.media.send(index, this.runIds, false, () => sending !== this.sends || !this.webview.host.isReady);
        return;
      }
      if (held) return;
      this.dataSent++;
      this.posted.forget();
      this.onScreen = undefined;
      await this.posted.post({ type: 'data', data: narrowData(data) });
      await this.follow(sending, data, maxPoints);
    } catch (err) {
      const message = errorMessage(err);
      this.ctx.log.error(`Compare: could not load data: ${message}`);
      await this.webview.host.post({ type: 'error', message: `Could not load the comparison: ${message}` });
    }
  }

  /**
   * The page switched to `xAxis` (steps or time) from the lines it holds and lacks those of `pending`: they are read
   * and posted first, a chart per message in the page's order (the newer request stops whatever was being sent: the
   * other axis' lines, the charts below the fold, the media, which follow), then the comparison on that axis is built
   * as what the page shows.
   */
  private async switchHeld(xAxis: Exclude<XAxisKind, 'metric'>, pending: readonly string[]): Promise<void> {
    if (pending.length && this.webview.host.isReady) {
      const sending = ++this.sends;
      const stale = (): boolean => sending !== this.sends || !this.webview.host.isReady;
      try {
        const index = await this.ctx.host.get();
        const maxPoints = pointsForWidth(this.chartPixelWidth, this.ctx.maxPoints());
        await postLacking(index, this.runIds, pending, xAxis, maxPoints, this.posted, stale);
        // The media, if what this stopped had not sent them yet (unchanged media are not sent again).
        if (!stale()) await this.media.send(index, this.runIds, false, stale);
      } catch (err) {
        this.ctx.log.warn(`Compare: sending the ${xAxis} lines failed: ${errorMessage(err)}`);
      }
      if (stale()) return;
    }
    await this.send(false, true);
  }

  /**
   * What follows a comparison's first message (request `sending`): its charts' lines and the other x axis' lines of
   * the charts in view (compareFollow.ts), the media, then the other axis' lines of the other charts.
   */
  private async follow(sending: number, data: CompareData, maxPoints: number): Promise<void> {
    // Any newer request, or a closed panel (not ready), stops it between charts.
    const stale = (): boolean => sending !== this.sends || !this.webview.host.isReady;
    try {
      const index = await this.ctx.host.get();
      await postFollowing(index, data, maxPoints, {
        posted: this.posted,
        stale,
        onScreen: () => this.onScreen,
        chartsInView: () => this.ctx.layout.chartsInView,
        holding: (metric, lines) => this.holding(metric, lines),
      });
      if (stale()) return;
      // Media (read from the runs' logs) after the charts: the page draws those first.
      await this.media.send(index, data.runs.map((r) => r.id), true, stale);
      if (stale()) return;
      // The charts below the fold into the index's cache: the page's asks for them are answered from it.
      void warmBelowFold(index, data, maxPoints, this.posted, stale)
        .catch((err: unknown) => this.ctx.log.warn(`Compare: reading the charts below the fold ahead failed: ${errorMessage(err)}`));
    } catch (err) {
      const message = errorMessage(err);
      this.ctx.log.error(`Compare: could not load data: ${message}`);
      await this.webview.host.post({ type: 'error', message: `Could not load the comparison: ${message}` });
    }
  }

  /** Runs added or removed in the panel: unknown ids are dropped, duplicates kept once. */
  private async setRuns(runIds: readonly string[]): Promise<void> {
    const known = await this.runMatches.known(runIds);
    if (!known) return;
    const added = known.filter((id) => !this.runIds.includes(id));
    if (added.length > 0) this.ctx.onAddRuns?.(added);
    this.runIds = known;
    this.updateTitle();
    await this.send();
  }

  exportCsv(): Promise<void> {
    return exportComparisonCsv(this.lastData, () => this.ctx.host.get(), pointsForWidth(this.chartPixelWidth, this.ctx.maxPoints()));
  }
}
