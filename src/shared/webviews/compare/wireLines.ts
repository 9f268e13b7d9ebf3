// The compare panel's lines on the wire: each line's xs and ys cross as a Float32Array where single precision loses
// nothing the page shows, else as a Float64Array, and the page widens them back to Float64Array as they arrive (its
// drawing code sees one kind of array). Most lines cross in half the bytes: a chart's message of 100 lines is VS Code's
// to serialize, compress and deliver, and that delivery is most of what a chart waits for.
import type {
  CompareData, CompareLine, HostToCompareMessage, LineChange, WireCompareData, XAxisKind,
} from './contract';

/** Wall-clock x (epoch ms) as widened on the page is within this of the value sent. */
export const WALL_TOLERANCE_MS = 1;

/**
 * Whether every value of `values`, sent in single precision as `v - base` and widened on the page as that plus `base`,
 * comes back as the page would show it: NaN and ±Infinity as themselves, nothing out of range (beyond ±3.4e38 a
 * float32 is Infinity), and, for values shown as numbers (formatNumber), an integer exactly (integers below 1e9 show
 * in full, and a float32 holds every integer only up to 2^24) and a non-integer as a non-integer (rounded to an integer
 * it would show in full, digits it never had; otherwise single precision keeps about 7 significant digits, the page
 * shows 4). Values shown as times (wall-clock ms) need only come back within `tolerance`.
 */
export function float32Keeps(values: ArrayLike<number>, base = 0, tolerance?: number): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v !== v || v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY) continue;
    // The page's arithmetic exactly (widenLines): the float32 of the offset, plus the base in double precision.
    const back = Math.fround(v - base) + base;
    if (back === v) continue;
    if (!Number.isFinite(back)) return false;
    if (tolerance === undefined ? Number.isInteger(v) || Number.isInteger(back) : !(Math.abs(back - v) < tolerance)) return false;
  }
  return true;
}

/** How a line's xs cross: in single precision (as offsets from `base` when it is not 0) or not. */
interface XPlan { readonly single: boolean; readonly base: number }

function xPlan(xs: Float64Array, xAxis: XAxisKind): XPlan {
  const tolerance = xAxis === 'wall' ? WALL_TOLERANCE_MS : undefined;
  if (float32Keeps(xs, 0, tolerance)) return { single: true, base: 0 };
  // Large x close together (epoch ms; steps past 2^24 over a shorter stretch): offsets from an integer in their middle
  // (xs are in x order) keep every integer exact over a span of 2^25 (whole ms: 9.3 hours).
  const base = xs.length ? Math.round(((xs[0] as number) + (xs[xs.length - 1] as number)) / 2) : 0;
  if (base !== 0 && Number.isFinite(base) && float32Keeps(xs, base, tolerance)) return { single: true, base };
  return { single: false, base: 0 };
}

type Narrowed<L> = Omit<L, 'xs' | 'ys'> & { xs: Float32Array | Float64Array; ys: Float32Array | Float64Array; xBase?: number };
type Widened<L> = Omit<L, 'xs' | 'ys' | 'xBase'> & { xs: Float64Array; ys: Float64Array };

/**
 * The lines as they cross (`xAxis`: the axis their xs are on), each array in single precision where float32Keeps says
 * so, all in one buffer (VS Code sends each typed array's whole buffer, once per buffer): the double-precision arrays
 * first, then the single-precision ones (each view aligned to its element size).
 */
export function narrowLines<L extends { xs: Float64Array; ys: Float64Array }>(lines: readonly L[], xAxis: XAxisKind): Array<Narrowed<L>> {
  const plans = lines.map((line) => ({ x: xPlan(line.xs, xAxis), ySingle: float32Keeps(line.ys) }));
  let doubles = 0;
  let singles = 0;
  lines.forEach((line, i) => {
    const plan = plans[i] as (typeof plans)[number];
    if (plan.x.single) singles += line.xs.length;
    else doubles += line.xs.length;
    if (plan.ySingle) singles += line.ys.length;
    else doubles += line.ys.length;
  });
  const buffer = new ArrayBuffer(doubles * 8 + singles * 4);
  const f64 = new Float64Array(buffer, 0, doubles);
  const f32 = new Float32Array(buffer, doubles * 8, singles);
  let at64 = 0;
  let at32 = 0;
  const put = (values: Float64Array, single: boolean, base: number): Float32Array | Float64Array => {
    if (!single) {
      const out = f64.subarray(at64, at64 + values.length);
      at64 += values.length;
      out.set(values);
      return out;
    }
    const out = f32.subarray(at32, at32 + values.length);
    at32 += values.length;
    if (base === 0) out.set(values);
    else for (let i = 0; i < values.length; i++) out[i] = (values[i] as number) - base;
    return out;
  };
  return lines.map((line, i) => {
    const plan = plans[i] as (typeof plans)[number];
    const xs = put(line.xs, plan.x.single, plan.x.base);
    const ys = put(line.ys, plan.ySingle, 0);
    return { ...line, xs, ys, ...(plan.x.base !== 0 ? { xBase: plan.x.base } : {}) };
  });
}

/** Whether `values` is a Float64Array (by its element size: it may come from another realm). */
const isDouble = (values: Float32Array | Float64Array): values is Float64Array => values.BYTES_PER_ELEMENT === 8;

/**
 * The lines as the page holds them: every array a Float64Array, `xBase` added back. The arrays that crossed in single
 * precision (or as offsets) are copied into one new buffer per message; Float64Arrays that need nothing are kept.
 */
export function widenLines<L extends { xs: Float32Array | Float64Array; ys: Float32Array | Float64Array; xBase?: number }>(lines: readonly L[]): Array<Widened<L>> {
  let total = 0;
  for (const line of lines) {
    if (!isDouble(line.xs) || line.xBase !== undefined) total += line.xs.length;
    if (!isDouble(line.ys)) total += line.ys.length;
  }
  const buffer = new Float64Array(total);
  let at = 0;
  const widen = (values: Float32Array | Float64Array, base: number | undefined): Float64Array => {
    if (base === undefined && isDouble(values)) return values;
    const out = buffer.subarray(at, at + values.length);
    at += values.length;
    if (base === undefined) out.set(values);
    else for (let i = 0; i < values.length; i++) out[i] = (values[i] as number) + base;
    return out;
  };
  return lines.map(({ xs, ys, xBase, ...rest }) => ({ ...rest, xs: widen(xs, xBase), ys: widen(ys, undefined) }));
}

/** A comparison as it crosses. */
export function narrowData(data: CompareData): WireCompareData {
  return { ...data, lines: narrowLines(data.lines, data.xAxis) };
}

type Wire<T extends HostToCompareMessage['type']> = Extract<HostToCompareMessage, { type: T }>;

/** A message from the host as the page handles it: the lines of `data`, `lines` and `update` widened. */
export type CompareMessage =
  | Exclude<HostToCompareMessage, { type: 'data' | 'lines' | 'update' }>
  | { type: 'data'; data: CompareData }
  | (Omit<Wire<'lines'>, 'lines'> & { lines: CompareLine[] })
  | (Omit<Wire<'update'>, 'changes'> & { changes: LineChange[] });

/** `message` (checked against the contract) with its lines widened: one copy per message, on arrival. */
export function widenMessage(message: HostToCompareMessage): CompareMessage {
  switch (message.type) {
    case 'data': return { ...message, data: { ...message.data, lines: widenLines(message.data.lines) } };
    case 'lines': return { ...message, lines: widenLines(message.lines) };
    case 'update': return { ...message, changes: widenLines(message.changes) };
    default: return message;
  }
}
