// The monitoring dashboard's data, built from a monitored version (plain Node: unit-tested without the editor).
import { describeFinding, type MonitoredVersion } from '../../core/monitoring/monitorStatus';
import type { MonitorBatch, MonitorFeature, ReferenceColumn } from '../../core/monitoring/monitorModel';
import { formatNumber } from '../../shared/format';
import type {
  DashboardBatch, DashboardCell, DashboardFeature, MonitoringDashboard,
} from '../../shared/webviews/monitoring/contract';

const DEFAULT_PSI: [number, number] = [0.1, 0.2];
const DEFAULT_PERFORMANCE: [number, number] = [0.05, 0.1];

/** A `[warning, alert]` pair the run recorded under `key`, else the default. */
export function thresholdPair(thresholds: unknown, key: string, fallback: [number, number]): [number, number] {
  if (typeof thresholds !== 'object' || thresholds === null || !Object.prototype.hasOwnProperty.call(thresholds, key)) return fallback;
  const pair: unknown = (thresholds as Record<string, unknown>)[key];
  if (Array.isArray(pair) && pair.length === 2 && pair.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    return [pair[0] as number, pair[1] as number];
  }
  return fallback;
}

function shares(counts: readonly number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((c) => (total > 0 ? c / total : 0));
}

function binLabels(column: ReferenceColumn): string[] {
  if (column.type === 'categorical') return [...(column.top ?? []).map(([name]) => name), 'other'];
  const edges = column.histEdges ?? [];
  if (edges.length < 2) return [];
  const labels = [`< ${formatNumber(edges[0] ?? 0)}`];
  for (let i = 0; i + 1 < edges.length; i++) labels.push(`${formatNumber(edges[i] ?? 0)} – ${formatNumber(edges[i + 1] ?? 0)}`);
  labels.push(`> ${formatNumber(edges[edges.length - 1] ?? 0)}`);
  return labels;
}

function referenceShares(column: ReferenceColumn): number[] {
  if (column.type === 'categorical') return shares([...(column.top ?? []).map(([, n]) => n), column.other ?? 0]);
  return shares(column.histCounts ?? []);
}

function percent(x: number | null): string {
  return x === null ? 'n/a' : `${formatNumber(x * 100)}%`;
}

function cellOf(feature: MonitorFeature, bins: number): DashboardCell {
  const counts = feature.type === 'categorical' ? [...(feature.topCounts ?? []), feature.other ?? 0] : (feature.histCounts ?? []);
  const parts: string[] = [];
  if (feature.psi !== undefined) parts.push(`PSI ${feature.psi === null ? 'n/a' : formatNumber(feature.psi)}`);
  if (feature.ks !== undefined) parts.push(`KS ${feature.ks === null ? 'n/a' : formatNumber(feature.ks)}`);
  if (feature.js !== undefined) parts.push(`JS ${feature.js === null ? 'n/a' : formatNumber(feature.js)}`);
  const change = feature.missingChange;
  parts.push(`missing ${percent(feature.missingRate)}${change ? ` (${change > 0 ? '+' : ''}${percent(change)})` : ''}`);
  if (feature.unseenCategories?.length) parts.push(`new: ${feature.unseenCategories.map(([name, n]) => `${name} (${n})`).join(', ')}`);
  return { psi: feature.psi ?? null, status: feature.status, shares: counts.length === bins ? shares(counts) : [], detail: parts.join(' · ') };
}

function batchOf(batch: MonitorBatch, features: readonly DashboardFeature[]): DashboardBatch {
  const byName = new Map(batch.features.map((f) => [f.name, f]));
  return {
    index: batch.index,
    time: batch.timestamp * 1000,
    rows: batch.rows,
    reliable: batch.reliable,
    status: batch.status,
    metrics: batch.metrics,
    cells: features.map((f) => {
      const found = byName.get(f.name);
      return found ? cellOf(found, f.bins.length) : null;
    }),
    alerts: batch.alerts.map((a) => `${a.level}: ${describeFinding(a)}`),
  };
}

export function buildDashboard(version: MonitoredVersion): MonitoringDashboard {
  const { run } = version;
  const features: DashboardFeature[] = (run.reference ?? []).map((c) => ({ name: c.name, type: c.type, bins: binLabels(c), reference: referenceShares(c) }));
  const psi = thresholdPair(run.thresholds, 'psi', DEFAULT_PSI);
  const performance = thresholdPair(run.thresholds, 'performance', DEFAULT_PERFORMANCE);
  const data: MonitoringDashboard = {
    model: run.model,
    version: run.version,
    runId: run.runId,
    status: version.status,
    features,
    batches: run.batches.map((b) => batchOf(b, features)),
    baseline: run.baseline,
    psiWarning: psi[0],
    psiAlert: psi[1],
    performanceWarning: performance[0],
    performanceAlert: performance[1],
    problems: [...run.problems, ...run.warnings],
  };
  if (run.trainingRun !== undefined) data.trainingRun = run.trainingRun;
  if (run.reference === undefined) data.referenceNote = run.referenceProblem ?? 'no reference profile: performance only';
  return data;
}
