// How Trialbook names and values become MLflow keys and values, by rules recorded on the run (trialbook.* tags)
// so anyone reading the server can map them back.
import { createHash } from 'node:crypto';
import type { ParamValue } from '../model';

/** MLflow's limits (mlflow/utils/validation.py, 2.x). */
export const MLFLOW_LIMITS = { key: 250, paramValue: 6000, tagValue: 8000, runName: 250, batchBytes: 1_000_000 };
/** Tag values are cut lower than the server's 8,000: older servers allowed 5,000. */
export const TAG_VALUE_LIMIT = 5000;

const ALLOWED = /^[/\w.\- ]*$/;

function sha8(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/** Whether MLflow takes `key` as a metric, param or tag key as it is. */
export function isValidMlflowKey(key: string): boolean {
  if (key.length === 0 || key.length > MLFLOW_LIMITS.key || !ALLOWED.test(key)) return false;
  // MLflow rejects keys that a path normalisation would change: `a//b`, `a/./b`, `a/`, `/a`, `.`, `..`.
  return !key.startsWith('..') && !key.split('/').some((seg) => seg === '' || seg === '.' || seg === '..');
}

/**
 * The recorded rule for a name MLflow rejects: every character outside letters, digits, `_ - . / space` becomes
 * `_`; empty path segments go, `.`/`..` segments become `_`/`__`; a name still too long (or changed at all) ends
 * in `~` and 8 hex digits of the name's SHA-256, so two different names never share a key.
 */
export function mlflowKeyFor(name: string): string {
  if (isValidMlflowKey(name)) return name;
  const segments = name.replace(/[^/\w.\- ]/g, '_').split('/').filter((s) => s !== '').map((s) => (s === '.' ? '_' : s === '..' ? '__' : s));
  const joined = segments.join('/') || '_';
  const base = joined.startsWith('..') ? `_${joined}` : joined;
  const suffix = `~${sha8(name)}`;
  // `~` is not allowed either: the suffix joins with `_`.
  const tail = suffix.replace('~', '_');
  return `${base.slice(0, MLFLOW_LIMITS.key - tail.length)}${tail}`;
}

/** A value cut to `limit` characters, with a mark that it was cut. */
export function cutText(value: string, limit: number): { value: string; cut: boolean } {
  if (value.length <= limit) return { value, cut: false };
  const mark = '…[truncated]';
  return { value: `${value.slice(0, limit - mark.length)}${mark}`, cut: true };
}

/** A param or summary value as MLflow text: strings as they are, the rest as JSON (non-finite floats by name). */
export function paramText(value: ParamValue): string {
  if (typeof value === 'string') return value;
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
}

/** A metric value as MLflow's JSON takes it: non-finite numbers as the strings its parser knows. */
export function mlflowMetricValue(v: number | string): number | string | undefined {
  if (typeof v === 'string') return v === 'NaN' || v === 'Infinity' || v === '-Infinity' ? v : undefined;
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return v;
}
