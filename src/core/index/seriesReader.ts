// Metric series for charts: points decoded from the database's chunks, put in x order and downsampled, with a
// cache of the downsampled lines (a panel asks again on every axis or selection change).
import type { Database, Statement } from 'sql.js';
import { downsampleMinMax, envelope, type TypedPoints } from '../downsample';
import type { EnvelopeRequest, SeriesLine, SeriesRequest, TypedSeriesLine } from '../model';
import type { RunState } from '../runState';
import { CHUNK_POINTS, type ChunkAxis } from '../seriesCodec';
import type { SqlEngine } from '../sqlEngine';
import { readSeriesAxes, SERIES_CHUNKS_SQL, type AxisBuffers } from '../store';

/** Downsampled lines kept for repeated queries. */
const LINE_CACHE_ENTRIES = 4096;
/** Longer lines (full-resolution reads, e.g. a push's metric history) are not cached: they are big and rarely asked again. */
const LINE_CACHE_MAX_POINTS = 20_000;

type SeriesChunks = { seriesId: number; chunks: number; tailPoints: number };
type Scratch = { xs: Float64Array; ys: Float64Array; rel: Float64Array };
type OrderedLine = { xs: Float64Array; ys: Float64Array; n: number };

export class SeriesReader {
  private lineCache = new Map<string, { version: string; line: SeriesLine }>();
  /** Envelopes by series, axis and width: handed out as they are (typed, never copied on the way out). */
  private envelopeCache = new Map<string, { version: string; points: TypedPoints; totalPoints: number }>();
  /** Reused decode buffers, one set per axis decoded at once: cold queries allocate nothing per series. */
  private readonly scratch: Scratch[] = [];

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
    const also = request.alsoXAxis !== request.xAxis ? request.alsoXAxis : undefined;
    let stmt: Statement | undefined;
    try {
      for (const { runId, key, run, m, version } of this.requested(request)) {
        const cacheKey = `${m.seriesId}/${request.xAxis}/${columns}`;
        let hit = this.envelopeCache.get(cacheKey);
        if (hit && hit.version === version) {
          this.envelopeCache.delete(cacheKey);
        } else {
          stmt ??= this.db().prepare(SERIES_CHUNKS_SQL);
          // The other axis' envelope from the same read, unless it is cached already.
          const alsoKey = also === undefined ? undefined : `${m.seriesId}/${also}/${columns}`;
          const withAlso = also !== undefined && alsoKey !== undefined && this.envelopeCache.get(alsoKey)?.version !== version;
          const [main, other] = this.decodedLines(run, m, withAlso ? [request.xAxis, also] : [request.xAxis], stmt) as [OrderedLine, OrderedLine?];
          if (other && alsoKey !== undefined) this.cacheEnvelope(alsoKey, { version, points: envelope(other.xs, other.ys, other.n, columns), totalPoints: other.n });
          hit = { version, points: envelope(main.xs, main.ys, main.n, columns), totalPoints: main.n };
        }
        this.cacheEnvelope(cacheKey, hit);
        lines.push({ runId, key, x: hit.points.x, y: hit.points.y, totalPoints: hit.totalPoints });
      }
    } finally {
      stmt?.free();
    }
    return lines;
  }

  /**
   * Each requested run's series of each requested key that has points (runs and keys the index lacks are skipped), with
   * the version its cached lines are checked against (a new chunk or tail point makes a new one).
   */
  private *requested(request: { runIds: readonly string[]; keys: readonly string[] }): Generator<{ runId: string; key: string; run: RunState; m: SeriesChunks; version: string }> {
    const runs = this.runs();
    for (const runId of request.runIds) {
      const run = runs.get(runId);
      if (!run) continue;
      for (const key of request.keys) {
        const m = run.metrics.get(key);
        if (!m || m.seriesId === 0) continue;
        yield { runId, key, run, m, version: `${m.chunks}/${m.tailPoints}` };
      }
    }
  }

  /** Keeps an envelope as the most recently used, dropping the least recently used beyond the cache's size. */
  private cacheEnvelope(cacheKey: string, entry: { version: string; points: TypedPoints; totalPoints: number }): void {
    this.envelopeCache.delete(cacheKey);
    this.envelopeCache.set(cacheKey, entry);
    if (this.envelopeCache.size > LINE_CACHE_ENTRIES) this.envelopeCache.delete(this.envelopeCache.keys().next().value as string);
  }

  series(request: SeriesRequest): SeriesLine[] {
    const lines: SeriesLine[] = [];
    // One prepared chunk query for every series of this request.
    const stmt = this.db().prepare(SERIES_CHUNKS_SQL);
    try {
      this.collect(request, stmt, lines);
    } finally {
      stmt.free();
    }
    return lines;
  }

  private collect(request: SeriesRequest, stmt: Statement, lines: SeriesLine[]): void {
    const maxPoints = Math.max(1, Math.floor(request.maxPoints));
    for (const { runId, key, run, m, version } of this.requested(request)) {
      const cacheKey = `${m.seriesId}/${request.xAxis}/${maxPoints}`;
      const hit = this.lineCache.get(cacheKey);
      if (hit && hit.version === version) {
        this.lineCache.delete(cacheKey);
        this.lineCache.set(cacheKey, hit);
        lines.push({ runId, key, x: hit.line.x.slice(), y: hit.line.y.slice(), totalPoints: hit.line.totalPoints });
        continue;
      }
      const line = this.downsampledLine(run, m, request.xAxis, maxPoints, stmt);
      if (line.x.length > LINE_CACHE_MAX_POINTS) {
        lines.push({ ...line, key });
        continue;
      }
      this.lineCache.set(cacheKey, { version, line });
      if (this.lineCache.size > LINE_CACHE_ENTRIES) this.lineCache.delete(this.lineCache.keys().next().value as string);
      lines.push({ runId, key, x: line.x.slice(), y: line.y.slice(), totalPoints: line.totalPoints });
    }
  }

  /** Decodes one series into the scratch buffers and downsamples it. */
  private downsampledLine(run: RunState, m: SeriesChunks, xAxis: SeriesRequest['xAxis'], maxPoints: number, stmt: Statement): SeriesLine {
    const { xs: sx, ys: sy, n } = this.decodedLine(run, m, xAxis, stmt);
    const d = downsampleMinMax(sx, sy, n, maxPoints);
    return { runId: run.id, key: '', x: d.x, y: d.y, totalPoints: n };
  }

  /** Decodes one series in x order (into the scratch buffers: valid until the next decode). */
  private decodedLine(run: RunState, m: SeriesChunks, xAxis: SeriesRequest['xAxis'], stmt: Statement): OrderedLine {
    return this.decodedLines(run, m, [xAxis], stmt)[0] as OrderedLine;
  }

  /** Decodes one series once, in x order on each of `xAxes` (each in its scratch buffers: valid until the next decode). */
  private decodedLines(run: RunState, m: SeriesChunks, xAxes: ReadonlyArray<SeriesRequest['xAxis']>, stmt: Statement): OrderedLine[] {
    // Full chunks but the last: the size is known without counting (readSeriesAxes grows the buffers if not).
    const expected = m.chunks > 0 ? (m.chunks - 1) * CHUNK_POINTS + m.tailPoints : 0;
    const scratch = xAxes.map((_, i) => (this.scratch[i] ??= { xs: new Float64Array(0), ys: new Float64Array(0), rel: new Float64Array(0) }));
    for (const buffers of scratch) {
      if (buffers.xs.length < expected) {
        buffers.xs = new Float64Array(expected);
        buffers.ys = new Float64Array(expected);
      }
    }
    const { decoded, n } = readSeriesAxes(this.db(), m.seriesId, xAxes.map(chunkAxis), this.engine.blobView, expected, stmt, scratch);
    return xAxes.map((xAxis, i) => {
      const buffers = scratch[i] as Scratch;
      const { xs, ys } = decoded[i] as AxisBuffers;
      buffers.xs = xs;
      buffers.ys = ys;
      let sx: Float64Array = xs;
      let sy: Float64Array = ys;
      if (xAxis === 'relative') {
        if (buffers.rel.length < n) buffers.rel = new Float64Array(xs.length);
        sx = buffers.rel;
        const base = run.startedAt;
        for (let k = 0; k < n; k++) sx[k] = ((xs[k] as number) - base) / 1000;
      }
      let sorted = true;
      for (let k = 1; k < n; k++) if ((sx[k] as number) < (sx[k - 1] as number)) { sorted = false; break; }
      if (!sorted) {
        // A resumed run can log a step again; order by x, keeping log order among equal x (stable sort).
        const px = sx;
        const order = Array.from({ length: n }, (_, k) => k).sort((a, b) => (px[a] as number) - (px[b] as number) || a - b);
        sx = Float64Array.from(order, (k) => px[k] as number);
        sy = Float64Array.from(order, (k) => ys[k] as number);
      }
      return { xs: sx, ys: sy, n };
    });
  }
}

const chunkAxis = (xAxis: SeriesRequest['xAxis']): ChunkAxis => (xAxis === 'step' ? 'step' : 'time');
