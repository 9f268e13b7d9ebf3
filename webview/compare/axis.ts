// The x axis: its kinds' labels and tick text, with the shared formatter's durations.
import { formatDate, formatDuration } from '../../src/shared/format';
import type { XAxisKind } from '../../src/shared/webviews/compare/contract';

export const xAxisLabels: Readonly<Record<XAxisKind, string>> = { step: 'Step', relative: 'Relative time', wall: 'Wall time' };

/** Tick text: steps as integers, relative time as a duration, wall time as the time of day. */
export function formatX(value: number, axis: XAxisKind): string {
  if (axis === 'step') return String(Math.round(value));
  if (axis === 'wall') return new Date(value).toLocaleTimeString();
  return formatDuration(value * 1000);
}

/** The x of a hovered point, in full: a wall time with its date. */
export function formatXFull(value: number, axis: XAxisKind): string {
  return axis === 'wall' ? formatDate(value) : formatX(value, axis);
}
