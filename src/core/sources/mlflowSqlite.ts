// MLflow's SQLite store (`mlflow.db`): the same runs as the FileStore, read with sql.js from a copy of the file's
// bytes in memory. The user's file is only ever read with a plain read (never opened through SQLite, so never
// locked, journaled or written); it is read again when its size or time changes. Metric rows are taken by rowid
// past each run's cursor, so a run still logging adds only its new rows.
//
// Schema versions: the alembic head of MLflow 2.17.2 (f5a4f2784254) is the one these queries were written and
// tested against; the heads listed in KNOWN_HEADS have the same columns for what is read here. An unknown head
// (a newer MLflow) is reported once, and the store is read anyway: a table or column that is missing makes that
// read fail with a message naming it, and nothing else. A store in WAL mode keeps its newest writes in
// mlflow.db-wal until a checkpoint: those rows show after MLflow checkpoints.
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database, SqlValue } from 'sql.js';
import type { ParamValue } from '../model';
import { loadSqlJs } from '../sqlEngine';
import { STATUS_BY_NAME } from './mlflowFileStore';
import { cursorNumber, isRecord, listFilesRecursive } from './sourceFiles';
import type { RunDelta, SourceProblem, SourceRunMeta } from './sourceModel';
import { seriesOf } from './sourceModel';
import type { RunListing, SourceReader, SourceRunRef } from './sourceReader';
import { rows } from '../store';

/**
 * alembic_version heads whose tables and columns read here are as in MLflow 2.17.2: its own head (tested with the
 * peers fixture) and the one before it in MLflow's migration chain, which differs only in a wider run tag column.
 */
export const KNOWN_HEADS: ReadonlyMap<string, string> = new Map([
  ['f5a4f2784254', 'MLflow 2.17.x'],
  ['4465047574b1', 'the revision before 2.17.x (a narrower run tag column)'],
]);

interface SqliteCursor { sig: string; rowid: number }

function asCursor(v: unknown): SqliteCursor | undefined {
  return isRecord(v) && typeof v.sig === 'string' ? { sig: v.sig, rowid: cursorNumber(v.rowid) } : undefined;
}

function text(v: SqlValue | undefined): string {
  return v === null || v === undefined ? '' : typeof v === 'string' ? v : String(v);
}


export class MlflowSqliteReader implements SourceReader {
  readonly kind = 'mlflow-sqlite' as const;
  private db: Database | undefined;
  private loadedSig = '';
  private experiments = new Map<string, string>();
  private toldHead = false;
  /** The alembic head of the loaded store. */
  head = '';

  constructor(readonly root: string, private readonly wasmPath: string) {}

  /** Loads the store's bytes again when the file changed (size, time or inode). */
  private async load(problems: SourceProblem[]): Promise<Database> {
    const st = statSync(this.root);
    const sig = `${st.size}:${st.mtimeMs}:${st.ino}`;
    if (this.db && sig === this.loadedSig) return this.db;
    const engine = await loadSqlJs(this.wasmPath);
    const bytes = readFileSync(this.root);
    this.db?.close();
    this.db = new engine.sql.Database(bytes);
    this.loadedSig = sig;
    try {
      this.head = text(rows(this.db, 'SELECT version_num FROM alembic_version')[0]?.[0]);
    } catch {
      this.head = '';
    }
    if (!KNOWN_HEADS.has(this.head) && !this.toldHead) {
      this.toldHead = true;
      problems.push({ file: this.root, reason: `schema revision "${this.head || 'none'}" is not one this version knows (${[...KNOWN_HEADS].map(([h, v]) => `${h} = ${v}`).join(', ')}); read as MLflow 2.17.2 lays it out, and a table or column that is missing is named where it is needed` });
    }
    this.experiments = new Map(rows(this.db, 'SELECT experiment_id, name FROM experiments').map((r) => [text(r[0]), text(r[1])]));
    return this.db;
  }

  async listRuns(): Promise<RunListing> {
    const problems: SourceProblem[] = [];
    const db = await this.load(problems);
    const runs = rows(db, "SELECT run_uuid FROM runs WHERE lifecycle_stage IS NULL OR lifecycle_stage != 'deleted' ORDER BY start_time")
      .map((r): SourceRunRef => ({ sourceId: text(r[0]), location: this.root }));
    return { runs, problems };
  }

  async readRun(ref: SourceRunRef, cursorValue: unknown): Promise<RunDelta> {
    const prev = asCursor(cursorValue);
    const delta: RunDelta = { sourceId: ref.sourceId, series: new Map(), rich: [], problems: [], cursor: prev };
    const db = await this.load(delta.problems);
    const run = rows(db, 'SELECT name, experiment_id, user_id, status, start_time, end_time, artifact_uri FROM runs WHERE run_uuid = ?', [ref.sourceId])[0];
    if (!run) return delta;
    const params = rows(db, 'SELECT key, value FROM params WHERE run_uuid = ? ORDER BY key', [ref.sourceId]);
    const tags = rows(db, 'SELECT key, value FROM tags WHERE run_uuid = ? ORDER BY key', [ref.sourceId]);
    const sig = JSON.stringify([run, params, tags]);
    const cursor: SqliteCursor = { sig, rowid: prev?.rowid ?? 0 };
    if (!prev || prev.sig !== sig) delta.meta = this.meta(ref, run, params, tags);
    for (const r of rows(db, 'SELECT rowid, key, value, timestamp, step, is_nan FROM metrics WHERE run_uuid = ? AND rowid > ? ORDER BY rowid', [ref.sourceId, cursor.rowid])) {
      const s = seriesOf(delta, text(r[1]));
      s.steps.push(Number(r[4] ?? 0));
      s.times.push(Number(r[3] ?? 0));
      s.values.push(Number(r[5]) === 1 ? Number.NaN : Number(r[2]));
      cursor.rowid = Math.max(cursor.rowid, Number(r[0]));
    }
    delta.cursor = cursor;
    return delta;
  }

  private meta(ref: SourceRunRef, run: SqlValue[], params: SqlValue[][], tags: SqlValue[][]): SourceRunMeta {
    const tagMap = new Map(tags.map((t) => [text(t[0]), text(t[1])]));
    const status = STATUS_BY_NAME.get(text(run[3]).toUpperCase()) ?? 'finished';
    const meta: SourceRunMeta = {
      experiment: this.experiments.get(text(run[1])) ?? 'mlflow',
      name: text(run[0]) || tagMap.get('mlflow.runName') || ref.sourceId,
      status,
      startedAt: Number(run[4] ?? 0),
      notes: tagMap.get('mlflow.note.content') ?? '',
      tags: tagMap,
      params: new Map<string, ParamValue>(params.map((p) => [text(p[0]), text(p[1])])),
      summary: new Map(),
      artifacts: listFilesRecursive(this.artifactDir(text(run[6]))),
    };
    if (run[5] !== null && run[5] !== undefined && status !== 'running') meta.endedAt = Number(run[5]);
    const user = text(run[2]) || tagMap.get('mlflow.user');
    if (user) meta.user = user;
    const script = tagMap.get('mlflow.source.name');
    if (script) meta.script = script;
    const parent = tagMap.get('mlflow.parentRunId');
    if (parent) meta.parent = parent;
    return meta;
  }

  /**
   * The run's artifact folder on this machine: the URI's path when it exists; else, for a store copied elsewhere,
   * the same path below the store's folder from its `mlartifacts` or `mlruns` part on.
   */
  artifactDir(uri: string): string {
    let path = uri;
    try { if (uri.startsWith('file:')) path = fileURLToPath(uri); } catch { /* a plain path */ }
    try { if (statSync(path).isDirectory()) return path; } catch { /* not on this machine */ }
    const parts = path.split('/');
    for (const anchor of ['mlartifacts', 'mlruns']) {
      const i = parts.lastIndexOf(anchor);
      if (i >= 0) return join(dirname(this.root), ...parts.slice(i));
    }
    return join(dirname(this.root), basename(path));
  }

  /** Experiments with tags, and registered models (for tests and the registry import). */
  async describe(): Promise<{ experiments: { id: string; name: string; tags: Map<string, string> }[]; models: { name: string; description: string; tags: Map<string, string>; aliases: Map<string, string>; versions: { version: string; runId: string; source: string; status: string; currentStage: string }[] }[] }> {
    const db = await this.load([]);
    const experiments = rows(db, 'SELECT experiment_id, name FROM experiments ORDER BY creation_time').map((r) => ({
      id: text(r[0]), name: text(r[1]),
      tags: new Map(rows(db, 'SELECT key, value FROM experiment_tags WHERE experiment_id = ? ORDER BY key', [r[0] ?? null]).map((t) => [text(t[0]), text(t[1])])),
    }));
    const models = rows(db, 'SELECT name, description FROM registered_models ORDER BY name').map((m) => ({
      name: text(m[0]), description: text(m[1]),
      tags: new Map(rows(db, 'SELECT key, value FROM registered_model_tags WHERE name = ? ORDER BY key', [m[0] ?? null]).map((t) => [text(t[0]), text(t[1])])),
      aliases: new Map(rows(db, 'SELECT alias, version FROM registered_model_aliases WHERE name = ?', [m[0] ?? null]).map((a) => [text(a[0]), text(a[1])])),
      versions: rows(db, 'SELECT version, run_id, source, status, current_stage FROM model_versions WHERE name = ? ORDER BY version', [m[0] ?? null])
        .map((v) => ({ version: text(v[0]), runId: text(v[1]), source: text(v[2]), status: text(v[3]), currentStage: text(v[4]) })),
    }));
    return { experiments, models };
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
    this.loadedSig = '';
  }
}
