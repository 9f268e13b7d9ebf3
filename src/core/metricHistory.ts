// Every logged point of a run's metrics, read from the index at full resolution (registries that keep metric
// history, such as MLflow, get the whole curve rather than the last value).
import type { MetricHistorySource } from './registry/types';
import type { RunIndex } from './runIndex';

export function metricHistoryFrom(index: Pick<RunIndex, 'series'>, runId: string): MetricHistorySource {
  return (key) => {
    const all = { runIds: [runId], keys: [key], maxPoints: Number.MAX_SAFE_INTEGER };
    const [byStep] = index.series({ ...all, xAxis: 'step' });
    const [byTime] = index.series({ ...all, xAxis: 'wall' });
    if (!byStep || !byTime || byStep.x.length !== byTime.x.length) return undefined;
    return { steps: byStep.x, times: byTime.x, values: byStep.y };
  };
}
