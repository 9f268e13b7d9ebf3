// Metric series for charts: points decoded from the database's chunks, put in x order and downsampled, with a
// cache of the downsampled lines (a panel asks again on every axis or selection change).
import type { Database, Statement } from 'sql.js';
import { downsampleMinMax, envelope, type TypedPoints } from '../downsample';
import type { EnvelopeRequest, SeriesLine, SeriesRequest, TypedSeriesLine } from '../model';
import type { RunState } from '../runState';
import { CHUNK_POINTS } from '../seriesCodec';
import type { SqlEngine } from '../sqlEngine';
import { readSeries, SERIES_CHUNKS_SQL } from '../store';

/** Downsampled lines kept for repeated queries. */
const LINE_CACHE_ENTRIES = 4096;
/** Longer lines (full-resolution reads, e.g. a push's metric history) are not cached: they are big and rarely asked again. */
const LINE_CACHE_MAX_POINTS = 20_000;

export class SeriesReader {
  private lineCache = new Map<string, { version: string; line: SeriesLine }>();
  /** Envelopes by series, axis and width: handed out as they are (typed, never copied on the way out). */
  private envelopeCache = new Map<string, { version: string; points: TypedPoints; totalPoints: number }>();
  /** Reused decode buffers: a query decodes one series at a time, so cold queries allocate nothing per series. */
  private scratch: { xs: Float64Array; ys: Float64Array; rel: Float64Array } = { xs: new Float64Array(0), ys: new Float64Array(0), rel: new Float64Array(0) };

  /** `db` and `runs` are read at each query: both are replaced when the database is reloaded or rebuilt. */
  constructor(private readonly engine: SqlEngine, private readonly db: () => Database, private readonly runs: () => ReadonlyMap<string, RunState>) {}

  /** Forgets the cached lines (their series ids mean nothing in another database). */
  clear(): void {
    this.lineCache.clear();
    this.envelopeCache.clear();
  }

  /** Each line as a chart `columns` pixels wide shows it (see `envelope`), typed, from the cache when it still holds. */
  envelopes(request: EnvelopeRequest): TypedSeriesLine[] {
    const lines: TypedSeriesLine[] = [];
    const columns = Math.max(1, Math.floor(request.columns));
    const axis = request.xAxis === 'step' ? 'step' : 'time';
    const runs = this.runs();
    let stmt: Statement | undefined;
    try {
      for (const runId of request.runIds) {
        const run = runs.get(runId);
        if (!run) continue;
        for (const key of request.keys) {
          const m = run.metrics.get(key);
          if (!m || m.seriesId === 0) continue;
          const cacheKey = `${m.seriesId}/${request.xAxis}/${columns}`;
          const version = `${m.chunks}/${m.tailPoints}`;
          let hit = this.envelopeCache.get(cacheKey);
          if (hit && hit.version === version) {
            this.envelopeCache.delete(cacheKey);
          } else {
            stmt ??= this.db().prepare(SERIES_CHUNKS_SQL);
            const { xs, ys, n } = this.decodedLine(run, m, request.xAxis, axis, stmt);
            hit = { version, points: envelope(xs, ys, n, columns), totalPoints: n };
          }
          this.envelopeCache.set(cacheKey, hit);
          if (this.envelopeCache.size > LINE_CACHE_ENTRIES) this.envelopeCache.delete(this.envelopeCache.keys().next().value as string);
          lines.push({ runId, key, x: hit.points.x, y: hit.points.y, totalPoints: hit.totalPoints });
        }
      }
    } finally {
      stmt?.free();
    }
    return lines;
  }

  series(request: SeriesRequest): SeriesLine[] {
    const lines: SeriesLine[] = [];
    const axis = request.xAxis === 'step' ? 'step' : 'time';
    // One prepared chunk query for every series of this request.
    const stmt = this.db().prepare(SERIES_CHUNKS_SQL);
    try {
      this.collect(request, axis, stmt, lines);
    } finally {
      stmt.free();
    }
    return lines;
  }

  private collect(request: SeriesRequest, axis: 'step' | 'time', stmt: Statement, lines: SeriesLine[]): void {
    const maxPoints = Math.max(1, Math.floor(request.maxPoints));
    const runs = this.runs();
    for (const runId of request.runIds) {
      const run = runs.get(runId);
      if (!run) continue;
      for (const key of request.keys) {
        const m = run.metrics.get(key);
        if (!m || m.seriesId === 0) continue;
        const cacheKey = `${m.seriesId}/${request.xAxis}/${maxPoints}`;
        const version = `${m.chunks}/${m.tailPoints}`;
        const hit = this.lineCache.get(cacheKey);
        if (hit && hit.version === version) {
          this.lineCache.delete(cacheKey);
          this.lineCache.set(cacheKey, hit);
          lines.push({ runId, key, x: hit.line.x.slice(), y: hit.line.y.slice(), totalPoints: hit.line.totalPoints });
          continue;
        }
        const line = this.downsampledLine(run, m, request.xAxis, axis, maxPoints, stmt);
        if (line.x.length > LINE_CACHE_MAX_POINTS) {
          lines.push({ ...line, key });
          continue;
        }
        this.lineCache.set(cacheKey, { version, line });
        if (this.lineCache.size > LINE_CACHE_ENTRIES) this.lineCache.delete(this.lineCache.keys().next().value as string);
        lines.push({ runId, key, x: line.x.slice(), y: line.y.slice(), totalPoints: line.totalPoints });
      }
    }
  }

  /** Decodes one series into the scratch buffers and downsamples it. */
  private downsampledLine(run: RunState, m: { seriesId: number; chunks: number; tailPoints: number }, xAxis: SeriesRequest['xAxis'],
    axis: 'step' | 'time', maxPoints: number, stmt: Statement): SeriesLine {
    const { xs: sx, ys: sy, n } = this.decodedLine(run, m, xAxis, axis, stmt);
    const d = downsampleMinMax(sx, sy, n, maxPoints);
    return { runId: run.id, key: '', x: d.x, y: d.y, totalPoints: n };
  }

  /** Decodes one series in x order (into the scratch buffers: valid until the next decode). */
  private decodedLine(run: RunState, m: { seriesId: number; chunks: number; tailPoints: number }, xAxis: SeriesRequest['xAxis'],
    axis: 'step' | 'time', stmt: Statement): { xs: Float64Array; ys: Float64Array; n: number } {
    // Full chunks but the last: the size is known without counting (readSeries grows the buffers if not).
    const expected = m.chunks > 0 ? (m.chunks - 1) * CHUNK_POINTS + m.tailPoints : 0;
    if (this.scratch.xs.length < expected) {
      this.scratch.xs = new Float64Array(expected);
      this.scratch.ys = new Float64Array(expected);
    }
    const decoded = readSeries(this.db(), m.seriesId, axis, this.engine.blobView, expected, stmt, this.scratch);
    this.scratch.xs = decoded.xs;
    this.scratch.ys = decoded.ys;
    const { xs, ys, n } = decoded;
    let sx: Float64Array = xs;
    let sy: Float64Array = ys;
    if (xAxis === 'relative') {
      if (this.scratch.rel.length < n) this.scratch.rel = new Float64Array(xs.length);
      sx = this.scratch.rel;
      const base = run.startedAt;
      for (let i = 0; i < n; i++) sx[i] = ((xs[i] as number) - base) / 1000;
    }
    let sorted = true;
    for (let i = 1; i < n; i++) if ((sx[i] as number) < (sx[i - 1] as number)) { sorted = false; break; }
    if (!sorted) {
      // A resumed run can log a step again; order by x, keeping log order among equal x (stable sort).
      const px = sx;
      const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (px[a] as number) - (px[b] as number) || a - b);
      sx = Float64Array.from(order, (i) => px[i] as number);
      sy = Float64Array.from(order, (i) => ys[i] as number);
    }
    return { xs: sx, ys: sy, n };
  }
}
