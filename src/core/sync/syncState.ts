// The sync state of one target, beside the index: `.trialbook/sync/<target key>/`, one JSON file per run plus a
// small progress file written after every acknowledged batch. Rebuilding the index (trialbook.db) leaves it alone.
// Files are replaced atomically (write to a temporary name, then rename), so a crash leaves the old or the new state.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileMark } from './syncMemo';
import { emptyFacts, factsFromJson, factsToJson, type FactsJson, type RunFacts } from './runFacts';

export const STATE_VERSION = 1;

/** Where in a run's log the sync has got to: every point before `offset` is on the server, and the first `points` after it. */
export interface Cursor { offset: number; line: number; points: number }

export interface RunSyncState {
  runId: string;
  mlflowRunId?: string;
  experimentId?: string;
  /** The MLflow run's artifact root (`mlflow-artifacts:/<exp>/<run>/artifacts`), once known. */
  artifactRoot?: string;
  cursor: Cursor;
  /** The facts as of `cursor.offset` (the points after it are not folded in yet). */
  facts: RunFacts;
  /** What the server holds of the non-point fields: param values, tag values (hashed), status, end, name. */
  sent: {
    params: Map<string, string>; tags: Map<string, string>; status?: string; endMs?: number; name?: string; datasets: string[];
    /** Artifact files on the server: path under the run's artifact root → SHA-256 of the bytes sent. */
    artifacts: Map<string, string>;
    /** Artifact events dealt with completely (`<name>@<sha256>`, plus `@<limit>` when a file was held back for size). */
    artifactsDone: string[];
  };
  /** Trialbook metric name → MLflow key, for names the rule had to change (recorded on the run as tags). */
  keys: Map<string, string>;
  pointsSent: number;
}

interface StateJson {
  v: number; runId: string; mlflowRunId?: string; experimentId?: string; artifactRoot?: string; cursor: { offset: number; line: number };
  facts: FactsJson;
  // The artifact fields are absent in states written before artifacts were synced.
  sent: { params: Array<[string, string]>; tags: Array<[string, string]>; status?: string; endMs?: number; name?: string; datasets: string[]; artifacts?: Array<[string, string]>; artifactsDone?: string[] };
  keys: Array<[string, string]>; pointsSent: number;
}

/** A short stable name for a target (server address and experiment prefix) to name its state folder. */
export function targetKey(trackingUri: string, prefix: string): string {
  const host = new URL(trackingUri).host.replace(/[^\w.-]/g, '_');
  return `mlflow-${host}-${createHash('sha256').update(`${trackingUri.replace(/\/+$/, '')}\n${prefix}`).digest('hex').slice(0, 10)}`;
}

export function newRunState(runId: string): RunSyncState {
  return { runId, cursor: { offset: 0, line: 0, points: 0 }, facts: emptyFacts(), sent: { params: new Map(), tags: new Map(), datasets: [], artifacts: new Map(), artifactsDone: [] }, keys: new Map(), pointsSent: 0 };
}

export function hashValue(value: string): string {
  return createHash('sha256').update(value).digest('base64').slice(0, 16);
}

export class SyncStateStore {
  readonly dir: string;

  constructor(trialbookDir: string, key: string) {
    this.dir = join(trialbookDir, 'sync', key);
  }

  private write(file: string, text: string): void {
    mkdirSync(this.dir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  }

  /** The state file's size, time and inode ('' when there is none): tells whether another sync changed it. */
  mark(runId: string): string {
    return fileMark(join(this.dir, `${runId}.json`));
  }

  /** The state of a run; a new one when there is none (or it cannot be read: the sync then starts the run over, harmlessly). */
  load(runId: string): { state: RunSyncState; problem?: string } {
    const file = join(this.dir, `${runId}.json`);
    let json: StateJson;
    try {
      json = JSON.parse(readFileSync(file, 'utf8')) as StateJson;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { state: newRunState(runId) };
      return { state: newRunState(runId), problem: `sync state ${file} could not be read (${(err as Error).message}); the run is synced from its start again (points already on the server are not duplicated)` };
    }
    if (json.v !== STATE_VERSION || json.runId !== runId) return { state: newRunState(runId) };
    const state: RunSyncState = {
      runId, cursor: { ...json.cursor, points: 0 }, facts: factsFromJson(json.facts),
      sent: {
        ...json.sent, params: new Map(json.sent.params), tags: new Map(json.sent.tags), datasets: [...json.sent.datasets],
        artifacts: new Map(json.sent.artifacts ?? []), artifactsDone: [...(json.sent.artifactsDone ?? [])],
      },
      keys: new Map(json.keys), pointsSent: json.pointsSent,
      ...(json.mlflowRunId ? { mlflowRunId: json.mlflowRunId } : {}), ...(json.experimentId ? { experimentId: json.experimentId } : {}),
      ...(json.artifactRoot ? { artifactRoot: json.artifactRoot } : {}),
    };
    try {
      const progress = JSON.parse(readFileSync(join(this.dir, `${runId}.progress`), 'utf8')) as { offset?: unknown; points?: unknown; sent?: unknown };
      // Progress counts points past the state's own offset; a progress file of an older offset is stale.
      if (progress.offset === state.cursor.offset && typeof progress.points === 'number' && typeof progress.sent === 'number') {
        state.cursor.points = progress.points;
        state.pointsSent = progress.sent;
      }
    } catch { /* no progress inside the current window */ }
    return { state };
  }

  save(state: RunSyncState): void {
    const { sent } = state;
    const json: StateJson = {
      v: STATE_VERSION, runId: state.runId, cursor: { offset: state.cursor.offset, line: state.cursor.line },
      facts: factsToJson(state.facts), sent: { ...sent, params: [...sent.params], tags: [...sent.tags], artifacts: [...sent.artifacts] },
      keys: [...state.keys], pointsSent: state.pointsSent - state.cursor.points,
      ...(state.mlflowRunId ? { mlflowRunId: state.mlflowRunId } : {}), ...(state.experimentId ? { experimentId: state.experimentId } : {}),
      ...(state.artifactRoot ? { artifactRoot: state.artifactRoot } : {}),
    };
    this.write(join(this.dir, `${state.runId}.json`), JSON.stringify(json));
    // A progress file of an older offset is ignored on loading: only progress inside this window needs writing.
    if (state.cursor.points > 0) this.saveProgress(state);
  }

  /** After each acknowledged batch: how many points past the cursor's offset are on the server. */
  saveProgress(state: RunSyncState): void {
    this.write(join(this.dir, `${state.runId}.progress`), JSON.stringify({ offset: state.cursor.offset, points: state.cursor.points, sent: state.pointsSent }));
  }

  /** Experiment ids by name, cached for the target. */
  loadExperiments(): Map<string, string> {
    try {
      return new Map(JSON.parse(readFileSync(join(this.dir, 'experiments.json'), 'utf8')) as Array<[string, string]>);
    } catch {
      return new Map();
    }
  }

  saveExperiments(ids: Map<string, string>): void {
    this.write(join(this.dir, 'experiments.json'), JSON.stringify([...ids]));
  }
}
