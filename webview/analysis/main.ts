// The Sweep / Analysis page: parallel coordinates with brushing and the brushed run list, a scatter (and scatter
// matrix) and parameter importance, over the runs the host sends. Run-supplied text goes in as textContent only.
import { formatCount } from '../../src/shared/format';
import { brushedRuns, type Brush } from '../../src/shared/webviews/analysis/brush';
import {
  analysisContract, type AnalysisData, type AnalysisDimension, type AnalysisScope, type AnalysisViewState,
} from '../../src/shared/webviews/analysis/contract';
import { connectToHost } from '../shared/vscodeApi';
import { clear, el } from '../shared/dom';
import { colorOf } from './colors';
import { importanceView } from './importanceView';
import { ParallelPlot } from './parallel';
import { axisScale } from './scales';
import { drawMatrix, ScatterPlot, valueText } from './scatter';

const host = connectToHost(analysisContract);
const saved = host.savedState();
const app = document.getElementById('app') as HTMLElement;

type Choices = Omit<AnalysisViewState, 'scope'>;
const choices: Choices = {
  axes: saved?.axes, brushes: saved?.brushes, colorBy: saved?.colorBy, scatterX: saved?.scatterX, scatterY: saved?.scatterY,
  scatterColor: saved?.scatterColor, matrix: saved?.matrix, importanceMetric: saved?.importanceMetric,
};
let scope: AnalysisScope | undefined = saved?.scope;
let data: AnalysisData | undefined;
let kept: number[] = [];
const RUN_LIST_MAX = 200;

// Brushes are saved with the choices, so they come back when the tab is shown again or the window reloads.
const pcp = new ParallelPlot(() => { choices.brushes = pcp.current(); save(); updateBrushed(); });
if (saved?.brushes) pcp.restore(saved.brushes);
const scatter = new ScatterPlot((runId) => host.post({ type: 'openRun', runId }));
const matrixCanvas = el('canvas', { className: 'matrix' });

const title = el('h1');
const summary = el('p', { className: 'muted' });
const brushedCount = el('span', { attrs: { id: 'brushed-count' } });
const runList = el('ol');
const axesChooser = el('div', { className: 'axes-chooser' });
const colorSelect = el('select', { attrs: { 'aria-label': 'Colour lines by' } });
const scatterX = el('select', { attrs: { 'aria-label': 'Scatter x' } });
const scatterY = el('select', { attrs: { 'aria-label': 'Scatter y' } });
const scatterColor = el('select', { attrs: { 'aria-label': 'Scatter colour' } });
const importanceSelect = el('select', { attrs: { 'aria-label': 'Importance for metric' } });
const matrixChooser = el('div', { className: 'axes-chooser' });
const importanceBox = el('div', { className: 'importance-box' });
const compareButton = el('button', { title: 'Open the brushed runs in Compare' }, 'Open in Compare');
const filterButton = el('button', { className: 'secondary', title: 'Make the brushes the Runs view\'s filter' }, 'Save as Filter');
const clearButton = el('button', { className: 'secondary' }, 'Clear Brushes');

function save(): void {
  if (scope) host.setState({ scope, ...choices });
}

function dim(key: string | undefined): AnalysisDimension | undefined {
  return data?.dimensions.find((d) => d.key === key);
}

function label(d: AnalysisDimension): string {
  const name = d.name.length > 60 ? `${d.name.slice(0, 59)}…` : d.name;
  return `${d.source === 'param' ? '' : `${d.source} `}${name}${d.scale === 'log' ? ' (log)' : d.scale === 'category' ? d.mixed ? ' (mixed types: categories)' : ' (categories)' : ''}`;
}

function fillSelect(select: HTMLSelectElement, dims: readonly AnalysisDimension[], value: string | undefined): string | undefined {
  clear(select);
  for (const d of dims) select.append(el('option', { attrs: { value: d.key } }, label(d)));
  const chosen = dims.some((d) => d.key === value) ? value : dims[0]?.key;
  if (chosen !== undefined) select.value = chosen;
  return chosen;
}

/** The drawing width; read once per render (reading it after DOM changes forces a layout). */
let pageWidth = 0;
function width(): number {
  if (pageWidth === 0) pageWidth = Math.max(360, app.clientWidth - 300);
  return pageWidth;
}

function metrics(): AnalysisDimension[] {
  return (data?.dimensions ?? []).filter((d) => d.source !== 'param' && d.scale !== 'category' && d.present > 0);
}

function drawPcp(): void {
  if (!data) return;
  pcp.set(data, choices.axes ?? [], choices.colorBy, width());
  // set() drops brushes on axes no longer shown.
  choices.brushes = pcp.current();
  save();
  updateBrushed();
}

function updateBrushed(): void {
  if (!data) return;
  const current = data;
  const brushes: Brush[] = pcp.current();
  kept = brushedRuns(current.runs.length, brushes, (key) => current.dimensions.find((d) => d.key === key)?.values);
  brushedCount.textContent = brushes.length ? `${formatCount(kept.length)} of ${formatCount(current.runs.length)} runs brushed` : `${formatCount(current.runs.length)} runs`;
  compareButton.disabled = kept.length === 0;
  filterButton.disabled = brushes.length === 0;
  clearButton.disabled = brushes.length === 0;
  // Best first by the colour metric (higher first), runs without it last.
  const color = dim(choices.colorBy);
  const scale = color ? axisScale(color) : undefined;
  const unit = (i: number): number => (color && scale ? scale.toUnit(color.values[i] ?? Number.NaN) : Number.NaN);
  const order = [...kept].sort((a, b) => (Number.isNaN(unit(b)) ? -1 : Number.isNaN(unit(a)) ? 1 : unit(b) - unit(a)));
  clear(runList);
  for (const i of order.slice(0, RUN_LIST_MAX)) {
    const run = current.runs[i];
    if (!run) continue;
    const swatch = el('span', { className: 'swatch' });
    swatch.style.background = colorOf(unit(i));
    const item = el('li', { className: 'run-item', title: color ? `${run.name} · ${color.name} ${valueText(color, color.values[i])}` : run.name }, swatch, run.name);
    item.dataset.runId = run.id;
    item.addEventListener('click', () => host.post({ type: 'openRun', runId: run.id }));
    runList.append(item);
  }
  if (order.length > RUN_LIST_MAX) runList.append(el('li', { className: 'muted' }, `and ${formatCount(order.length - RUN_LIST_MAX)} more`));
  drawScatter();
}

// The scatter draws on the frame after the parallel coordinates (a brush drag's frames stay the lines' alone), and
// the scatter matrix only while its section is open.
let scatterFrame: number | undefined;
function drawScatter(): void {
  if (scatterFrame !== undefined) return;
  scatterFrame = requestAnimationFrame(() => {
    scatterFrame = undefined;
    if (!data) return;
    const set = pcp.current().length ? new Set(kept) : undefined;
    const color = choices.scatterColor ?? choices.colorBy;
    scatter.draw(data, choices.scatterX ?? '', choices.scatterY ?? '', color, set, width());
    if (matrixSection.open) drawMatrix(matrixCanvas, data, choices.matrix ?? [], color, set, width());
  });
}

function chooser(box: HTMLElement, dims: readonly AnalysisDimension[], chosen: readonly string[], max: number, onChange: (keys: string[]) => void): void {
  clear(box);
  for (const d of dims) {
    const input = el('input', { attrs: { type: 'checkbox', value: d.key } });
    input.checked = chosen.includes(d.key);
    input.addEventListener('change', () => {
      const keys = [...box.querySelectorAll('input')].filter((i) => i.checked).map((i) => i.value);
      if (keys.length > max) { input.checked = false; return; }
      onChange(keys);
    });
    box.append(el('label', { title: d.name }, input, ` ${label(d)}`));
  }
}

function render(next: AnalysisData): void {
  data = next;
  const keys = new Set(next.dimensions.map((d) => d.key));
  choices.axes = (choices.axes ?? next.defaultAxes).filter((k) => keys.has(k));
  if (choices.axes.length === 0) choices.axes = next.defaultAxes;
  const ms = metrics();
  choices.colorBy = fillSelect(colorSelect, ms, choices.colorBy ?? ms.find((m) => choices.axes?.includes(m.key))?.key);
  choices.scatterX = fillSelect(scatterX, next.dimensions.filter((d) => d.present > 0), choices.scatterX ?? choices.axes[0]);
  choices.scatterY = fillSelect(scatterY, ms, choices.scatterY ?? choices.colorBy);
  // The scatter's colour: any dimension, a param too (the lines' colour metric until chosen).
  choices.scatterColor = fillSelect(scatterColor, next.dimensions.filter((d) => d.present > 0), choices.scatterColor ?? choices.colorBy);
  choices.importanceMetric = fillSelect(importanceSelect, ms, choices.importanceMetric ?? choices.colorBy);
  choices.matrix = (choices.matrix ?? choices.axes.slice(0, 4)).filter((k) => keys.has(k)).slice(0, 6);
  chooser(axesChooser, next.dimensions, choices.axes, 40, (k) => { choices.axes = k; save(); drawPcp(); });
  chooser(matrixChooser, next.dimensions, choices.matrix, 6, (k) => { choices.matrix = k; save(); drawScatter(); });
  title.textContent = `Analysis: ${next.scope}`;
  const params = next.dimensions.filter((d) => d.source === 'param').length;
  summary.textContent = `${formatCount(next.runs.length)} runs · ${formatCount(params)} params · ${formatCount(next.dimensions.length - params)} metrics and summary values`;
  save();
  drawPcp();
  requestImportance();
}

function requestImportance(): void {
  if (!choices.importanceMetric) {
    importanceBox.replaceChildren(el('p', { className: 'note' }, 'No numeric metric to explain: importance needs a metric or summary value with numbers.'));
    return;
  }
  importanceBox.replaceChildren(el('p', { className: 'muted' }, 'Computing…'));
  host.post({ type: 'importance', metric: choices.importanceMetric });
}

colorSelect.addEventListener('change', () => { choices.colorBy = colorSelect.value; save(); drawPcp(); });
scatterX.addEventListener('change', () => { choices.scatterX = scatterX.value; save(); drawScatter(); });
scatterY.addEventListener('change', () => { choices.scatterY = scatterY.value; save(); drawScatter(); });
scatterColor.addEventListener('change', () => { choices.scatterColor = scatterColor.value; save(); drawScatter(); });
importanceSelect.addEventListener('change', () => { choices.importanceMetric = importanceSelect.value; save(); requestImportance(); });
compareButton.addEventListener('click', () => {
  const ids = kept.flatMap((i) => { const id = data?.runs[i]?.id; return id ? [id] : []; });
  if (ids.length) host.post({ type: 'compare', runIds: ids });
});
filterButton.addEventListener('click', () => host.post({ type: 'saveFilter', brushes: pcp.current() }));
clearButton.addEventListener('click', () => pcp.clearBrushes());

const matrixSection = el('details', {}, el('summary', {}, 'Scatter matrix (up to 6 dimensions)'), matrixChooser, matrixCanvas);
matrixSection.addEventListener('toggle', () => { if (matrixSection.open) drawScatter(); });
const emptyNote = el('p', { className: 'note' });
emptyNote.hidden = true;
const page = el('div', {},
  title, summary,
  el('h2', {}, 'Parallel coordinates'),
  el('div', { className: 'toolbar' }, el('label', {}, 'Colour by ', colorSelect), brushedCount, compareButton, filterButton, clearButton),
  el('details', {}, el('summary', {}, 'Axes'), axesChooser),
  el('div', { className: 'layout' }, pcp.element, el('div', { className: 'run-list' }, runList)),
  el('h2', {}, 'Scatter'),
  el('div', { className: 'toolbar' }, el('label', {}, 'x ', scatterX), el('label', {}, 'y ', scatterY), el('label', {}, 'colour ', scatterColor)),
  scatter.element,
  matrixSection,
  el('h2', {}, 'Parameter importance'),
  el('div', { className: 'toolbar' }, el('label', {}, 'for ', importanceSelect)),
  importanceBox,
);
app.append(emptyNote, page);

host.onMessage((message) => {
  switch (message.type) {
    case 'data':
      scope = message.scope;
      emptyNote.hidden = true;
      page.hidden = false;
      render(message.data);
      return;
    case 'importance':
      if (message.result.metric === choices.importanceMetric) importanceBox.replaceChildren(importanceView(message.result));
      return;
    case 'empty':
      data = undefined;
      emptyNote.textContent = message.message;
      emptyNote.hidden = false;
      page.hidden = true;
      return;
    default: {
      const unreachable: never = message;
      return unreachable;
    }
  }
});

let resizeTimer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => { pageWidth = 0; drawPcp(); }, 150);
});

host.post({ type: 'ready', state: saved });
