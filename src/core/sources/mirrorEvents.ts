// A source run's delta as lines of Trialbook's event format (docs/event-format.md), so the index reads an imported
// run exactly like a run its own SDK logged. Points that share a step and a time become one `metrics` event.
import { MAX_KEY_CHARS } from '../eventValidation';
import type { ParamValue } from '../model';
import type { RichValue, SourceKind, SourceRunMeta, SourceSeries } from './sourceModel';
import { IMPORTED_SDK_VERSION, SOURCE_KIND_NAMES } from './sourceModel';
import { LineBuffer } from './lineBuffer';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function nonFinite(v: number): string {
  return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}

/** A param or summary value in the event format (non-finite floats as {"$float": …}). */
function paramJson(v: ParamValue): Json {
  if (typeof v === 'number') return Number.isFinite(v) ? v : { $float: nonFinite(v) };
  if (Array.isArray(v)) return v.map(paramJson);
  if (v !== null && typeof v === 'object') {
    const o: { [key: string]: Json } = {};
    for (const k of Object.keys(v)) Object.defineProperty(o, k, { value: paramJson(v[k] as ParamValue), enumerable: true, writable: true, configurable: true });
    return o;
  }
  return v;
}

/** An MLflow param is always text: "0.01" and "32" read as numbers (so filters and charts can use them) when
 *  writing the number back gives the same text; anything else stays text. */
export function paramFromText(text: string): ParamValue {
  if (text === 'True' || text === 'true') return true;
  if (text === 'False' || text === 'false') return false;
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) && String(n) === text ? n : text;
}

function objectOf(map: ReadonlyMap<string, ParamValue>, fromText: boolean): { [key: string]: Json } {
  const o: { [key: string]: Json } = {};
  for (const [k, v] of map) {
    if (k.length === 0 || k.length > MAX_KEY_CHARS) continue;
    const value = fromText && typeof v === 'string' ? paramFromText(v) : v;
    Object.defineProperty(o, k, { value: paramJson(value), enumerable: true, writable: true, configurable: true });
  }
  return o;
}

/** The source's tags as Trialbook tags: `key=value` (or the label alone); MLflow's own `mlflow.*` tags are fields. */
export function tagList(tags: ReadonlyMap<string, string>): string[] {
  const out: string[] = [];
  for (const [k, v] of tags) {
    if (k.startsWith('mlflow.')) continue;
    const tag = v === '' ? k : `${k}=${v}`;
    out.push(tag.length > MAX_KEY_CHARS ? tag.slice(0, MAX_KEY_CHARS) : tag);
  }
  return out.filter((t) => t.length > 0);
}

function line(event: { [key: string]: Json }): string {
  return `${JSON.stringify({ v: 1, ...event })}\n`;
}

const seconds = (ms: number): number => Math.max(0, ms) / 1000;

export interface StartInfo {
  mirrorId: string;
  kind: SourceKind;
  /** Params arrive as text (MLflow) and are read as numbers where they are. */
  paramsAsText: boolean;
  parentMirrorId?: string;
}

/** The first lines of an imported run: run_start with its params, tags, notes and lineage. */
export function startLines(info: StartInfo, meta: SourceRunMeta): string {
  const lineage: { [key: string]: Json } = {};
  if (meta.user) lineage.user = meta.user;
  if (meta.host) lineage.host = meta.host;
  if (meta.script) lineage.script = meta.script;
  const ev: { [key: string]: Json } = {
    t: 'run_start', ts: seconds(meta.startedAt), run_id: info.mirrorId,
    experiment: (meta.experiment || 'imported').slice(0, MAX_KEY_CHARS), name: (meta.name || info.mirrorId).slice(0, MAX_KEY_CHARS),
    notes: meta.notes, tags: tagList(meta.tags), config: objectOf(meta.params, info.paramsAsText), lineage,
    sdk: { name: SOURCE_KIND_NAMES[info.kind], version: IMPORTED_SDK_VERSION },
  };
  if (info.parentMirrorId) ev.group = info.parentMirrorId;
  let out = line(ev);
  if (meta.summary.size > 0) out += line({ t: 'summary', ts: seconds(meta.startedAt), summary: objectOf(meta.summary, false) });
  return out;
}

/** Lines for metadata that changed after the first read (params, tags, notes, summary). */
export function changedMetaLines(info: StartInfo, before: SourceRunMeta | undefined, meta: SourceRunMeta, tsMs: number): string {
  const ts = seconds(tsMs);
  let out = '';
  out += line({ t: 'params', ts, params: objectOf(meta.params, info.paramsAsText) });
  const tags = tagList(meta.tags);
  if (!before || JSON.stringify(tagList(before.tags)) !== JSON.stringify(tags)) out += line({ t: 'tags', ts, tags });
  if (!before || before.notes !== meta.notes) out += line({ t: 'notes', ts, notes: meta.notes });
  if (meta.summary.size > 0) out += line({ t: 'summary', ts, summary: objectOf(meta.summary, false) });
  return out;
}

export function endLine(status: SourceRunMeta['status'], endMs: number): string {
  return line({ t: 'run_end', ts: seconds(endMs), status: status === 'running' ? 'finished' : status });
}

/** A run that had ended and gets new points: started again (its name and experiment stay). */
export function resumeLine(mirrorId: string, experiment: string, name: string, tsMs: number): string {
  return line({ t: 'run_start', ts: seconds(tsMs), run_id: mirrorId, experiment: experiment || 'imported', name: name || mirrorId, resumed: true });
}

export function warningLine(tsMs: number, message: string): string {
  return line({ t: 'warning', ts: seconds(tsMs), message });
}

export function heartbeatLine(tsMs: number): string {
  return line({ t: 'heartbeat', ts: seconds(tsMs) });
}

export interface MetricLines {
  /** The lines as UTF-8 bytes, ready to append (written straight into a buffer: no string per line). */
  bytes: Buffer;
  /** The latest time seen (ms). */
  lastMs: number;
  /** The series the text merged, in key order, when every one was ordered (mirrorColumns.ts turns them into columns). */
  merged?: KeyedSeries[];
  /** Lines of the text (counted as written: counting them in the text would flatten it once more). */
  lines: number;
}

/**
 * Points of several metrics as `metrics` events, one per (time, step) they share, in time order (then step).
 * Returns the text and the latest time seen (ms). `grouped` forces the general way (tests compare the two).
 */
export function metricLines(series: ReadonlyMap<string, SourceSeries>, how: 'fastest' | 'grouped' = 'fastest'): MetricLines {
  const list: KeyedSeries[] = [];
  let lastMs = 0;
  let ordered = true;
  let scan = { lastMs: 0, ordered: true };
  let scanned: SourceSeries | undefined;
  for (const [key, s] of series) {
    if (key.length === 0 || key.length > MAX_KEY_CHARS) continue;
    list.push({ key, json: JSON.stringify(key), s });
    // Series in lockstep share their steps and times (lockstepPoints.ts): scanned once.
    if (!scanned || s.steps !== scanned.steps || s.times !== scanned.times) { scan = scanSeries(s); scanned = s; }
    if (scan.lastMs > lastMs) lastMs = scan.lastMs;
    if (!scan.ordered) ordered = false;
  }
  // Sources almost always hold each series in order: merging them costs one pass; grouping serves the rest.
  if (how === 'fastest' && ordered && list.length <= MAX_MERGED_KEYS) {
    const merged = mergedLines(list);
    return { bytes: merged.bytes, lastMs, merged: list, lines: merged.lines };
  }
  const grouped = groupedLines(list);
  return { bytes: Buffer.from(grouped.text, 'utf8'), lastMs, lines: grouped.lines };
}

export interface KeyedSeries { key: string; json: string; s: SourceSeries }

/** Above this many keys a merge that looks at every key's head per line costs more than grouping. */
const MAX_MERGED_KEYS = 64;

/** The latest time of a series, and whether its points come in strictly increasing (time, step) with finite times. */
function scanSeries(s: SourceSeries): { lastMs: number; ordered: boolean } {
  let lastMs = 0;
  let ordered = true;
  let pt = Number.NEGATIVE_INFINITY;
  let ps = Number.NEGATIVE_INFINITY;
  const n = s.steps.length;
  for (let i = 0; i < n; i++) {
    const t = s.times[i] ?? 0;
    const step = s.steps[i] ?? 0;
    if (t > lastMs) lastMs = t;
    if (!ordered) continue;
    if (!Number.isFinite(t) || !Number.isFinite(step) || t < pt || (t === pt && step <= ps)) ordered = false;
    pt = t;
    ps = step;
  }
  return { lastMs, ordered };
}

/** `{"v":1,"t":"metrics",…}` written directly: the same bytes JSON.stringify gives, without an object per line. */
function metricsLine(timeMs: number, step: number, values: string): string {
  return `{"v":1,"t":"metrics","ts":${seconds(timeMs)},"step":${step},"values":{${values}}}\n`;
}

function valueJson(v: number): string {
  return Number.isFinite(v) ? String(v) : `"${nonFinite(v)}"`;
}

/** The longest a metrics line's fixed parts and one value (number or quoted word, with its colon and comma) can be. */
const LINE_BYTES = 96;
const VALUE_BYTES = 28;

/** A value in a metrics line: its shortest round-trip text (what JSON.stringify writes), non-finite ones as words. */
function writeValue(out: LineBuffer, v: number): void {
  out.ascii(Number.isFinite(v) ? String(v) : `"${nonFinite(v)}"`);
}

/**
 * Every series ordered: a merge of their heads, one line per (time, step), keys in the order of `list`, written as
 * bytes straight into one buffer (the same bytes metricsLine gives: the tests compare it with the grouped way).
 */
function mergedLines(list: readonly KeyedSeries[]): { bytes: Buffer; lines: number } {
  const k = list.length;
  const pos = new Array<number>(k).fill(0);
  const keys = list.map((e) => Buffer.from(e.json, 'utf8'));
  let lineMax = LINE_BYTES;
  let points = 0;
  for (let j = 0; j < k; j++) { lineMax += (keys[j]?.length ?? 0) + VALUE_BYTES; points += list[j]?.s.steps.length ?? 0; }
  const out = new LineBuffer(points * 24 + lineMax);
  if (lockstep(list)) return { bytes: lockstepLines(list, lineMax, out), lines: lockstepCount(list) };
  let lines = 0;
  for (;;) {
    let bt = Number.POSITIVE_INFINITY;
    let bs = Number.POSITIVE_INFINITY;
    let found = false;
    for (let j = 0; j < k; j++) {
      const e = list[j];
      const i = pos[j] ?? 0;
      if (!e || i >= e.s.steps.length) continue;
      const t = e.s.times[i] ?? 0;
      const step = e.s.steps[i] ?? 0;
      if (!found || t < bt || (t === bt && step < bs)) { bt = t; bs = step; found = true; }
    }
    if (!found) return { bytes: out.take(), lines };
    // A line the format refuses (negative or fractional step) is left out; its points are consumed all the same.
    const write = bs >= 0 && Number.isSafeInteger(bs);
    if (write) {
      out.reserve(lineMax);
      out.ascii('{"v":1,"t":"metrics","ts":');
      out.ascii(String(seconds(bt)));
      out.ascii(',"step":');
      out.whole(bs);
      out.ascii(',"values":{');
      lines++;
    }
    let first = true;
    for (let j = 0; j < k; j++) {
      const e = list[j];
      const i = pos[j] ?? 0;
      if (!e || i >= e.s.steps.length || e.s.times[i] !== bt || e.s.steps[i] !== bs) continue;
      pos[j] = i + 1;
      if (!write) continue;
      if (!first) out.ascii(',');
      first = false;
      out.bytes(keys[j] ?? EMPTY);
      out.ascii(':');
      writeValue(out, e.s.values[i] ?? Number.NaN);
    }
    if (write) out.ascii('}}\n');
  }
}

const EMPTY = new Uint8Array(0);

/** Every series has a point at the same (time, step) as the others, point for point (W&B rows, most TensorBoard runs). */
function lockstep(list: readonly KeyedSeries[]): boolean {
  const first = list[0]?.s;
  if (!first) return false;
  const n = first.steps.length;
  for (let j = 1; j < list.length; j++) {
    const s = list[j]?.s;
    if (!s || s.steps.length !== n) return false;
    if (s.steps === first.steps && s.times === first.times) continue; // the same arrays (lockstepPoints.ts)
    for (let i = 0; i < n; i++) if (s.times[i] !== first.times[i] || s.steps[i] !== first.steps[i]) return false;
  }
  return true;
}

/**
 * Lines a merge writes for series in lockstep: the line of each point index (no head to look for), each built as
 * one string and written with one call (quicker than copying its parts byte by byte).
 */
function lockstepLines(list: readonly KeyedSeries[], lineMax: number, out: LineBuffer): Buffer {
  const first = list[0]?.s;
  const n = first?.steps.length ?? 0;
  const k = list.length;
  // Each key as it goes before its value: `"key":`, after a comma but for the first.
  const heads = list.map((e, j) => `${j > 0 ? ',' : ''}${e.json}:`);
  const values = list.map((e) => e.s.values);
  const encoding = heads.every((h) => Buffer.byteLength(h, 'utf8') === h.length) ? 'latin1' : 'utf8'; // keys all ASCII, or not
  for (let i = 0; i < n; i++) {
    const step = first?.steps[i] ?? 0;
    if (!(step >= 0 && Number.isSafeInteger(step))) continue; // a line the format refuses, as in the merge
    let line = `{"v":1,"t":"metrics","ts":${seconds(first?.times[i] ?? 0)},"step":${step},"values":{`;
    for (let j = 0; j < k; j++) {
      const v = values[j]?.[i] ?? Number.NaN;
      line += heads[j]! + (Number.isFinite(v) ? String(v) : `"${nonFinite(v)}"`);
    }
    out.reserve(lineMax);
    out.write(`${line}}}\n`, encoding);
  }
  return out.take();
}

function lockstepCount(list: readonly KeyedSeries[]): number {
  const steps = list[0]?.s.steps ?? [];
  let lines = 0;
  for (const step of steps) if (step >= 0 && Number.isSafeInteger(step)) lines++;
  return lines;
}

/** Any order: points grouped by (time, step); a second point of a key at the same (time, step) gets a line of its own. */
function groupedLines(list: readonly KeyedSeries[]): { text: string; lines: number } {
  const groups = new Map<string, { step: number; timeMs: number; keys: Set<string>; values: string }>();
  for (const { key, json, s } of list) {
    for (let i = 0; i < s.steps.length; i++) {
      const step = s.steps[i] ?? 0;
      const timeMs = s.times[i] ?? 0;
      const gk = `${timeMs}|${step}`;
      let g = groups.get(gk);
      if (g && g.keys.has(key)) { groups.set(`${gk}|${i}|${key}`, g); g = undefined; }
      if (!g) { g = { step, timeMs, keys: new Set(), values: '' }; groups.set(gk, g); }
      g.keys.add(key);
      g.values += `${g.values === '' ? '' : ','}${json}:${valueJson(s.values[i] ?? Number.NaN)}`;
    }
  }
  const ordered = [...new Set(groups.values())].sort((a, b) => a.timeMs - b.timeMs || a.step - b.step);
  let text = '';
  let lines = 0;
  for (const g of ordered) {
    if (g.step < 0 || !Number.isSafeInteger(g.step)) continue;
    text += metricsLine(g.timeMs, g.step, g.values);
    lines++;
  }
  return { text, lines };
}

/** Rich values listed in words (the media issue will show them; until then they are counted, not dropped). */
export function richSummary(rich: readonly RichValue[]): string | undefined {
  if (rich.length === 0) return undefined;
  const byTag = new Map<string, { kind: string; count: number; first: number; last: number; detail: string }>();
  for (const r of rich) {
    const k = `${r.kind}\u0000${r.tag}`;
    const e = byTag.get(k);
    if (e) { e.count++; e.first = Math.min(e.first, r.step); e.last = Math.max(e.last, r.step); } else byTag.set(k, { kind: r.kind, count: 1, first: r.step, last: r.step, detail: r.detail });
  }
  const parts = [...byTag.entries()].slice(0, 50).map(([k, e]) => `${k.split('\u0000')[1] ?? ''} (${e.kind} ×${e.count}, steps ${e.first}–${e.last}${e.detail ? `, ${e.detail}` : ''})`);
  const more = byTag.size > 50 ? ` and ${byTag.size - 50} more tags` : '';
  return `${rich.length} rich value${rich.length === 1 ? '' : 's'} imported as a list only (not shown as charts yet): ${parts.join('; ')}${more}`;
}
