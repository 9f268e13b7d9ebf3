// `trialbook monitor`: the status of monitored model versions, for people and for cron jobs (exit code 1 on an
// alert). Reads the monitoring runs' logs directly; the index is not needed.
import { existsSync } from 'node:fs';
import { headline, monitoredVersions, type MonitoredVersion } from '../core/monitoring/monitorStatus';
import { alertRecord, registeredVersion } from '../core/monitoring/alertLink';
import { ModelLifecycle } from '../core/lifecycle/modelLifecycle';
import { scanMonitoringRuns } from '../core/monitoring/monitorScan';
import { formatDate } from '../shared/format';
import { escapeControls } from '../shared/untrustedText';
import { parseArgs, UsageError } from './cliArgs';
import { findTrialbookDir } from './workspaceLocation';
import { formatTable, printError } from './terminalOutput';

export const MONITOR_HELP = `Usage: trialbook monitor [--model NAME] [--version V] [--dir <workspace>] [--json] [--record]

  The status of each monitored model version (ok, warning, alert, no data) from its newest monitoring run's
  latest reliable batch, with the alerts that made it. See docs/monitoring.md.
  Exit code: 0 no alert, 1 an alert (or nothing monitored under that name), 2 bad usage.
  --json   one JSON object: {"versions": [{model, version, status, run, training_run, batches, latest, alert_line}], "problems"}
  --record record each alert of a registered version in .trialbook/models.jsonl (once per alerting batch, as the
           editor does), so a retraining can name the alert it answers; alert_line is that entry's line
`;

function toJson(v: MonitoredVersion, alertLine: number | undefined): unknown {
  const latest = v.latest;
  return {
    alert_line: alertLine ?? null,
    model: v.model, version: v.version, status: v.status, run: v.run.runId, training_run: v.run.trainingRun ?? null,
    reference: v.run.reference !== undefined, reference_problem: v.run.referenceProblem ?? null, batches: v.run.batches.length,
    latest: latest ? { index: latest.index, timestamp: latest.timestamp, rows: latest.rows, status: latest.status,
      metrics: Object.fromEntries(latest.metrics), alerts: latest.alerts } : null,
  };
}

/** Records the alerts of registered versions (once per batch); answers each alerting version's alert entry line. */
async function recordAlerts(trialbookDir: string, versions: readonly MonitoredVersion[]): Promise<Map<MonitoredVersion, number>> {
  // Recording needs no run data: only gates and registration ask the index.
  const lc = new ModelLifecycle(trialbookDir, { run: () => undefined });
  for (const v of versions) {
    const record = alertRecord(v);
    const registered = registeredVersion(await lc.registry(), v);
    if (record && registered) await lc.recordAlert(registered.model, registered.version, record);
  }
  const registry = await lc.registry();
  const lines = new Map<MonitoredVersion, number>();
  for (const v of versions) {
    const record = alertRecord(v);
    const found = record && registeredVersion(registry, v)?.alerts.find((h) => h.entry.alert?.run === record.run && h.entry.alert.batch === record.batch);
    if (found) lines.set(v, found.line);
  }
  for (const p of registry.problems) printError(`models.jsonl: ${p.message}`);
  return lines;
}

export async function runMonitorCommand(args: string[]): Promise<number> {
  const parsed = parseArgs(args, ['dir', 'model', 'version'], ['json', 'help', 'record']);
  if (parsed.flags.has('help')) { process.stdout.write(MONITOR_HELP); return 0; }
  if (parsed.positional.length > 0) throw new UsageError(`unexpected argument "${parsed.positional[0] ?? ''}"`);
  const model = parsed.options.get('model');
  const version = parsed.options.get('version');
  if (version !== undefined && model === undefined) throw new UsageError('--version needs --model');
  const trialbookDir = findTrialbookDir(parsed.options.get('dir'));
  if (!existsSync(trialbookDir)) {
    printError(`no .trialbook folder at ${trialbookDir}; pass --dir <workspace> or run this inside the workspace`);
    return 1;
  }
  const scan = scanMonitoringRuns(trialbookDir);
  const versions = monitoredVersions(scan.runs)
    .filter((v) => (model === undefined || v.model === model) && (version === undefined || v.version === version));
  const anyAlert = versions.some((v) => v.status === 'alert');
  const alertLines = parsed.flags.has('record') ? await recordAlerts(trialbookDir, versions) : new Map<MonitoredVersion, number>();
  if (parsed.flags.has('json')) {
    process.stdout.write(`${JSON.stringify({ versions: versions.map((v) => toJson(v, alertLines.get(v))), problems: scan.problems }, null, 2)}\n`);
  } else {
    for (const problem of scan.problems) printError(problem);
    if (versions.length === 0) {
      const what = model === undefined ? 'no monitoring runs in this workspace' : `no monitoring runs for model "${model}"${version === undefined ? '' : ` version ${version}`}`;
      printError(`${what}; start one with trialbook.monitor(model=..., version=...) (docs/monitoring.md)`);
      return 1;
    }
    const body = versions.map((v) => [v.model, v.version, v.status.toUpperCase(),
      v.latest ? formatDate(v.latest.timestamp * 1000) : '', String(v.run.batches.length), v.run.runId,
      v.run.reference ? '' : 'performance only']);
    process.stdout.write(formatTable(['MODEL', 'VERSION', 'STATUS', 'LATEST BATCH', 'BATCHES', 'RUN', ''], body));
    for (const v of versions) {
      const lines = headline(v.latest);
      if (lines.length === 0) continue;
      const kind = v.status === 'alert' ? 'alert' : 'warning';
      const line = alertLines.get(v);
      process.stdout.write(`\n${escapeControls(v.model)} v${escapeControls(v.version)}:${line === undefined ? '' : ` (recorded on line ${line} of .trialbook/models.jsonl)`}\n`);
      for (const line of lines) process.stdout.write(`  ${kind}  ${escapeControls(line)}\n`);
    }
  }
  if (versions.length === 0) return 1;
  return anyAlert ? 1 : 0;
}
