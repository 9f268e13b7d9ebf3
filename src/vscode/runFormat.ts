// Run-specific text for trees, tooltips and quick picks, built on the shared formatter (no vscode import: unit-tested).
import type { MetricSummary, RunRow } from '../core/model';
import { formatAge, formatDuration, formatNumber, formatValue } from '../shared/format';
import { lowerIsBetter } from '../shared/metricDirection';

/** A run's metric by name, only if the run logged it (`toString`, `__proto__`… are not metrics of every run). */
export function ownMetric(run: RunRow, name: string): MetricSummary | undefined {
  return Object.prototype.hasOwnProperty.call(run.metrics, name) ? run.metrics[name] : undefined;
}

/** The metric shown beside a run: the configured one if the run logged it, else its first non-system metric by name. */
export function keyMetricOf(run: RunRow, configured: string): [string, MetricSummary] | undefined {
  const chosen = configured ? ownMetric(run, configured) : undefined;
  if (chosen) return [configured, chosen];
  const key = Object.keys(run.metrics).filter((k) => !k.startsWith('system/')).sort()[0];
  const summary = key === undefined ? undefined : ownMetric(run, key);
  return key === undefined || !summary ? undefined : [key, summary];
}

/** `val_acc 0.93 · 5m ago`, or `loss 0.25 · running 1m 30s` while it runs. */
export function runDescription(run: RunRow, configuredKeyMetric: string, nowMs: number): string {
  const parts: string[] = [];
  const key = keyMetricOf(run, configuredKeyMetric);
  if (key) parts.push(`${key[0]} ${formatNumber(key[1].last)}`);
  parts.push(run.status === 'running' ? `running ${formatDuration(nowMs - run.startedAt)}` : formatAge(run.endedAt ?? run.lastEventAt, nowMs));
  return parts.join(' · ');
}

/** The first few params of a run on one line (`lr=0.01  optimizer=adam`), for quick pick details. */
export function paramsLine(run: RunRow, limit = 6): string {
  return Object.entries(run.params).slice(0, limit).map(([k, v]) => `${k}=${formatValue(v)}`).join('  ');
}

/**
 * The values a notebook cell logged, as its status item shows them: the run's key metric first when the cell logged
 * it, then the others by name (system metrics left out), at most `limit`: `loss 0.231 · acc 0.9`.
 */
export function cellValuesText(run: RunRow, latest: Record<string, number>, configuredKeyMetric: string, limit = 3): string {
  const key = keyMetricOf(run, configuredKeyMetric)?.[0];
  const names = Object.keys(latest).filter((k) => !k.startsWith('system/')).sort();
  const ordered = key !== undefined && names.includes(key) ? [key, ...names.filter((k) => k !== key)] : names;
  return ordered.slice(0, limit).map((k) => `${k} ${formatNumber(latest[k] ?? Number.NaN)}`).join(' · ');
}

/**
 * The best value of the runs' key metric, in the direction that metric improves: the configured metric when any
 * of the runs logged it, else the key metric of the newest run that has one.
 */
export function bestOf(runs: readonly RunRow[], configuredKeyMetric: string): { metric: string; value: number } | undefined {
  const configured = configuredKeyMetric && runs.some((r) => ownMetric(r, configuredKeyMetric)) ? configuredKeyMetric : undefined;
  const key = configured ?? runs.map((r) => keyMetricOf(r, configuredKeyMetric)?.[0]).find((k) => k !== undefined);
  if (!key) return undefined;
  const lower = lowerIsBetter(key);
  let best: number | undefined;
  for (const run of runs) {
    const m = ownMetric(run, key);
    if (!m) continue;
    const v = lower ? m.min : m.max;
    if (!Number.isFinite(v)) continue;
    if (best === undefined || (lower ? v < best : v > best)) best = v;
  }
  return best === undefined ? undefined : { metric: key, value: best };
}
