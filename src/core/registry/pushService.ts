// The push use case, for the CLI and the editor alike: resolve the run's model (one rule), build the request
// (user, lineage, metric history from the index), plan (with the link rule of modelTree.ts), push with progress and
// cancellation, check that what went is what was confirmed, and record the push in the index.
// Callers only ask (pickers, confirmation, flags) and show (progress, messages).
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Artifact, PushRecord, RunDetail } from '../model';
import type { RunIndex } from '../runIndex';
import { metricHistoryFrom } from '../metricHistory';
import { useDigestCacheFile } from './blobSource';
import { RegistryError } from './errors';
import { planPush, pushModel, verifyModel, type PushOptions } from './push';
import { aliasProblem, parseOciTarget } from './target';
import type { Credentials, ModelVersionLabel, PushHooks, PushPlan, PushRequest, PushResult, PushTarget, VerifyResult } from './types';

/** What a push needs of the index: the run, its series (MLflow gets every point), and the push ledger. */
export type PushIndex = Pick<RunIndex, 'getRun' | 'series' | 'recordPush' | 'save'>;

export interface PushSpec {
  runId: string;
  /** An artifact the run logged (by name or path), or a file or folder (absolute, or relative as resolveModel says). */
  model: string;
  target: PushTarget;
  credentials: Credentials;
  alias?: string;
  description?: string;
  /** Send copies of what links pointing outside the model folder resolve to (after the user agreed). */
  followOutsideLinks?: boolean;
  /** The registered version pushed: annotated/tagged, and on MLflow its stage is the alias unless one is given. */
  modelVersion?: ModelVersionLabel;
}

export interface ResolvedModel {
  /** Absolute path of the file or folder. */
  path: string;
  /** Name recorded with the push: the artifact's, else the file or folder name. */
  name: string;
  artifact?: Artifact;
}

/** A push ready to plan, push or verify. */
export interface PreparedPush {
  run: RunDetail;
  model: ResolvedModel;
  request: PushRequest;
}

export interface PushServiceOptions {
  /** Who pushes (recorded); default $TRIALBOOK_USER, else the OS account. */
  user?: string;
  /** Folder that relative model paths typed in a terminal are also tried against (the CLI's working directory). */
  cwd?: string;
  push?: PushOptions;
}

/** The user recorded with a push when the caller names none. */
export function defaultPushUser(env: Record<string, string | undefined> = process.env): string | undefined {
  if (env['TRIALBOOK_USER']) return env['TRIALBOOK_USER'];
  try {
    return os.userInfo().username;
  } catch {
    return undefined; // no passwd entry (some containers)
  }
}

/** Where a logged artifact is: relative paths are relative to the folder that holds .trialbook (docs/event-format.md). */
export function artifactPath(workspace: string, artifact: Artifact): string {
  return path.resolve(workspace, artifact.path);
}

function usage(message: string): RegistryError {
  return new RegistryError('usage', message);
}

export class PushService {
  readonly workspace: string;

  constructor(private readonly index: PushIndex, readonly trialbookDir: string, private readonly options: PushServiceOptions = {}) {
    this.workspace = path.dirname(trialbookDir);
    // Digests of unchanged model files are reused across pushes and processes (editor and CLI share the file).
    useDigestCacheFile(path.join(trialbookDir, 'cache', 'registry-digests.json'));
  }

  run(runId: string): RunDetail {
    const run = this.index.getRun(runId);
    if (!run) throw usage(`No run "${runId}" in ${this.workspace}.`);
    return run;
  }

  /**
   * One rule for what `model` means: the artifact of that name the run logged last; else the artifact logged with
   * that path; else a file or folder at that path (absolute, relative to the workspace, or to `cwd` when given).
   */
  resolveModel(run: RunDetail, model: string): ResolvedModel {
    const bases = [this.workspace, ...(this.options.cwd !== undefined ? [this.options.cwd] : [])];
    const byName = run.artifacts.filter((a) => a.name === model);
    const candidates = byName.length > 0 ? byName : run.artifacts.filter((a) => a.path === model || bases.some((b) => artifactPath(this.workspace, a) === path.resolve(b, model)));
    const artifact = candidates[candidates.length - 1];
    if (artifact) {
      const at = artifactPath(this.workspace, artifact);
      if (!existsSync(at)) throw new RegistryError('input', `The model "${artifact.name}" of run ${run.id} is no longer at ${at}. Restore it (or log it again), then push.`);
      return { path: at, name: artifact.name, artifact };
    }
    for (const base of bases) {
      const p = path.resolve(base, model);
      if (existsSync(p)) return { path: p, name: path.basename(p) };
    }
    const names = run.artifacts.map((a) => a.name).join(', ') || 'none';
    throw usage(`Run ${run.id} has no artifact "${model}" and no such file exists (artifacts: ${names}).`);
  }

  /** Checks what can be checked without reading the model, and builds the request. */
  prepare(spec: PushSpec): PreparedPush {
    const alias = spec.alias === '' || spec.alias === undefined ? (spec.target.kind === 'mlflow' ? spec.modelVersion?.stage : undefined) : spec.alias;
    const problem = alias === undefined ? undefined : aliasProblem(spec.target.kind, alias);
    if (problem) throw usage(problem);
    const run = this.run(spec.runId);
    const model = this.resolveModel(run, spec.model);
    const user = this.options.user ?? defaultPushUser();
    const request: PushRequest = {
      run,
      modelPath: model.path,
      artifactName: model.name,
      target: spec.target,
      credentials: spec.credentials,
      history: metricHistoryFrom(this.index, run.id),
      ...(user !== undefined ? { user } : {}),
      ...(alias !== undefined ? { alias } : {}),
      ...(spec.description !== undefined && spec.description !== '' ? { description: spec.description } : {}),
      ...(spec.followOutsideLinks ? { followOutsideLinks: true } : {}),
      ...(spec.modelVersion ? { modelVersion: spec.modelVersion } : {}),
    };
    return { run, model, request };
  }

  /** Exactly what the push would send; `onProgress` reports the model bytes read for their digests. */
  plan(prepared: PreparedPush, hooks: Pick<PushHooks, 'signal' | 'onProgress'> = {}): Promise<PushPlan> {
    return planPush(prepared.request, hooks);
  }

  /**
   * Pushes, then records the push in the index (only once the registry holds all of it). With `confirmed`, the
   * push stops before sending anything if the model no longer gives exactly the planned files.
   */
  async push(prepared: PreparedPush, hooks: PushHooks & { confirmed?: PushPlan } = {}): Promise<PushResult> {
    const { confirmed, ...pushHooks } = hooks;
    const request: PushRequest = confirmed ? { ...prepared.request, expectedFiles: confirmed.files } : prepared.request;
    const result = await pushModel(request, pushHooks, this.options.push);
    // pushes.jsonl is appended at once (a rebuilt index keeps it); the database is saved when this process writes it.
    this.index.recordPush(result.record);
    await this.index.save();
    return result;
  }

  /** Compares what the registry holds at the target with the local model (OCI). */
  verify(prepared: PreparedPush, hooks: PushHooks = {}): Promise<VerifyResult> {
    return verifyModel(prepared.request, hooks);
  }
}

/** The target a recorded OCI push went to (its registry, repository and version tag), to verify it. */
export function recordedOciTarget(push: PushRecord, insecure: boolean): PushTarget {
  if (!push.registry.startsWith('oci://')) throw new RegistryError('input', 'Verify is available for OCI registries; for MLflow, open the model version in the MLflow UI.');
  const version = push.version ?? push.reference.split('@')[0]?.split(':').pop() ?? '';
  return parseOciTarget(`${push.registry}:${version}`, insecure);
}
