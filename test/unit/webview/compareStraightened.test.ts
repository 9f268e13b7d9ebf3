// A line's vertices, straightened (webview/compare/typedLines.ts): vertices within about half a device pixel of the
// segment that replaces them are dropped, so a smoothed line costs a few vertices, not one per pixel column, and
// every vertex dropped stays within that distance of the line drawn.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Straightened } from '../../../webview/compare/straightened';

type Point = [number, number];

function straighten(points: Point[], tolerance: number): Point[] {
  const out: Point[] = [];
  const sink = { moveTo: (x: number, y: number) => { out.push([x, y]); }, lineTo: (x: number, y: number) => { out.push([x, y]); } };
  const path = new Straightened(sink, tolerance);
  points.forEach(([x, y], i) => (i === 0 ? path.moveTo(x, y) : path.lineTo(x, y)));
  path.flush();
  return out;
}

/** The distance from a point to the polyline. */
function distance([x, y]: Point, line: Point[]): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i + 1 < line.length; i++) {
    const [ax, ay] = line[i] as Point;
    const [bx, by] = line[i + 1] as Point;
    const len = (bx - ax) ** 2 + (by - ay) ** 2;
    const t = len === 0 ? 0 : Math.max(0, Math.min(1, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / len));
    best = Math.min(best, Math.hypot(x - (ax + t * (bx - ax)), y - (ay + t * (by - ay))));
  }
  return best;
}

test('straightened lines: a smooth curve keeps a vertex per bend, each dropped vertex within the tolerance (√2 at most)', () => {
  // A decaying loss curve, one vertex per pixel column over 800 columns, about 200 px tall.
  const curve: Point[] = Array.from({ length: 800 }, (_, i) => [i, 20 + 200 * (1 - Math.exp(-i / 120))]);
  const out = straighten(curve, 0.5);
  assert.ok(out.length < 80, `${out.length} vertices for 800 columns`);
  assert.deepEqual(out[0], curve[0], 'starts where the line starts');
  assert.deepEqual(out.at(-1), curve.at(-1), 'ends where it ends');
  const worst = Math.max(...curve.map((p) => distance(p, out)));
  assert.ok(worst <= 0.5 * Math.SQRT2, `every vertex within ${worst.toFixed(3)} px of the line drawn`);
});

test('straightened lines: a zigzag, a turn back within a column and a gap keep their vertices', () => {
  const zigzag: Point[] = Array.from({ length: 50 }, (_, i) => [i, i % 2 === 0 ? 10 : 90]);
  assert.equal(straighten(zigzag, 0.5).length, 50);
  // Up a column and back down part way: the end of the segment is nearer than the top, which must stay.
  const column: Point[] = [[0, 0], [10, 0], [10, -40], [10, -20], [20, -20]];
  const out = straighten(column, 0.5);
  assert.ok(out.some(([x, y]) => x === 10 && y === -40), `the column's top is kept: ${JSON.stringify(out)}`);
  assert.ok(Math.max(...column.map((p) => distance(p, out))) <= 0.5 * Math.SQRT2);
  // A moveTo starts anew: the vertex before it is passed on.
  const parts: Point[] = [];
  const sink = { moveTo: (x: number, y: number) => { parts.push([x, y]); }, lineTo: (x: number, y: number) => { parts.push([x, y]); } };
  const path = new Straightened(sink, 0.5);
  path.moveTo(0, 0);
  path.lineTo(5, 5);
  path.lineTo(10, 10);
  path.moveTo(20, 0);
  path.lineTo(30, 0);
  path.flush();
  assert.deepEqual(parts, [[0, 0], [10, 10], [20, 0], [30, 0]]);
});
