// A Chart.js dataset type for a group's band (grouping.ts): the area between two typed arrays, `lower` and
// `upper`, over `xs`, filled as one path per stretch where both are finite (a gap breaks the band as it breaks the
// line). `ys` is the group's centre line, so the shared nearest-point lookup (typedNearest) works on bands too.
import type { Scale } from 'chart.js';
import { lowerBound, TypedLineController, type TypedLineDataset } from './typedLines';

export interface TypedBandFields {
  lower: Float64Array;
  upper: Float64Array;
  backgroundColor: string;
}

export type TypedBandDataset = TypedLineDataset & TypedBandFields;

const fieldsOf = (controller: TypedLineController): TypedBandDataset => controller.getDataset() as unknown as TypedBandDataset;

export class TypedBandController extends TypedLineController {
  static override id = 'typedBand';

  /** The band's extent: y over lower and upper within the x axis' user bounds (a zoomed chart fits the band). */
  override getMinMax(scale: Scale): { min: number; max: number } {
    const meta = this.getMeta();
    if (scale === meta.xScale) return super.getMinMax(scale);
    const { xs, lower, upper } = fieldsOf(this);
    const bounds = (meta.xScale as Scale | undefined)?.getUserBounds();
    const from = bounds?.minDefined ? Math.max(0, lowerBound(xs, bounds.min) - 1) : 0;
    const to = bounds?.maxDefined ? Math.min(xs.length, lowerBound(xs, bounds.max) + 1) : xs.length;
    const positiveOnly = scale.type === 'logarithmic';
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = from; i < to; i++) {
      for (const y of [lower[i] as number, upper[i] as number]) {
        if (!Number.isFinite(y) || (positiveOnly && y <= 0)) continue;
        if (y < min) min = y;
        if (y > max) max = y;
      }
    }
    return { min, max };
  }

  override draw(): void {
    const meta = this.getMeta();
    const xScale = meta.xScale as Scale | undefined;
    const yScale = meta.yScale as Scale | undefined;
    if (!xScale || !yScale) return;
    const { xs, lower, upper, backgroundColor } = fieldsOf(this);
    const log = yScale.type === 'logarithmic';
    // On a log axis a lower bound at or below zero is drawn at the axis' bottom.
    const py = (y: number): number => (log && y <= 0 ? yScale.bottom : yScale.getPixelForValue(y));
    const ctx = this.chart.ctx;
    ctx.save();
    ctx.fillStyle = backgroundColor;
    const fill = (from: number, to: number): void => {
      if (to - from < 1) return;
      ctx.beginPath();
      ctx.moveTo(xScale.getPixelForValue(xs[from] as number), py(upper[from] as number));
      for (let i = from + 1; i <= to; i++) ctx.lineTo(xScale.getPixelForValue(xs[i] as number), py(upper[i] as number));
      for (let i = to; i >= from; i--) ctx.lineTo(xScale.getPixelForValue(xs[i] as number), py(lower[i] as number));
      ctx.closePath();
      ctx.fill();
    };
    let start = -1;
    for (let i = 0; i < xs.length; i++) {
      const lo = lower[i] as number;
      const hi = upper[i] as number;
      const ok = Number.isFinite(lo) && Number.isFinite(hi) && (!log || hi > 0);
      if (ok && start < 0) start = i;
      if (!ok && start >= 0) {
        fill(start, i - 1);
        start = -1;
      }
    }
    if (start >= 0) fill(start, xs.length - 1);
    ctx.restore();
  }
}

declare module 'chart.js' {
  interface ChartTypeRegistry {
    typedBand: ChartTypeRegistry['line'];
  }
}
