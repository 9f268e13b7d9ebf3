// Push, plan and verify of a model as a ModelPack artifact in an OCI registry.
import * as path from 'node:path';
import { RegistryError, cancelledError } from './errors';
import { isAbortError } from './http';
import { createdAt, lineageAnnotations } from './lineage';
import { configBlob, FILEPATH_ANNOTATION, manifestBytes, planLayers, type LayerPlan } from './modelPack';
import { OCI_MANIFEST, OciClient, type OciClientOptions } from './ociClient';
import { sha256Hex, type Blob, type HashHooks } from './blobSource';
import { checkSendable } from './pushChecks';
import { checkAlias } from './target';
import type { OciTarget, PushHooks, PushPlan, PushRequest, PushResult, VerifyDifference, VerifyResult } from './types';

export interface OciPlan extends PushPlan {
  layers: LayerPlan[];
  config: Blob;
  manifest: Buffer;
  manifestDigest: string;
}

/**
 * Repositories (per registry) where this process saw a blob, for cross-repository mounts.
 * Only a hint: a failed mount falls back to an upload.
 */
const seenBlobs = new Map<string, Map<string, Set<string>>>();

function rememberBlob(registry: string, digest: string, repository: string): void {
  let byDigest = seenBlobs.get(registry);
  if (!byDigest) seenBlobs.set(registry, (byDigest = new Map()));
  let repos = byDigest.get(digest);
  if (!repos) byDigest.set(digest, (repos = new Set()));
  repos.add(repository);
}

export async function planOciPush(req: PushRequest & { target: OciTarget }, hooks: HashHooks = {}): Promise<OciPlan> {
  const target = req.target;
  checkAlias('oci', req.alias);
  const { layers, links } = await planLayers(req.modelPath, { ...(req.followOutsideLinks ? { followOutsideLinks: true } : {}) }, hooks);
  const lineage = lineageAnnotations(req.run, { version: target.tag, artifactName: req.artifactName, ...(req.description !== undefined ? { description: req.description } : {}), ...(req.modelVersion ? { modelVersion: req.modelVersion } : {}) });
  const author = req.run.lineage.user ?? req.run.user;
  const config = configBlob({
    name: path.posix.basename(target.repository),
    version: target.tag,
    createdAt: createdAt(req.run),
    ...(author ? { authors: [author] } : {}),
    ...(req.description ? { description: req.description } : {}),
  }, layers);
  const manifest = manifestBytes(config, layers, lineage);
  return {
    target,
    destination: `${target.registry}/${target.repository}:${target.tag}${req.alias ? ` (+ ${req.alias})` : ''}`,
    files: layers.map(({ blob: _blob, ...file }) => file),
    totalBytes: layers.reduce((n, l) => n + l.size, 0),
    lineage,
    links,
    layers,
    config,
    manifest,
    manifestDigest: `sha256:${sha256Hex(manifest)}`,
  };
}

export async function pushOci(req: PushRequest & { target: OciTarget }, hooks: PushHooks, options: OciClientOptions = {}): Promise<PushResult> {
  const { target } = req;
  const { signal, log } = hooks;
  const client = new OciClient(target.registry, target.repository, req.credentials, target.insecure, options, log, signal);
  try {
    const plan = await planOciPush(req, signal ? { signal } : {});
    checkSendable(plan, req);
    await client.ping();
    const blobs: Blob[] = [...plan.layers.map((l) => l.blob), plan.config];
    // Repositories of this registry the run's model went to before (other processes): mount candidates.
    const earlierRepos = req.run.pushes
      .filter((p) => p.artifact === req.artifactName && p.registry.startsWith(`oci://${target.registry}/`))
      .map((p) => p.registry.slice(`oci://${target.registry}/`.length))
      .filter((repo) => repo !== target.repository);
    const total = blobs.reduce((n, b) => n + b.size, 0);
    let done = 0;
    let uploadedBytes = 0;
    const report = (): void => hooks.onProgress?.(Math.max(0, Math.min(done, total)), total);
    report();
    let uploadedBlobs = 0;
    for (const blob of blobs) {
      if (signal?.aborted) throw cancelledError(target.registry);
      const mountFrom = [...new Set([...(seenBlobs.get(target.registry)?.get(blob.digest) ?? []), ...earlierRepos])].slice(0, 3);
      const before = done;
      const outcome = await client.pushBlob(blob, (delta) => { done += delta; uploadedBytes += delta; report(); }, mountFrom);
      if (outcome === 'uploaded') uploadedBlobs++;
      else log?.info(`${blob.digest.slice(0, 19)}… ${outcome === 'exists' ? 'already in' : 'mounted into'} ${target.registry}/${target.repository}.`);
      done = before + blob.size;
      report();
      rememberBlob(target.registry, blob.digest, target.repository);
    }
    // Blobs are all there: only now is the manifest written, so a cancel before this point leaves no model behind.
    if (signal?.aborted) throw cancelledError(target.registry);
    const stored = await client.putManifest(target.tag, OCI_MANIFEST, plan.manifest);
    if (stored && stored !== plan.manifestDigest) throw new RegistryError('protocol', `Registry ${target.registry} stored the manifest as ${stored} instead of ${plan.manifestDigest}; it may have rewritten it. Check the registry's compatibility with OCI artifacts.`);
    if (req.alias && req.alias !== target.tag) await client.putManifest(req.alias, OCI_MANIFEST, plan.manifest);
    const upToDate = uploadedBlobs === 0;
    log?.info(upToDate ? `${target.registry}/${target.repository}:${target.tag} already up to date (no blob uploaded).` : `Pushed ${uploadedBlobs} blob(s), ${uploadedBytes} bytes, to ${target.registry}/${target.repository}:${target.tag}.`);
    return {
      record: {
        runId: req.run.id,
        artifact: req.artifactName,
        registry: `oci://${target.registry}/${target.repository}`,
        reference: `${target.registry}/${target.repository}:${target.tag}@${plan.manifestDigest}`,
        digest: plan.manifestDigest,
        version: target.tag,
        ...(req.user ? { user: req.user } : {}),
        at: Date.now(),
      },
      uploadedBytes,
      upToDate,
    };
  } catch (err) {
    if (isAbortError(err) || signal?.aborted || (err instanceof RegistryError && err.code === 'cancelled')) {
      await client.abandonUpload();
      throw cancelledError(target.registry);
    }
    throw err;
  }
}

/** Fetches the manifest at the target tag and compares its layers with the local model. */
export async function verifyOci(req: PushRequest & { target: OciTarget }, hooks: PushHooks = {}): Promise<VerifyResult> {
  const { target } = req;
  const client = new OciClient(target.registry, target.repository, req.credentials, target.insecure, {}, hooks.log, hooks.signal);
  const remote = await client.getManifest(target.tag);
  const manifestDigest = `sha256:${sha256Hex(remote.body)}`;
  let manifest: { layers?: { digest?: unknown; size?: unknown; annotations?: Record<string, unknown> }[] };
  try {
    manifest = JSON.parse(remote.body.toString('utf8')) as typeof manifest;
  } catch {
    throw new RegistryError('protocol', `Registry ${target.registry} returned a manifest for ${target.repository}:${target.tag} that is not JSON.`);
  }
  const remoteFiles = new Map<string, { size: number; sha256: string }>();
  for (const layer of manifest.layers ?? []) {
    const fp = layer.annotations?.[FILEPATH_ANNOTATION] ?? layer.annotations?.['org.opencontainers.image.title'];
    if (typeof fp !== 'string' || typeof layer.digest !== 'string') continue;
    remoteFiles.set(fp, { size: Number(layer.size), sha256: layer.digest.replace(/^sha256:/, '') });
  }
  // Reading links' targets to compare digests sends nothing; a push that had refused them recorded nothing to verify.
  const { layers: local } = await planLayers(req.modelPath, { followOutsideLinks: true }, hooks.signal ? { signal: hooks.signal } : {});
  const differences: VerifyDifference[] = [];
  const localNames = new Set<string>();
  for (const l of local) {
    localNames.add(l.filepath);
    const r = remoteFiles.get(l.filepath);
    const mine = { size: l.size, sha256: l.sha256 };
    if (!r) differences.push({ filepath: l.filepath, problem: 'missing-remote', local: mine });
    else if (r.sha256 !== l.sha256) differences.push({ filepath: l.filepath, problem: r.size !== l.size ? 'size-mismatch' : 'digest-mismatch', local: mine, remote: r });
  }
  for (const [fp, r] of remoteFiles) if (!localNames.has(fp)) differences.push({ filepath: fp, problem: 'missing-local', remote: r });
  return {
    reference: `${target.registry}/${target.repository}:${target.tag}@${manifestDigest}`,
    manifestDigest,
    matches: differences.length === 0,
    differences,
    files: [...remoteFiles].map(([filepath, r]) => ({ filepath, ...r })),
  };
}
