// One `media` event (docs/event-format.md, "Media") read and checked item by item. Item types this version does
// not know are returned as `unknown` (counted and named, never shown); an item that breaks its type's rules is
// dropped with a reason. Paths must name a file of the run's own media folder by content hash.
import type {
  CurveItem, HistogramItem, ImageItem, MatrixItem, MediaType, TableItem, TextItem,
} from '../../shared/webviews/media/contract';
import { isObject } from '../eventFields';

const KEY_MAX = 250;
const MAX_ITEMS = 10_000;
const PATH = /^media\/([0-9a-f]{64}\.(?:png|jpg|json))$/;

export type MediaItemOf = {
  image: ImageItem; histogram: HistogramItem; table: TableItem; confusion_matrix: MatrixItem; curve: CurveItem; text: TextItem;
};

/** The notebook cell that logged an event (docs/event-format.md, "cell"): its execution count and source hash. */
export interface MediaCell {
  exec: number | null;
  hash: string;
  notebook?: string;
}

export type MediaEvent = (
  | { [T in MediaType]: { known: true; type: T; key: string; step: number; items: MediaItemOf[T][]; dropped: string[] } }[MediaType]
  | { known: false; type: string; key: string; step: number; count: number }
) & { cell?: MediaCell };

class Bad extends Error {}
const bad = (reason: string): never => { throw new Bad(reason); };

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const count = (v: unknown): v is number => finite(v) && v >= 0;
function numbers(v: unknown, what: string, max: number, check: (n: unknown) => boolean = finite): number[] {
  if (!Array.isArray(v) || v.length > max || !v.every(check)) bad(`"${what}" must be a list of at most ${max} numbers`);
  return v as number[];
}
function strings(v: unknown, what: string, max: number): string[] {
  if (!Array.isArray(v) || v.length > max || !v.every((s) => typeof s === 'string')) bad(`"${what}" must be a list of at most ${max} strings`);
  return v as string[];
}
function mediaFile(v: unknown, ext: RegExp): string {
  const file = typeof v === 'string' ? PATH.exec(v)?.[1] : undefined;
  if (file === undefined || !ext.test(file)) bad('"path" must be media/<sha256>.<ext> inside the run folder');
  return file as string;
}
function positiveInt(v: unknown, what: string): number {
  if (!finite(v) || !Number.isInteger(v) || v < 1) bad(`"${what}" must be a whole number ≥ 1`);
  return v as number;
}
function optionalText(v: unknown, what: string, max: number): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.length > max) bad(`"${what}" must be a string of at most ${max} characters`);
  return v as string;
}

const readers: { [T in MediaType]: (o: Record<string, unknown>) => MediaItemOf[T] } = {
  image: (o) => {
    const caption = optionalText(o.caption, 'caption', 1000);
    return { file: mediaFile(o.path, /\.(png|jpg)$/), width: positiveInt(o.width, 'width'), height: positiveInt(o.height, 'height'), ...(caption !== undefined ? { caption } : {}) };
  },
  histogram: (o) => {
    const counts = numbers(o.counts, 'counts', 512, count);
    if (counts.length === 0) bad('"counts" is empty');
    const nonfinite = o.nonfinite === undefined ? undefined : count(o.nonfinite) ? o.nonfinite : bad('"nonfinite" must be a count');
    const extra = nonfinite !== undefined ? { nonfinite } : {};
    if (o.edges !== undefined) {
      const edges = numbers(o.edges, 'edges', 513);
      if (edges.length !== counts.length + 1 || edges.some((e, i) => i > 0 && e <= (edges[i - 1] ?? e))) bad('"edges" must rise and be one more than "counts"');
      return { counts, edges, ...extra };
    }
    if (!finite(o.min) || !finite(o.max) || o.max <= o.min) bad('"min" and "max" must be numbers with min < max');
    return { counts, min: o.min as number, max: o.max as number, ...extra };
  },
  table: (o) => {
    const rows = o.rows;
    if (!finite(rows) || !Number.isInteger(rows) || rows < 0) bad('"rows" must be a count');
    return { file: mediaFile(o.path, /\.json$/), rows: rows as number, columns: strings(o.columns, 'columns', 1000) };
  },
  confusion_matrix: (o) => {
    const labels = strings(o.labels, 'labels', 256);
    const matrix = o.matrix;
    if (!Array.isArray(matrix) || matrix.length !== labels.length) bad('"matrix" must have one row per label');
    const rows = (matrix as unknown[]).map((row) => numbers(row, 'matrix', labels.length, (n) => count(n) && Number.isInteger(n)));
    if (rows.some((r) => r.length !== labels.length)) bad('"matrix" must be square');
    return { labels, matrix: rows };
  },
  curve: (o) => {
    const x = numbers(o.x, 'x', 2000);
    const y = numbers(o.y, 'y', 2000);
    if (x.length !== y.length || x.length === 0) bad('"x" and "y" must have the same, non-zero length');
    const kind = optionalText(o.kind, 'kind', 64) ?? 'custom';
    const auc = o.auc === undefined ? undefined : finite(o.auc) ? o.auc : bad('"auc" must be a number');
    return {
      kind, x, y, ...(auc !== undefined ? { auc } : {}),
      xLabel: optionalText(o.x_label, 'x_label', 250) ?? 'x', yLabel: optionalText(o.y_label, 'y_label', 250) ?? 'y',
    };
  },
  text: (o) => ({ markdown: optionalText(o.markdown, 'markdown', 1024 * 1024) ?? bad('"markdown" is missing') }),
};

function isKnown(type: string): type is MediaType {
  return Object.prototype.hasOwnProperty.call(readers, type);
}

/** The media event of a parsed log line, or a reason it cannot be used (undefined when it is no media event). */
export function readMediaEvent(parsed: unknown): MediaEvent | { invalid: string } | undefined {
  if (!isObject(parsed) || parsed.t !== 'media') return undefined;
  const { key, step, type, items } = parsed;
  if (typeof key !== 'string' || key.length === 0 || key.length > KEY_MAX) return { invalid: '"key" must be a name of 1 to 250 characters' };
  if (!finite(step) || !Number.isInteger(step) || step < 0 || step > Number.MAX_SAFE_INTEGER) return { invalid: '"step" must be a whole number ≥ 0' };
  if (typeof type !== 'string' || type.length === 0 || type.length > 64) return { invalid: '"type" must be a short string' };
  if (!Array.isArray(items) || items.length === 0 || items.length > MAX_ITEMS) return { invalid: `"items" must be a list of 1 to ${MAX_ITEMS} values` };
  const cell = cellOf(parsed.cell);
  const event = isKnown(type) ? readItems(type, key, step, items) : { known: false as const, type, key, step, count: items.length };
  return cell ? { ...event, cell } : event;
}

/** A well-formed cell link, else undefined (a bad one only loses the link, not the values). */
function cellOf(value: unknown): MediaCell | undefined {
  if (!isObject(value)) return undefined;
  const { exec, hash, notebook } = value;
  if (typeof hash !== 'string' || hash.length === 0 || hash.length > 64) return undefined;
  if (exec !== null && !(finite(exec) && Number.isInteger(exec) && exec >= 0)) return undefined;
  return { exec: exec as number | null, hash, ...(typeof notebook === 'string' && notebook.length <= 4096 ? { notebook } : {}) };
}

function readItems<T extends MediaType>(type: T, key: string, step: number, items: unknown[]): MediaEvent {
  const read = readers[type] as (o: Record<string, unknown>) => MediaItemOf[T];
  const out: MediaItemOf[T][] = [];
  const dropped: string[] = [];
  for (const [i, item] of items.entries()) {
    try {
      if (!isObject(item)) bad('an item must be an object');
      out.push(read(item as Record<string, unknown>));
    } catch (err) {
      if (!(err instanceof Bad)) throw err;
      dropped.push(`${key} at step ${step}, item ${i}: ${err.message}`);
    }
  }
  return { known: true, type, key, step, items: out, dropped } as MediaEvent;
}
