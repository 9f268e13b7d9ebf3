// Reads and writes runs in the sql.js database. Metadata rows are small and rewritten per changed run; metric
// points go into packed chunks (seriesCodec) so ingest never inserts a row per point.
import type { Database, SqlValue, Statement } from 'sql.js';
import type { Artifact, CellLink, DatasetUse, Lineage, MetricDefinition, ParamValue, PushRecord } from './model';
import { CHUNK_POINTS, chunkLength, decodeChunk, decodeChunkInto, encodeChunk, type ChunkAxis } from './seriesCodec';
import { newRunState, type RunState } from './runState';
import type { Steps } from './steps';

/** JSON with non-finite numbers as {"$float": …}, as in the event format. */
export function encodeJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (typeof v === 'number' && !Number.isFinite(v)) return { $float: Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity' };
    return v;
  });
}

export function decodeJson<T>(text: string): T {
  return JSON.parse(text, (_k, v: unknown) => {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const keys = Object.keys(v);
      const f = (v as Record<string, unknown>).$float;
      if (keys.length === 1 && (f === 'NaN' || f === 'Infinity' || f === '-Infinity')) {
        return f === 'NaN' ? Number.NaN : f === 'Infinity' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
      }
    }
    return v;
  }) as T;
}

/** SQLite stores NaN as NULL; read it back as NaN. */
function num(v: SqlValue | undefined): number {
  return typeof v === 'number' ? v : Number.NaN;
}

function optStr(v: SqlValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Every row a query answers (small queries: the rows are copied out). */
export function rows(db: Database, sql: string, params: SqlValue[] = []): SqlValue[][] {
  const stmt = db.prepare(sql);
  try {
    stmt.bind(params);
    const out: SqlValue[][] = [];
    while (stmt.step()) out.push(stmt.get());
    return out;
  } finally {
    stmt.free();
  }
}

/** Metric definitions as a JSON list of `[name, goal, summary]` (a list: names are run-supplied). */
function encodeDefinitions(defs: ReadonlyMap<string, MetricDefinition>): string | null {
  return defs.size === 0 ? null : JSON.stringify([...defs].map(([name, d]) => [name, d.goal ?? null, d.summary ?? null]));
}

function decodeDefinitions(text: string): Map<string, MetricDefinition> {
  const defs = new Map<string, MetricDefinition>();
  const list: unknown = JSON.parse(text);
  if (!Array.isArray(list)) return defs;
  for (const entry of list) {
    if (!Array.isArray(entry) || typeof entry[0] !== 'string') continue;
    const [name, goal, summary] = entry as unknown[];
    const def: MetricDefinition = {};
    if (goal === 'minimize' || goal === 'maximize') def.goal = goal;
    if (summary === 'min' || summary === 'max' || summary === 'last') def.summary = summary;
    defs.set(name as string, def);
  }
  return defs;
}

export interface LoadedRuns {
  runs: Map<string, RunState>;
  nextSeriesId: number;
}

/** Rows read between two points where a load in steps may give the thread back. */
const ROWS_PER_STEP = 100;

/** Every row a query answers, one at a time, with a step (a `yield`) every ROWS_PER_STEP rows. */
function* rowSteps(db: Database, sql: string): Generator<SqlValue[] | undefined, void, void> {
  const stmt = db.prepare(sql);
  try {
    for (let n = 1; stmt.step(); n++) {
      yield stmt.get();
      if (n % ROWS_PER_STEP === 0) yield undefined;
    }
  } finally {
    stmt.free();
  }
}

/** The rows of `rowSteps`, each handed to `each`; the steps between them yielded to the caller's driver. */
function* eachRow(db: Database, sql: string, each: (r: SqlValue[]) => void): Steps<void> {
  for (const r of rowSteps(db, sql)) {
    if (r) each(r);
    else yield;
  }
}

/**
 * Loads every run's metadata (not its points) in steps of ROWS_PER_STEP rows (a thousand runs took ~150 ms in one task on the
 * extension host's thread). Nothing else may use `db` until the load is done: the statements stay open across steps.
 */
export function* loadRunsInSteps(db: Database): Steps<LoadedRuns> {
  const runs = new Map<string, RunState>();
  yield* eachRow(db, `SELECT id, experiment, name, has_start, end_status, error, started_at, ended_at, last_event_at,
      notes, grp, rank, skipped_lines, dir, lineage, summary, sdk, warnings, metric_defs, primary_metric FROM runs`, (r) => {
    const run = newRunState(String(r[0]), String(r[13]));
    run.experiment = String(r[1]);
    run.name = String(r[2]);
    run.hasStart = r[3] === 1;
    const end = optStr(r[4]);
    if (end === 'finished' || end === 'failed' || end === 'killed') run.endStatus = end;
    const error = optStr(r[5]); if (error !== undefined) run.error = error;
    run.startedAt = num(r[6]);
    if (typeof r[7] === 'number') run.endedAt = r[7];
    run.lastEventAt = num(r[8]);
    run.notes = String(r[9]);
    const group = optStr(r[10]); if (group !== undefined) run.group = group;
    if (typeof r[11] === 'number') run.rank = r[11];
    run.skippedLines = num(r[12]);
    run.lineage = decodeJson<Lineage>(String(r[14]));
    run.summary = decodeJson<Record<string, ParamValue>>(String(r[15]));
    const sdk = optStr(r[16]); if (sdk !== undefined) run.sdk = JSON.parse(sdk) as { name?: string; version?: string };
    run.warnings = JSON.parse(String(r[17])) as string[];
    const defs = optStr(r[18]); if (defs !== undefined) run.metricDefs = decodeDefinitions(defs);
    const primary = optStr(r[19]); if (primary !== undefined) run.primaryMetric = primary;
    runs.set(run.id, run);
  });
  yield* eachRow(db, 'SELECT run_id, key, json FROM params', (r) => {
    const run = runs.get(String(r[0]));
    if (run) Object.defineProperty(run.params, String(r[1]), { value: decodeJson<ParamValue>(String(r[2])), enumerable: true, writable: true, configurable: true });
  });
  yield* eachRow(db, 'SELECT run_id, tag FROM tags ORDER BY rowid', (r) => { runs.get(String(r[0]))?.tags.push(String(r[1])); });
  let maxSeries = 0;
  yield* eachRow(db, 'SELECT run_id, key, last, min, max, count, last_step, series_id, chunks, tail_points FROM metrics', (r) => {
    const run = runs.get(String(r[0]));
    const seriesId = num(r[7]);
    if (seriesId > maxSeries) maxSeries = seriesId;
    if (!run) return;
    run.metrics.set(String(r[1]), {
      summary: { last: num(r[2]), min: num(r[3]), max: num(r[4]), count: num(r[5]), lastStep: num(r[6]) },
      seriesId, chunks: num(r[8]), tailPoints: num(r[9]),
    });
  });
  yield* eachRow(db, 'SELECT run_id, name, path, type, size, sha256, files, copied, metadata FROM artifacts ORDER BY run_id, seq', (r) => {
    const run = runs.get(String(r[0]));
    if (!run) return;
    const a: Artifact = { name: String(r[1]), path: String(r[2]), type: String(r[3]), size: num(r[4]), sha256: String(r[5]) };
    if (typeof r[6] === 'number') a.files = r[6];
    if (typeof r[7] === 'number') a.copied = r[7] === 1;
    if (typeof r[8] === 'string') a.metadata = decodeJson<Record<string, ParamValue>>(r[8]);
    run.artifacts.push(a);
  });
  yield* eachRow(db, 'SELECT run_id, json FROM inputs ORDER BY run_id, seq', (r) => {
    runs.get(String(r[0]))?.inputs.push(JSON.parse(String(r[1])) as DatasetUse);
  });
  yield* eachRow(db, 'SELECT run_id, notebook, exec, hash, latest, last_step FROM cell_links ORDER BY run_id, seq', (r) => {
    const run = runs.get(String(r[0]));
    if (!run) return;
    const link: CellLink = {
      runId: run.id, notebook: String(r[1]), exec: typeof r[2] === 'number' ? r[2] : null, hash: String(r[3]),
      latest: decodeJson<Record<string, number>>(String(r[4])), lastStep: num(r[5]),
    };
    run.cells.set(`${link.notebook}\u0000${link.exec ?? ''}\u0000${link.hash}`, link);
  });
  yield* eachRow(db, 'SELECT name, byte_offset, line, size, mtime_ms, ino, head_hash, head_length FROM log_files', (r) => {
    const run = runs.get(String(r[0]));
    if (!run) return;
    run.cursor = {
      offset: num(r[1]), line: num(r[2]), size: num(r[3]), mtimeMs: num(r[4]), ino: num(r[5]),
      headHash: String(r[6]), headLength: num(r[7]),
    };
  });
  return { runs, nextSeriesId: maxSeries + 1 };
}

const RUN_TABLES = ['runs', 'params', 'tags', 'metrics', 'artifacts', 'cell_links', 'inputs'] as const;

/** Removes a run and its points. */
export function deleteRun(db: Database, run: RunState): void {
  for (const m of run.metrics.values()) db.run('DELETE FROM series_chunks WHERE series_id = ?', [m.seriesId]);
  for (const t of RUN_TABLES) db.run(`DELETE FROM ${t} WHERE ${t === 'runs' ? 'id' : 'run_id'} = ?`, [run.id]);
  db.run('DELETE FROM log_files WHERE name = ?', [run.id]);
  refreshExperiments(db);
}

export function refreshExperiments(db: Database): void {
  db.run('DELETE FROM experiments WHERE name NOT IN (SELECT experiment FROM runs)');
  db.run('INSERT OR IGNORE INTO experiments (name) SELECT DISTINCT experiment FROM runs');
}

function paramType(v: ParamValue): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** Statements reused across the runs of one sync (prepared once, freed by `close`). */
export class RunWriter {
  private readonly stmts = new Map<string, Statement>();

  constructor(private readonly db: Database) {}

  private stmt(sql: string): Statement {
    let s = this.stmts.get(sql);
    if (!s) { s = this.db.prepare(sql); this.stmts.set(sql, s); }
    return s;
  }

  private exec(sql: string, params: SqlValue[]): void {
    const s = this.stmt(sql);
    s.run(params);
  }

  /** Rewrites the run's metadata rows (cheap: a run has few of them). Points are written by `flushSeries`. */
  writeRun(run: RunState): void {
    const id = run.id;
    for (const t of ['params', 'tags', 'metrics', 'artifacts', 'cell_links', 'inputs'] as const) this.exec(`DELETE FROM ${t} WHERE run_id = ?`, [id]);
    const l = run.lineage;
    this.exec(`INSERT OR REPLACE INTO runs (id, experiment, name, has_start, end_status, error, started_at, ended_at, last_event_at,
        user, host, script, notebook, git_commit, notes, grp, rank, skipped_lines, dir, lineage, summary, sdk, warnings,
        metric_defs, primary_metric)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
      id, run.experiment, run.name, run.hasStart ? 1 : 0, run.endStatus ?? null, run.error ?? null, run.startedAt,
      run.endedAt ?? null, run.lastEventAt, l.user ?? null, l.host ?? null, l.script ?? null, l.notebook?.path ?? null,
      l.git?.commit ?? null, run.notes, run.group ?? null, run.rank ?? null, run.skippedLines, run.dir,
      encodeJson(run.lineage), encodeJson(run.summary), run.sdk ? JSON.stringify(run.sdk) : null, JSON.stringify(run.warnings),
      encodeDefinitions(run.metricDefs), run.primaryMetric ?? null,
    ]);
    this.exec('INSERT OR IGNORE INTO experiments (name) VALUES (?)', [run.experiment]);
    for (const k of Object.keys(run.params)) {
      const v = run.params[k] as ParamValue;
      const n = typeof v === 'number' ? v : typeof v === 'boolean' ? (v ? 1 : 0) : null;
      this.exec('INSERT INTO params (run_id, key, type, num, json) VALUES (?, ?, ?, ?, ?)', [id, k, paramType(v), n, encodeJson(v)]);
    }
    for (const tag of new Set(run.tags)) this.exec('INSERT INTO tags (run_id, tag) VALUES (?, ?)', [id, tag]);
    for (const [k, m] of run.metrics) {
      const s = m.summary;
      this.exec(`INSERT INTO metrics (run_id, key, last, min, max, count, last_step, series_id, chunks, tail_points)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [id, k, s.last, s.min, s.max, s.count, s.lastStep, m.seriesId, m.chunks, m.tailPoints]);
    }
    run.artifacts.forEach((a, seq) => {
      this.exec(`INSERT INTO artifacts (run_id, seq, name, path, type, size, sha256, files, copied, metadata)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [id, seq, a.name, a.path, a.type, a.size, a.sha256, a.files ?? null,
        a.copied === undefined ? null : a.copied ? 1 : 0, a.metadata ? encodeJson(a.metadata) : null]);
    });
    run.inputs.forEach((d, i) => {
      this.exec('INSERT INTO inputs (run_id, seq, name, sha256, json) VALUES (?, ?, ?, ?, ?)', [id, i, d.name, d.sha256 ?? null, JSON.stringify(d)]);
    });
    let seq = 0;
    for (const c of run.cells.values()) {
      this.exec(`INSERT INTO cell_links (run_id, seq, notebook, exec, hash, latest, last_step) VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [id, seq++, c.notebook, c.exec, c.hash, encodeJson(c.latest), c.lastStep]);
    }
    const c = run.cursor;
    this.exec(`INSERT OR REPLACE INTO log_files (name, byte_offset, line, size, mtime_ms, ino, head_hash, head_length)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, [id, c.offset, c.line, c.size, c.mtimeMs, c.ino, c.headHash, c.headLength]);
  }

  /** Appends the run's pending points to its chunks (refilling a partly filled last chunk first). */
  flushSeries(run: RunState, allocateSeriesId: () => number): void {
    for (const m of run.metrics.values()) {
      const buf = m.pending;
      if (!buf || buf.length === 0) continue;
      delete m.pending;
      if (m.seriesId === 0) m.seriesId = allocateSeriesId();
      let steps: ArrayLike<number> = buf.steps;
      let times: ArrayLike<number> = buf.times;
      let values: ArrayLike<number> = buf.values;
      let total = buf.length;
      let seq = m.chunks;
      if (m.tailPoints > 0 && m.tailPoints < CHUNK_POINTS) {
        seq = m.chunks - 1;
        const s = this.stmt('SELECT data FROM series_chunks WHERE series_id = ? AND seq = ?');
        s.bind([m.seriesId, seq]);
        const tail = s.step() ? s.get()[0] : null;
        s.reset();
        if (tail instanceof Uint8Array) {
          const old = decodeChunk(tail);
          const n = old.steps.length;
          const cat = (a: Float64Array, b: Float64Array): Float64Array => {
            const out = new Float64Array(n + buf.length); out.set(a); out.set(b.subarray(0, buf.length), n); return out;
          };
          steps = cat(old.steps, buf.steps);
          times = cat(old.times, buf.times);
          values = cat(old.values, buf.values);
          total = n + buf.length;
        } else {
          seq = m.chunks;
        }
      }
      for (let from = 0; from < total; from += CHUNK_POINTS, seq++) {
        const to = Math.min(total, from + CHUNK_POINTS);
        this.exec('INSERT OR REPLACE INTO series_chunks (series_id, seq, points, data) VALUES (?, ?, ?, ?)',
          [m.seriesId, seq, to - from, encodeChunk(steps, times, values, from, to)]);
        m.chunks = seq + 1;
        m.tailPoints = to - from;
      }
    }
    run.pendingPoints = 0;
  }

  close(): void {
    for (const s of this.stmts.values()) s.free();
    this.stmts.clear();
  }
}

/** Where readSeriesAxes decodes one axis: the caller's buffers, used when big enough (else new ones are made). */
export interface AxisBuffers {
  xs: Float64Array;
  ys: Float64Array;
}

/**
 * All points of one series, x being steps or wall-time ms; `blobView` reads a BLOB column (see sqlEngine).
 * `sizeHint` (points expected) saves a counting query; the arrays grow if it was short.
 * `stmt` lets a caller reading many series prepare the chunk query once.
 */
export function readSeries(db: Database, seriesId: number, axis: ChunkAxis,
  blobView: (stmt: Statement, col: number) => Uint8Array, sizeHint?: number, stmt?: Statement,
  into?: AxisBuffers): { xs: Float64Array; ys: Float64Array; n: number } {
  const { decoded, n } = readSeriesAxes(db, seriesId, [axis], blobView, sizeHint, stmt, into ? [into] : []);
  const { xs, ys } = decoded[0] as AxisBuffers;
  return { xs, ys, n };
}

/**
 * One series decoded on each of `axes` from one read of its chunks (a chart's lines by step and by time cost one
 * query, not two): `decoded[i]` holds axis i's x and the values, each in `into[i]` when it is big enough.
 */
export function readSeriesAxes(db: Database, seriesId: number, axes: readonly ChunkAxis[],
  blobView: (stmt: Statement, col: number) => Uint8Array, sizeHint?: number, stmt?: Statement,
  into: readonly AxisBuffers[] = []): { decoded: AxisBuffers[]; n: number } {
  let size = sizeHint ?? -1;
  if (size < 0) {
    const total = db.prepare('SELECT coalesce(sum(points), 0) FROM series_chunks WHERE series_id = ?');
    try {
      total.bind([seriesId]);
      size = total.step() ? num(total.get()[0]) : 0;
    } finally {
      total.free();
    }
  }
  const own = stmt === undefined;
  const query = stmt ?? db.prepare(SERIES_CHUNKS_SQL);
  try {
    query.bind([seriesId]);
    // Decoding into the caller's buffers (when big enough) saves allocating and zero-filling two arrays per series.
    const decoded = axes.map((_, i): AxisBuffers => {
      const given = into[i];
      return {
        xs: given && given.xs.length >= size ? given.xs : new Float64Array(size),
        ys: given && given.ys.length >= size ? given.ys : new Float64Array(size),
      };
    });
    let n = 0;
    while (query.step()) {
      // Decoded at once: the view is only valid until the next step.
      const chunk = blobView(query, 0);
      const need = n + chunkLength(chunk);
      let read = 0;
      axes.forEach((axis, i) => {
        const to = decoded[i] as AxisBuffers;
        if (need > to.xs.length) {
          const grown = Math.max(need, to.xs.length * 2);
          const gx = new Float64Array(grown); gx.set(to.xs.subarray(0, n)); to.xs = gx;
          const gy = new Float64Array(grown); gy.set(to.ys.subarray(0, n)); to.ys = gy;
        }
        read = decodeChunkInto(chunk, axis, to.xs, to.ys, n);
      });
      n += read;
    }
    return { decoded, n };
  } finally {
    if (own) query.free();
    else query.reset();
  }
}

/** The chunks of one series in order; callers reading many series prepare it once. */
export const SERIES_CHUNKS_SQL = 'SELECT data FROM series_chunks WHERE series_id = ? ORDER BY seq';

export function insertPush(db: Database, p: PushRecord): void {
  db.run(`INSERT INTO pushes (run_id, artifact, registry, reference, digest, version, user, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    [p.runId, p.artifact, p.registry, p.reference, p.digest ?? null, p.version ?? null, p.user ?? null, p.at]);
}

export function loadPushes(db: Database): PushRecord[] {
  return rows(db, 'SELECT run_id, artifact, registry, reference, digest, version, user, at FROM pushes ORDER BY id').map((r) => {
    const p: PushRecord = { runId: String(r[0]), artifact: String(r[1]), registry: String(r[2]), reference: String(r[3]), at: num(r[7]) };
    const digest = optStr(r[4]); if (digest !== undefined) p.digest = digest;
    const version = optStr(r[5]); if (version !== undefined) p.version = version;
    const user = optStr(r[6]); if (user !== undefined) p.user = user;
    return p;
  });
}
