// Push of a model to the MLflow Model Registry: a run mirroring the Trialbook run (params, metrics,
// tags), the model files plus an MLmodel uploaded through the artifact proxy, then a registered model
// version with source runs:/<run_id>/model, awaited until READY, and the alias.
import { randomUUID } from 'node:crypto';
import type { RunDetail } from '../model';
import { bufferSource, fileDigest, fileSource, sha256Hex, type BlobSource, type HashHooks } from './blobSource';
import { RegistryError, cancelledError } from './errors';
import { isAbortError, sleep } from './http';
import { boundedText, lineageAnnotations, redactUrl } from './lineage';
import { MlflowApiError, MlflowClient } from './mlflowClient';
import { scanModel } from './modelTree';
import { checkSendable } from './pushChecks';
import { checkAlias } from './target';
import type { MetricHistorySource, MlflowTarget, PlannedFile, PlannedLink, PushHooks, PushPlan, PushRequest, PushResult } from './types';

/** MLflow's documented limits for one runs/log-batch request. */
export const BATCH_LIMITS = { metrics: 1000, params: 100, tags: 100, total: 1000, bytes: 1_000_000 };
const MAX_KEY = 250;
const MAX_PARAM_VALUE = 6000;
const MAX_TAG_VALUE = 5000;
const ARTIFACT_DIR = 'model';

export interface MlflowMetric { key: string; value: number | string; timestamp: number; step: number }
export interface KeyValue { key: string; value: string }
export interface Batch { metrics: MlflowMetric[]; params: KeyValue[]; tags: KeyValue[] }

/** A key MLflow accepts: allowed characters only, at most 250 long, no `..` segment. */
export function mlflowKey(key: string): string {
  let k = key.replace(/[^/\w.\- ]/g, '_').replace(/(^|\/)\.\.(?=\/|$)/g, '$1__').replace(/^\/+/, '');
  if (k.length > MAX_KEY) k = `${k.slice(0, MAX_KEY - 9)}~${sha256Hex(key).slice(0, 8)}`;
  return k || '_';
}

function mlflowNumber(v: number): number | string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return v;
}

function cut(value: string, limit: number): string {
  return value.length <= limit ? value : `${value.slice(0, limit - 14)}…[truncated]`;
}

/** Splits items into log-batch requests within every limit (counts per kind, total, request size). */
export function batches(metrics: Iterable<MlflowMetric>, params: KeyValue[], tags: KeyValue[], limits = BATCH_LIMITS): Batch[] {
  return [...eachBatch(metrics, params, tags, limits)];
}

/** The same, one request at a time: a metric history of millions of points is never all in memory as requests. */
export function* eachBatch(metrics: Iterable<MlflowMetric>, params: KeyValue[], tags: KeyValue[], limits = BATCH_LIMITS): Generator<Batch> {
  let cur: Batch = { metrics: [], params: [], tags: [] };
  let bytes = 200;
  const full = <K extends keyof Batch>(kind: K, size: number, limit: number): boolean => {
    const total = cur.metrics.length + cur.params.length + cur.tags.length;
    return total > 0 && (cur[kind].length >= limit || total >= limits.total || bytes + size > limits.bytes);
  };
  const take = (): Batch => {
    const out = cur;
    cur = { metrics: [], params: [], tags: [] };
    bytes = 200;
    return out;
  };
  // Params first: they are immutable, so a later failure never leaves a run with half of them changed.
  const items: Array<['params' | 'tags' | 'metrics', Iterable<KeyValue | MlflowMetric>, number]> = [
    ['params', params, limits.params], ['tags', tags, limits.tags], ['metrics', metrics, limits.metrics],
  ];
  for (const [kind, list, limit] of items) {
    for (const item of list) {
      const size = Buffer.byteLength(JSON.stringify(item)) + 1;
      if (full(kind, size, limit)) yield take();
      (cur[kind] as Array<KeyValue | MlflowMetric>).push(item);
      bytes += size;
    }
  }
  if (cur.metrics.length + cur.params.length + cur.tags.length > 0) yield take();
}

/**
 * The metric points to log: every point of a metric whose history the index holds, else its last value.
 * `keys` pairs each Trialbook key with its MLflow key (see mirrorOf).
 */
export function* metricPoints(run: RunDetail, keys: Array<{ source: string; key: string }>, history?: MetricHistorySource): Generator<MlflowMetric> {
  const at = Math.round(run.endedAt ?? run.lastEventAt);
  for (const { source, key } of keys) {
    const summary = run.metrics[source];
    const h = history?.(source);
    if (!h || h.values.length === 0) {
      if (summary) yield { key, value: mlflowNumber(summary.last), timestamp: at, step: Math.max(0, Math.trunc(summary.lastStep)) };
      continue;
    }
    for (let i = 0; i < h.values.length; i++) {
      yield { key, value: mlflowNumber(h.values[i] as number), timestamp: Math.round(h.times[i] as number), step: Math.max(0, Math.trunc(h.steps[i] as number)) };
    }
  }
}

/** Params, metrics and tags of the mirrored MLflow run. */
export function mirrorOf(run: RunDetail, lineage: Record<string, string>): { params: KeyValue[]; metricKeys: Array<{ source: string; key: string }>; tags: KeyValue[] } {
  const seen = new Set<string>();
  const uniq = (k: string): string => {
    let key = mlflowKey(k);
    for (let i = 2; seen.has(key); i++) key = mlflowKey(`${k}_${i}`);
    seen.add(key);
    return key;
  };
  const params = Object.entries(run.params).map(([k, v]) => ({ key: uniq(k), value: cut(typeof v === 'string' ? v : JSON.stringify(v), MAX_PARAM_VALUE) }));
  seen.clear();
  // The points themselves come from metricPoints (the whole history, or the last value).
  const metricKeys = Object.keys(run.metrics).map((source) => ({ source, key: uniq(source) }));
  const tags: KeyValue[] = [];
  const tag = (key: string, value: string | undefined): void => { if (value !== undefined && value !== '') tags.push({ key, value: cut(value, MAX_TAG_VALUE) }); };
  tag('trialbook.run_id', run.id);
  tag('trialbook.experiment', run.experiment);
  tag('trialbook.tags', run.tags.join(','));
  tag('mlflow.user', run.lineage.user ?? run.user);
  tag('mlflow.source.git.commit', run.lineage.git?.commit);
  tag('mlflow.source.git.branch', run.lineage.git?.branch);
  tag('mlflow.source.git.repoURL', run.lineage.git?.remote ? redactUrl(run.lineage.git.remote) : undefined);
  tag('mlflow.source.name', run.lineage.script ?? run.script ?? run.notebook);
  tag('mlflow.note.content', run.notes || undefined);
  for (const [k, v] of Object.entries(lineage)) if (k.startsWith('org.opencontainers.image.')) tag(`trialbook.lineage.${k.slice('org.opencontainers.image.'.length)}`, v);
  // The registered version (name, version, stage, latest reason): run tags, and model version tags (trialbook.*).
  for (const [k, v] of Object.entries(lineage)) if (k.startsWith('dev.trialbook.model.')) tag(`trialbook.model.${k.slice('dev.trialbook.model.'.length)}`, v);
  return { params, metricKeys, tags };
}

interface UploadFile extends PlannedFile {
  /** Path under the run's artifact root, e.g. `model/weights.pt`. */
  artifactPath: string;
  open: BlobSource;
}

/** The model's files as MLflow artifacts: every link is sent as a copy (MLflow keeps no links), by the rule in modelTree.ts. */
async function modelFiles(modelPath: string, followOutsideLinks: boolean, hooks: HashHooks = {}): Promise<{ files: UploadFile[]; links: PlannedLink[] }> {
  const scan = await scanModel(modelPath, { keepLinks: false, ...(followOutsideLinks ? { followOutsideLinks } : {}) });
  const entries = scan.parts.flatMap((p) => p.entries).filter((e) => e.type === 'file');
  if (entries.length === 0 && scan.links.length === 0) throw new RegistryError('input', `Model folder ${modelPath} is empty; there is nothing to push.`);
  hooks.onTotal?.(entries.reduce((n, e) => n + e.size, 0));
  const files: UploadFile[] = [];
  for (const e of entries) {
    const { sha256, size } = await fileDigest(e.abs, hooks);
    files.push({ filepath: e.name, artifactPath: `${ARTIFACT_DIR}/${e.name}`, source: e.abs, size, sha256, mediaType: 'application/octet-stream', open: fileSource(e.abs) });
  }
  return { files, links: scan.links };
}

/** A minimal MLmodel so MLflow shows and serves the folder as a model (only when the model has none). */
export function mlmodelYaml(opts: { runId: string; files: string[]; createdAt: string; mlflowVersion: string; uuid: string }): string {
  const q = (s: string): string => JSON.stringify(s);
  return [
    `artifact_path: ${ARTIFACT_DIR}`,
    'flavors:',
    '  trialbook:',
    '    files:',
    ...opts.files.map((f) => `    - ${q(f)}`),
    `mlflow_version: ${opts.mlflowVersion}`,
    `model_uuid: ${opts.uuid.replace(/-/g, '')}`,
    `run_id: ${opts.runId}`,
    `utc_time_created: '${opts.createdAt.replace('T', ' ').replace('Z', '')}'`,
    '',
  ].join('\n');
}

export async function planMlflowPush(req: PushRequest & { target: MlflowTarget }, hooks: HashHooks = {}): Promise<PushPlan> {
  checkAlias('mlflow', req.alias);
  const { files, links } = await modelFiles(req.modelPath, req.followOutsideLinks === true, hooks);
  const lineage = lineageAnnotations(req.run, { version: 'next', artifactName: req.artifactName, ...(req.description !== undefined ? { description: req.description } : {}), ...(req.modelVersion ? { modelVersion: req.modelVersion } : {}) });
  const { tags } = mirrorOf(req.run, lineage);
  return {
    target: req.target,
    destination: `${req.target.trackingUri} model "${req.target.modelName}"${req.alias ? ` (alias ${req.alias})` : ''}`,
    files: files.map(({ open: _o, artifactPath, ...f }) => ({ ...f, filepath: artifactPath })),
    totalBytes: files.reduce((n, f) => n + f.size, 0),
    lineage: Object.fromEntries(tags.map((t) => [t.key, t.value])),
    links,
  };
}

export interface MlflowPushOptions {
  mlflowPollMs?: number;
  mlflowTimeoutMs?: number;
}

/** One digest for a model's files (paths and contents): equal digests mean the same model. */
function modelDigest(files: UploadFile[]): string {
  return sha256Hex(Buffer.from(files.map((f) => `${f.filepath}\0${f.sha256}\n`).sort().join('')));
}

const DIGEST_TAG = 'trialbook.model_digest';

/** A registered version of this model from this run with these same files, if one exists (newest first). */
async function findSameVersion(client: MlflowClient, modelName: string, runId: string, digest: string): Promise<string | undefined> {
  let token: string | undefined;
  let best: number | undefined;
  do {
    const page = await client.call<{ model_versions?: { version: string; status?: string; tags?: KeyValue[] }[]; next_page_token?: string }>('GET', 'model-versions/search',
      { filter: `name = '${modelName.replace(/'/g, "''")}'`, max_results: '1000', ...(token ? { page_token: token } : {}) });
    for (const v of page.model_versions ?? []) {
      const tag = (key: string): string | undefined => v.tags?.find((t) => t.key === key)?.value;
      if ((v.status ?? 'READY') === 'READY' && tag(DIGEST_TAG) === digest && tag('trialbook.run_id') === runId) {
        const n = Number(v.version);
        if (best === undefined || n > best) best = n;
      }
    }
    token = page.next_page_token || undefined;
  } while (token);
  return best === undefined ? undefined : String(best);
}

export async function pushMlflow(req: PushRequest & { target: MlflowTarget }, hooks: PushHooks, options: MlflowPushOptions = {}): Promise<PushResult> {
  const { target, run } = req;
  const { signal, log } = hooks;
  checkAlias('mlflow', req.alias);
  const client = new MlflowClient(target.trackingUri, req.credentials, log, signal);
  let mlflowRunId: string | undefined;
  try {
    const { files, links } = await modelFiles(req.modelPath, req.followOutsideLinks === true, signal ? { signal } : {});
    checkSendable({ files: files.map((f) => ({ ...f, filepath: f.artifactPath })), links }, req);
    const digest = modelDigest(files);
    // The same files of the same run already registered: point at that version (and move the alias), as an OCI push
    // of an unchanged model uploads nothing.
    const same = await findSameVersion(client, target.modelName, run.id, digest);
    if (same !== undefined) {
      if (req.alias) await client.call('POST', 'registered-models/alias', { name: target.modelName, alias: req.alias, version: same });
      // The registered version's stage and latest reason may have moved since: its tags follow.
      const labels = lineageAnnotations(run, { version: 'next', artifactName: req.artifactName, ...(req.modelVersion ? { modelVersion: req.modelVersion } : {}) });
      for (const t of mirrorOf(run, labels).tags.filter((x) => x.key.startsWith('trialbook.model.'))) {
        await client.call('POST', 'model-versions/set-tag', { name: target.modelName, version: same, key: t.key, value: t.value });
      }
      log?.info(`${target.modelName} version ${same} on ${target.trackingUri} already holds these files from this run; nothing uploaded.`);
      return {
        record: {
          runId: run.id, artifact: req.artifactName, registry: `mlflow:${target.trackingUri}`, reference: `models:/${target.modelName}/${same}`,
          version: same, ...(req.user ? { user: req.user } : {}), at: Date.now(),
        },
        uploadedBytes: 0,
        upToDate: true,
      };
    }
    const lineage = lineageAnnotations(run, { version: 'next', artifactName: req.artifactName, ...(req.description !== undefined ? { description: req.description } : {}), ...(req.modelVersion ? { modelVersion: req.modelVersion } : {}) });

    const experimentId = await findOrCreateExperiment(client, target.experiment ?? (run.experiment || 'Default'));
    const mirror = mirrorOf(run, lineage);
    const created = await client.call<{ run: { info: { run_id: string; artifact_uri: string } } }>('POST', 'runs/create', {
      experiment_id: experimentId,
      run_name: run.name,
      start_time: Math.round(run.startedAt),
      tags: [{ key: 'mlflow.runName', value: run.name }, { key: 'trialbook.run_id', value: run.id }],
    });
    mlflowRunId = created.run.info.run_id;
    const artifactUri = created.run.info.artifact_uri;
    const m = /^mlflow-artifacts:(?:\/\/[^/]*)?\/(.*)$/.exec(artifactUri);
    if (!m) throw new RegistryError('rejected', `MLflow server ${target.trackingUri} stores artifacts at ${artifactUri.replace(/\/\/[^@/]*@/, '//')}, which Trialbook cannot reach through the server. Start the server with --serve-artifacts (artifact proxy) so uploads go through it.`);
    const artifactRoot = (m[1] ?? '').replace(/\/+$/, '');

    let requests = 0;
    let points = 0;
    for (const batch of eachBatch(metricPoints(run, mirror.metricKeys, req.history), mirror.params, mirror.tags)) {
      if (signal?.aborted) throw cancelledError(target.trackingUri);
      await client.call('POST', 'runs/log-batch', { run_id: mlflowRunId, ...batch });
      requests++;
      points += batch.metrics.length;
    }
    log?.info(`Logged ${points} metric points, ${mirror.params.length} params and ${mirror.tags.length} tags to MLflow run ${mlflowRunId} in ${requests} requests.`);

    const uploads = [...files];
    if (!files.some((f) => f.artifactPath === `${ARTIFACT_DIR}/MLmodel`)) {
      const yaml = Buffer.from(mlmodelYaml({ runId: mlflowRunId, files: files.map((f) => f.filepath), createdAt: new Date(run.endedAt ?? run.lastEventAt).toISOString(), mlflowVersion: (await client.version()) ?? '2.0.0', uuid: randomUUID() }));
      uploads.push({ filepath: 'MLmodel', artifactPath: `${ARTIFACT_DIR}/MLmodel`, source: '(generated)', size: yaml.length, sha256: sha256Hex(yaml), mediaType: 'text/yaml', open: bufferSource(yaml) });
    }
    const total = uploads.reduce((n, f) => n + f.size, 0);
    let done = 0;
    hooks.onProgress?.(0, total);
    for (const f of uploads) {
      if (signal?.aborted) throw cancelledError(target.trackingUri);
      let sent = 0;
      await client.putArtifact(`${artifactRoot}/${f.artifactPath}`, f.size, () => counting(f.open.open(0), (n) => { sent += n; hooks.onProgress?.(Math.min(total, done + sent), total); }), () => { sent = 0; });
      done += f.size;
      hooks.onProgress?.(done, total);
    }
    await client.call('POST', 'runs/update', { run_id: mlflowRunId, status: 'FINISHED', end_time: Math.round(run.endedAt ?? run.lastEventAt) });

    if (signal?.aborted) throw cancelledError(target.trackingUri);
    try {
      await client.call('POST', 'registered-models/create', { name: target.modelName, ...(req.description ? { description: req.description } : {}) });
    } catch (err) {
      if (!(err instanceof MlflowApiError && err.errorCode === 'RESOURCE_ALREADY_EXISTS')) throw err;
    }
    const versionTags = [...mirror.tags.filter((t) => t.key.startsWith('trialbook.')), { key: DIGEST_TAG, value: digest }];
    const mv = await client.call<{ model_version: { version: string; status?: string } }>('POST', 'model-versions/create', {
      name: target.modelName,
      source: `runs:/${mlflowRunId}/${ARTIFACT_DIR}`,
      run_id: mlflowRunId,
      tags: versionTags,
      ...(req.description ? { description: boundedText(req.description, 5000) } : {}),
    });
    const version = mv.model_version.version;
    await waitReady(client, target, version, options, signal);
    if (req.alias) await client.call('POST', 'registered-models/alias', { name: target.modelName, alias: req.alias, version });
    log?.info(`Registered ${target.modelName} version ${version} on ${target.trackingUri} (run ${mlflowRunId}).`);
    return {
      record: {
        runId: run.id,
        artifact: req.artifactName,
        registry: `mlflow:${target.trackingUri}`,
        reference: `models:/${target.modelName}/${version}`,
        version,
        ...(req.user ? { user: req.user } : {}),
        at: Date.now(),
      },
      uploadedBytes: total,
      upToDate: false,
    };
  } catch (err) {
    const cancelled = isAbortError(err) || signal?.aborted || (err instanceof RegistryError && err.code === 'cancelled');
    // The mirrored run stays in MLflow, marked as not finished, so nobody mistakes it for a complete model.
    if (mlflowRunId) await new MlflowClient(target.trackingUri, req.credentials).call('POST', 'runs/update', { run_id: mlflowRunId, status: cancelled ? 'KILLED' : 'FAILED', end_time: Date.now() }).catch(() => undefined);
    if (cancelled) throw cancelledError(target.trackingUri);
    throw err;
  }
}

async function findOrCreateExperiment(client: MlflowClient, name: string): Promise<string> {
  const get = async (): Promise<string | undefined> => {
    try {
      const r = await client.call<{ experiment: { experiment_id: string } }>('GET', 'experiments/get-by-name', { experiment_name: name });
      return r.experiment.experiment_id;
    } catch (err) {
      if (err instanceof MlflowApiError && err.errorCode === 'RESOURCE_DOES_NOT_EXIST') return undefined;
      throw err;
    }
  };
  const found = await get();
  if (found) return found;
  try {
    return (await client.call<{ experiment_id: string }>('POST', 'experiments/create', { name })).experiment_id;
  } catch (err) {
    // Another client created it between our two calls.
    if (err instanceof MlflowApiError && err.errorCode === 'RESOURCE_ALREADY_EXISTS') {
      const again = await get();
      if (again) return again;
    }
    throw err;
  }
}

async function waitReady(client: MlflowClient, target: MlflowTarget, version: string, options: MlflowPushOptions, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + (options.mlflowTimeoutMs ?? 300_000);
  for (;;) {
    const r = await client.call<{ model_version: { status?: string; status_message?: string } }>('GET', 'model-versions/get', { name: target.modelName, version });
    const status = r.model_version.status ?? 'READY';
    if (status === 'READY') return;
    if (status === 'FAILED_REGISTRATION') throw new RegistryError('rejected', `MLflow server ${target.trackingUri} failed to register ${target.modelName} version ${version}: ${r.model_version.status_message ?? 'no reason given'}.`);
    if (Date.now() > deadline) throw new RegistryError('server', `MLflow server ${target.trackingUri} still has ${target.modelName} version ${version} in ${status} after ${Math.round((options.mlflowTimeoutMs ?? 300_000) / 1000)} s. Check the server's registry backend; the version may become READY later.`);
    await sleep(options.mlflowPollMs ?? 500, signal);
  }
}

async function* counting(source: AsyncIterable<Buffer>, onBytes: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of source) { onBytes(chunk.length); yield chunk; }
}
