// The compare panel's lines on the wire: a line's xs cross as one- or two-byte increments where they are whole numbers
// or whole thousandths (steps, epoch ms, relative seconds from ms), else like its ys as a Float32Array where single
// precision loses nothing the page shows, else as a Float64Array; the page widens them back to Float64Array as they
// arrive (its drawing code sees one kind of array). A chart of 100 lines crosses in about a third of its double-precision
// bytes: its message is VS Code's to serialize, compress and deliver, and that delivery is most of what a chart waits
// for (in code-server ~65–160 ms per message of 0.67 MB, measured).
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

/**
 * How a line's xs cross: as increments of one or two bytes from `start` in units of 1/`per` (whole numbers, or whole
 * thousandths: relative time in seconds from ms), in single precision (as offsets from `base` when it is not 0), or in
 * double precision.
 */
type XPlan =
  | { readonly kind: 'increments'; readonly bytes: 1 | 2; readonly start: number; readonly per: number }
  | { readonly kind: 'single'; readonly base: number }
  | { readonly kind: 'double' };

/** The units xs may go up in, tried in turn: whole numbers, then thousandths. */
const INCREMENT_UNITS = [1, 1000] as const;

/**
 * xs as increments, when each x is a whole number of 1/per (k / per gives back exactly that x, the page's arithmetic)
 * and they never go down or up by more than 65,535 units at a time.
 */
function incrementsPlan(xs: Float64Array): XPlan | undefined {
  if (xs.length === 0) return undefined;
  for (const per of INCREMENT_UNITS) {
    const first = Math.round((xs[0] as number) * per);
    if (!Number.isSafeInteger(first) || first / per !== xs[0]) continue;
    let previous = first;
    let widest = 0;
    let i = 1;
    for (; i < xs.length; i++) {
      const x = xs[i] as number;
      const k = Math.round(x * per);
      const step = k - previous;
      if (!(step >= 0 && step <= 0xffff) || k / per !== x || !Number.isSafeInteger(k)) break;
      if (step > widest) widest = step;
      previous = k;
    }
    if (i === xs.length) return { kind: 'increments', bytes: widest <= 0xff ? 1 : 2, start: first, per };
  }
  return undefined;
}

function xPlan(xs: Float64Array, xAxis: XAxisKind): XPlan {
  const increments = incrementsPlan(xs);
  if (increments) return increments;
  const tolerance = xAxis === 'wall' ? WALL_TOLERANCE_MS : undefined;
  if (float32Keeps(xs, 0, tolerance)) return { kind: 'single', base: 0 };
  // Large x close together (epoch ms; steps past 2^24 over a shorter stretch): offsets from an integer in their middle
  // (xs are in x order) keep every integer exact over a span of 2^25 (whole ms: 9.3 hours).
  const base = xs.length ? Math.round(((xs[0] as number) + (xs[xs.length - 1] as number)) / 2) : 0;
  if (base !== 0 && Number.isFinite(base) && float32Keeps(xs, base, tolerance)) return { kind: 'single', base };
  return { kind: 'double' };
}

type WireX = { xs: Float32Array | Float64Array | Uint16Array | Uint8Array; xBase?: number; xStart?: number; xPer?: number };
type Narrowed<L> = Omit<L, 'xs' | 'ys'> & WireX & { ys: Float32Array | Float64Array };
type Widened<L> = Omit<L, 'xs' | 'ys' | 'xBase' | 'xStart' | 'xPer'> & { xs: Float64Array; ys: Float64Array };

/**
 * The lines as they cross (`xAxis`: the axis their xs are on), each array as compactly as loses nothing (see the
 * contract's linePoints), all in one buffer (VS Code sends each typed array's whole buffer, once per buffer): the
 * double-precision arrays first, then the single-precision ones, then the increments (each view aligned to its
 * element size).
 */
export function narrowLines<L extends { xs: Float64Array; ys: Float64Array }>(lines: readonly L[], xAxis: XAxisKind): Array<Narrowed<L>> {
  const plans = lines.map((line) => ({ x: xPlan(line.xs, xAxis), ySingle: float32Keeps(line.ys) }));
  const count = { 8: 0, 4: 0, 2: 0, 1: 0 };
  lines.forEach((line, i) => {
    const plan = plans[i] as (typeof plans)[number];
    count[plan.x.kind === 'increments' ? plan.x.bytes : plan.x.kind === 'single' ? 4 : 8] += line.xs.length;
    count[plan.ySingle ? 4 : 8] += line.ys.length;
  });
  const buffer = new ArrayBuffer(count[8] * 8 + count[4] * 4 + count[2] * 2 + count[1]);
  const f64 = new Float64Array(buffer, 0, count[8]);
  const f32 = new Float32Array(buffer, count[8] * 8, count[4]);
  const u16 = new Uint16Array(buffer, count[8] * 8 + count[4] * 4, count[2]);
  const u8 = new Uint8Array(buffer, count[8] * 8 + count[4] * 4 + count[2] * 2, count[1]);
  const at = { 8: 0, 4: 0, 2: 0, 1: 0 };
  const take = <A extends Float64Array | Float32Array | Uint16Array | Uint8Array>(all: A, size: 8 | 4 | 2 | 1, length: number): A => {
    const out = all.subarray(at[size], at[size] + length) as A;
    at[size] += length;
    return out;
  };
  const put = (values: Float64Array, single: boolean, base: number): Float32Array | Float64Array => {
    if (!single) {
      const out = take(f64, 8, values.length);
      out.set(values);
      return out;
    }
    const out = take(f32, 4, values.length);
    if (base === 0) out.set(values);
    else for (let i = 0; i < values.length; i++) out[i] = (values[i] as number) - base;
    return out;
  };
  const putX = (values: Float64Array, plan: XPlan): WireX => {
    if (plan.kind === 'single') return { xs: put(values, true, plan.base), ...(plan.base !== 0 ? { xBase: plan.base } : {}) };
    if (plan.kind === 'double') return { xs: put(values, false, 0) };
    const out = plan.bytes === 1 ? take(u8, 1, values.length) : take(u16, 2, values.length);
    let previous = plan.start;
    for (let i = 0; i < values.length; i++) {
      const k = Math.round((values[i] as number) * plan.per);
      out[i] = k - previous;
      previous = k;
    }
    return { xs: out, xStart: plan.start, ...(plan.per !== 1 ? { xPer: plan.per } : {}) };
  };
  return lines.map((line, i) => {
    const plan = plans[i] as (typeof plans)[number];
    return { ...line, ...putX(line.xs, plan.x), ys: put(line.ys, plan.ySingle, 0) };
  });
}

/** Whether `values` is a Float64Array (by its element size: it may come from another realm). */
const isDouble = (values: { BYTES_PER_ELEMENT: number }): values is Float64Array => values.BYTES_PER_ELEMENT === 8;

/**
 * The lines as the page holds them: every array a Float64Array, xs as increments summed back and `xBase` added back.
 * The arrays that crossed narrowed are copied into one new buffer per message; Float64Arrays that need nothing are
 * kept.
 */
export function widenLines<L extends { ys: Float32Array | Float64Array } & WireX>(lines: readonly L[]): Array<Widened<L>> {
  let total = 0;
  for (const line of lines) {
    if (!isDouble(line.xs) || line.xBase !== undefined) total += line.xs.length;
    if (!isDouble(line.ys)) total += line.ys.length;
  }
  const buffer = new Float64Array(total);
  let at = 0;
  const take = (length: number): Float64Array => {
    const out = buffer.subarray(at, at + length);
    at += length;
    return out;
  };
  const widen = (values: Float32Array | Float64Array, base: number | undefined): Float64Array => {
    if (base === undefined && isDouble(values)) return values;
    const out = take(values.length);
    if (base === undefined) out.set(values);
    else for (let i = 0; i < values.length; i++) out[i] = (values[i] as number) + base;
    return out;
  };
  const widenX = (xs: WireX['xs'], xBase: number | undefined, xStart: number | undefined, xPer: number | undefined): Float64Array => {
    if (xs.BYTES_PER_ELEMENT >= 4) return widen(xs as Float32Array | Float64Array, xBase);
    // Increments: whole units summed exactly (safe integers), then one division, as the host checked.
    const out = take(xs.length);
    const per = xPer ?? 1;
    let k = xStart ?? 0;
    for (let i = 0; i < xs.length; i++) {
      k += xs[i] as number;
      out[i] = per === 1 ? k : k / per;
    }
    return out;
  };
  return lines.map(({ xs, ys, xBase, xStart, xPer, ...rest }) => ({ ...rest, xs: widenX(xs, xBase, xStart, xPer), ys: widen(ys, undefined) }));
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
