// The status of each monitored model version, for the CLI, the Monitoring view and the alerts: its newest
// monitoring run, judged by its latest reliable batch (a one-row batch neither raises nor clears an alert).
import { formatNumber } from '../../shared/format';
import type { MonitorBatch, MonitorFinding, MonitorLevel, MonitoringRun } from './monitorModel';

export type VersionStatus = MonitorLevel | 'no data';

export interface MonitoredVersion {
  model: string;
  version: string;
  status: VersionStatus;
  /** The newest monitoring run of this version (the one judged). */
  run: MonitoringRun;
  /** The batch the status comes from. */
  latest?: MonitorBatch;
  /** Every monitoring run of this version, newest first. */
  runs: MonitoringRun[];
}

/** Model versions in name order (versions numerically where they are numbers). */
export function monitoredVersions(runs: readonly MonitoringRun[]): MonitoredVersion[] {
  const groups = new Map<string, MonitoringRun[]>();
  for (const run of runs) {
    const key = JSON.stringify([run.model, run.version]);
    const list = groups.get(key);
    if (list) list.push(run); else groups.set(key, [run]);
  }
  const out: MonitoredVersion[] = [];
  for (const list of groups.values()) {
    list.sort((a, b) => b.startedAt - a.startedAt || (a.runId < b.runId ? 1 : -1));
    const run = list[0];
    if (!run) continue;
    const latest = latestReliable(run);
    out.push({ model: run.model, version: run.version, status: latest ? latest.status : 'no data', run, runs: list,
      ...(latest ? { latest } : {}) });
  }
  const collator = new Intl.Collator(undefined, { numeric: true });
  return out.sort((a, b) => collator.compare(a.model, b.model) || collator.compare(a.version, b.version));
}

export function latestReliable(run: MonitoringRun): MonitorBatch | undefined {
  for (let i = run.batches.length - 1; i >= 0; i--) {
    const batch = run.batches[i];
    if (batch?.reliable) return batch;
  }
  return undefined;
}

const STATISTIC_NAMES = new Map([['psi', 'PSI'], ['ks', 'KS'], ['js', 'JS distance'], ['missing', 'missing-rate change'],
  ['relative_drop', 'drop from baseline'], ['missing_column', 'column missing']]);

/** One line for a finding: `tenure: PSI 0.91 > 0.2`, `accuracy: drop from baseline 0.35 > 0.1 (0.61 vs 0.94)`. */
export function describeFinding(f: MonitorFinding): string {
  const statistic = STATISTIC_NAMES.get(f.statistic) ?? f.statistic;
  if (f.kind === 'schema') return `${f.subject}: ${statistic}`;
  const value = f.value === null ? 'n/a' : formatNumber(f.value);
  const threshold = f.threshold === null ? '' : ` > ${formatNumber(f.threshold)}`;
  const context = f.kind === 'performance' && typeof f.observed === 'number' && typeof f.baseline === 'number'
    ? ` (${formatNumber(f.observed)} vs baseline ${formatNumber(f.baseline)})` : '';
  return `${f.subject}: ${statistic} ${value}${threshold}${context}`;
}

/** The alerts (or, without any, the warnings) of a batch, worst first, as short lines. */
export function headline(batch: MonitorBatch | undefined): string[] {
  if (!batch) return [];
  const alerts = batch.alerts.filter((f) => f.level === 'alert');
  return (alerts.length ? alerts : batch.alerts).map(describeFinding);
}

/**
 * What monitoring says now about one model version (its newest monitoring run's latest reliable batch): the alert
 * or warning lines, each starting with its level; [] when it is ok or not monitored. The model report lists them.
 */
export function openFindings(runs: readonly MonitoringRun[], model: string, version: string): string[] {
  const monitored = monitoredVersions(runs).find((v) => v.model === model && v.version === version);
  if (!monitored?.latest || monitored.status === 'ok' || monitored.status === 'no data') return [];
  return headline(monitored.latest).map((line) => `${monitored.status}: ${line}`);
}
