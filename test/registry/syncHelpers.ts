// Reading back what a sync put on an MLflow server, through its REST API only (so the checks hold for a real server).
import type { SyncApi } from '../../src/core/sync/syncApi';

export interface RemoteRun {
  info: { run_id: string; run_name: string; status: string; start_time: number; end_time?: number; experiment_id: string; lifecycle_stage: string; artifact_uri?: string };
  data: { params?: Array<{ key: string; value: string }>; tags?: Array<{ key: string; value: string }>; metrics?: Array<{ key: string; value: number; step: number }> };
  inputs?: { dataset_inputs?: Array<{ dataset: { name: string; digest: string } }> };
}

export interface Point { key: string; value: number | string; timestamp: number; step: number }

/** `mlflow+http://host:port/` for a server base URI. */
export function targetText(uri: string): string {
  const u = new URL(uri);
  return `mlflow+${u.protocol.replace(':', '')}://${u.host}${u.pathname.replace(/\/$/, '')}/`;
}

export async function experimentId(api: SyncApi, name: string): Promise<string> {
  const got = await api.call<{ experiment: { experiment_id: string } }>('GET', 'experiments/get-by-name', { experiment_name: name });
  return got.experiment.experiment_id;
}

/** Every MLflow run in the experiment tagged with the Trialbook run id. */
export async function runsOf(api: SyncApi, experiment: string, trialbookId: string): Promise<RemoteRun[]> {
  const expId = await experimentId(api, experiment);
  const found = await api.call<{ runs?: RemoteRun[] }>('POST', 'runs/search', { experiment_ids: [expId], filter: `tags.\`trialbook.run_id\` = '${trialbookId}'`, max_results: 100 });
  return found.runs ?? [];
}

export async function findRun(api: SyncApi, experiment: string, trialbookId: string): Promise<RemoteRun> {
  const runs = await runsOf(api, experiment, trialbookId);
  if (runs.length !== 1) throw new Error(`expected one MLflow run for ${trialbookId} in ${experiment}, found ${runs.length}`);
  return runOf(api, (runs[0] as RemoteRun).info.run_id);
}

export async function runOf(api: SyncApi, runId: string): Promise<RemoteRun> {
  return (await api.call<{ run: RemoteRun }>('GET', 'runs/get', { run_id: runId })).run;
}

/** A metric's whole history, page by page. */
export async function history(api: SyncApi, runId: string, key: string, pageSize = 25_000): Promise<Point[]> {
  const out: Point[] = [];
  let token: string | undefined;
  do {
    const page = await api.call<{ metrics?: Point[]; next_page_token?: string }>('GET', 'metrics/get-history', { run_id: runId, metric_key: key, max_results: pageSize, ...(token ? { page_token: token } : {}) });
    out.push(...(page.metrics ?? []));
    token = page.next_page_token || undefined;
  } while (token);
  return out.sort((a, b) => a.step - b.step || a.timestamp - b.timestamp);
}
