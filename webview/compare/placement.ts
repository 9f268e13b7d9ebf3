// Where a line's points land on the canvas: the per-point loop of the Compare charts (typedLines.ts strokes its
// result). Kept apart from Chart.js so it can be tested and so V8 optimizes it on typed arrays and numbers alone.
import { pixelMapOf, pixelOf, type MappedScale, type PixelMap } from './pixelMap';
import { Straightened, type PathSink } from './straightened';

/**
 * Places a line's points on `sink` (a context or a Path2D): consecutive points in the same pixel column collapse to
 * their lowest and highest (what a canvas could show anyway), or to the column's first point where they all lie
 * within one device pixel (`pixel`) of each other, as a smoothed line mostly does: the segments that follow cover
 * the same pixels, and each vertex costs a Path2D call and rasterisation. A point with no finite neighbour on either
 * side is returned as a dot (x, y pairs) so a single logged value is visible.
 */
export function placeLine(sink: PathSink, xs: Float64Array, ys: Float64Array, xScale: MappedScale, yScale: MappedScale, pixel: number): number[] {
  const to = new Straightened(sink, pixel / 2);
  const dots: number[] = [];
  // Plain arithmetic per point where the scales are affine (pixelMap.ts); Chart.js' own lookup otherwise.
  const xMap = pixelMapOf(xScale);
  const yMap = pixelMapOf(yScale);
  const log = yMap ? yMap.log : yScale.type === 'logarithmic';
  placePoints(to, dots, xs, ys, xMap, yMap, xScale, yScale, log, pixel);
  to.flush();
  return dots;
}

/**
 * placeLine's loop. Apart from it so that what V8 optimizes per point reads only arrays, numbers and the maps: the
 * scales (Chart.js objects of another class once the y axis turns logarithmic) only where a scale has no map.
 */
function placePoints(to: Straightened, dots: number[], xs: Float64Array, ys: Float64Array, xMap: PixelMap | undefined, yMap: PixelMap | undefined, xScale: MappedScale, yScale: MappedScale, log: boolean, pixel: number): void {
  let penDown = false;
  let runLength = 0;
  let column = Number.NaN;
  let colMin = 0;
  let colMax = 0;
  let lastY = 0;
  /** Whether the column's lowest pixel (highest value) came after its highest: extremes are drawn in x order. */
  let minLast = false;
  let firstX = 0;
  let firstY = 0;
  for (let i = 0; i < xs.length; i++) {
    const y = ys[i] as number;
    if (!Number.isFinite(y) || (log && y <= 0)) {
      if (penDown && runLength === 1) dots.push(firstX, firstY);
      if (penDown) closeColumn(to, column, colMin, colMax, lastY, minLast, pixel);
      penDown = false;
      runLength = 0;
      continue;
    }
    const px = xMap ? pixelOf(xMap, xs[i] as number) : xScale.getPixelForValue(xs[i] as number);
    const py = yMap ? pixelOf(yMap, y) : yScale.getPixelForValue(y);
    if (!penDown) {
      to.moveTo(px, py);
      penDown = true;
      runLength = 1;
      firstX = px;
      firstY = py;
      column = Math.round(px);
      colMin = colMax = lastY = py;
      minLast = false;
      continue;
    }
    runLength++;
    const col = Math.round(px);
    if (col === column) {
      // Same pixel column: keep its extremes, draw them when the column ends.
      if (py < colMin) {
        colMin = py;
        minLast = true;
      }
      if (py > colMax) {
        colMax = py;
        minLast = false;
      }
      lastY = py;
      continue;
    }
    closeColumn(to, column, colMin, colMax, lastY, minLast, pixel);
    to.lineTo(px, py);
    column = col;
    colMin = colMax = lastY = py;
    minLast = false;
  }
  if (penDown && runLength === 1) dots.push(firstX, firstY);
  if (penDown) closeColumn(to, column, colMin, colMax, lastY, minLast, pixel);
}

/**
 * A column's points after the first, as at most three vertices: both extremes in x order, then where it ended.
 * A function of its arguments, not a closure over placeLine's column state: captured variables that the loop
 * writes live in a heap context, each write a store there instead of a register.
 */
function closeColumn(to: Straightened, column: number, colMin: number, colMax: number, lastY: number, minLast: boolean, pixel: number): void {
  if (colMax - colMin < pixel) return;
  const second = minLast ? colMin : colMax;
  to.lineTo(column, minLast ? colMax : colMin);
  to.lineTo(column, second);
  if (lastY !== second) to.lineTo(column, lastY);
}
