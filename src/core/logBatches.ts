// A run log's appended lines, turned into batches the index applies to its in-memory run state.
// Plain metrics lines (and heartbeats) are packed into columns per metric key: typed arrays that cross to the
// main thread without a copy when the reading happens on a worker thread (logReaderThread). Every other event
// stays whole and in log order. The same code runs inline and on the worker, so both give the same index.
import { metricValue, parseEventLine, type RunEvent } from './eventValidation';
import { readAppendedLines, type TailResult } from './logTail';

/** Points of one metric key from consecutive lines of one segment. */
export interface KeyColumns {
  key: string;
  /** The arrays may be longer than `length` (they are handed over as they grew). */
  steps: Float64Array;
  times: Float64Array;
  values: Float64Array;
  length: number;
  /** Over the non-NaN values; NaN when every value was NaN. */
  min: number;
  max: number;
}

/** A stretch of plain metrics and heartbeat lines with no other event between them. */
export interface PointsSegment {
  kind: 'points';
  /** First non-zero event time of the stretch (0 when none), and the latest (seconds). */
  firstTs: number;
  maxTs: number;
  /** In the order the keys first appear (the order sequential ingest would create them in). */
  columns: KeyColumns[];
}

export type LogItem = PointsSegment | { kind: 'event'; event: RunEvent };

export interface LogBatch {
  items: LogItem[];
  /** Lines read for this batch (valid or not). */
  lines: number;
  /** Lines that cannot be used, with their line numbers. */
  problems: { line: number; reason: string }[];
}

export interface LogReadJob {
  file: string;
  /** Byte offset and number of lines already read. */
  offset: number;
  line: number;
  /** Bytes of the file's head already hashed (see readAppendedLines); the head is not hashed when omitted. */
  headLength?: number;
}

class ColumnBuilder {
  steps: Float64Array;
  times: Float64Array;
  values: Float64Array;
  length = 0;
  min = Number.NaN;
  max = Number.NaN;

  constructor(readonly key: string, capacity: number) {
    this.steps = new Float64Array(capacity);
    this.times = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }

  push(step: number, timeMs: number, v: number): void {
    if (this.length === this.steps.length) this.grow();
    const i = this.length++;
    this.steps[i] = step;
    this.times[i] = timeMs;
    this.values[i] = v;
    if (v === v) {
      if (!(v >= this.min)) this.min = v;
      if (!(v <= this.max)) this.max = v;
    }
  }

  private grow(): void {
    const capacity = this.steps.length * 2;
    const copy = (a: Float64Array): Float64Array => { const b = new Float64Array(capacity); b.set(a); return b; };
    this.steps = copy(this.steps);
    this.times = copy(this.times);
    this.values = copy(this.values);
  }
}

/**
 * Collects the events of consecutive lines into a batch; `take` hands it over and starts the next. One builder
 * can serve many logs in turn: it remembers how many points per key a segment held, to size the next one.
 */
export class BatchBuilder {
  private items: LogItem[] = [];
  private problems: LogBatch['problems'] = [];
  private lines = 0;
  private segment: PointsSegment | undefined;
  private columns = new Map<string, ColumnBuilder>();
  /** Lines per key in the previous segment: the next one starts at that capacity instead of growing to it. */
  private sizes = new Map<string, number>();

  add(ev: RunEvent): void {
    this.lines++;
    if (ev.t === 'metrics' && ev.cell === undefined) {
      const seg = this.open(ev.ts);
      const timeMs = ev.ts * 1000;
      const values = ev.values;
      for (const key in values) {
        let col = this.columns.get(key);
        if (!col) {
          col = new ColumnBuilder(key, this.sizes.get(key) ?? 64);
          this.columns.set(key, col);
          seg.columns.push(col);
        }
        col.push(ev.step, timeMs, metricValue(values[key] as number | string));
      }
    } else if (ev.t === 'other') {
      this.open(ev.ts);
    } else {
      this.close();
      this.items.push({ kind: 'event', event: ev });
    }
  }

  invalid(line: number, reason: string): void {
    this.lines++;
    this.problems.push({ line, reason });
  }

  get isEmpty(): boolean {
    return this.lines === 0;
  }

  take(): LogBatch {
    this.close();
    const batch = { items: this.items, problems: this.problems, lines: this.lines };
    this.items = [];
    this.problems = [];
    this.lines = 0;
    return batch;
  }

  private open(ts: number): PointsSegment {
    let seg = this.segment;
    if (!seg) {
      seg = { kind: 'points', firstTs: 0, maxTs: ts, columns: [] };
      this.segment = seg;
      this.items.push(seg);
    }
    if (seg.firstTs === 0) seg.firstTs = ts;
    if (ts > seg.maxTs) seg.maxTs = ts;
    return seg;
  }

  private close(): void {
    if (!this.segment) return;
    // The builders become plain column records (what crosses threads); their arrays are not reused.
    this.segment.columns = this.segment.columns.map((c) => {
      this.sizes.set(c.key, Math.max(64, c.length));
      return { key: c.key, steps: c.steps, times: c.times, values: c.values, length: c.length, min: c.min, max: c.max };
    });
    this.segment = undefined;
    this.columns.clear();
  }
}

/** The typed arrays of a batch, for a worker's transfer list. */
export function batchBuffers(batch: LogBatch): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const item of batch.items) {
    if (item.kind !== 'points') continue;
    for (const c of item.columns) out.push(c.steps.buffer as ArrayBuffer, c.times.buffer as ArrayBuffer, c.values.buffer as ArrayBuffer);
  }
  return out;
}

/**
 * Reads the complete lines appended since the job's offset and hands them over in batches (one per chunk the
 * tail reader reads, so memory stays bounded on huge logs). Returns where the next read starts.
 */
export function readLogBatches(job: LogReadJob, onBatch: (batch: LogBatch) => void, builder = new BatchBuilder()): TailResult {
  const result = readAppendedLines(job.file, job.offset, job.line, (line, lineNo) => {
    const ev = 'text' in line ? parseEventLine(line.text) : line;
    if ('invalid' in ev) builder.invalid(lineNo, ev.invalid);
    else builder.add(ev);
  }, {
    onBatch: () => { if (!builder.isEmpty) onBatch(builder.take()); },
    ...(job.headLength === undefined ? {} : { headLength: job.headLength }),
  });
  if (!builder.isEmpty) onBatch(builder.take());
  return result;
}
