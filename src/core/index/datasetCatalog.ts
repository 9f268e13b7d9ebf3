// Datasets across runs: each dataset name → its versions (by content hash; remote data by URI; unknown when not
// hashed) → the runs that used each version, and the models those runs logged. Built from the runs in memory.
import type { DatasetGroup, DatasetRunUse, DatasetUse, DatasetVersion } from '../model';

/** What the catalog knows of a run that used datasets (its name after the user's edits). */
export interface RunWithInputs {
  id: string;
  name: string;
  experiment: string;
  startedAt: number;
  inputs: readonly DatasetUse[];
  models: string[];
}

function versionOf(use: DatasetUse): string {
  if (use.sha256 !== undefined && (use.status === 'complete' || use.status === 'unreadable')) return use.sha256;
  if (use.status === 'remote') return use.source;
  return '';
}

function newer(a: { startedAt: number; runId: string }, b: { startedAt: number; runId: string }): number {
  return b.startedAt - a.startedAt || (a.runId < b.runId ? 1 : a.runId > b.runId ? -1 : 0);
}

export function datasetGroups(runs: Iterable<RunWithInputs>): DatasetGroup[] {
  const groups = new Map<string, Map<string, DatasetVersion>>();
  for (const run of runs) {
    for (const use of run.inputs) {
      let versions = groups.get(use.name);
      if (!versions) { versions = new Map(); groups.set(use.name, versions); }
      const key = versionOf(use);
      let version = versions.get(key);
      if (!version) {
        version = { version: key, status: use.status, sources: [], runs: [] };
        if (key !== '' && use.sha256 !== undefined) version.sha256 = use.sha256;
        if (key === '') version.status = use.status;
        versions.set(key, version);
      }
      for (const field of ['size', 'files', 'rows', 'format'] as const) {
        const v = use[field];
        if (v !== undefined && version[field] === undefined) (version as Record<typeof field, unknown>)[field] = v;
      }
      if (use.columns !== undefined && version.columns === undefined) version.columns = [...use.columns];
      if (!version.sources.includes(use.source)) version.sources.push(use.source);
      if (!version.runs.some((r) => r.runId === run.id)) {
        const entry: DatasetRunUse = { runId: run.id, runName: run.name, experiment: run.experiment, startedAt: run.startedAt, models: [...run.models] };
        if (use.context !== undefined) entry.context = use.context;
        version.runs.push(entry);
      }
    }
  }
  const out: DatasetGroup[] = [];
  for (const [name, versions] of groups) {
    const list = [...versions.values()];
    for (const v of list) v.runs.sort(newer);
    const latest = (v: DatasetVersion): { startedAt: number; runId: string } => v.runs[0] ?? { startedAt: 0, runId: '' };
    list.sort((a, b) => newer(latest(a), latest(b)));
    out.push({ name, versions: list });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
