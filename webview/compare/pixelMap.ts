// A linear or logarithmic scale's value → pixel map as two numbers, read once per line instead of Chart.js'
// getPixelForValue per point: placing 100 lines of ~850 points called it 170,000 times per chart, with its
// clamp and option lookups, and that was the largest script cost of a smoothing or log-scale redraw.
import type { Scale } from 'chart.js';

/** pixel = offset + slope × (log ? log10(value) : value), clamped to Chart.js' int16 range. */
export interface PixelMap {
  log: boolean;
  offset: number;
  slope: number;
}

/** What pixelMapOf reads of a scale (a Chart.js Scale fits it). */
export type MappedScale = Pick<Scale, 'type' | 'min' | 'max' | 'getPixelForValue'> & { options?: { alignToPixels?: boolean } };

/**
 * The scale's map, taken from where Chart.js itself places the scale's ends (so a reversed axis or any padding
 * is kept); undefined where the map is not affine (another scale type, pixel alignment, an empty range).
 */
export function pixelMapOf(scale: MappedScale): PixelMap | undefined {
  const log = scale.type === 'logarithmic';
  if ((scale.type !== 'linear' && !log) || scale.options?.alignToPixels) return undefined;
  const { min, max } = scale;
  if (!(max > min) || (log && !(min > 0))) return undefined;
  const at = (v: number): number => (log ? Math.log10(v) : v);
  const p0 = scale.getPixelForValue(min);
  const p1 = scale.getPixelForValue(max);
  const slope = (p1 - p0) / (at(max) - at(min));
  const offset = p0 - slope * at(min);
  return Number.isFinite(slope) && Number.isFinite(offset) ? { log, offset, slope } : undefined;
}

/** A value's pixel by `map` (as Chart.js would give it: limited to ±32,767 px). */
export function pixelOf(map: PixelMap, value: number): number {
  const p = map.offset + map.slope * (map.log ? Math.log10(value) : value);
  return p < -32768 ? -32768 : p > 32767 ? 32767 : p;
}
