export { lowerIsBetter } from '../../src/shared/metricDirection';
import type { XAxisKind } from '../../src/shared/protocol';

export function formatValue(value: number | null): string {
  if (value === null) return '—';
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? '∞' : '-∞';
  if (Number.isInteger(value) && Math.abs(value) < 1e9) return String(value);
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return value.toExponential(3);
  return String(Number(value.toPrecision(5)));
}

export function formatX(value: number, axis: XAxisKind): string {
  if (axis === 'step') return String(Math.round(value));
  if (axis === 'wall') return new Date(value).toLocaleTimeString();
  const s = Math.round(value);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export const xAxisLabels: Record<XAxisKind, string> = { step: 'Step', relative: 'Relative time', wall: 'Wall time' };
