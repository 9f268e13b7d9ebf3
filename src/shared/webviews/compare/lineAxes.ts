// The x axes a comparison's lines are read and kept on (x by a metric pairs whole series instead: xByMetric.ts).
import type { XAxisKind } from './contract';

/** Steps, relative time or wall-clock time. */
export type LineAxis = Exclude<XAxisKind, 'metric'>;

/**
 * The axis whose lines the page is sent besides the one it shows, so that it switches without asking: steps for a
 * time axis, relative time for steps (the page derives wall-clock time from it with the run's start).
 */
export function otherAxis(xAxis: LineAxis): Exclude<LineAxis, 'wall'> {
  return xAxis === 'step' ? 'relative' : 'step';
}
