// The lower layer of a push: plan, push or verify one request, recording nothing. PushService (pushService.ts) is what
// the CLI and the editor call; it resolves the model, builds the request and records the push.
import type { HashHooks } from './blobSource';
import { RegistryError } from './errors';
import { pushMlflow, planMlflowPush } from './mlflowPush';
import { planOciPush, pushOci, verifyOci } from './ociPush';
import type { OciClientOptions } from './ociClient';
import type { MlflowTarget, OciTarget, PushHooks, PushPlan, PushRequest, PushResult, VerifyResult } from './types';

export interface PushOptions {
  oci?: OciClientOptions;
  /** Milliseconds between polls while MLflow registers a version, and the most to wait in all. */
  mlflowPollMs?: number;
  mlflowTimeoutMs?: number;
}

function isOci(req: PushRequest): req is PushRequest & { target: OciTarget } {
  return req.target.kind === 'oci';
}

function isMlflow(req: PushRequest): req is PushRequest & { target: MlflowTarget } {
  return req.target.kind === 'mlflow';
}

/**
 * Exactly what a push would send (files, sizes, digests, lineage), without contacting the registry.
 * Reading the model for its digests is what takes time: `onProgress` reports bytes read of the model's size.
 * The digests are kept, so the push that follows does not read the model again.
 */
export async function planPush(req: PushRequest, hooks: Pick<PushHooks, 'signal' | 'onProgress'> = {}): Promise<PushPlan> {
  let total = 0;
  let done = 0;
  const hashHooks: HashHooks = {
    ...(hooks.signal ? { signal: hooks.signal } : {}),
    onTotal: (bytes) => { total = bytes; },
    onHashed: (n) => { done += n; hooks.onProgress?.(Math.min(done, total), total); },
  };
  if (isOci(req)) {
    const { layers: _l, config: _c, manifest: _m, ...plan } = await planOciPush(req, hashHooks);
    return plan;
  }
  if (isMlflow(req)) return planMlflowPush(req, hashHooks);
  throw new RegistryError('input', 'Unknown registry kind.');
}

/** Pushes the model; resolves only when the registry holds all of it (the caller then records the push). */
export async function pushModel(req: PushRequest, hooks: PushHooks = {}, options: PushOptions = {}): Promise<PushResult> {
  if (isOci(req)) return pushOci(req, hooks, options.oci);
  if (isMlflow(req)) return pushMlflow(req, hooks, options);
  throw new RegistryError('input', 'Unknown registry kind.');
}

/** Compares what the registry holds under the target with the local model. OCI only. */
export async function verifyModel(req: PushRequest, hooks: PushHooks = {}): Promise<VerifyResult> {
  if (isOci(req)) return verifyOci(req, hooks);
  throw new RegistryError('input', 'Verify is available for OCI registries; for MLflow, open the model version in the MLflow UI.');
}
