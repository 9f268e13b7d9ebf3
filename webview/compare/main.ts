import './bootMark';
import {
  compareContract, xAxisKinds, type CompareData, type CompareViewState,
} from '../../src/shared/webviews/compare/contract';
import type { CompareMessage } from '../../src/shared/webviews/compare/wireLines';
import { connectToHost } from '../shared/vscodeApi';
import { el } from '../shared/dom';
import { formatXFull, xAxisTitle } from './axis';
import { AxisLines } from './axisLines';
import { MetricChart, type ChartView } from './charts';
import { Grouping } from './grouping';
import { applyLineChanges } from './pageData';
import { Legend } from './legend';
import { chartPixelWidth, chartsInView, onWidthChange } from './layout';
import { AxisSwitch, metricsOnScreen } from './axisSwitch';
import { PendingCharts } from './pendingCharts';
import { LinePulls } from './linePulls';
import { XNote } from './xNote';
import { Toolbar } from './toolbar';
import { MediaSection } from './media';
import { mark, redrawn } from './paintMarks';
import { RunPicker } from './runPicker';
import { renderSections } from './sections';
import { SlicedRedraw } from './slicedRedraw';
import { CompareTables } from './pageTables';
import { SharedHover } from './tooltip';
import { receivedMessage } from './received';

const host = connectToHost(compareContract);
const saved = host.savedState();
const view: CompareViewState & { hidden: Set<string>; syncZoom: boolean } = {
  runIds: saved?.runIds ?? [],
  selectedMetrics: saved?.selectedMetrics ?? [],
  xAxis: saved?.xAxis ?? 'step',
  smoothing: saved?.smoothing ?? 0,
  logScale: saved?.logScale ?? false,
  onlyDifferentParams: saved?.onlyDifferentParams ?? false,
  xMetric: saved?.xMetric,
  syncZoom: saved?.syncZoom ?? true,
  hidden: new Set<string>(),
};
let data: CompareData | undefined;
let charts: MetricChart[] = [];
/** The lines of steps and of time the page holds, for switching the x axis without the host. */
const axisLines = new AxisLines();
const runStarts = (d: CompareData): Map<string, number | undefined> => new Map(d.runs.map((r) => [r.id, r.startedAt]));

const hover = new SharedHover(
  (x) => `${xAxisTitle(data?.xAxis ?? 'step', data?.xMetric)} ${formatXFull(x, data?.xAxis ?? 'step')}`,
  (id) => !view.hidden.has(id),
);
const legend = new Legend({
  setHidden: (ids, hide) => {
    for (const id of ids) {
      if (hide) view.hidden.add(id);
      else view.hidden.delete(id);
    }
    // The same runs: restyled in place (a full render only when the runs themselves change).
    legend.restyle(view.hidden);
    for (const chart of charts) chart.update(chartView());
    tables.schedule();
    redrawn(false);
  },
  remove: (runId) => {
    const next = view.runIds.filter((id) => id !== runId);
    if (next.length) host.post({ type: 'setRuns', runIds: next });
  },
  highlight: (runId) => {
    for (const chart of charts) chart.highlight(runId);
  },
});
const grouping = new Grouping(() => {
  renderLegend();
  for (const chart of charts) chart.update(chartView());
  redrawn(false);
  saveState();
}, saved?.grouping);
const runPicker = new RunPicker((message) => host.post(message), () => view.runIds);
const media = new MediaSection((message) => host.post(message));

/** Set while Reset zoom resets each chart (a reset reports as a zoom; it must not spread one chart's range). */
let resettingZoom = false;

/** One chart zoomed: with sync on, every other chart shows the same x range. */
function zoomed(source: MetricChart, min: number, max: number): void {
  if (!view.syncZoom || resettingZoom) return;
  for (const chart of charts) if (chart !== source) chart.setXRange(min, max);
}

const app = document.getElementById('app') as HTMLElement;
const status = el('div', { className: 'status', attrs: { role: 'status' } }, 'Loading runs…');
const toolbar = new Toolbar(grouping.controls, runPicker.root);
const { xAxisSelect, smoothingInput, smoothingValue, logInput, resetZoom, syncZoomInput, exportCsv } = toolbar;
const chartsBox = el('div', { className: 'sections' });
/** The charts below the fold ask for their lines as they near the screen, once the charts in view are painted. */
const pulls = new LinePulls({ data: () => data, post: (message) => host.post(message),
  holds: (axis, metric) => (data ? axisLines.metricLines(axis, metric, data) !== undefined : false) });
const pendingCharts = new PendingCharts(chartsBox, () => pulls.watch(charts));
const xNote = new XNote();
/** Steps ↔ time from the lines held (axisSwitch.ts). */
const axisSwitch = new AxisSwitch({
  data: () => data,
  redraw: (next) => {
    data = next;
    xNote.render(next);
    for (const chart of charts) chart.replaceData(next, chartView());
    document.body.dataset.drawn = String(Date.now());
    redrawn(false);
    // The charts below the fold lack this axis' lines: asked for as they near the screen.
    pulls.watch(charts);
  },
  charts: () => charts,
  selectedMetrics: () => view.selectedMetrics,
  post: (message) => host.post(message),
  saveState: () => saveState(),
  markPending: (metrics) => pendingCharts.mark(metrics),
  status,
}, axisLines);
const tables = new CompareTables({
  data: () => data,
  visible: (id) => !view.hidden.has(id),
  onlyDifferentChanged: (onlyDifferent) => {
    view.onlyDifferentParams = onlyDifferent;
    saveState();
  },
}, view.onlyDifferentParams);

app.append(
  toolbar.root,
  status,
  legend.root,
  grouping.legend,
  xNote.root,
  chartsBox,
  media.root,
  ...tables.sections,
);

toolbar.renderXAxisOptions([], view.xAxis, view.xMetric);
syncZoomInput.checked = view.syncZoom;
smoothingInput.value = String(view.smoothing);
smoothingValue.textContent = view.smoothing.toFixed(2);
logInput.checked = view.logScale;

/** Kept by VS Code for a reload or the tab shown again (the host needs none of it until the page says ready). */
function saveState(): void {
  host.setState({
    runIds: view.runIds, selectedMetrics: view.selectedMetrics, xAxis: view.xAxis,
    smoothing: view.smoothing, logScale: view.logScale, onlyDifferentParams: view.onlyDifferentParams,
    ...(view.xMetric !== undefined ? { xMetric: view.xMetric } : {}), syncZoom: view.syncZoom, grouping: grouping.savedState(),
  });
}

function chartView(): ChartView {
  const groups = grouping.chartView();
  return { smoothing: view.smoothing, logScale: view.logScale, hidden: view.hidden, ...(groups ? { grouping: groups } : {}) };
}

function renderLegend(): void {
  legend.root.hidden = grouping.active;
  if (data) legend.render(data.runs, view.hidden);
}

function postView(): void {
  host.post({ type: 'setView', selectedMetrics: view.selectedMetrics, xAxis: view.xAxis, ...(view.xAxis === 'metric' && view.xMetric !== undefined ? { xMetric: view.xMetric } : {}) });
}

function renderMetricPicker(): void {
  if (!data) return;
  toolbar.renderMetricPicker(data.metrics, data.selectedMetrics, (next) => {
    view.selectedMetrics = next;
    saveState();
    host.post({ type: 'setView', selectedMetrics: next, xAxis: view.xAxis });
  });
}

function renderCharts(): void {
  if (!data) return;
  const current = data;
  for (const chart of charts) chart.destroy();
  charts = [];
  hover.detachAll();
  const charted = new Set(current.selectedMetrics);
  const sections = renderSections(chartsBox, current.metrics, charted, (section, open) => {
    // Opening a section charts all of its metrics; collapsing one stops charting them.
    const inSection = new Set(section.metrics);
    const rest = view.selectedMetrics.filter((m) => !inSection.has(m));
    view.selectedMetrics = open ? [...rest, ...section.metrics] : rest;
    saveState();
    postView();
  });
  for (const { section, grid } of sections) for (const metric of section.metrics) if (charted.has(metric)) addChart(current, metric, grid);
}

function addChart(current: CompareData, metric: string, grid: HTMLElement): void {
  const canvas = el('canvas', { attrs: { 'aria-label': `${metric} chart`, role: 'img' } });
  const png = el('button', { className: 'small', title: `Save the ${metric} chart as PNG` }, 'PNG');
  const card = el('div', { className: 'chart-card', attrs: { 'data-metric': metric } },
    el('div', { className: 'chart-title' }, el('h3', {}, metric), png),
    el('div', { className: 'chart-body' }, canvas));
  grid.append(card);
  const started = performance.now();
  const chart = new MetricChart(canvas, metric, current, chartView(), { onZoom: zoomed });
  charts.push(chart);
  hover.attach(chart, canvas.parentElement ?? card);
  // A chart whose lines are on their way reports when they came (applyLines).
  if (!current.pendingMetrics?.includes(metric)) host.post({ type: 'drawn', metric, lines: chart.lineCount, ms: performance.now() - started });
  png.addEventListener('click', () => host.post({ type: 'savePng', metric, dataUrl: chart.png() }));
}

/** Whether `next` charts the same runs and metrics as what is shown (e.g. only the x axis changed). */
function sameLayout(shown: CompareData | undefined, next: CompareData): boolean {
  if (!shown || charts.length === 0) return false;
  const same = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((v, i) => v === b[i]);
  return same(shown.runs.map((r) => r.id), next.runs.map((r) => r.id)) && same(shown.selectedMetrics, next.selectedMetrics) && same(shown.metrics, next.metrics);
}

function render(next: CompareData): void {
  const reuseCharts = sameLayout(data, next);
  axisSwitch.drop();
  data = next;
  view.runIds = next.runs.map((r) => r.id);
  view.selectedMetrics = next.selectedMetrics;
  view.xAxis = next.xAxis;
  view.xMetric = next.xAxis === 'metric' ? next.xMetric : undefined;
  toolbar.renderXAxisOptions(next.metrics, view.xAxis, view.xMetric);
  status.textContent = next.runs.length === 0
    ? 'None of these runs exist any more.'
    : next.metrics.length === 0 ? 'These runs have not logged any metrics yet.' : '';
  status.hidden = status.textContent === '';
  renderMetricPicker();
  grouping.setData(next);
  saveState();
  renderLegend();
  media.setRuns(next.runs);
  xNote.render(next);
  // The same charts with new points redraw in place: no new canvases, Chart.js charts or sections.
  if (reuseCharts) for (const chart of charts) chart.replaceData(next, chartView());
  else renderCharts();
  pendingCharts.mark(new Set(next.pendingMetrics ?? []));
  // Lines to come: the host sends those of the charts on screen first, then their lines on the other x axis.
  if (next.pendingMetrics?.length) host.post({ type: 'onScreen', metrics: metricsOnScreen(charts) });
  // The charts are painted first; the tables (thousands of cells at 100 runs) after that frame.
  tables.schedule();
  mark('chartsBuilt');
  pendingCharts.expect();
}

/**
 * Lines the host sent after the first message: the charts below the fold (they join the data and their charts), or
 * the other x axis' lines, held for a switch.
 */
function applyLines(metrics: readonly string[], lines: CompareData['lines'], axis = data?.xAxis): void {
  if (!data || axis === undefined) return;
  axisLines.keep(axis, metrics, lines, runStarts(data));
  // Lines of the axis the page is switching to: the switch is drawn once the charts on screen have theirs.
  if (axisSwitch.waiting && axisSwitch.complete()) return;
  const shown = data;
  // A chart waiting on this axis; lines of the other time axis (relative for wall, or back) are converted.
  const waiting = new Set(shown.pendingMetrics ?? []);
  const arrived = new Set(metrics.filter((m) => axis === shown.xAxis || waiting.has(m)));
  const fresh = axis === shown.xAxis ? lines : [...arrived].flatMap((m) => axisLines.metricLines(shown.xAxis, m, shown) ?? []);
  if (axis !== shown.xAxis) for (const m of arrived) if (axisLines.metricLines(shown.xAxis, m, shown) === undefined) arrived.delete(m);
  if (arrived.size === 0) return;
  shown.lines = [...shown.lines.filter((l) => !arrived.has(l.metric)), ...fresh];
  const pending = (shown.pendingMetrics ?? []).filter((m) => !arrived.has(m));
  if (pending.length) shown.pendingMetrics = pending;
  else delete shown.pendingMetrics;
  for (const chart of charts) {
    if (!arrived.has(chart.metric)) continue;
    const started = performance.now();
    chart.replaceData(shown, chartView());
    host.post({ type: 'drawn', metric: chart.metric, lines: chart.lineCount, ms: performance.now() - started });
  }
  pendingCharts.mark(new Set(pending));
  pendingCharts.check();
}

/** Live runs: new points go into the existing charts; tables and legend follow the new summaries. */
function applyUpdate(message: Extract<CompareMessage, { type: 'update' }>): void {
  if (!data) return;
  const runs = new Map(message.runs.map((r) => [r.id, r]));
  for (const chart of charts) chart.applyChanges(message.changes, runs, chartView());
  applyLineChanges(data.lines, message.changes);
  // The lines held for another axis miss these points: the next switch asks the host.
  axisLines.clear();
  const metricsChanged = message.metrics.length !== data.metrics.length;
  data = { ...data, runs: message.runs, metrics: message.metrics, summaries: message.summaries, summaryValues: message.summaryValues };
  // An update is built from every line (compareUpdate.ts): the lines of charts still pending came with it.
  if (data.pendingMetrics) {
    delete data.pendingMetrics;
    pendingCharts.mark(new Set());
    if (pendingCharts.waiting) pendingCharts.check();
  }
  if (metricsChanged) renderMetricPicker();
  renderLegend();
  media.setRuns(message.runs);
  tables.schedule();
  document.body.dataset.updated = String(Date.now());
}

xAxisSelect.addEventListener('change', () => {
  const value = xAxisSelect.value;
  if (value.startsWith('metric:')) {
    view.xAxis = 'metric';
    view.xMetric = value.slice('metric:'.length);
  } else {
    const chosen = xAxisKinds.find((k) => k === value);
    if (!chosen) return;
    view.xAxis = chosen;
    view.xMetric = undefined;
    if (chosen !== 'metric' && axisSwitch.start(chosen)) return;
  }
  axisSwitch.end();
  saveState();
  postView();
});

// The slider redraws one chart at a time with the latest value, in tasks of a few ms from the task after the input
// (several inputs before it: one redraw; slicedRedraw.ts). The times recorded are the redraw's script time and its longest task (the
// benchmark and tests read them); the state is saved once, when the slider is let go.
const slider = new SlicedRedraw<MetricChart>((chart) => chart.redrawInSteps(chartView()), (ms, longestTask) => {
  document.body.dataset.smoothMs = String(ms);
  document.body.dataset.smoothLongestTask = String(longestTask);
  redrawn(false);
});
smoothingInput.addEventListener('input', () => {
  view.smoothing = Math.min(0.999, Math.max(0, Number(smoothingInput.value) || 0));
  smoothingValue.textContent = view.smoothing.toFixed(2);
  slider.request(charts);
});
smoothingInput.addEventListener('change', saveState);
logInput.addEventListener('change', () => {
  view.logScale = logInput.checked;
  for (const chart of charts) chart.update(chartView());
  redrawn(false);
  saveState();
});
resetZoom.addEventListener('click', () => {
  resettingZoom = true;
  try {
    for (const chart of charts) chart.resetZoom();
  } finally {
    resettingZoom = false;
  }
});
syncZoomInput.addEventListener('change', () => {
  view.syncZoom = syncZoomInput.checked;
  saveState();
});
exportCsv.addEventListener('click', () => host.post({ type: 'exportCsv' }));

host.onMessage((received) => {
  const message = receivedMessage(received, status);
  if (!message) return;
  switch (message.type) {
    case 'data': {
      mark('dataArrived');
      axisLines.clear();
      pulls.reset();
      const pending = new Set(message.data.pendingMetrics ?? []);
      axisLines.keep(message.data.xAxis, message.data.selectedMetrics.filter((m) => !pending.has(m)), message.data.lines, runStarts(message.data));
      render(message.data);
      break;
    }
    case 'lines':
      applyLines(message.metrics, message.lines, message.xAxis);
      break;
    case 'update':
      // Every line of the shown axis came with it; the other axis' are asked for again only by a switch.
      pulls.reset();
      applyUpdate(message);
      break;
    case 'error':
      status.hidden = false;
      status.textContent = message.message;
      break;
    case 'runMatches':
      runPicker.showMatches(message);
      break;
    case 'media':
      media.render(message.media, data?.runs ?? []);
      break;
    case 'mediaTable':
      media.showTable(message.table);
      break;
  }
});

// The charts' size decides how many points the host sends and which charts get their lines first (layout.ts).
let lastWidth = chartPixelWidth(chartsBox);
onWidthChange(chartsBox, () => lastWidth, (width) => {
  lastWidth = width;
  host.post({ type: 'resize', chartPixelWidth: width });
});
mark('ready');
host.post({ type: 'ready', state: saved, chartPixelWidth: lastWidth, chartsInView: chartsInView(chartsBox) });
