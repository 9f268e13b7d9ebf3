// TensorBoard logdirs: every folder holding events.out.tfevents.* files is a run named by its path relative to the
// logdir (as TensorBoard names them: add_scalars and add_hparams write sub-folders, which are runs of their own).
// Each event file is read from its byte offset (tfRecord.ts checks the framing), each record decoded as an Event
// with protobufjs (tensorboardProto.ts): scalars (simple_value, or a scalar tensor), histograms, images, text and
// HParams (the session's hparams become the run's params); other plugins are listed by name.
import { statSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import type { Type } from 'protobufjs';
import type { ParamValue } from '../model';
import { imageHeader } from './imageHeader';
import { cursorNumber, isRecord, listDir } from './sourceFiles';
import type { RichValue, RunDelta, SourceProblem, SourceRunMeta } from './sourceModel';
import { seriesOf } from './sourceModel';
import type { RunListing, SourceReader, SourceRunRef } from './sourceReader';
import { tensorboardTypes } from './tensorboardProto';
import { ScalarEvents } from './tensorboardScalars';
import { readRecordSpans } from './tfRecord';

const TFEVENTS = /^events\.out\.tfevents\./;
/** Folders visited when listing a logdir; beyond it the listing stops and says so. */
const MAX_DIRS = 200_000;
/** A run whose newest event file changed within this many ms still counts as being written. */
const ACTIVE_MS = 60_000;
const DT_FLOAT = 1;
const DT_DOUBLE = 2;
const DT_STRING = 7;
const DT_HALF = 19;

type Msg = Record<string, unknown>;

function has(m: Msg, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(m, key);
}

function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (isRecord(v) && typeof v.toNumber === 'function') return (v.toNumber as () => number)();
  return 0;
}

function msg(v: unknown): Msg | undefined {
  return isRecord(v) ? v : undefined;
}

function numbers(v: unknown): number[] {
  return Array.isArray(v) ? v.map(num) : [];
}

function bytesOf(v: unknown): Uint8Array | undefined {
  return v instanceof Uint8Array ? v : undefined;
}

/** IEEE half float from its 16 bits. */
function half(bits: number): number {
  const s = bits & 0x8000 ? -1 : 1;
  const e = (bits >> 10) & 0x1f;
  const f = bits & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? Number.NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** The single number of a scalar tensor (TF2 scalars: float, double or half, in a value list or tensor_content). */
function tensorScalar(t: Msg): number | undefined {
  const dtype = num(t.dtype);
  const floats = numbers(t.float_val);
  if (floats.length > 0) return floats[0];
  const doubles = numbers(t.double_val);
  if (doubles.length > 0) return doubles[0];
  const halves = numbers(t.half_val);
  if (halves.length > 0 && halves[0] !== undefined) return half(halves[0]);
  const ints = numbers(t.int_val);
  if (ints.length > 0) return ints[0];
  const content = bytesOf(t.tensor_content);
  if (content && content.length > 0) {
    const view = new DataView(content.buffer, content.byteOffset, content.byteLength);
    if (dtype === DT_FLOAT && content.length >= 4) return view.getFloat32(0, true);
    if (dtype === DT_DOUBLE && content.length >= 8) return view.getFloat64(0, true);
    if (dtype === DT_HALF && content.length >= 2) return half(view.getUint16(0, true));
  }
  return undefined;
}

/** Protobuf JSON of a decoded message (field names as in the .proto, enums by name, keys sorted), as TensorBoard prints it. */
function protoJson(type: Type, m: Msg): unknown {
  const o = type.toObject(m as never, { enums: String, longs: Number, defaults: false, oneofs: false, json: true }) as unknown;
  return sortKeys(unwrapValues(o));
}

/** google.protobuf.Value as plain JSON (number_value → the number…), lists and structs inside. */
function unwrapValues(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(unwrapValues);
  if (!isRecord(v)) return v;
  const keys = Object.keys(v);
  if (keys.length === 1) {
    const k = keys[0] ?? '';
    if (k === 'number_value' || k === 'string_value' || k === 'bool_value') return v[k];
    if (k === 'null_value') return null;
    if (k === 'list_value') return unwrapValues(msg(v[k])?.values ?? []);
    if (k === 'struct_value') return unwrapValues(msg(v[k])?.fields ?? {});
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) Object.defineProperty(out, k, { value: unwrapValues(v[k]), enumerable: true, writable: true, configurable: true });
  return out;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isRecord(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) Object.defineProperty(out, k, { value: sortKeys(v[k]), enumerable: true, writable: true, configurable: true });
  return out;
}

interface TbCursor {
  files: Record<string, { offset: number; ino: number }>;
  startedAt: number;
  lastMs: number;
  /** The metadata last handed over (status and params), to hand it again only when it changes. */
  metaSig: string;
  params: [string, ParamValue][];
}

function asCursor(v: unknown): TbCursor | undefined {
  if (!isRecord(v) || !isRecord(v.files) || typeof v.metaSig !== 'string' || !Array.isArray(v.params)) return undefined;
  const files: TbCursor['files'] = {};
  for (const [k, f] of Object.entries(v.files)) if (isRecord(f)) Object.defineProperty(files, k, { value: { offset: cursorNumber(f.offset), ino: cursorNumber(f.ino) }, enumerable: true, writable: true, configurable: true });
  return { files, startedAt: cursorNumber(v.startedAt), lastMs: cursorNumber(v.lastMs), metaSig: v.metaSig, params: v.params as [string, ParamValue][] };
}

export class TensorBoardReader implements SourceReader {
  readonly kind = 'tensorboard' as const;
  private readonly types = tensorboardTypes();
  /** Scalar-only records read without building objects (unless `fullDecode`); every other record is decoded in full. */
  private readonly scalars: ScalarEvents | undefined;

  constructor(readonly root: string, private readonly now: () => number = Date.now, options: { fullDecode?: boolean } = {}) {
    this.scalars = options.fullDecode ? undefined : ScalarEvents.forEvent(this.types.event);
  }

  async listRuns(): Promise<RunListing> {
    const runs: SourceRunRef[] = [];
    const problems: SourceProblem[] = [];
    const queue = [this.root];
    let visited = 0;
    while (queue.length > 0) {
      const dir = queue.pop() ?? this.root;
      if (++visited > MAX_DIRS) {
        problems.push({ file: this.root, reason: `more than ${MAX_DIRS} folders under the logdir; the listing stopped there (add a smaller folder as the source)` });
        break;
      }
      let hasEvents = false;
      let entries;
      try { entries = listDir(dir); } catch (err) { problems.push({ file: dir, reason: `cannot list: ${String(err)}` }); continue; }
      for (const d of entries) {
        if (d.isFile() && TFEVENTS.test(d.name)) hasEvents = true;
        else if (d.isDirectory() && !d.name.startsWith('.')) queue.push(join(dir, d.name));
      }
      if (hasEvents) {
        const rel = relative(this.root, dir).split(sep).join('/');
        runs.push({ sourceId: rel === '' ? '.' : rel, location: dir });
      }
    }
    runs.sort((a, b) => (a.sourceId < b.sourceId ? -1 : a.sourceId > b.sourceId ? 1 : 0));
    return { runs, problems };
  }

  async readRun(ref: SourceRunRef, cursorValue: unknown): Promise<RunDelta> {
    const prev = asCursor(cursorValue);
    const cursor: TbCursor = prev ?? { files: {}, startedAt: 0, lastMs: 0, metaSig: '', params: [] };
    const delta: RunDelta = { sourceId: ref.sourceId, series: new Map(), rich: [], problems: [], cursor };
    const params = new Map<string, ParamValue>(cursor.params);
    let status: 'finished' | 'failed' | 'running' | undefined;
    let newestMtime = 0;
    let minMs = Number.POSITIVE_INFINITY;
    let firstRecordMs = 0;
    const files = listDir(ref.location).filter((d) => d.isFile() && TFEVENTS.test(d.name)).map((d) => d.name).sort();
    for (const name of files) {
      const file = join(ref.location, name);
      let st;
      try { st = statSync(file); } catch { continue; }
      newestMtime = Math.max(newestMtime, st.mtimeMs);
      const at = Object.prototype.hasOwnProperty.call(cursor.files, name) ? cursor.files[name] : undefined;
      // The same file grown: read on from its offset; another file in its place (or shrunk): from the start.
      const from = at && at.ino === st.ino && at.offset <= st.size ? at.offset : 0;
      if (from === st.size) continue;
      const fast = this.scalars;
      const result = readRecordSpans(file, from, (buf, start, end, offset) => {
        if (fast?.read(buf, start, end)) {
          // What the full decode below does with the same record (scalars only: each a point).
          const timeMs = fast.wallTime * 1000;
          const step = fast.step;
          if (timeMs > 0 && timeMs < minMs) minMs = timeMs;
          if (timeMs > cursor.lastMs) cursor.lastMs = timeMs;
          for (let i = 0; i < fast.count; i++) {
            const s = seriesOf(delta, fast.tags[i] ?? '');
            s.steps.push(step); s.times.push(timeMs); s.values.push(fast.values[i] ?? Number.NaN);
          }
          return;
        }
        const data = buf.subarray(start, end);
        let event: Msg;
        try {
          event = this.types.event.decode(data) as unknown as Msg;
        } catch (err) {
          delta.problems.push({ file, offset, reason: `record is not an Event protobuf (${String(err)}); record skipped` });
          return;
        }
        const timeMs = num(event.wall_time) * 1000;
        const step = num(event.step);
        const summary = msg(event.summary);
        // The run's span is that of its summaries (writers may log explicit times far from the file's creation time).
        if (!summary || !Array.isArray(summary.value)) { if (timeMs > 0) firstRecordMs ||= timeMs; return; }
        if (timeMs > 0 && timeMs < minMs) minMs = timeMs;
        if (timeMs > cursor.lastMs) cursor.lastMs = timeMs;
        for (const v of summary.value) {
          const value = msg(v);
          if (!value) continue;
          const s = this.takeValue(value, step, timeMs, delta, params, file, offset);
          if (s) status = s;
        }
      });
      for (const p of result.problems) delta.problems.push({ file, offset: p.offset, reason: p.reason });
      Object.defineProperty(cursor.files, name, { value: { offset: result.offset, ino: st.ino }, enumerable: true, writable: true, configurable: true });
    }
    if (cursor.startedAt === 0) cursor.startedAt = Number.isFinite(minMs) ? minMs : firstRecordMs;
    if (cursor.lastMs === 0) cursor.lastMs = cursor.startedAt;
    cursor.params = [...params];
    const runStatus: SourceRunMeta['status'] = status === 'failed' ? 'failed' : this.now() - newestMtime < ACTIVE_MS ? 'running' : 'finished';
    const sig = JSON.stringify([runStatus, cursor.params]);
    if (sig !== cursor.metaSig && cursor.startedAt > 0) {
      cursor.metaSig = sig;
      const name = ref.sourceId === '.' ? basename(this.root) : ref.sourceId;
      delta.meta = {
        experiment: basename(this.root), name, status: runStatus, startedAt: cursor.startedAt, notes: '', tags: new Map(), params,
        summary: new Map(), artifacts: [],
      };
      if (runStatus !== 'running') delta.meta.endedAt = cursor.lastMs;
    }
    return delta;
  }

  close(): void { /* nothing held open */ }

  /** One Summary.Value: a scalar point, a rich value, or hparams. Answers the session status when it carries one. */
  private takeValue(v: Msg, step: number, timeMs: number, delta: RunDelta, params: Map<string, ParamValue>, file: string, offset: number): 'finished' | 'failed' | 'running' | undefined {
    const tag = typeof v.tag === 'string' ? v.tag : '';
    // Scalars first: nearly every value is one (nothing else is looked at or allocated for them).
    if (has(v, 'simple_value')) {
      const s = seriesOf(delta, tag);
      s.steps.push(step); s.times.push(timeMs); s.values.push(num(v.simple_value));
      return undefined;
    }
    const plugin = msg(msg(v.metadata)?.plugin_data);
    const pluginName = typeof plugin?.plugin_name === 'string' ? plugin.plugin_name : '';
    const rich = (r: Omit<RichValue, 'tag' | 'step' | 'timeMs'>): void => { delta.rich.push({ tag, step, timeMs, ...r }); };
    const histo = msg(v.histo);
    if (histo) {
      const limits = numbers(histo.bucket_limit);
      rich({ kind: 'histogram', detail: `${limits.length} buckets`, data: { kind: 'histogram', min: num(histo.min), max: num(histo.max), num: num(histo.num), sum: num(histo.sum), sumSquares: num(histo.sum_squares), limits, counts: numbers(histo.bucket) } });
      return undefined;
    }
    const image = msg(v.image);
    if (image) {
      const bytes = bytesOf(image.encoded_image_string) ?? new Uint8Array();
      const head = imageHeader(bytes);
      const width = head?.width ?? num(image.width);
      const height = head?.height ?? num(image.height);
      const format = head?.format ?? 'unknown';
      rich({ kind: 'image', detail: `${width}×${height} ${format}`, data: { kind: 'image', width, height, format, bytes: bytes.length, encoded: bytes } });
      return undefined;
    }
    if (pluginName === 'hparams') {
      const content = bytesOf(plugin?.content);
      if (!content) return undefined;
      let data: Msg;
      try { data = this.types.hparams.decode(content) as unknown as Msg; } catch (err) {
        delta.problems.push({ file, offset, reason: `hparams plugin data of "${tag}" cannot be decoded (${String(err)}); left out` });
        return undefined;
      }
      const json = protoJson(this.types.hparams, data);
      rich({ kind: 'hparams', detail: Object.keys(isRecord(json) ? json : {}).join(', '), data: { kind: 'hparams', json } });
      const start = msg(data.session_start_info);
      if (start && isRecord(json)) {
        const hp = msg(msg(json.session_start_info)?.hparams) ?? {};
        for (const [k, val] of Object.entries(hp)) params.set(k, (typeof val === 'object' && val !== null ? JSON.stringify(val) : val) as ParamValue);
      }
      const end = msg(data.session_end_info);
      if (end) return num(end.status) === 2 ? 'failed' : num(end.status) === 3 ? 'running' : 'finished';
      return undefined;
    }
    const tensor = msg(v.tensor);
    if (tensor) {
      if (pluginName === 'text' || num(tensor.dtype) === DT_STRING) {
        const strings = Array.isArray(tensor.string_val) ? tensor.string_val : [];
        const text = strings.map((b) => Buffer.from(bytesOf(b) ?? new Uint8Array()).toString('utf8')).join('\n');
        rich({ kind: 'text', detail: text.length > 40 ? `${text.slice(0, 40)}…` : text, data: { kind: 'text', text } });
        return undefined;
      }
      if (pluginName === 'scalars' || pluginName === '') {
        const x = tensorScalar(tensor);
        if (x !== undefined) {
          const s = seriesOf(delta, tag);
          s.steps.push(step); s.times.push(timeMs); s.values.push(x);
          return undefined;
        }
      }
      rich({ kind: pluginName === 'histograms' ? 'histogram' : pluginName === 'images' ? 'image' : 'other', detail: pluginName || 'tensor' });
      return undefined;
    }
    if (has(v, 'audio')) { rich({ kind: 'other', detail: 'audio' }); return undefined; }
    if (pluginName) rich({ kind: 'other', detail: pluginName });
    return undefined;
  }
}
