// `trialbook sync --to mlflow+https://host/`: sends the workspace's runs to an MLflow tracking server, from where the
// last sync stopped (src/core/sync). Server- and run-supplied text goes to the terminal with control characters escaped.
import { envCredentials } from '../core/registry/credentials';
import { RegistryError } from '../core/registry/errors';
import { sleep } from '../core/registry/http';
import { parseByteSize } from '../core/sync/runArtifacts';
import { parseSyncTarget } from '../core/sync/syncTarget';
import { syncWorkspace, type SyncReport } from '../core/sync/workspaceSync';
import { formatCount, formatDuration } from '../shared/format';
import { escapeControls } from '../shared/untrustedText';
import { parseArgs, UsageError } from './cliArgs';
import { findTrialbookDir } from './workspaceLocation';

export const SYNC_HELP = `Usage: trialbook sync --to mlflow+https://<host[:port]>[/path]/ [--experiment-prefix PREFIX]
                      [--artifact-max-bytes SIZE] [--dir <workspace>] [--run <id>] [--watch] [--json] [--quiet]

Sends every run of the workspace to an MLflow tracking server: each run becomes an MLflow run in the experiment
PREFIX + <experiment> (params, tags, notes, lineage as trialbook.* tags, every metric point, status and times).
Only what the server does not have yet is sent; the sync state is kept in .trialbook/sync/ (a rebuild of the
index keeps it). An interrupted sync resumes where it stopped, and never stores a point twice.

  --to                 mlflow+https://host/ (or mlflow+http://host:port/ for plain HTTP, e.g. a local server)
  --experiment-prefix  put before each experiment's name on the server, e.g. team/
  --artifact-max-bytes SIZE
                       also send the files of the runs' artifacts, each up to SIZE (bytes, or e.g. 50M, 2G),
                       through the server's artifact proxy; a larger file is not sent and its run is tagged
                       trialbook.artifact_not_sent.<path>. Default 0: artifacts are not sent.
  --run <id>           only this run
  --watch              keep syncing every 2 seconds (live runs) until Ctrl-C

Credentials (never printed): MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME + MLFLOW_TRACKING_PASSWORD.
Exit codes: 0 synced, 1 the sync stopped or a run was refused (the rest was synced), 2 bad usage, 130 cancelled.
`;

function describe(report: SyncReport, ms: number): string {
  const rate = ms > 0 ? ` (${formatCount(Math.round((report.points * 1000) / ms))} points/s)` : '';
  const files = report.artifactFiles > 0 ? ` and ${formatCount(report.artifactFiles)} artifact file(s) (${formatCount(report.artifactBytes)} bytes)` : '';
  return `Synced ${formatCount(report.points)} points${files} of ${report.runsChanged} changed run(s) of ${report.runs} in ${formatDuration(ms)}${report.points > 0 ? rate : ''}; ${report.requests} requests, ${report.retries} retries.`;
}

export async function runSyncCommand(args: string[]): Promise<number> {
  const parsed = parseArgs(args, ['dir', 'to', 'experiment-prefix', 'run', 'artifact-max-bytes'], ['watch', 'json', 'quiet', 'help']);
  if (parsed.flags.has('help')) { process.stdout.write(SYNC_HELP); return 0; }
  if (parsed.positional.length > 0) throw new UsageError(`unexpected argument "${parsed.positional[0]}"`);
  const to = parsed.options.get('to');
  if (!to) throw new UsageError('sync needs --to mlflow+https://<host>/');
  let target;
  try {
    target = parseSyncTarget(to, parsed.options.get('experiment-prefix') ?? '');
  } catch (err) {
    if (err instanceof RegistryError) throw new UsageError(err.message);
    throw err;
  }
  let artifactMaxBytes = 0;
  const limit = parsed.options.get('artifact-max-bytes');
  if (limit !== undefined) {
    try {
      artifactMaxBytes = parseByteSize(limit);
    } catch (err) {
      if (err instanceof RegistryError) throw new UsageError(`--artifact-max-bytes: ${err.message}`);
      throw err;
    }
  }
  const quiet = parsed.flags.has('quiet');
  const say = (line: string): void => { if (!quiet) process.stderr.write(`${line}\n`); };
  const credentials = envCredentials({ kind: 'mlflow', trackingUri: target.trackingUri, modelName: '' }) ?? { kind: 'anonymous' as const };
  const controller = new AbortController();
  const onSigint = (): void => { say('Stopping…'); controller.abort(); };
  process.once('SIGINT', onSigint);
  const runId = parsed.options.get('run');
  try {
    for (;;) {
      const started = Date.now();
      const report = await syncWorkspace({
        trialbookDir: findTrialbookDir(parsed.options.get('dir')), target, credentials, signal: controller.signal, artifactMaxBytes,
        ...(runId !== undefined ? { runIds: [runId] } : {}),
        onWarning: (m) => say(`warning: ${escapeControls(m)}`),
        onRetry: (why, ms) => say(`  ${escapeControls(why)}; retrying in ${formatDuration(ms)}`),
      });
      if (parsed.flags.has('json')) process.stdout.write(`${JSON.stringify({ ...report, stopped: report.stopped?.message })}\n`);
      else if (report.points > 0 || report.runsChanged > 0 || !parsed.flags.has('watch')) say(describe(report, Date.now() - started));
      for (const p of report.problems) process.stderr.write(`trialbook: run ${escapeControls(p.runId)}: ${escapeControls(p.message)}\n`);
      if (report.stopped) {
        if (report.stopped.code === 'cancelled' || controller.signal.aborted) return 130;
        process.stderr.write(`trialbook: ${escapeControls(report.stopped.message)}\n`);
        if (!parsed.flags.has('watch') || report.stopped.code === 'auth' || report.stopped.code === 'denied') return 1;
      }
      if (!parsed.flags.has('watch')) return report.problems.length > 0 ? 1 : 0;
      await sleep(2000, controller.signal);
    }
  } catch (err) {
    if (controller.signal.aborted) return 130;
    throw err;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}
