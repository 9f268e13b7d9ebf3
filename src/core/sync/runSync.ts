// Syncs one Trialbook run to its MLflow run: finds or creates the MLflow run, sends the points past the cursor in
// log-batch requests within MLflow's limits, then whatever changed of params, tags, name, status and datasets.
// State is written after every acknowledged request, so a sync stopped anywhere resumes at the next point.
import { BATCH_LIMITS, eachBatch, type KeyValue, type MlflowMetric } from '../registry/mlflowPush';
import { MissingEndpointError, TransientError, isAlreadyExists, type SyncApi } from './syncApi';
import { cutText, MLFLOW_LIMITS, mlflowKeyFor, TAG_VALUE_LIMIT } from './mlflowNames';
import { factsFromJson, factsToJson, type RunFacts } from './runFacts';
import { readWindow } from './runPoints';
import { hashValue, type RunSyncState, type SyncStateStore } from './syncState';
import { syncArtifacts } from './runArtifacts';
import { RegistryError } from '../registry/errors';
import type { RunOverrides } from '../runEditsReader';

export interface SyncContext {
  api: SyncApi;
  store: SyncStateStore;
  prefix: string;
  /** Experiment ids by full name (cached across runs and syncs). */
  experiments: Map<string, string>;
  /**
   * Experiments this sync created (experiments/create answered with an id): no earlier sync made runs there, so a
   * run's first create in one needs no search for a run an interrupted sync made.
   */
  created: Set<string>;
  /** Endpoints found missing on this server (older MLflow): not asked again. */
  missing: Set<string>;
  warn: (message: string) => void;
  now: () => number;
  crashAfterMs: number;
  /** Largest artifact file sent, in bytes; 0: artifacts are not sent. */
  artifactMaxBytes: number;
  /** The folder that holds `.trialbook/` (relative artifact paths start there). */
  workspace: string;
  onPoints?: (n: number) => void;
  onArtifacts?: (files: number, bytes: number) => void;
}

const STATUS: Record<RunFacts['status'], string> = { running: 'RUNNING', finished: 'FINISHED', failed: 'FAILED', killed: 'KILLED' };

function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

async function experimentId(ctx: SyncContext, name: string): Promise<string> {
  const known = ctx.experiments.get(name);
  if (known !== undefined) return known;
  let id: string;
  try {
    id = (await ctx.api.call<{ experiment_id: string }>('POST', 'experiments/create', { name })).experiment_id;
    ctx.created.add(name);
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
    const got = await ctx.api.call<{ experiment: { experiment_id: string; lifecycle_stage?: string } }>('GET', 'experiments/get-by-name', { experiment_name: name });
    if (got.experiment.lifecycle_stage === 'deleted') {
      throw new RegistryError('rejected', `MLflow server ${ctx.api.trackingUri}: the experiment "${name}" was deleted there (it is in the trash). Restore it in MLflow, or sync with another --experiment-prefix.`);
    }
    id = got.experiment.experiment_id;
  }
  ctx.experiments.set(name, id);
  ctx.store.saveExperiments(ctx.experiments);
  return id;
}

/**
 * The MLflow run of this Trialbook run: the one the state names, else one on the server tagged with its id (a
 * create whose answer was lost, or a state file lost), else a new one. Creating is the one call that is not
 * idempotent, so it is never retried blindly: after a failure the search runs again first.
 */
async function ensureRun(ctx: SyncContext, state: RunSyncState, facts: RunFacts): Promise<string> {
  if (state.mlflowRunId) return state.mlflowRunId;
  const expName = `${ctx.prefix}${facts.experiment ?? 'Default'}`;
  const expId = await experimentId(ctx, expName);
  for (let attempt = 0; ; attempt++) {
    // After a failed create the search always runs: that create may have made the run.
    if (!ctx.missing.has('runs/search') && (attempt > 0 || !ctx.created.has(expName))) {
      try {
        const found = await ctx.api.call<{ runs?: Array<{ info: { run_id: string; artifact_uri?: string } }> }>('POST', 'runs/search', {
          experiment_ids: [expId], filter: `tags.\`trialbook.run_id\` = ${quote(state.runId)}`, max_results: 1, run_view_type: 'ALL',
        });
        const info = found.runs?.[0]?.info;
        if (info?.run_id) {
          state.mlflowRunId = info.run_id; state.experimentId = expId;
          if (info.artifact_uri) state.artifactRoot = info.artifact_uri;
          return info.run_id;
        }
      } catch (err) {
        if (!(err instanceof MissingEndpointError)) throw err;
        ctx.missing.add('runs/search');
        ctx.warn(`${err.message} Runs are created without first looking for one made by an interrupted sync.`);
      }
    }
    try {
      const created = await ctx.api.call<{ run: { info: { run_id: string; artifact_uri?: string } } }>('POST', 'runs/create', {
        experiment_id: expId, run_name: cutText(facts.name ?? state.runId, MLFLOW_LIMITS.runName).value, start_time: facts.startMs ?? ctx.now(),
        tags: [{ key: 'trialbook.run_id', value: state.runId }],
      }, { retry: false });
      state.mlflowRunId = created.run.info.run_id;
      state.experimentId = expId;
      if (created.run.info.artifact_uri) state.artifactRoot = created.run.info.artifact_uri;
      return state.mlflowRunId;
    } catch (err) {
      // The create may have reached the server with its answer lost: the search at the top of the loop finds that run.
      if (!(err instanceof TransientError) || attempt >= 8) throw err;
      await ctx.api.pause(attempt, err.message);
    }
  }
}

/** Tags describing the run (name, notes, tags, lineage, summary, status detail, key rules), each as MLflow holds it. */
function desiredTags(facts: RunFacts, state: RunSyncState, now: number, crashAfterMs: number): Map<string, string> {
  const tags = new Map<string, string>();
  const put = (k: string, v: string): void => {
    const c = cutText(v, TAG_VALUE_LIMIT);
    tags.set(mlflowKeyFor(k), c.value);
    if (c.cut) tags.set(mlflowKeyFor(`trialbook.truncated.${k}`), `tag value cut from ${v.length} to ${TAG_VALUE_LIMIT} characters`);
  };
  for (const [k, v] of facts.lineage) put(k, v);
  if (facts.name !== undefined) put('mlflow.runName', facts.name);
  if (facts.notes) put('mlflow.note.content', facts.notes);
  put('trialbook.tags', JSON.stringify(facts.tags));
  if (facts.error !== undefined) put('trialbook.error', facts.error);
  if (crashed(facts, now, crashAfterMs)) put('trialbook.status', 'crashed');
  else put('trialbook.status', facts.status);
  for (const [k, v] of facts.summary) put(`trialbook.summary.${k}`, v);
  for (const [name, key] of state.keys) if (key !== name) put(`trialbook.metric_key.${key}`, name);
  for (const [k, v] of facts.params) {
    const key = mlflowKeyFor(k);
    if (key !== k) put(`trialbook.param_key.${key}`, k);
    if (v.length > MLFLOW_LIMITS.paramValue) put(`trialbook.truncated_param.${key}`, `value cut from ${v.length} to ${MLFLOW_LIMITS.paramValue} characters (MLflow's limit)`);
    const sent = state.sent.params.get(k);
    // MLflow params are immutable: a value changed after it was sent goes to a tag.
    if (sent !== undefined && sent !== cutText(v, MLFLOW_LIMITS.paramValue).value) put(`trialbook.param_changed.${key}`, v);
  }
  return tags;
}

function crashed(facts: RunFacts, now: number, crashAfterMs: number): boolean {
  return facts.status === 'running' && facts.lastMs !== undefined && now - facts.lastMs > crashAfterMs;
}

async function logBatch(ctx: SyncContext, runId: string, metrics: MlflowMetric[], params: KeyValue[], tags: KeyValue[], onSent: (b: { metrics: number }) => void): Promise<void> {
  // MLflow's request limit is 1,000,000 bytes (not 1 MiB); eachBatch counts each item's JSON plus a margin.
  for (const batch of eachBatch(metrics, params, tags, { ...BATCH_LIMITS, bytes: MLFLOW_LIMITS.batchBytes })) {
    await ctx.api.call('POST', 'runs/log-batch', { run_id: runId, metrics: batch.metrics, params: batch.params, tags: batch.tags });
    onSent({ metrics: batch.metrics.length });
  }
}

/**
 * Points only, 1,000 per request without measuring each: keys are valid MLflow keys (ASCII, ≤ 250 characters), so
 * a point's JSON is under 400 bytes and 1,000 of them stay far below the 1,000,000-byte limit.
 */
async function logPoints(ctx: SyncContext, runId: string, points: MlflowMetric[], onSent: (n: number) => void): Promise<void> {
  for (let i = 0; i < points.length; i += BATCH_LIMITS.metrics) {
    const metrics = points.slice(i, i + BATCH_LIMITS.metrics);
    await ctx.api.call('POST', 'runs/log-batch', { run_id: runId, metrics, params: [], tags: [] });
    onSent(metrics.length);
  }
}

/** Progress is written at most this often per run (and at every window's end): a rename per request costs more than the request on some disks. */
const PROGRESS_EVERY_MS = 1000;

/**
 * Syncs what the log holds past the state's cursor, then the fields (with the editor's edits over the log's own);
 * saves state as it goes. Answers the points sent and whether anything was.
 */
export async function syncRun(ctx: SyncContext, file: string, state: RunSyncState, overrides?: RunOverrides): Promise<{ points: number; changed: boolean }> {
  let points = 0;
  const used = new Set(state.keys.values());
  for (;;) {
    const facts = factsFromJson(factsToJson(state.facts));
    const window = readWindow(file, state.cursor, facts, state.keys, used);
    if (facts.startMs === undefined) return { points, changed: false }; // no run_start yet
    // A new MLflow run id is saved with the window; lost before that, the next sync finds the run by its tag.
    const runId = await ensureRun(ctx, state, facts);
    let savedAt = Date.now();
    if (window.points.length > 0) {
      await logPoints(ctx, runId, window.points, (n) => {
        state.cursor.points += n;
        state.pointsSent += n;
        points += n;
        ctx.onPoints?.(n);
        if (Date.now() - savedAt >= PROGRESS_EVERY_MS) { ctx.store.saveProgress(state); savedAt = Date.now(); }
      });
    }
    const advanced = window.end.offset !== state.cursor.offset;
    if (!advanced) break;
    state.facts = facts;
    state.cursor = { offset: window.end.offset, line: window.end.line, points: 0 };
    ctx.store.save(state);
  }
  const changed = await syncFields(ctx, state, overrides);
  const artifacts = await syncRunArtifacts(ctx, state, file);
  return { points, changed: changed || artifacts || points > 0 };
}

/** The run's artifact files (when the limit is above 0), with tags naming the files not sent. */
async function syncRunArtifacts(ctx: SyncContext, state: RunSyncState, file: string): Promise<boolean> {
  const runId = state.mlflowRunId;
  if (!(ctx.artifactMaxBytes > 0) || !runId) return false;
  let tagged = false;
  const setTags = async (wanted: Map<string, string>): Promise<void> => {
    const tags: KeyValue[] = [];
    for (const [k, v] of wanted) {
      const tag = { key: mlflowKeyFor(k), value: cutText(v, TAG_VALUE_LIMIT).value };
      if (state.sent.tags.get(tag.key) !== hashValue(tag.value)) tags.push(tag);
    }
    if (tags.length === 0) return;
    await logBatch(ctx, runId, [], [], tags, () => undefined);
    for (const t of tags) state.sent.tags.set(t.key, hashValue(t.value));
    ctx.store.save(state);
    tagged = true;
  };
  const pass = await syncArtifacts({ ...ctx, setTags }, state, file);
  if (pass.files > 0) ctx.onArtifacts?.(pass.files, pass.bytes);
  return pass.files > 0 || tagged;
}

/** Params, tags, name, status and datasets: only what differs from what the server was last sent. */
async function syncFields(ctx: SyncContext, state: RunSyncState, overrides: RunOverrides | undefined): Promise<boolean> {
  const runId = state.mlflowRunId;
  if (!runId) return false;
  let changed = false;
  const facts = withOverrides(state.facts, overrides);
  const params: KeyValue[] = [];
  for (const [k, v] of facts.params) {
    if (state.sent.params.has(k)) continue;
    params.push({ key: mlflowKeyFor(k), value: cutText(v, MLFLOW_LIMITS.paramValue).value });
  }
  const tags: KeyValue[] = [];
  for (const [k, v] of desiredTags(facts, state, ctx.now(), ctx.crashAfterMs)) {
    if (state.sent.tags.get(k) !== hashValue(v)) tags.push({ key: k, value: v });
  }
  if (params.length > 0 || tags.length > 0) {
    await logBatch(ctx, runId, [], params, tags, () => undefined);
    for (const [k, v] of facts.params) if (!state.sent.params.has(k)) state.sent.params.set(k, cutText(v, MLFLOW_LIMITS.paramValue).value);
    for (const t of tags) state.sent.tags.set(t.key, hashValue(t.value));
    changed = true;
  }
  if (await syncDatasets(ctx, state, runId)) changed = true;
  const status = crashed(facts, ctx.now(), ctx.crashAfterMs) ? 'FAILED' : STATUS[facts.status];
  const endMs = facts.endMs === undefined ? undefined : Math.max(facts.endMs, facts.startMs ?? 0);
  const name = facts.name;
  if (status !== state.sent.status || endMs !== state.sent.endMs || name !== state.sent.name) {
    await ctx.api.call('POST', 'runs/update', {
      run_id: runId, status, ...(endMs !== undefined && status !== 'RUNNING' ? { end_time: endMs } : {}),
      ...(name !== undefined ? { run_name: cutText(name, MLFLOW_LIMITS.runName).value } : {}),
    });
    state.sent.status = status;
    if (endMs !== undefined) state.sent.endMs = endMs; else delete state.sent.endMs;
    if (name !== undefined) state.sent.name = name;
    changed = true;
  }
  // One write for all of it: if it is lost, the next sync sends the same fields again, which changes nothing.
  if (changed) ctx.store.save(state);
  return changed;
}

/** The facts with the editor's rename, notes, tags and star over the log's own. */
function withOverrides(facts: RunFacts, o: RunOverrides | undefined): RunFacts {
  if (!o) return facts;
  const out: RunFacts = { ...facts, lineage: new Map(facts.lineage) };
  if (o.name !== undefined) out.name = o.name;
  if (o.notes !== undefined) out.notes = o.notes;
  if (o.tags !== undefined) out.tags = [...o.tags];
  if (o.starred !== undefined) out.lineage.set('trialbook.starred', String(o.starred));
  return out;
}

/** Dataset uses as MLflow dataset inputs (MLflow 2.4+); an older server gets them as tags only (lineage stays). */
async function syncDatasets(ctx: SyncContext, state: RunSyncState, runId: string): Promise<boolean> {
  const pending = [...state.facts.datasets.values()].filter((d) => !state.sent.datasets.includes(`${d.key}@${d.digest}`));
  if (pending.length === 0) return false;
  if (!ctx.missing.has('runs/log-inputs')) {
    try {
      await ctx.api.call('POST', 'runs/log-inputs', {
        run_id: runId,
        datasets: pending.map((d) => ({
          dataset: { name: d.name.slice(0, 500), digest: d.digest, source_type: /^[a-z][a-z0-9+.-]*:\/\//i.test(d.source) ? 'url' : 'local', source: JSON.stringify({ uri: d.source }) },
          tags: d.context ? [{ key: 'mlflow.data.context', value: d.context }] : [],
        })),
      });
    } catch (err) {
      if (!(err instanceof MissingEndpointError)) throw err;
      ctx.missing.add('runs/log-inputs');
      ctx.warn(`${err.message} Datasets are recorded as trialbook.dataset.* tags instead of dataset inputs.`);
    }
  }
  if (ctx.missing.has('runs/log-inputs')) {
    const tags = pending.map((d) => ({ key: mlflowKeyFor(`trialbook.dataset.${d.key}`), value: cutText(JSON.stringify({ name: d.name, source: d.source, digest: d.digest, context: d.context }), TAG_VALUE_LIMIT).value }));
    await logBatch(ctx, runId, [], [], tags, () => undefined);
  }
  for (const d of pending) state.sent.datasets.push(`${d.key}@${d.digest}`);
  return true;
}
