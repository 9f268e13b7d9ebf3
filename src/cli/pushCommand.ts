// `trialbook push`: push a run's model to an OCI registry or MLflow, then record the push in the index.
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Artifact, RunDetail } from '../core/model';
import { useDigestCacheFile } from '../core/registry/blobSource';
import { resolveCredentials } from '../core/registry/credentials';
import { RegistryError } from '../core/registry/errors';
import { planPush, pushModel, verifyModel } from '../core/registry/push';
import { describeTarget, parseTarget } from '../core/registry/target';
import { metricHistoryFrom } from '../core/metricHistory';
import type { PushRequest } from '../core/registry/types';
import { parseArgs, UsageError } from './cliArgs';
import { openForCli } from './openForCli';
import { findTrialbookDir } from './workspaceLocation';

export const PUSH_HELP = `Usage: trialbook push --run <id> --model <artifact name or path> --to <target>
                      [--dir <workspace>] [--alias NAME] [--description TEXT] [--insecure]
                      [--dry-run] [--verify] [--json] [--quiet]

Targets:
  oci://<host[:port]>/<repository>:<tag>      OCI registry, model stored as a CNCF ModelPack artifact
  mlflow://<host[:port]>[/<prefix>]/<model>   MLflow Model Registry over HTTPS
  mlflow+http://<host[:port]>/<model>         MLflow over plain HTTP (e.g. a local server)
  (add ?experiment=<name> to an MLflow target to choose the experiment of the mirrored run)

  --alias NAME     also tag the manifest NAME (OCI) / set the MLflow alias NAME (e.g. staging)
  --insecure       allow plain HTTP (and self-signed TLS) for a non-loopback OCI registry
  --dry-run        print what would be sent (files, sizes, digests, lineage) and stop
  --verify         compare the registry's manifest at --to with the local model (OCI), push nothing

Credentials (never printed or recorded):
  MLflow: MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME + MLFLOW_TRACKING_PASSWORD
  any:    TRIALBOOK_REGISTRY_TOKEN, or TRIALBOOK_REGISTRY_USERNAME + TRIALBOOK_REGISTRY_PASSWORD
  OCI:    else the docker login store ($DOCKER_CONFIG or ~/.docker/config.json: auths, credential helpers)
Exit codes: 0 pushed (or verified equal), 1 failed (nothing recorded), 2 bad usage, 3 verify found differences, 130 cancelled.
`;

/** The model: a logged artifact by name (or path), else a path relative to the workspace or the working directory. */
export function resolveModel(run: RunDetail, workspace: string, model: string): { path: string; name: string; artifact?: Artifact } {
  const byName = run.artifacts.filter((a) => a.name === model);
  const candidates = byName.length > 0 ? byName : run.artifacts.filter((a) => a.path === model || path.resolve(workspace, a.path) === path.resolve(model));
  const artifact = candidates[candidates.length - 1];
  if (artifact) return { path: path.resolve(workspace, artifact.path), name: artifact.name, artifact };
  for (const p of [path.resolve(workspace, model), path.resolve(model)]) {
    if (existsSync(p)) return { path: p, name: path.basename(p) };
  }
  const names = run.artifacts.map((a) => a.name).join(', ') || 'none';
  throw new UsageError(`run ${run.id} has no artifact "${model}" and no such file exists (artifacts: ${names})`);
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[i] ?? ''}`;
}

export async function runPushCommand(args: string[]): Promise<number> {
  const parsed = parseArgs(args, ['dir', 'run', 'model', 'to', 'alias', 'description'], ['insecure', 'dry-run', 'verify', 'json', 'quiet', 'help']);
  if (parsed.flags.has('help')) { process.stdout.write(PUSH_HELP); return 0; }
  if (parsed.positional.length > 0) throw new UsageError(`unexpected argument "${parsed.positional[0]}"`);
  const runId = parsed.options.get('run');
  const model = parsed.options.get('model');
  const to = parsed.options.get('to');
  if (!runId || !model || !to) throw new UsageError('push needs --run <id>, --model <artifact> and --to <target>');
  const quiet = parsed.flags.has('quiet');
  const json = parsed.flags.has('json');
  let target;
  try {
    target = parseTarget(to, { insecure: parsed.flags.has('insecure') });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const say = (line: string): void => { if (!quiet) process.stderr.write(`${line}\n`); };

  const trialbookDir = findTrialbookDir(parsed.options.get('dir'));
  const workspace = path.dirname(trialbookDir);
  // Digests of unchanged model files are reused across CLI runs, so a re-push does not re-read the model.
  useDigestCacheFile(path.join(trialbookDir, 'cache', 'registry-digests.json'));
  const index = await openForCli(parsed.options.get('dir'), quiet);
  const controller = new AbortController();
  const onSigint = (): void => { say('Cancelling…'); controller.abort(); };
  process.once('SIGINT', onSigint);
  try {
    await index.sync();
    const run = index.getRun(runId);
    if (!run) throw new UsageError(`no run "${runId}" in ${workspace}; list runs with "trialbook runs"`);
    const resolved = resolveModel(run, workspace, model);
    const { credentials, from } = await resolveCredentials(target);
    const alias = parsed.options.get('alias');
    const description = parsed.options.get('description');
    const request: PushRequest = {
      run, modelPath: resolved.path, artifactName: resolved.name, target, credentials,
      user: process.env['TRIALBOOK_USER'] ?? os.userInfo().username,
      history: metricHistoryFrom(index, run.id),
      ...(alias !== undefined ? { alias } : {}),
      ...(description !== undefined ? { description } : {}),
    };
    const log = { info: (m: string) => say(m), warn: (m: string) => say(`warning: ${m}`) };

    if (parsed.flags.has('verify')) {
      const result = await verifyModel(request, { log, signal: controller.signal });
      if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else {
        process.stdout.write(`${result.matches ? 'Matches' : 'Differs from'} ${result.reference}\n`);
        for (const d of result.differences) process.stdout.write(`  ${d.filepath}: ${d.problem}${d.local ? ` local ${d.local.size} B sha256:${d.local.sha256.slice(0, 12)}` : ''}${d.remote ? ` remote ${d.remote.size} B sha256:${d.remote.sha256.slice(0, 12)}` : ''}\n`);
      }
      return result.matches ? 0 : 3;
    }

    let hashedShown = -1;
    const plan = await planPush(request, {
      signal: controller.signal,
      onProgress: (done, total) => {
        // Only worth a line for big models: reading 1 GB for its digest takes about a second.
        const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
        if (total >= 256 * 1024 * 1024 && pct >= hashedShown + 25) { hashedShown = pct; say(`  reading the model for its digests: ${pct}%`); }
      },
    });
    say(`Pushing ${resolved.name} of run ${run.id} to ${plan.destination} (credentials: ${from})`);
    for (const f of plan.files) say(`  ${f.filepath}  ${formatBytes(f.size)}  sha256:${f.sha256.slice(0, 12)}`);
    if (parsed.flags.has('dry-run')) {
      if (json) process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
      else for (const [k, v] of Object.entries(plan.lineage)) process.stdout.write(`${k}: ${v}\n`);
      return 0;
    }

    let lastShown = -1;
    const started = Date.now();
    const result = await pushModel(request, {
      log,
      signal: controller.signal,
      onProgress: (done, total) => {
        const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
        if (pct >= lastShown + 10 || (pct === 100 && lastShown !== 100)) {
          lastShown = pct;
          say(`  ${pct}%  ${formatBytes(done)} / ${formatBytes(total)}`);
        }
      },
    });
    // Recorded only after the registry holds everything: a failed or cancelled push leaves no record.
    index.recordPush(result.record);
    await index.save();
    say(`${result.upToDate ? 'Already up to date' : 'Pushed'} in ${((Date.now() - started) / 1000).toFixed(1)} s to ${describeTarget(target)}`);
    process.stdout.write(json ? `${JSON.stringify(result.record, null, 2)}\n` : `${result.record.reference}\n`);
    return 0;
  } catch (err) {
    if (err instanceof RegistryError) {
      process.stderr.write(`trialbook: ${err.message}\n`);
      return err.code === 'cancelled' ? 130 : 1;
    }
    throw err;
  } finally {
    process.removeListener('SIGINT', onSigint);
    await index.close();
  }
}
