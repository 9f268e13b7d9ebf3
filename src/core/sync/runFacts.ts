// What a run's log says about the run besides its points (experiment, name, times, status, params, tags, notes,
// summary, lineage, datasets), built up event by event so a sync reads each line once, and kept in the sync state
// between syncs. Names come from runs: everything keyed by them is a Map, never a plain object.
import type { RunEvent } from '../eventValidation';
import type { Lineage, ParamValue } from '../model';
import { redactUrl } from '../registry/lineage';
import { paramText } from './mlflowNames';

export interface DatasetInput { key: string; name: string; source: string; digest: string; context?: string; rows?: number }

/** A logged artifact (the latest `artifact` event of its name): where it is and the hash the writer gave it. */
export interface ArtifactRef { name: string; path: string; sha256: string }

export interface RunFacts {
  experiment?: string;
  name?: string;
  startMs?: number;
  endMs?: number;
  /** Time of the latest event of any kind (heartbeats too): a run without run_end is crashed when it is old. */
  lastMs?: number;
  status: 'running' | 'finished' | 'failed' | 'killed';
  error?: string;
  notes: string;
  tags: string[];
  params: Map<string, string>;
  summary: Map<string, string>;
  /** `trialbook.*` (and `mlflow.source.*`) tags from the run_start's lineage. */
  lineage: Map<string, string>;
  datasets: Map<string, DatasetInput>;
  /**
   * Artifacts by name (a later event of a name replaces the earlier). Undefined in facts kept by a sync state written
   * before artifacts were synced: the log before the cursor is then read once for them (runArtifacts.ts).
   */
  artifacts?: Map<string, ArtifactRef>;
}

export function emptyFacts(): RunFacts {
  return { status: 'running', notes: '', tags: [], params: new Map(), summary: new Map(), lineage: new Map(), datasets: new Map(), artifacts: new Map() };
}

function setParams(target: Map<string, string>, params: Record<string, ParamValue>): void {
  for (const [k, v] of Object.entries(params)) target.set(k, paramText(v));
}

function lineageTags(lineage: Lineage | undefined, event: Extract<RunEvent, { t: 'run_start' }>): Map<string, string> {
  const out = new Map<string, string>();
  const put = (k: string, v: string | number | boolean | undefined): void => { if (v !== undefined && v !== '') out.set(k, String(v)); };
  put('trialbook.run_id', event.runId);
  put('trialbook.experiment', event.experiment);
  put('trialbook.group', event.group);
  put('trialbook.rank', event.rank);
  if (event.sdk) put('trialbook.sdk', `${event.sdk.name ?? ''} ${event.sdk.version ?? ''}`.trim());
  if (!lineage) return out;
  put('trialbook.user', lineage.user);
  put('mlflow.user', lineage.user);
  put('trialbook.host', lineage.host);
  put('trialbook.script', lineage.script);
  put('mlflow.source.name', lineage.script ?? lineage.notebook?.path);
  put('trialbook.notebook', lineage.notebook?.path);
  put('trialbook.cwd', lineage.cwd);
  put('trialbook.python', lineage.python);
  put('trialbook.platform', lineage.platform);
  if (lineage.argv) put('trialbook.argv', JSON.stringify(lineage.argv));
  const git = lineage.git;
  if (git) {
    put('trialbook.git.commit', git.commit);
    put('mlflow.source.git.commit', git.commit);
    put('trialbook.git.branch', git.branch);
    put('mlflow.source.git.branch', git.branch);
    if (git.remote) { put('trialbook.git.remote', redactUrl(git.remote)); put('mlflow.source.git.repoURL', redactUrl(git.remote)); }
    put('trialbook.git.dirty', git.dirty);
    put('trialbook.git.path', git.path);
  }
  if (lineage.packages) put('trialbook.packages', JSON.stringify(lineage.packages));
  return out;
}

/** Folds one event into the facts; metrics events are the caller's (they are points). */
export function applyEvent(facts: RunFacts, e: RunEvent): void {
  const ms = Math.round(e.ts * 1000);
  facts.lastMs = Math.max(facts.lastMs ?? 0, ms);
  switch (e.t) {
    case 'run_start':
      if (!e.resumed || facts.startMs === undefined) {
        facts.experiment = e.experiment;
        facts.name = e.name;
        facts.startMs = ms;
        for (const [k, v] of lineageTags(e.lineage, e)) facts.lineage.set(k, v);
      }
      // A resumed run is running again until its next run_end.
      facts.status = 'running';
      delete facts.endMs;
      delete facts.error;
      if (e.notes !== undefined) facts.notes = e.notes;
      if (e.tags) facts.tags = [...e.tags];
      if (e.config) setParams(facts.params, e.config);
      return;
    case 'params': setParams(facts.params, e.params); return;
    case 'summary': for (const [k, v] of Object.entries(e.summary)) facts.summary.set(k, paramText(v)); return;
    case 'tags': facts.tags = [...e.tags]; return;
    case 'notes': facts.notes = e.notes; return;
    case 'run_end':
      facts.status = e.status;
      facts.endMs = ms;
      if (e.error !== undefined) facts.error = e.error;
      return;
    case 'dataset': {
      const d = e.dataset;
      facts.datasets.set(d.key, {
        key: d.key, name: d.name, source: d.source, digest: (d.sha256 ?? '').slice(0, 36) || 'unknown',
        ...(d.context !== undefined ? { context: d.context } : {}), ...(d.rows !== undefined ? { rows: d.rows } : {}),
      });
      return;
    }
    case 'artifact':
      facts.artifacts?.set(e.artifact.name, artifactRef(e.artifact));
      return;
    default: return;
  }
}

export function artifactRef(a: { name: string; path: string; sha256: string }): ArtifactRef {
  return { name: a.name, path: a.path, sha256: a.sha256 };
}

/** JSON form for the state file (Maps as pairs, so no name can turn into a prototype). */
export interface FactsJson {
  experiment?: string; name?: string; startMs?: number; endMs?: number; lastMs?: number;
  status: RunFacts['status']; error?: string; notes: string; tags: string[];
  params: Array<[string, string]>; summary: Array<[string, string]>; lineage: Array<[string, string]>; datasets: DatasetInput[];
  artifacts?: ArtifactRef[];
}

export function factsToJson(f: RunFacts): FactsJson {
  const { params, summary, lineage, datasets, artifacts, ...rest } = f;
  return { ...rest, params: [...params], summary: [...summary], lineage: [...lineage], datasets: [...datasets.values()], ...(artifacts ? { artifacts: [...artifacts.values()] } : {}) };
}

export function factsFromJson(j: FactsJson): RunFacts {
  const { artifacts, ...rest } = j;
  return {
    ...rest, tags: [...j.tags], params: new Map(j.params), summary: new Map(j.summary), lineage: new Map(j.lineage),
    datasets: new Map(j.datasets.map((d) => [d.key, d])), ...(artifacts ? { artifacts: new Map(artifacts.map((a) => [a.name, artifactRef(a)])) } : {}),
  };
}
