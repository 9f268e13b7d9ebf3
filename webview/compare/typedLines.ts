// A Chart.js dataset type that draws each line as one canvas path straight from typed arrays. Chart.js keeps the
// axes, scales, tooltip and zoom; what it no longer does is what made 100-run charts slow: an {x, y} object and a
// PointElement (with resolved options) per point, rebuilt on every update, then points walked one by one to draw.
// Here a line is two Float64Arrays; scale limits, drawing and the nearest point are computed from them directly.
import {
  DatasetController, Interaction, PointElement,
  type Chart, type ChartDataset, type InteractionItem, type Scale,
} from 'chart.js';
import { placeLine } from './placement';
import type { RedrawRest } from './slicedRedraw';

/** One line: what a `typedLine` dataset carries instead of `data`, or one of its `lines`. */
export interface TypedLine {
  xs: Float64Array;
  /** NaN or ±Infinity: the line breaks there (a gap), as a point that cannot be placed. */
  ys: Float64Array;
  borderColor: string;
  borderWidth?: number;
  /** Within `lines`: left out of the drawing and of the axes' range. */
  hidden?: boolean;
  /** Within `lines`: drawn after the others (a highlighted run). */
  onTop?: boolean;
}

/**
 * A run's line as a chart draws it: every field there from the start, in one order, so all lines share one hidden
 * class. Its fields change in place (a smoothing's new `ys`, a hide, a highlight); see `primeDrawnLine` for why
 * they are made variable before any line is drawn.
 */
export class DrawnLine implements TypedLine {
  constructor(
    public xs: Float64Array,
    public ys: Float64Array,
    public borderColor: string,
    public borderWidth: number,
    public hidden: boolean,
    public onTop: boolean,
  ) {}
}

/**
 * V8 takes a field that no object of its hidden class has yet had a second value in as a constant, and throws away
 * the optimized code that relied on that the first time one does. Drawn lines keep their first `ys` through the
 * open, so the first smoothing discarded the line-placing code optimized during the open, and V8 re-optimized it
 * while that smoothing ran, its lines placed in slower tiers meanwhile (about 90 deoptimizations, two to three
 * times the time). One line given a second value in every field, before any is drawn, makes them variable at once.
 */
function primeDrawnLine(): void {
  const line = new DrawnLine(new Float64Array(0), new Float64Array(0), '#000', 1.5, false, false);
  line.xs = new Float64Array(1);
  line.ys = new Float64Array(1);
  line.borderColor = '#fff';
  line.borderWidth = 2.5;
  line.hidden = true;
  line.onTop = true;
}
primeDrawnLine();

export interface TypedLineFields extends TypedLine {
  /**
   * Every run's line of a chart in this one dataset (its own xs and ys then empty). Chart.js works per dataset:
   * resolving its options, notifying each plugin before and after its update and its draw, finding its meta by a
   * scan of all metas; with a dataset per run that was most of a 100-run chart's update outside the lines themselves.
   */
  lines?: TypedLine[];
}

export type TypedLineDataset = ChartDataset<'line', never[]> & TypedLineFields;

const fieldsOf = (controller: DatasetController): TypedLineFields => controller.getDataset() as unknown as TypedLineFields;

/** The lines a dataset draws: its `lines`, else itself (Chart.js leaves a hidden dataset out on its own). */
function shownLines(fields: TypedLineFields): TypedLine[] {
  return fields.lines ? fields.lines.filter((l) => !l.hidden) : [fields];
}

/** First index with xs[i] >= x (xs ascending). */
export function lowerBound(xs: Float64Array, x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((xs[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The index of the x in xs (ascending, not empty) nearest `x`; the earlier one on a tie. */
export function nearestIndex(xs: Float64Array, x: number): number {
  const at = Math.min(xs.length - 1, lowerBound(xs, x));
  return at > 0 && Math.abs((xs[at - 1] as number) - x) <= Math.abs((xs[at] as number) - x) ? at - 1 : at;
}

/** getMinMax's running y extent: lowest, highest. */
const yExtent = new Float64Array(2);

/**
 * Folds the finite values of ys[from, to) (the positive ones only, if asked) into `extent`. The loop over every
 * point is a function of arrays and numbers alone: getMinMax around it reads Chart.js objects, whose fields first
 * change on a chart's first update after the open (and V8 then drops the code that relied on them), and that
 * code is cheap to run again where the loop is not in it.
 */
function foldExtent(ys: Float64Array, from: number, to: number, positiveOnly: boolean, extent: Float64Array): void {
  let min = extent[0] as number;
  let max = extent[1] as number;
  for (let i = from; i < to; i++) {
    const y = ys[i] as number;
    if (!Number.isFinite(y) || (positiveOnly && y <= 0)) continue;
    if (y < min) min = y;
    if (y > max) max = y;
  }
  extent[0] = min;
  extent[1] = max;
}

export class TypedLineController extends DatasetController {
  static id = 'typedLine';
  // No element per point is ever made (data stays empty); Chart.js requires a registered type all the same.
  static defaults = { datasetElementType: false, dataElementType: 'point' };
  static overrides = { scales: { x: { type: 'linear' }, y: { type: 'linear' } } };

  /** Nothing per point to build: drawing reads the arrays. */
  override update(): void {}

  /**
   * This line's extent on `scale`: x over all points; y over the points within the x axis' user bounds (so a
   * zoomed chart fits its y axis to what is in view), positive values only on a log scale.
   */
  override getMinMax(scale: Scale): { min: number; max: number } {
    const meta = this.getMeta();
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    const lines = shownLines(fieldsOf(this));
    if (scale === meta.xScale) {
      for (const { xs } of lines) {
        if (xs.length === 0) continue;
        min = Math.min(min, xs[0] as number);
        max = Math.max(max, xs[xs.length - 1] as number);
      }
      return { min, max };
    }
    const x = meta.xScale as Scale | undefined;
    const bounds = x?.getUserBounds();
    const positiveOnly = scale.type === 'logarithmic';
    yExtent[0] = min;
    yExtent[1] = max;
    for (const { xs, ys } of lines) {
      const from = bounds?.minDefined ? Math.max(0, lowerBound(xs, bounds.min) - 1) : 0;
      const to = bounds?.maxDefined ? Math.min(xs.length, lowerBound(xs, bounds.max) + 1) : xs.length;
      foldExtent(ys, from, to, positiveOnly, yExtent);
    }
    return { min: yExtent[0] as number, max: yExtent[1] as number };
  }

  override getParsed(index: number): { x: number; y: number } {
    const { xs, ys } = fieldsOf(this);
    return { x: xs[index] ?? Number.NaN, y: ys[index] ?? Number.NaN };
  }

  override getLabelAndValue(index: number): { label: string; value: string } {
    const { x, y } = this.getParsed(index);
    return { label: String(x), value: String(y) };
  }

  /** The tooltip's colour box. */
  override getStyle(): Record<string, unknown> {
    const { borderColor } = fieldsOf(this);
    return { borderColor, backgroundColor: borderColor, borderWidth: 1 };
  }

  override setHoverStyle(): void {}
  override removeHoverStyle(): void {}

  /**
   * One path per line, stroked one CSS pixel wide unless set otherwise: at one device pixel Chromium's rasteriser
   * draws a hairline, about ten times cheaper than the 1.5 px round-joined stroke of 100 noisy lines it replaced
   * (that rasterisation, not script, was most of a redraw). The placed path is kept per dataset while the scales,
   * the plot area and the points stay, so a hide, show or highlight only re-strokes it.
   */
  override draw(): void {
    const meta = this.getMeta();
    const xScale = meta.xScale as Scale | undefined;
    const yScale = meta.yScale as Scale | undefined;
    if (!xScale || !yScale) return;
    const fields = fieldsOf(this);
    if (!fields.lines) {
      this.drawLine(fields, xScale, yScale);
      return;
    }
    // In the order a dataset per run was drawn: the last run first (the first on top), a highlighted one over all.
    const lines = fields.lines;
    for (let i = lines.length - 1; i >= 0; i--) {
      const line = lines[i] as TypedLine;
      if (!line.hidden && !line.onTop) this.drawLine(line, xScale, yScale);
    }
    for (let i = lines.length - 1; i >= 0; i--) {
      const line = lines[i] as TypedLine;
      if (!line.hidden && line.onTop) this.drawLine(line, xScale, yScale);
    }
  }

  private drawLine(line: TypedLine, xScale: Scale, yScale: Scale): void {
    const { borderColor, borderWidth } = line;
    const ctx = this.chart.ctx;
    const width = borderWidth ?? 1;
    ctx.save();
    ctx.strokeStyle = borderColor;
    ctx.fillStyle = borderColor;
    ctx.lineWidth = width;
    ctx.lineJoin = width > 1 ? 'round' : 'miter';
    let dots: number[];
    if (typeof Path2D === 'function') {
      const placed = placedPath(line, xScale, yScale, this.chart.chartArea, devicePixel(this.chart));
      dots = placed.dots;
      ctx.stroke(placed.path);
    } else {
      ctx.beginPath();
      dots = placeLine(ctx, line.xs, line.ys, xScale, yScale, devicePixel(this.chart));
      ctx.stroke();
    }
    for (let i = 0; i + 1 < dots.length; i += 2) {
      ctx.beginPath();
      ctx.arc(dots[i] as number, dots[i + 1] as number, Math.max(2, width * 1.5), 0, Math.PI * 2);
      ctx.fill();
    }
    ctx.restore();
  }
}

/** A line's path placed on the scales, with what it was placed for (the same key: the path still holds). */
interface PlacedPath {
  key: string;
  xs: Float64Array;
  ys: Float64Array;
  path: Path2D;
  dots: number[];
}

const placedPaths = new WeakMap<object, PlacedPath>();

/** One device pixel in the chart's (CSS pixel) coordinates. */
function devicePixel(chart: Chart): number {
  return 1 / (chart.currentDevicePixelRatio || 1);
}

function placedPath(fields: TypedLine, xScale: Scale, yScale: Scale, area: { left: number; right: number; top: number; bottom: number }, pixel: number): PlacedPath {
  const key = `${xScale.min},${xScale.max},${yScale.type},${yScale.min},${yScale.max},${area.left},${area.right},${area.top},${area.bottom},${pixel}`;
  const cached = placedPaths.get(fields);
  if (cached && cached.key === key && cached.xs === fields.xs && cached.ys === fields.ys) return cached;
  const path = new Path2D();
  const placed = { key, xs: fields.xs, ys: fields.ys, path, dots: placeLine(path, fields.xs, fields.ys, xScale, yScale, pixel) };
  placedPaths.set(fields, placed);
  return placed;
}

/** The script time one step of stagedRender places lines for. */
const PLACE_BUDGET_MS = 6;

/**
 * The rest of a chart's redraw whose update did not render: its shown lines placed on the new scales (the paths
 * its draw strokes) a few per step, then the render, which only strokes them. A chart of 100 runs redrawn in one
 * task blocked the page for 7-26 ms in a page of its own, and up to 56 ms in the editor. Stops if `live` turns false.
 */
export function stagedRender(chart: Chart, live: () => boolean): RedrawRest {
  const place = (from: number): RedrawRest | undefined => {
    if (!live()) return undefined;
    const next = placeLinesUntil(chart, from, performance.now() + PLACE_BUDGET_MS);
    if (next !== undefined) return () => place(next);
    return () => {
      if (live()) chart.render();
      return undefined;
    };
  };
  return () => place(0);
}

/**
 * Places a chart's shown lines on its current scales until `deadline` (performance.now()), at least one, from line
 * `from` on; returns where to go on, or undefined once all are placed.
 */
function placeLinesUntil(chart: Chart, from: number, deadline: number): number | undefined {
  if (typeof Path2D !== 'function') return undefined;
  const area = chart.chartArea;
  const pixel = devicePixel(chart);
  let at = 0;
  let placed = 0;
  for (const meta of chart.getSortedVisibleDatasetMetas()) {
    const xScale = meta.xScale as Scale | undefined;
    const yScale = meta.yScale as Scale | undefined;
    if (!xScale || !yScale) continue;
    for (const line of shownLines(chart.data.datasets[meta.index] as unknown as TypedLineFields)) {
      if (at++ < from) continue;
      if (placed > 0 && performance.now() >= deadline) return at - 1;
      placedPath(line, xScale, yScale, area, pixel);
      placed++;
    }
  }
  return undefined;
}

/**
 * Interaction mode `typedNearest`: the point nearest the pointer across the visible typed lines (by pixel
 * distance, looked up by binary search on x), as an element the tooltip can place.
 */
function typedNearest(chart: Chart, event: { x: number | null; y: number | null }): InteractionItem[] {
  if (event.x === null || event.y === null) return [];
  const area = chart.chartArea;
  if (event.x < area.left || event.x > area.right || event.y < area.top || event.y > area.bottom) return [];
  let best: InteractionItem | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const meta of chart.getSortedVisibleDatasetMetas()) {
    const xScale = meta.xScale as Scale | undefined;
    const yScale = meta.yScale as Scale | undefined;
    if (!xScale || !yScale) continue;
    const xAt = xScale.getValueForPixel(event.x) ?? Number.NaN;
    for (const { xs, ys } of shownLines(chart.data.datasets[meta.index] as unknown as TypedLineFields)) {
      const at = lowerBound(xs, xAt);
      for (let i = Math.max(0, at - 2); i < Math.min(xs.length, at + 2); i++) {
        const y = ys[i] as number;
        if (!Number.isFinite(y)) continue;
        const px = xScale.getPixelForValue(xs[i] as number);
        const py = yScale.getPixelForValue(y);
        const distance = Math.hypot(px - event.x, py - event.y);
        if (distance < bestDistance) {
          bestDistance = distance;
          best = { datasetIndex: meta.index, index: i, element: new PointElement({ x: px, y: py }) as unknown as InteractionItem['element'] };
        }
      }
    }
  }
  return best ? [best] : [];
}

(Interaction.modes as unknown as Record<string, unknown>).typedNearest = typedNearest;

declare module 'chart.js' {
  interface ChartTypeRegistry {
    typedLine: ChartTypeRegistry['line'];
  }
  interface InteractionModeMap {
    typedNearest: typeof typedNearest;
  }
}
