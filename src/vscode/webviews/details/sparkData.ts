// Each metric's line for the details page's sparklines: downsampled by the index (extremes kept), by step. No vscode
// import: unit-tested in plain Node.
import type { RunDetail } from '../../../core/model';
import type { RunReader } from '../../../core/runIndex';
import type { SparkLine } from '../../../shared/webviews/details/contract';
import { toWireNumber } from '../../../shared/webviews/wireValue';

/** Points per sparkline: about one per pixel column of its 160 px canvas. */
export const SPARK_POINTS = 160;

export function sparkLines(index: Pick<RunReader, 'series'>, run: RunDetail): SparkLine[] {
  const keys = Object.keys(run.metrics);
  if (keys.length === 0) return [];
  return index.series({ runIds: [run.id], keys, xAxis: 'step', maxPoints: SPARK_POINTS }).map((line) => {
    const points = [];
    for (let i = 0; i < line.x.length; i++) points.push(toWireNumber(line.x[i] ?? Number.NaN), toWireNumber(line.y[i] ?? Number.NaN));
    return { key: line.key, points };
  });
}
