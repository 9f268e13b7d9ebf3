// Plain-text renderings of run data for tree items, tooltips and quick picks (no vscode import: unit-tested).
import type { MetricSummary, ParamValue, RunRow } from '../core/model';

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) {
    return Number.isNaN(value) ? 'NaN' : value > 0 ? '∞' : '-∞';
  }
  if (Number.isInteger(value) && Math.abs(value) < 1e9) {
    return String(value);
  }
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) {
    return value.toExponential(3);
  }
  return String(Number(value.toPrecision(4)));
}

export function formatParam(value: ParamValue): string {
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** "3m ago", "2h ago", "5d ago". */
export function formatAge(fromMs: number, nowMs: number): string {
  const seconds = Math.max(0, Math.round((nowMs - fromMs) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes}m ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours}h ago`;
  return `${Math.round(hours / 24)}d ago`;
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

/** The metric shown beside a run: the configured one if the run has it, else its first non-system metric. */
export function keyMetricOf(run: RunRow, configured: string): [string, MetricSummary] | undefined {
  if (configured && run.metrics[configured]) {
    return [configured, run.metrics[configured]];
  }
  const keys = Object.keys(run.metrics).filter((k) => !k.startsWith('system/')).sort();
  const key = keys[0];
  return key === undefined ? undefined : [key, run.metrics[key]];
}

export function runDescription(run: RunRow, configuredKeyMetric: string, nowMs: number): string {
  const parts: string[] = [];
  const key = keyMetricOf(run, configuredKeyMetric);
  if (key) {
    parts.push(`${key[0]} ${formatNumber(key[1].last)}`);
  }
  parts.push(run.status === 'running' ? `running ${formatDuration(nowMs - run.startedAt)}` : formatAge(run.endedAt ?? run.lastEventAt, nowMs));
  return parts.join(' · ');
}
