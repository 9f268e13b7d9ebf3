// Run-specific text for trees, tooltips and quick picks, built on the shared formatter (no vscode import: unit-tested).
import type { MetricSummary, RunRow } from '../core/model';
import { isSortColumn } from '../core/runQueries';
import { formatAge, formatDuration, formatNumber, formatValue } from '../shared/format';
import { bestValue, guessGoal, isBetter, metricGoal, summaryValue, type MetricGoal } from '../shared/metricDirection';

/** A run's metric by name, only if the run logged it (`toString`, `__proto__`… are not metrics of every run). */
export function ownMetric(run: RunRow, name: string): MetricSummary | undefined {
  return Object.prototype.hasOwnProperty.call(run.metrics, name) ? run.metrics[name] : undefined;
}

/** What decides the metric shown beside a run (see keyMetricOf). */
export interface KeyMetricChoice {
  /** `trialbook.keyMetric` (empty: none). */
  configured: string;
  /** The Runs view's sort key (`-metric.val/acc`, `-val/acc`, `started`, `param.lr`, …). */
  sort?: string;
  /** The primary metric declared in the run's experiment (by its newest run that declares one). */
  experimentPrimary?: string;
}

/** The metric a sort key sorts by (`-metric.val/acc`, `val/acc`), or undefined for columns, params and summaries. */
export function sortMetric(sort: string | undefined): string | undefined {
  const key = sort?.trim().replace(/^[-+]/, '');
  if (!key || key.startsWith('param.') || key.startsWith('summary.') || isSortColumn(key)) return undefined;
  return key.startsWith('metric.') ? key.slice(7) : key;
}

/**
 * The metric shown beside a run, the first the run logged of: the metric the view is sorted by; the run's declared
 * primary metric; its experiment's; the configured one; else its first metric by name that has a direction
 * (`train/loss` rather than `epoch`), else its first non-system metric by name.
 */
export function keyMetricOf(run: RunRow, choice: string | KeyMetricChoice): [string, MetricSummary] | undefined {
  const c: KeyMetricChoice = typeof choice === 'string' ? { configured: choice } : choice;
  for (const name of [sortMetric(c.sort), run.primaryMetric, c.experimentPrimary, c.configured]) {
    const chosen = name ? ownMetric(run, name) : undefined;
    if (name && chosen) return [name, chosen];
  }
  const names = Object.keys(run.metrics).filter((k) => !k.startsWith('system/')).sort();
  const key = names.find((k) => metricGoal(k, ownMetric(run, k)?.goal) !== undefined) ?? names[0];
  const summary = key === undefined ? undefined : ownMetric(run, key);
  return key === undefined || !summary ? undefined : [key, summary];
}

/**
 * `val_acc 0.93 · 5m ago`, or `loss 0.25 · running 1m 30s` while it runs (`running · no update for 2h 03m` for an
 * imported run its source calls running that went silent); the value is the metric's summary value.
 */
export function runDescription(run: RunRow, keyMetric: string | KeyMetricChoice, nowMs: number): string {
  const parts: string[] = [];
  const key = keyMetricOf(run, keyMetric);
  if (key) parts.push(`${key[0]} ${formatNumber(summaryValue(key[1], key[1].summaryMode))}`);
  if (run.status === 'running' && run.stale) parts.push(`running · no update for ${formatDuration(nowMs - run.lastEventAt)}`);
  else parts.push(run.status === 'running' ? `running ${formatDuration(nowMs - run.startedAt)}` : formatAge(run.endedAt ?? run.lastEventAt, nowMs));
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
  const goal = goalAcross(runs, key);
  if (goal === undefined) return undefined;
  let best: number | undefined;
  for (const run of runs) {
    const m = ownMetric(run, key);
    const v = m ? bestValue(m, goal) : undefined;
    if (v === undefined || !Number.isFinite(v)) continue;
    if (best === undefined || isBetter(v, best, goal)) best = v;
  }
  return best === undefined ? undefined : { metric: key, value: best };
}

/** A metric's goal across runs: declared by the first of them that declares one (newest first), else guessed. */
export function goalAcross(runs: readonly RunRow[], key: string): MetricGoal | undefined {
  for (const run of runs) {
    const goal = ownMetric(run, key)?.goal;
    if (goal !== undefined) return goal;
  }
  return guessGoal(key);
}
