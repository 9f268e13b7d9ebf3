// An MLflow run as runs/search and runs/get return it (REST JSON, fields optional as protobuf JSON omits empty
// ones), checked at runtime, and turned into the source model the mirror writes (sourceModel.ts).
import type { ParamValue } from '../model';
import { paramFromText } from '../sources/mirrorEvents';
import type { SourceRunMeta } from '../sources/sourceModel';

export interface MlflowRunJson {
  info: { run_id: string; experiment_id: string; run_name: string; status: string; start_time: number; end_time?: number; user_id: string; lifecycle_stage: string };
  metrics: { key: string; value: number; timestamp: number; step: number }[];
  params: [string, string][];
  tags: [string, string][];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
/** int64 fields may arrive as JSON strings (protobuf JSON) or numbers. */
const int = (v: unknown): number | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : Number.NaN;
  return Number.isSafeInteger(n) ? n : undefined;
};

/** MLflow writes non-finite doubles as "NaN", "Infinity", "-Infinity". */
export function metricValue(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return Number.NaN;
  if (v === 'Infinity') return Number.POSITIVE_INFINITY;
  if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
  return undefined;
}

function pairs(list: unknown): [string, string][] {
  if (!Array.isArray(list)) return [];
  const out: [string, string][] = [];
  for (const x of list) if (isRecord(x) && typeof x.key === 'string') out.push([x.key, str(x.value)]);
  return out;
}

/** The run in a runs/search or runs/get answer, or undefined when it is not one (no run id). */
export function parseRun(v: unknown): MlflowRunJson | undefined {
  if (!isRecord(v) || !isRecord(v.info)) return undefined;
  const i = v.info;
  const runId = str(i.run_id) || str(i.run_uuid);
  if (!/^[\w-]{1,64}$/.test(runId)) return undefined;
  const data = isRecord(v.data) ? v.data : {};
  const metrics: MlflowRunJson['metrics'] = [];
  if (Array.isArray(data.metrics)) {
    for (const m of data.metrics) {
      if (!isRecord(m) || typeof m.key !== 'string') continue;
      const value = metricValue(m.value);
      if (value === undefined) continue;
      metrics.push({ key: m.key, value, timestamp: int(m.timestamp) ?? 0, step: int(m.step) ?? 0 });
    }
  }
  const info: MlflowRunJson['info'] = {
    run_id: runId, experiment_id: str(i.experiment_id), run_name: str(i.run_name), status: str(i.status) || 'RUNNING',
    start_time: int(i.start_time) ?? 0, user_id: str(i.user_id), lifecycle_stage: str(i.lifecycle_stage) || 'active',
  };
  const end = int(i.end_time);
  if (end !== undefined && end > 0) info.end_time = end;
  return { info, metrics, params: pairs(data.params), tags: pairs(data.tags) };
}

const STATUS: ReadonlyMap<string, SourceRunMeta['status']> = new Map([
  ['RUNNING', 'running'], ['SCHEDULED', 'running'], ['FINISHED', 'finished'], ['FAILED', 'failed'], ['KILLED', 'killed'],
]);

/** Tag that marks a browsed run as the server's (shown as `mlflow-server=<host>` among the run's tags). */
export const REMOTE_TAG = 'mlflow-server';

/**
 * The run as the mirror writes it: params as text (read as numbers where they are), the latest metric values as
 * summary values (the listing carries only those; full histories are fetched on demand), MLflow's system tags as
 * fields, and a tag naming the server.
 */
export function remoteRunMeta(run: MlflowRunJson, experiment: string, server: string): SourceRunMeta {
  const tags = new Map(run.tags);
  // MLflow params are text: "0.01" and "32" read as numbers, as the MLflow stores' imports read them.
  const params = new Map<string, ParamValue>(run.params.map(([k, v]) => [k, paramFromText(v)]));
  const summary = new Map<string, ParamValue>();
  for (const m of run.metrics) summary.set(m.key, m.value);
  tags.set(REMOTE_TAG, server);
  const meta: SourceRunMeta = {
    experiment, name: run.info.run_name || tags.get('mlflow.runName') || run.info.run_id,
    status: STATUS.get(run.info.status) ?? 'running', startedAt: run.info.start_time,
    notes: tags.get('mlflow.note.content') ?? '', tags, params, summary, artifacts: [],
  };
  if (run.info.end_time !== undefined) meta.endedAt = run.info.end_time;
  const user = tags.get('mlflow.user') ?? run.info.user_id;
  if (user) meta.user = user;
  const script = tags.get('mlflow.source.name');
  if (script) meta.script = script;
  const parent = tags.get('mlflow.parentRunId');
  if (parent) meta.parent = parent;
  return meta;
}

/** What the listing says about a run, as one string: the mirror writes the metadata again only when it changed. */
export function runSignature(run: MlflowRunJson, experiment: string): string {
  return JSON.stringify([experiment, run.info.run_name, run.info.status, run.info.end_time ?? 0, run.params, run.tags, run.metrics.map((m) => [m.key, m.step, m.timestamp])]);
}
