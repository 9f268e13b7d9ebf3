// Reads a window of a run's log from the sync cursor: the facts it states and the metric points, in log order.
// The order of points is fixed by the bytes of the log (line by line, values in their JSON order), so "the first
// N points after offset X" names the same points on every read: that is what the cursor counts.
import { statSync } from 'node:fs';
import { MAX_LINE_BYTES, parseEventLine } from '../eventValidation';
import { readAppendedLines } from '../logTail';
import type { MlflowMetric } from '../registry/mlflowPush';
import { mlflowKeyFor, mlflowMetricValue } from './mlflowNames';
import { applyEvent, type RunFacts } from './runFacts';
import type { Cursor } from './syncState';

/** Bytes of log read per window: bounds the points held in memory (about 150,000 at most). */
export const WINDOW_BYTES = 4 * 1024 * 1024;

export interface Window {
  /** Points after the cursor's already-sent ones. */
  points: MlflowMetric[];
  /** Where the window ends (a line boundary). */
  end: { offset: number; line: number };
  skippedLines: number;
}

/** Maps a Trialbook metric name to its MLflow key, remembering names the rule changed (and keeping keys distinct). */
export function keyOf(name: string, keys: Map<string, string>, used: Set<string>): string {
  const known = keys.get(name);
  if (known !== undefined) return known;
  let key = mlflowKeyFor(name);
  if (key !== name) {
    // Two names the rule maps alike get distinct keys: the rule's hash already differs; this guards a valid name equal to a mapped one.
    for (let i = 2; used.has(key); i++) key = mlflowKeyFor(`${name}\u0000${i}`);
    used.add(key);
  }
  // Valid names are remembered too (as themselves): the check then runs once per name, not once per point.
  keys.set(name, key);
  return key;
}

/**
 * Reads the complete lines from `cursor` up to about WINDOW_BYTES, folding non-metric events into `facts` and
 * returning the points past the `cursor.points` already sent. A single line longer than the window is read whole.
 */
export function readWindow(file: string, cursor: Cursor, facts: RunFacts, keys: Map<string, string>, used: Set<string>): Window {
  const points: MlflowMetric[] = [];
  // Nothing new (the common case of a live sync's pass): no read, no buffer.
  const size = statSync(file).size;
  if (size <= cursor.offset) return { points, end: { offset: cursor.offset, line: cursor.line }, skippedLines: 0 };
  let skip = cursor.points;
  let skippedLines = 0;
  const onLine = (line: { text: string } | { invalid: string }): void => {
    if (!('text' in line)) { skippedLines++; return; }
    const event = parseEventLine(line.text);
    if ('invalid' in event) { skippedLines++; return; }
    if (event.t !== 'metrics') { applyEvent(facts, event); return; }
    facts.lastMs = Math.max(facts.lastMs ?? 0, Math.round(event.ts * 1000));
    const timestamp = Math.round(event.ts * 1000);
    // for…in over the parsed object's own keys (in the same order as Object.entries), without a pair per value.
    for (const name in event.values) {
      const value = mlflowMetricValue(event.values[name] as number | string);
      if (value === undefined) continue;
      if (skip > 0) { skip--; continue; }
      points.push({ key: keyOf(name, keys, used), value, timestamp, step: event.step });
    }
  };
  // Bounded by what the file holds now: the read buffer is the window's size, and a small log needs no 4 MiB one.
  let result = readAppendedLines(file, cursor.offset, cursor.line, onLine, { endOffset: Math.min(cursor.offset + WINDOW_BYTES, size) });
  if (result.offset === cursor.offset) {
    // Nothing complete within the window: either no new line, or one longer than the window.
    result = readAppendedLines(file, cursor.offset, cursor.line, onLine, { endOffset: cursor.offset + MAX_LINE_BYTES + 1 });
  }
  return { points, end: { offset: result.offset, line: result.line }, skippedLines };
}

/**
 * Points past the cursor not on the server yet (for "pending N points"), without sending anything. At most
 * WINDOW_BYTES are read; a longer unsent tail is estimated from the points per byte of what was read.
 */
export function countPoints(file: string, cursor: Cursor, size: number): number {
  let n = 0;
  const read = readAppendedLines(file, cursor.offset, cursor.line, (line) => {
    if (!('text' in line) || !line.text.includes('"metrics"')) return;
    const event = parseEventLine(line.text);
    if ('invalid' in event || event.t !== 'metrics') return;
    for (const raw of Object.values(event.values)) if (mlflowMetricValue(raw) !== undefined) n++;
  }, { endOffset: Math.min(cursor.offset + WINDOW_BYTES, size) });
  const readBytes = read.offset - cursor.offset;
  if (readBytes > 0 && size > read.offset + 1) n = Math.round((n * (size - cursor.offset)) / readBytes);
  return Math.max(0, n - cursor.points);
}
