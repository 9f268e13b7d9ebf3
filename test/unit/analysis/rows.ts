// Run rows as the index lists them, for the analysis tests (in memory: these tests never read run logs).
import type { MetricSummary, ParamValue, RunRow } from '../../../src/core/model';

export function metric(value: number, extra: Partial<MetricSummary> = {}): MetricSummary {
  return { last: value, min: value, max: value, count: 1, lastStep: 0, ...extra };
}

export function row(i: number, params: Record<string, ParamValue>, metrics: Record<string, number | MetricSummary> = {}, summary?: Record<string, ParamValue>): RunRow {
  const ms: Record<string, MetricSummary> = {};
  for (const [k, v] of Object.entries(metrics)) Object.defineProperty(ms, k, { value: typeof v === 'number' ? metric(v) : v, enumerable: true, writable: true, configurable: true });
  const ps: Record<string, ParamValue> = {};
  for (const [k, v] of Object.entries(params)) Object.defineProperty(ps, k, { value: v, enumerable: true, writable: true, configurable: true });
  return {
    id: `run-${i}`, experiment: 'sweep', name: `run ${i}`, status: 'finished', startedAt: 1_795_743_612_000 + i, lastEventAt: 1_795_743_612_000 + i,
    notes: '', tags: [], params: ps, metrics: ms, skippedLines: 0, ...(summary ? { summary } : {}),
  };
}
