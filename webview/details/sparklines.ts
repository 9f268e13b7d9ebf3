// The details page's metric sections: a small chart per metric (drawn straight on a canvas: no chart library in
// this bundle) above the table of last/min/max, with system metrics (`system/…`, as the SDK names them) apart.
import { formatCount, formatNumber } from '../../src/shared/format';
import type { RunDetailsData, SparkLine } from '../../src/shared/webviews/details/contract';
import { fromWireNumber } from '../../src/shared/webviews/wireValue';
import { el } from '../shared/dom';

type Metric = RunDetailsData['metrics'][number];

const WIDTH = 160;
const HEIGHT = 36;
const PAD = 3;

const isSystem = (key: string): boolean => key.startsWith('system/');

/** Draws `points` (x, y pairs) scaled to the canvas; a non-finite y breaks the line; a lone point is a dot. */
export function drawSparkline(canvas: HTMLCanvasElement, points: readonly number[], color: string): void {
  const ratio = typeof devicePixelRatio === 'number' && devicePixelRatio > 0 ? devicePixelRatio : 1;
  canvas.width = Math.round(WIDTH * ratio);
  canvas.height = Math.round(HEIGHT * ratio);
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  let x0 = Infinity; let x1 = -Infinity; let y0 = Infinity; let y1 = -Infinity;
  for (let i = 0; i + 1 < points.length; i += 2) {
    const x = points[i] ?? Number.NaN;
    const y = points[i + 1] ?? Number.NaN;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
  }
  if (x0 > x1) return;
  // A flat line sits in the middle; a single x in the middle too.
  const sx = (x: number): number => (x1 === x0 ? WIDTH / 2 : PAD + ((x - x0) / (x1 - x0)) * (WIDTH - 2 * PAD));
  const sy = (y: number): number => (y1 === y0 ? HEIGHT / 2 : HEIGHT - PAD - ((y - y0) / (y1 - y0)) * (HEIGHT - 2 * PAD));
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  ctx.lineWidth = 1.25;
  ctx.beginPath();
  let drawing = false;
  let drawn = 0;
  let lone: [number, number] | undefined;
  for (let i = 0; i + 1 < points.length; i += 2) {
    const x = points[i] ?? Number.NaN;
    const y = points[i + 1] ?? Number.NaN;
    if (!Number.isFinite(x) || !Number.isFinite(y)) { drawing = false; continue; }
    if (drawing) ctx.lineTo(sx(x), sy(y));
    else ctx.moveTo(sx(x), sy(y));
    drawing = true;
    drawn++;
    lone = [sx(x), sy(y)];
  }
  ctx.stroke();
  if (drawn === 1 && lone) {
    ctx.beginPath();
    ctx.arc(lone[0], lone[1], 2.5, 0, 2 * Math.PI);
    ctx.fill();
  }
}

function sparkCard(metric: Metric, line: SparkLine | undefined, color: string): HTMLElement {
  const canvas = el('canvas', { attrs: { role: 'img', 'aria-label': `${metric.key} over steps` } });
  canvas.style.width = `${WIDTH}px`;
  canvas.style.height = `${HEIGHT}px`;
  drawSparkline(canvas, (line?.points ?? []).map(fromWireNumber), color);
  const card = el('div', { className: 'spark' },
    el('div', { className: 'spark-name', title: metric.key }, metric.key),
    canvas,
    el('div', { className: 'spark-last muted' }, `last ${formatNumber(fromWireNumber(metric.last))}`));
  card.dataset.metric = metric.key;
  return card;
}

/** A metrics section: the small charts, then the table (built by the page, so its look stays the page's). */
function metricSection(
  title: string, metrics: readonly Metric[], lines: ReadonlyMap<string, SparkLine>, color: string, table: (metrics: readonly Metric[]) => HTMLElement,
): HTMLElement {
  return el('section', { className: 'metrics' }, el('h2', {}, `${title} (${metrics.length})`),
    el('div', { className: 'sparks' }, ...metrics.map((m) => sparkCard(m, lines.get(m.key), color))),
    table(metrics));
}

/**
 * The Metrics section (or "No metrics logged.") and, when the run has any, the System metrics section. More
 * sections of the same kind (a Summary) go beside these in the page's list of parts.
 */
export function metricSections(d: RunDetailsData, table: (metrics: readonly Metric[]) => HTMLElement): HTMLElement[] {
  const lines = new Map((d.sparks ?? []).map((s) => [s.key, s]));
  const own = d.metrics.filter((m) => !isSystem(m.key));
  const system = d.metrics.filter((m) => isSystem(m.key));
  const out = [own.length
    ? metricSection('Metrics', own, lines, d.color, table)
    : el('section', {}, el('h2', {}, 'Metrics (0)'), el('p', { className: 'muted' }, 'No metrics logged.'))];
  if (system.length) out.push(metricSection('System metrics', system, lines, d.color, table));
  return out;
}

export const metricRow = (m: Metric): string[] => [m.key, ...[m.last, m.min, m.max].map((v) => formatNumber(fromWireNumber(v))), formatCount(m.count)];
