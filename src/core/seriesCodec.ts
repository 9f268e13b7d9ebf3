// Packed metric series: one BLOB holds up to CHUNK_POINTS points of one (run, metric).
//
// Layout (little endian):
//   0  u8  format (1)   1  u8  flags (bit 0: values are float32; bit 1: steps advance by one constant delta)
//   2..3 reserved       4  u32 n (points)
//   8  values: n × float64, or n × float32 when every value of the chunk is exactly a float32 (lossless either way)
//   …  float64 first step, float64 first wall time (epoch ms)
//   …  steps: one float64 delta when constant (flag bit 1), else n-1 zigzag varints of step deltas
//   …  n-1 zigzag varints: delta-of-delta of wall time in whole milliseconds
//
// Values are stored exactly (float64 unless float32 loses nothing), so plots and exports show what was
// logged. Steps usually advance by 1 (0 bytes a point) and a training loop logs at a steady pace, so the
// time's delta-of-delta is small (1 byte): ≈ 9 bytes a point. Wall times keep millisecond resolution.

export const CHUNK_POINTS = 8192;
const HEADER = 8;

/** A chunk whose bytes cannot be what `encodeChunk` wrote: the database holding it is damaged. */
export class DamagedChunkError extends Error {
  constructor(reason: string) {
    super(`damaged series chunk (${reason})`);
  }
}

/** Checks the header against the chunk's size before anything is allocated or decoded from it. */
function checkedLength(chunk: Uint8Array): number {
  if (chunk.length < HEADER + 16) throw new DamagedChunkError(`${chunk.length} bytes`);
  if (chunk[0] !== 1) throw new DamagedChunkError(`unknown format ${chunk[0] ?? 'none'}`);
  const n = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength).getUint32(4, true);
  // Values, first step and time, then at least one byte per step (or one constant delta) and per time delta.
  const least = HEADER + ((chunk[1]! & 1) === 1 ? 4 : 8) * n + 16 + ((chunk[1]! & 2) === 2 ? 8 : Math.max(0, n - 1)) + Math.max(0, n - 1);
  if (n > CHUNK_POINTS || least > chunk.length) throw new DamagedChunkError(`${n} points in ${chunk.length} bytes`);
  return n;
}

/** Growable columns of points as they arrive from a log. */
export class PointBuffer {
  steps: Float64Array;
  times: Float64Array;
  values: Float64Array;
  length = 0;

  constructor(capacity = 256) {
    this.steps = new Float64Array(capacity);
    this.times = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }

  push(step: number, timeMs: number, value: number): void {
    if (this.length === this.steps.length) this.grow(Math.max(256, this.length * 2));
    const i = this.length++;
    this.steps[i] = step;
    this.times[i] = timeMs;
    this.values[i] = value;
  }

  /** A buffer over existing columns (no copy): `length` points are in use, the rest is spare capacity. */
  static adopt(steps: Float64Array, times: Float64Array, values: Float64Array, length: number): PointBuffer {
    const buf = new PointBuffer(0);
    buf.steps = steps;
    buf.times = times;
    buf.values = values;
    buf.length = length;
    return buf;
  }

  /** Appends the first `n` points of other columns. */
  append(steps: Float64Array, times: Float64Array, values: Float64Array, n: number): void {
    if (this.length + n > this.steps.length) this.grow(Math.max(this.length + n, this.length * 2));
    this.steps.set(steps.subarray(0, n), this.length);
    this.times.set(times.subarray(0, n), this.length);
    this.values.set(values.subarray(0, n), this.length);
    this.length += n;
  }

  private grow(capacity: number): void {
    const copy = (a: Float64Array): Float64Array => { const b = new Float64Array(capacity); b.set(a.subarray(0, this.length)); return b; };
    this.steps = copy(this.steps);
    this.times = copy(this.times);
    this.values = copy(this.values);
  }
}

function zigzag(d: number): number {
  return d >= 0 ? d * 2 : -d * 2 - 1;
}

function unzigzag(z: number): number {
  return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
}

function writeVarint(out: Uint8Array, pos: number, z: number): number {
  // Validation keeps steps and times safe integers, so zigzagged deltas stay below 2^54 (still exact as doubles);
  // anything else would never terminate below.
  if (!(z >= 0 && z <= 2 ** 54) || !Number.isInteger(z)) throw new RangeError(`cannot pack ${z} into a series chunk`);
  while (z >= 0x80) {
    out[pos++] = (z % 0x80) | 0x80;
    z = Math.floor(z / 0x80);
  }
  out[pos++] = z;
  return pos;
}

/** Encodes points [from, to) of the columns into one chunk. */
export function encodeChunk(steps: ArrayLike<number>, times: ArrayLike<number>, values: ArrayLike<number>, from: number, to: number): Uint8Array {
  const n = to - from;
  let f32 = true;
  for (let i = from; i < to; i++) {
    const v = values[i] as number;
    if (Math.fround(v) !== v && v === v) { f32 = false; break; }
  }
  const vb = f32 ? 4 : 8;
  let constantStep = n > 1;
  const firstDelta = n > 1 ? (steps[from + 1] as number) - (steps[from] as number) : 0;
  for (let i = from + 2; i < to && constantStep; i++) if ((steps[i] as number) - (steps[i - 1] as number) !== firstDelta) constantStep = false;
  // Worst case 10 bytes per varint (values up to 2^53 after zigzag need at most 8).
  const buf = new Uint8Array(HEADER + vb * n + 24 + 20 * n);
  const view = new DataView(buf.buffer);
  buf[0] = 1;
  buf[1] = (f32 ? 1 : 0) | (constantStep ? 2 : 0);
  view.setUint32(4, n, true);
  let pos = HEADER;
  if (f32) {
    for (let i = from; i < to; i++, pos += 4) view.setFloat32(pos, values[i] as number, true);
  } else {
    for (let i = from; i < to; i++, pos += 8) view.setFloat64(pos, values[i] as number, true);
  }
  view.setFloat64(pos, n > 0 ? (steps[from] as number) : 0, true);
  view.setFloat64(pos + 8, n > 0 ? Math.round(times[from] as number) : 0, true);
  pos += 16;
  if (constantStep) {
    view.setFloat64(pos, firstDelta, true);
    pos += 8;
  } else {
    for (let i = from + 1; i < to; i++) pos = writeVarint(buf, pos, zigzag((steps[i] as number) - (steps[i - 1] as number)));
  }
  let prevDelta = 0;
  for (let i = from + 1; i < to; i++) {
    const delta = Math.round(times[i] as number) - Math.round(times[i - 1] as number);
    pos = writeVarint(buf, pos, zigzag(delta - prevDelta));
    prevDelta = delta;
  }
  return buf.slice(0, pos);
}

export function chunkLength(chunk: Uint8Array): number {
  return checkedLength(chunk);
}

export type ChunkAxis = 'step' | 'time';

/**
 * Decodes a chunk into `ys` (values) and `xs` (steps or wall-time ms) starting at `offset`.
 * Returns the number of points written.
 */
/** Whether typed arrays use little-endian order here (they do on every platform VS Code runs on). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function decodeChunkInto(chunk: Uint8Array, axis: ChunkAxis, xs: Float64Array, ys: Float64Array, offset: number): number {
  const n = checkedLength(chunk);
  const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  const f32 = (chunk[1]! & 1) === 1;
  let pos = HEADER;
  if (f32) {
    for (let i = 0; i < n; i++, pos += 4) ys[offset + i] = view.getFloat32(pos, true);
  } else if ((chunk.byteOffset + HEADER) % 8 === 0) {
    ys.set(new Float64Array(chunk.buffer, chunk.byteOffset + HEADER, n), offset);
    pos += 8 * n;
  } else if (LITTLE_ENDIAN) {
    // Unaligned (e.g. a view into WASM memory): copy the bytes straight into the target's memory, one memcpy
    // and no temporary buffer (the stored order is little-endian, as the platform's).
    new Uint8Array(ys.buffer, ys.byteOffset + 8 * offset, 8 * n).set(chunk.subarray(HEADER, HEADER + 8 * n));
    pos += 8 * n;
  } else {
    for (let i = 0; i < n; i++, pos += 8) ys[offset + i] = view.getFloat64(pos, true);
  }
  const firstStep = view.getFloat64(pos, true);
  const firstTime = view.getFloat64(pos + 8, true);
  pos += 16;
  if (n === 0) return 0;
  const constantStep = (chunk[1]! & 2) === 2;
  if (axis === 'step') {
    xs[offset] = firstStep;
    if (constantStep) {
      const d = view.getFloat64(pos, true);
      for (let i = 1; i < n; i++) xs[offset + i] = firstStep + d * i;
      return n;
    }
  } else {
    pos = constantStep ? pos + 8 : skipVarints(chunk, pos, n - 1);
    xs[offset] = firstTime;
  }
  // Steps: varints of deltas; times: varints of delta-of-delta.
  const dod = axis === 'time';
  let x = axis === 'step' ? firstStep : firstTime;
  let delta = 0;
  for (let i = 1; i < n; i++) {
    // Inline varint read; the multiply path keeps values above 2^31 exact.
    let b = chunk[pos++]!;
    let z = b & 0x7f;
    let scale = 0x80;
    while (b & 0x80) {
      b = chunk[pos++]!;
      z += (b & 0x7f) * scale;
      scale *= 0x80;
    }
    const d = (z & 1) === 0 && z < 0x80000000 ? z >>> 1 : unzigzag(z);
    if (dod) { delta += d; x += delta; } else x += d;
    xs[offset + i] = x;
  }
  if (pos > chunk.length) throw new DamagedChunkError('its deltas run past its end');
  return n;
}

function skipVarints(chunk: Uint8Array, pos: number, count: number): number {
  for (let i = 0; i < count; i++) while (chunk[pos++]! & 0x80) { /* continuation byte */ }
  return pos;
}

/** Decodes a whole chunk into fresh columns (used when appending to a partly filled last chunk). */
export function decodeChunk(chunk: Uint8Array): { steps: Float64Array; times: Float64Array; values: Float64Array } {
  const n = chunkLength(chunk);
  const steps = new Float64Array(n);
  const times = new Float64Array(n);
  const values = new Float64Array(n);
  decodeChunkInto(chunk, 'step', steps, values, 0);
  decodeChunkInto(chunk, 'time', times, values, 0);
  return { steps, times, values };
}
