// The x axis: its kinds' labels, tick placement and tick text. Time axes take their ticks from timeAxis.ts.
import { formatDate, formatNumber } from '../../src/shared/format';
import type { XAxisKind } from '../../src/shared/webviews/compare/contract';
import { formatElapsed, formatWallTick, timeTicks } from './timeAxis';

export const xAxisLabels: Readonly<Record<XAxisKind, string>> = { step: 'Step', relative: 'Relative time', wall: 'Wall time', metric: 'Metric' };

/** The axis title: the x metric's own name when charting by a metric. */
export function xAxisTitle(axis: XAxisKind, xMetric: string | undefined): string {
  return axis === 'metric' && xMetric !== undefined ? xMetric : xAxisLabels[axis];
}

const MAX_X_TICKS = 8;

/** What a Chart.js linear x scale needs from us: tick values for time axes, and their labels. */
export interface XTicks {
  /** Replaces the scale's ticks (time axes); undefined keeps Chart.js's own. */
  build?: (min: number, max: number) => number[];
  label: (value: number, index: number, values: readonly number[]) => string;
  maxTicks: number;
}

export function xTicks(axis: XAxisKind): XTicks {
  if (axis === 'relative' || axis === 'wall') {
    const kind = axis;
    const scale = kind === 'wall' ? 1000 : 1;
    return {
      maxTicks: MAX_X_TICKS,
      build: (min, max) => timeTicks(min, max, MAX_X_TICKS, kind),
      label: (value, index, values) => {
        const a = values[0];
        const b = values[1];
        const step = a !== undefined && b !== undefined ? (b - a) / scale : 1;
        return kind === 'wall' ? formatWallTick(value, step, values[index - 1]) : formatElapsed(value, step);
      },
    };
  }
  if (axis === 'step') return { maxTicks: MAX_X_TICKS, label: (v) => String(Math.round(v)) };
  return { maxTicks: MAX_X_TICKS, label: (v) => formatNumber(v) };
}

/** The x of a hovered point, in full: a wall time with its date, a relative time to the millisecond. */
export function formatXFull(value: number, axis: XAxisKind): string {
  if (axis === 'wall') return formatDate(value);
  if (axis === 'relative') return formatElapsed(value, Number.isInteger(value) ? 1 : 0.001);
  if (axis === 'step') return String(Math.round(value));
  return formatNumber(value);
}
