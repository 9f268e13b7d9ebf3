// What the index would read from the lines the mirror just wrote, built from the series themselves: the points as
// typed columns (one per metric key, in the order the keys first appear in the lines), every other line parsed as
// the index parses it. The index takes it instead of reading the log again (src/core/index/importedColumns.ts).
// Only the common case is built (series merged in order, valid steps and times, keys a JSON object keeps in
// insertion order); anything else answers undefined and the index reads the log as always. Equality with a rebuild
// from the log is what test/unit/sources/importedColumns.test.ts checks.
import { MAX_TS, parseEventLine } from '../eventValidation';
import type { KeyColumns, LogBatch, LogItem, PointsSegment } from '../logBatches';
import type { KeyedSeries } from './mirrorEvents';

/** Array-index keys ("0", "17"): a parsed JSON object lists them first, whatever the line's order. */
function isIndexKey(key: string): boolean {
  return /^(0|[1-9][0-9]{0,9})$/.test(key) && Number(key) < 4294967295;
}

/** Each series as the columns its merged lines read back as; undefined when a line would not read back exactly. */
export function pointsSegment(merged: readonly KeyedSeries[]): PointsSegment | undefined {
  const maxMs = MAX_TS * 1000;
  const columns: { column: KeyColumns; t0: number; s0: number; at: number }[] = [];
  let firstTs = Number.POSITIVE_INFINITY;
  let maxTs = 0;
  // The step and time columns of the last series read, kept for series that share its arrays (lockstepPoints.ts).
  let last: { steps: readonly number[]; times: readonly number[]; cs: Float64Array; ct: Float64Array } | undefined;
  for (let at = 0; at < merged.length; at++) {
    const e = merged[at];
    if (!e) continue;
    const { steps, times, values } = e.s;
    const n = steps.length;
    if (n === 0) continue;
    if (isIndexKey(e.key)) return undefined;
    let cs: Float64Array;
    let ct: Float64Array;
    if (last && last.steps === steps && last.times === times) {
      cs = last.cs.slice();
      ct = last.ct.slice();
    } else {
      cs = new Float64Array(n);
      ct = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const step = steps[i] ?? -1;
        const t = times[i] ?? Number.NaN;
        // A line the index would refuse (or the merge leaves out): read it from the log instead.
        if (!(step >= 0 && Number.isSafeInteger(step)) || !(t <= maxMs)) return undefined;
        // What the text says and JSON gives back: times go through seconds.
        const ts = Math.max(0, t) / 1000;
        if (ts > 0 && ts < firstTs) firstTs = ts;
        if (ts > maxTs) maxTs = ts;
        cs[i] = step + 0;
        ct[i] = ts * 1000;
      }
      last = { steps, times, cs, ct };
    }
    const cv = new Float64Array(n);
    let min = Number.NaN;
    let max = Number.NaN;
    for (let i = 0; i < n; i++) {
      // What the text says and JSON gives back: -0 is written "0", NaN is "NaN".
      const raw = values[i] ?? Number.NaN;
      const v = raw !== raw ? Number.NaN : raw === 0 ? 0 : raw;
      cv[i] = v;
      if (v === v) {
        if (!(v >= min)) min = v;
        if (!(v <= max)) max = v;
      }
    }
    columns.push({ column: { key: e.key, steps: cs, times: ct, values: cv, length: n, min, max }, t0: times[0] ?? 0, s0: steps[0] ?? 0, at });
  }
  if (columns.length === 0) return undefined;
  // The lines go in (time, step) order with keys in series order inside a line: a key first appears in the line of its first point.
  columns.sort((a, b) => a.t0 - b.t0 || a.s0 - b.s0 || a.at - b.at);
  return { kind: 'points', firstTs: Number.isFinite(firstTs) ? firstTs : 0, maxTs, columns: columns.map((c) => c.column) };
}

/** Complete lines of text (each ends with a newline) as events; undefined when one is not a valid event. */
function eventItems(text: string, out: LogItem[]): number | undefined {
  let lines = 0;
  let start = 0;
  for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
    const ev = parseEventLine(text.slice(start, end));
    if ('invalid' in ev || (ev.t === 'metrics')) return undefined;
    out.push({ kind: 'event', event: ev });
    lines++;
    start = end + 1;
  }
  return start === text.length ? lines : undefined;
}

/**
 * The batch the index would read from `before + points + after`: `before` and `after` are event lines (no points),
 * `points` the lines metricLines wrote from `merged`. Undefined when it cannot be built exactly.
 */
export function importedBatch(before: string, points: { bytes: Uint8Array; lines: number; merged?: readonly KeyedSeries[] }, after: string): LogBatch | undefined {
  const items: LogItem[] = [];
  const head = eventItems(before, items);
  if (head === undefined) return undefined;
  let pointLines = 0;
  if (points.bytes.length > 0) {
    if (!points.merged) return undefined;
    const segment = pointsSegment(points.merged);
    if (!segment) return undefined;
    items.push(segment);
    pointLines = points.lines;
  }
  const tail = eventItems(after, items);
  if (tail === undefined) return undefined;
  return { items, lines: head + pointLines + tail, problems: [] };
}
