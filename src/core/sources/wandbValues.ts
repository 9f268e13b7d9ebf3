// Values in W&B records: `value_json` is Python's json.dumps text (NaN and ±Infinity as bare tokens), a history row
// is flat keys, nested dicts (logged as dicts) and media objects carrying a `_type` (image-file, histogram,
// table-file…). Here they become numbers for charts, params/summary values, or rich values listed by kind.
import { join } from 'node:path';
import type { ParamValue } from '../model';
import { isRecord } from './sourceFiles';
import { nearestDouble } from './decimalDouble';
import type { RichData, RichValue } from './sourceModel';

const NON_FINITE = /"(?:[^"\\]|\\.)*"|-?Infinity|NaN/g;
const MARK = '\u0000wandb-float:';

/** Python's JSON text (with NaN, Infinity, -Infinity) as a value; undefined when it is not JSON at all. */
export function parsePythonJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Bare NaN/Infinity tokens (outside strings) become marked strings, turned back into numbers by the reviver.
    const marked = text.replace(NON_FINITE, (tok) => (tok.startsWith('"') ? tok : `"\\u0000wandb-float:${tok}"`));
    try {
      return JSON.parse(marked, (_k, v: unknown) => (typeof v === 'string' && v.startsWith(MARK) ? Number(v.slice(MARK.length)) : v));
    } catch {
      return undefined;
    }
  }
}

/** Powers of ten a double holds exactly (10^0 … 10^22). */
const EXACT_TENS = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * The number a JSON number's text gives (its UTF-8 or ASCII codes at b[start, end)), when it is one and reading it
 * exactly from the bytes is simple: up to 15 significant digits and a power of ten up to 10^22 (both exact doubles,
 * so the one multiplication or division rounds once, as a correct decimal reading does: Clinger's fast path), or up
 * to 19 digits and a power of ten from 10^-22 to 1, as most doubles Python writes are (decimalDouble.ts, checked
 * exactly). Any other text of JSON's number grammar is read by `slow` when given (same bounds; the text is ASCII),
 * else answers undefined, as any text that is not a JSON number does: JSON.parse reads it.
 */
export function jsonNumberIn(b: Uint8Array, start: number, end: number, slow?: (start: number, end: number) => number): number | undefined {
  let i = start;
  let c = i < end ? b[i]! : -1;
  const negative = c === 45; // '-'
  if (negative) c = ++i < end ? b[i]! : -1;
  // The significant digits as hi·10^n + lo: hi the first 9 (leading zeros skipped), lo the next n (up to 10 more).
  let hi = 0;
  let lo = 0;
  let n = 0;
  let digits = 0;
  if (c === 48) i++; // '0' stands alone before the point
  else if (c >= 49 && c <= 57) {
    for (; i < end && (c = b[i]!) >= 48 && c <= 57; i++) {
      if (++digits <= 9) hi = hi * 10 + (c - 48); else if (digits <= 19) { lo = lo * 10 + (c - 48); n++; }
    }
  } else return undefined;
  let exponent = 0;
  if (i < end && b[i] === 46) { // '.'
    const from = ++i;
    for (; i < end && (c = b[i]!) >= 48 && c <= 57; i++) {
      if (digits === 0 && c === 48) continue; // zeros before the first significant digit
      if (++digits <= 9) hi = hi * 10 + (c - 48); else if (digits <= 19) { lo = lo * 10 + (c - 48); n++; }
    }
    if (i === from) return undefined;
    exponent = from - i;
  }
  if (i < end && ((c = b[i]!) === 101 || c === 69)) { // 'e' 'E'
    c = ++i < end ? b[i]! : -1;
    const minus = c === 45;
    if (minus || c === 43) i++;
    const from = i;
    let e = 0;
    while (i < end && (c = b[i]!) >= 48 && c <= 57) { if (e < 1000) e = e * 10 + (c - 48); i++; }
    if (i === from) return undefined;
    exponent += minus ? -e : e;
  }
  if (i !== end) return undefined;
  if (digits <= 15 && exponent >= -22 && exponent <= 22) {
    // Below 10^15 the digits are an exact double, as is 10^|exponent|: one multiplication or division rounds once.
    const m = hi * EXACT_TENS[n]! + lo;
    const x = exponent < 0 ? m / EXACT_TENS[-exponent]! : m * EXACT_TENS[exponent]!;
    return negative ? -x : x;
  }
  // Integer-part digits past the 19th make the exponent wrong for hi·10^n + lo: those go to `slow`.
  const x = digits <= 19 ? nearestDouble(hi, lo, n, exponent, negative) : undefined;
  return x ?? slow?.(start, end);
}

/** A JSON number's text (RFC 8259 grammar: an optional minus, no leading zeros, digits on both sides of a point). */
function isJsonNumber(s: string): boolean {
  const n = s.length;
  let i = 0;
  let c = n > 0 ? s.charCodeAt(0) : -1;
  if (c === 45) c = ++i < n ? s.charCodeAt(i) : -1; // '-'
  if (c === 48) i++; // '0'
  else if (c >= 49 && c <= 57) { while (i < n && (c = s.charCodeAt(i)) >= 48 && c <= 57) i++; }
  else return false;
  if (i < n && s.charCodeAt(i) === 46) { // '.'
    const digits = ++i;
    while (i < n && (c = s.charCodeAt(i)) >= 48 && c <= 57) i++;
    if (i === digits) return false;
  }
  if (i < n && ((c = s.charCodeAt(i)) === 101 || c === 69)) { // 'e' 'E'
    c = ++i < n ? s.charCodeAt(i) : -1;
    if (c === 43 || c === 45) i++;
    const digits = i;
    while (i < n && (c = s.charCodeAt(i)) >= 48 && c <= 57) i++;
    if (i === digits) return false;
  }
  return i === n;
}

/**
 * parsePythonJson for a history value: a text of JSON's number grammar is read by Number (a correctly rounded
 * reading, as JSON.parse's and jsonNumberIn's are), Python's NaN and ±Infinity are their numbers, anything else
 * goes through parsePythonJson.
 */
export function historyValue(text: string): unknown {
  if (isJsonNumber(text)) return Number(text);
  if (text === 'NaN') return Number.NaN;
  if (text === 'Infinity') return Number.POSITIVE_INFINITY;
  if (text === '-Infinity') return Number.NEGATIVE_INFINITY;
  return parsePythonJson(text);
}

/** A decoded JSON value as a param or summary value (objects rebuilt with own properties only). */
export function paramValue(v: unknown): ParamValue {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(paramValue);
  if (isRecord(v)) {
    const o: { [key: string]: ParamValue } = {};
    for (const k of Object.keys(v)) Object.defineProperty(o, k, { value: paramValue(v[k]), enumerable: true, writable: true, configurable: true });
    return o;
  }
  return String(v);
}

/** An item's name: its key, or its nested key path joined with dots (as W&B shows nested metrics). */
export function itemKey(item: { key?: unknown; nested_key?: unknown }): string {
  if (Array.isArray(item.nested_key) && item.nested_key.length > 0) return item.nested_key.map(String).join('.');
  return typeof item.key === 'string' ? item.key : '';
}

/** A media object W&B logged (`{"_type": …}`). */
export function mediaType(v: unknown): string | undefined {
  return isRecord(v) && typeof v._type === 'string' ? v._type : undefined;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : Number.NaN);

const SAFE_MEDIA_PATH = /^[A-Za-z0-9._-][A-Za-z0-9._/-]*$/;

/** A non-numeric history value as a rich value (images, histograms, tables, text…): listed and counted. */
export function richOf(tag: string, step: number, timeMs: number, v: unknown, filesDir?: string): RichValue {
  const type = mediaType(v);
  const base = { tag, step, timeMs };
  if (typeof v === 'string') return { ...base, kind: 'text', detail: v.length > 40 ? `${v.slice(0, 40)}…` : v, data: { kind: 'text', text: v } };
  if (!isRecord(v) || type === undefined) return { ...base, kind: 'other', detail: Array.isArray(v) ? `list of ${v.length}` : typeof v, data: { kind: 'json', json: v } };
  if (type === 'image-file') {
    const width = num(v.width);
    const height = num(v.height);
    const format = typeof v.format === 'string' ? v.format : 'unknown';
    const data: Extract<RichData, { kind: 'image' }> = { kind: 'image', width, height, format, bytes: num(v.size) };
    // The file W&B wrote under the run's files/ (a relative path that stays inside it).
    if (filesDir !== undefined && typeof v.path === 'string' && SAFE_MEDIA_PATH.test(v.path) && !v.path.split('/').includes('..')) data.file = join(filesDir, ...v.path.split('/'));
    if (typeof v.caption === 'string') data.caption = v.caption;
    return { ...base, kind: 'image', detail: `${width}×${height} ${format}`, data };
  }
  if (type === 'histogram') {
    const counts = Array.isArray(v.values) ? v.values.map(num) : [];
    const bins = Array.isArray(v.bins) ? v.bins.map(num) : [];
    // W&B keeps bin edges and counts only: the samples' sum and sum of squares are unknown (NaN), not estimated.
    const data: RichData = {
      kind: 'histogram', min: bins[0] ?? Number.NaN, max: bins[bins.length - 1] ?? Number.NaN, num: counts.reduce((a, b) => a + b, 0),
      sum: Number.NaN, sumSquares: Number.NaN, limits: bins.slice(1), counts,
    };
    return { ...base, kind: 'histogram', detail: `${counts.length} buckets`, data };
  }
  if (type === 'table-file' || type === 'table' || type === 'partitioned-table' || type === 'joined-table') {
    const rows = num(v.nrows);
    const cols = num(v.ncols);
    return { ...base, kind: 'table', detail: Number.isFinite(rows) && Number.isFinite(cols) ? `${rows}×${cols} table` : 'table', data: { kind: 'json', json: v } };
  }
  return { ...base, kind: 'other', detail: type, data: { kind: 'json', json: v } };
}

/**
 * One history value as metric points: a number (NaN/±inf included) is one point, a plain nested dict gives one per
 * numeric leaf (`a.b`), anything else is a rich value. Booleans and lists are rich values.
 */
export function spreadValue(key: string, v: unknown, onNumber: (key: string, value: number) => void, onRich: (key: string, value: unknown) => void, depth = 0): void {
  if (typeof v === 'number') { onNumber(key, v); return; }
  if (isRecord(v) && mediaType(v) === undefined && depth < 8) {
    for (const k of Object.keys(v)) spreadValue(`${key}.${k}`, v[k], onNumber, onRich, depth + 1);
    return;
  }
  if (v !== null && v !== undefined) onRich(key, v);
}
