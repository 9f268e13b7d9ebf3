// Rich values (issue 17) as the compare panel receives them: per key, per run, the steps logged and their items.
// Images travel as file names under a run's `base` (a webview resource URI of its media folder), never as bytes.
import { arrayOf, num, objectOf, optional, str, type Infer, type Schema } from '../schema';

export const mediaTypes = ['image', 'histogram', 'table', 'confusion_matrix', 'curve', 'text'] as const;
export type MediaType = (typeof mediaTypes)[number];

/** A file of a run's media folder: its SHA-256 and extension, nothing that could walk out of the folder. */
export const MEDIA_FILE = /^[0-9a-f]{64}\.(png|jpg|json)$/;

const imageItem = objectOf({ file: str(), width: num({ min: 1, integer: true }), height: num({ min: 1, integer: true }), caption: optional(str()) });
/** Bin limits (`edges`, one more than `counts`), equal bins sent as their ends only (`min`, `max`). */
const histogramItem = objectOf({ counts: arrayOf(num({ min: 0 })), min: optional(num()), max: optional(num()), edges: optional(arrayOf(num())), nonfinite: optional(num({ min: 0 })) });
const tableItem = objectOf({ file: str(), rows: num({ min: 0, integer: true }), columns: arrayOf(str()) });
const matrixItem = objectOf({ labels: arrayOf(str()), matrix: arrayOf(arrayOf(num({ min: 0 }))) });
const curveItem = objectOf({ kind: str(), x: arrayOf(num()), y: arrayOf(num()), auc: optional(num()), xLabel: str(), yLabel: str() });
const textItem = objectOf({ markdown: str() });

export type ImageItem = Infer<typeof imageItem>;
export type HistogramItem = Infer<typeof histogramItem>;
export type TableItem = Infer<typeof tableItem>;
export type MatrixItem = Infer<typeof matrixItem>;
export type CurveItem = Infer<typeof curveItem>;
export type TextItem = Infer<typeof textItem>;

/** One run's values of one key: `items[i]` were logged at `steps[i]` (ascending; a later event at a step replaces it). */
function runSeries<T>(item: Schema<T>) {
  return objectOf({ runId: str(), steps: arrayOf(num({ min: 0, integer: true })), items: arrayOf(arrayOf(item)) });
}
function keySeries<T>(item: Schema<T>) {
  return arrayOf(objectOf({ key: str(), runs: arrayOf(runSeries(item)) }));
}

export const compareMediaSchema = objectOf({
  /** Per run: the webview URI of its media folder (the page appends an item's `file`). */
  bases: arrayOf(objectOf({ runId: str(), base: str() })),
  images: keySeries(imageItem),
  histograms: keySeries(histogramItem),
  tables: keySeries(tableItem),
  matrices: keySeries(matrixItem),
  curves: keySeries(curveItem),
  texts: keySeries(textItem),
  /** Values of types this version does not show (a newer SDK's), counted by type: the page says so. */
  skipped: arrayOf(objectOf({ type: str(), count: num({ min: 0, integer: true }) })),
});
export type CompareMedia = Infer<typeof compareMediaSchema>;

export type KeySeries<T> = { key: string; runs: { runId: string; steps: number[]; items: T[][] }[] };

/** A table's cells, read by the host on request (tables can be large: only the one shown crosses). */
export const mediaTableSchema = objectOf({ runId: str(), file: str(), columns: arrayOf(str()), rows: arrayOf(arrayOf(str())), error: optional(str()) });
export type MediaTable = Infer<typeof mediaTableSchema>;

/** The index of the logged step nearest to `step` (ties: the earlier step); -1 when there are none. */
export function nearestStep(steps: readonly number[], step: number): number {
  let lo = 0;
  let hi = steps.length - 1;
  if (hi < 0) return -1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((steps[mid] ?? 0) < step) lo = mid + 1;
    else hi = mid;
  }
  const before = lo - 1;
  if (before >= 0 && step - (steps[before] ?? 0) <= (steps[lo] ?? 0) - step) return before;
  return lo;
}

/** Bin limits of a histogram item (equal bins are sent as their ends). */
export function edgesOf(item: HistogramItem): number[] {
  if (item.edges) return item.edges;
  const lo = item.min ?? 0;
  const hi = item.max ?? lo + 1;
  return Array.from({ length: item.counts.length + 1 }, (_, i) => lo + ((hi - lo) * i) / item.counts.length);
}

/** One key's latest value of one run: the items logged at its last step. */
function latestOf<T>(item: Schema<T>) {
  return arrayOf(objectOf({ key: str(), step: num({ min: 0, integer: true }), items: arrayOf(item) }));
}

/** The first rows of a logged table as text (the details page shows a table's head, not all of it). */
const tableHead = objectOf({ columns: arrayOf(str()), rows: arrayOf(arrayOf(str())), error: optional(str()) });
export type TableHead = Infer<typeof tableHead>;

/** A run's latest value of each media key (the run details page), by type; keys in the order first logged. */
export const latestMediaSchema = objectOf({
  /** The webview URI of the run's media folder (the page appends an image item's `file`). */
  base: str(),
  images: latestOf(imageItem),
  histograms: latestOf(histogramItem),
  tables: arrayOf(objectOf({ key: str(), step: num({ min: 0, integer: true }), items: arrayOf(tableItem), head: tableHead })),
  matrices: latestOf(matrixItem),
  curves: latestOf(curveItem),
  texts: latestOf(textItem),
  skipped: arrayOf(objectOf({ type: str(), count: num({ min: 0, integer: true }) })),
});
export type LatestMedia = Infer<typeof latestMediaSchema>;
