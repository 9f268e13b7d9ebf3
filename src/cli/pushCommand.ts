// `trialbook push`: parses the options, asks the push service (src/core/registry/pushService.ts) to plan and push,
// and prints. Run-supplied and server-supplied text goes to the terminal with its control characters escaped.
import type { PlannedLink, PushPlan, VerifyResult } from '../core/registry/types';
import { resolveCredentials } from '../core/registry/credentials';
import { RegistryError } from '../core/registry/errors';
import { PushService } from '../core/registry/pushService';
import { describeTarget, parseTarget } from '../core/registry/target';
import { formatBytes } from '../shared/format';
import { escapeControls } from '../shared/untrustedText';
import { parseArgs, UsageError } from './cliArgs';
import { openForCli } from './openForCli';
import { findTrialbookDir } from './workspaceLocation';

export const PUSH_HELP = `Usage: trialbook push --run <id> --model <artifact name or path> --to <target>
                      [--dir <workspace>] [--alias NAME] [--description TEXT] [--insecure]
                      [--follow-outside-links] [--dry-run] [--verify] [--json] [--quiet]

Targets:
  oci://<host[:port]>/<repository>:<tag>      OCI registry, model stored as a CNCF ModelPack artifact
  mlflow://<host[:port]>[/<prefix>]/<model>   MLflow Model Registry over HTTPS
  mlflow+http://<host[:port]>/<model>         MLflow over plain HTTP (e.g. a local server)
  (add ?experiment=<name> to an MLflow target to choose the experiment of the mirrored run)

  --model          an artifact the run logged (name or path), else a file or folder: absolute, or relative to
                   the workspace or the current directory
  --alias NAME     also tag the manifest NAME (OCI) / set the MLflow alias NAME (e.g. staging)
  --insecure       allow plain HTTP (and self-signed TLS) for a non-loopback OCI registry
  --follow-outside-links
                   send copies of what links pointing outside the model folder resolve to (without it, such a
                   link stops the push; --dry-run lists them)
  --dry-run        print what would be sent (files, sizes, digests, links, lineage) and stop
  --verify         compare the registry's manifest at --to with the local model (OCI), push nothing

Credentials (never printed or recorded):
  MLflow: MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME + MLFLOW_TRACKING_PASSWORD
  any:    TRIALBOOK_REGISTRY_TOKEN, or TRIALBOOK_REGISTRY_USERNAME + TRIALBOOK_REGISTRY_PASSWORD
  OCI:    else the docker login store ($DOCKER_CONFIG or ~/.docker/config.json: auths, credential helpers)
  They are sent only to the registry's own address (scheme, host, port), never to a server it points elsewhere.
Exit codes: 0 pushed (or verified equal), 1 failed (nothing recorded), 2 bad usage, 3 verify found differences, 130 cancelled.
`;

/** How a plan's link is sent, as one line. */
export function describeLink(link: PlannedLink): string {
  const how = link.sentAs === 'link' ? 'kept as a link'
    : link.sentAs === 'copy' ? (link.outside ? 'OUTSIDE the model folder: sent as a copy' : 'sent as a copy')
      : 'OUTSIDE the model folder: not sent (the push stops)';
  return `${link.filepath} -> ${link.target}  (${link.type}, ${how})`;
}

function printPlan(plan: PushPlan, say: (line: string) => void): void {
  for (const f of plan.files) say(`  ${escapeControls(f.filepath)}  ${formatBytes(f.size)}  sha256:${f.sha256.slice(0, 12)}`);
  if (plan.links.length > 0) {
    say('Links:');
    for (const l of plan.links) say(`  ${escapeControls(describeLink(l))}`);
  }
}

function printVerify(result: VerifyResult, json: boolean): void {
  if (json) { process.stdout.write(`${JSON.stringify(result, null, 2)}\n`); return; }
  process.stdout.write(`${result.matches ? 'Matches' : 'Differs from'} ${escapeControls(result.reference)}\n`);
  for (const d of result.differences) {
    const local = d.local ? ` local ${d.local.size} B sha256:${d.local.sha256.slice(0, 12)}` : '';
    const remote = d.remote ? ` remote ${d.remote.size} B sha256:${d.remote.sha256.slice(0, 12)}` : '';
    process.stdout.write(`  ${escapeControls(d.filepath)}: ${d.problem}${local}${remote}\n`);
  }
}

export async function runPushCommand(args: string[]): Promise<number> {
  const parsed = parseArgs(args, ['dir', 'run', 'model', 'to', 'alias', 'description'], ['insecure', 'follow-outside-links', 'dry-run', 'verify', 'json', 'quiet', 'help']);
  if (parsed.flags.has('help')) { process.stdout.write(PUSH_HELP); return 0; }
  if (parsed.positional.length > 0) throw new UsageError(`unexpected argument "${parsed.positional[0]}"`);
  const runId = parsed.options.get('run');
  const model = parsed.options.get('model');
  const to = parsed.options.get('to');
  if (!runId || !model || !to) throw new UsageError('push needs --run <id>, --model <artifact> and --to <target>');
  const quiet = parsed.flags.has('quiet');
  const json = parsed.flags.has('json');
  const say = (line: string): void => { if (!quiet) process.stderr.write(`${line}\n`); };
  const fail = (err: unknown): number => {
    if (!(err instanceof RegistryError)) throw err;
    if (err.code === 'usage') throw new UsageError(escapeControls(err.message));
    process.stderr.write(`trialbook: ${escapeControls(err.message)}\n`);
    return err.code === 'cancelled' ? 130 : 1;
  };
  let target;
  try {
    target = parseTarget(to, { insecure: parsed.flags.has('insecure') });
  } catch (err) {
    if (err instanceof RegistryError) throw new UsageError(err.message);
    throw err;
  }

  const index = await openForCli(parsed.options.get('dir'), quiet);
  const service = new PushService(index, findTrialbookDir(parsed.options.get('dir')), { cwd: process.cwd() });
  const controller = new AbortController();
  const onSigint = (): void => { say('Cancelling…'); controller.abort(); };
  process.once('SIGINT', onSigint);
  try {
    await index.sync();
    const { credentials, from } = await resolveCredentials(target);
    const alias = parsed.options.get('alias');
    const description = parsed.options.get('description');
    const prepared = service.prepare({
      runId, model, target, credentials,
      ...(alias !== undefined ? { alias } : {}),
      ...(description !== undefined ? { description } : {}),
      ...(parsed.flags.has('follow-outside-links') ? { followOutsideLinks: true } : {}),
    });
    const log = { info: (m: string) => say(escapeControls(m)), warn: (m: string) => say(`warning: ${escapeControls(m)}`) };

    if (parsed.flags.has('verify')) {
      const result = await service.verify(prepared, { log, signal: controller.signal });
      printVerify(result, json);
      return result.matches ? 0 : 3;
    }

    let hashedShown = -1;
    const plan = await service.plan(prepared, {
      signal: controller.signal,
      onProgress: (done, total) => {
        // Only worth a line for big models: reading 1 GB for its digest takes about a second.
        const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
        if (total >= 256 * 1024 * 1024 && pct >= hashedShown + 25) { hashedShown = pct; say(`  reading the model for its digests: ${pct}%`); }
      },
    });
    say(`${parsed.flags.has('dry-run') ? 'Would push' : 'Pushing'} ${escapeControls(prepared.model.name)} of run ${escapeControls(prepared.run.id)} to ${escapeControls(plan.destination)} (credentials: ${from})`);
    printPlan(plan, say);
    if (parsed.flags.has('dry-run')) {
      if (json) process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
      else for (const [k, v] of Object.entries(plan.lineage)) process.stdout.write(`${escapeControls(k)}: ${escapeControls(v)}\n`);
      // A dry run answers what the push would: links outside the model that were not allowed stop it.
      if (plan.links.some((l) => l.sentAs === 'not-sent')) {
        process.stderr.write(`trialbook: the push would stop: ${plan.links.filter((l) => l.sentAs === 'not-sent').length} link(s) point outside the model folder (listed above); add --follow-outside-links to send copies.\n`);
        return 1;
      }
      return 0;
    }

    let lastShown = -1;
    const started = Date.now();
    const result = await service.push(prepared, {
      confirmed: plan,
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
    say(`${result.upToDate ? 'Already up to date' : 'Pushed'} in ${((Date.now() - started) / 1000).toFixed(1)} s to ${escapeControls(describeTarget(target))}`);
    process.stdout.write(json ? `${JSON.stringify(result.record, null, 2)}\n` : `${escapeControls(result.record.reference)}\n`);
    return 0;
  } catch (err) {
    return fail(err);
  } finally {
    process.removeListener('SIGINT', onSigint);
    await index.close();
  }
}
