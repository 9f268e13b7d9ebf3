// One formatter for every place that shows a value to a person: trees, tooltips, quick picks, the CLI and every
// webview. The same number reads the same everywhere. Pure functions, no DOM and no Node: both sides import it.

/** Significant digits of a non-integer shown in full (integers below 1e9 are always shown exactly). */
export const SIGNIFICANT_DIGITS = 4;

function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/**
 * A number as short as it can be while keeping 4 significant digits: integers below 1e9 exactly, exponents only
 * for magnitudes below 1e-3 or from 1e6 up, and never fewer digits than the integer part has.
 * NaN and ±Infinity stay visible as `NaN`, `∞`, `-∞`.
 */
export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  if (Object.is(value, -0)) return '0';
  const abs = Math.abs(value);
  if (Number.isInteger(value) && abs < 1e9) return String(value);
  if (abs < 1e-3 || abs >= 1e6) {
    const [mantissa = '', exponent = ''] = value.toExponential(SIGNIFICANT_DIGITS - 1).split('e');
    return `${trimZeros(mantissa)}e${exponent}`;
  }
  if (abs >= 1) {
    const intDigits = Math.floor(Math.log10(abs)) + 1;
    return trimZeros(value.toFixed(Math.max(0, SIGNIFICANT_DIGITS - intDigits)));
  }
  return trimZeros(value.toPrecision(SIGNIFICANT_DIGITS));
}

/** A param or summary value: numbers as above, strings as they are, anything else as its JSON text. */
export function formatValue(value: unknown): string {
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  return JSON.stringify(value) ?? String(value);
}

/** A count with thousands separators: `1,234,567`. */
export function formatCount(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : formatNumber(n);
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** `850 ms`, `42s`, `1m 05s`, `2h 03m`, `3d 04h`; `—` for a negative or unknown duration. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${pad2(s % 60)}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${pad2(Math.floor((s % 3600) / 60))}m`;
  return `${Math.floor(s / 86400)}d ${pad2(Math.floor((s % 86400) / 3600))}h`;
}

const byteUnits = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** Bytes in binary units, named as such: `512 B`, `1.5 KiB`, `91.3 MiB`. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < byteUnits.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${byteUnits[unit] ?? ''}`;
}

/** How long ago, as a person says it: `30s ago`, `5m ago`, `3h ago` (up to two days), `3d ago`. */
export function formatAge(fromMs: number, nowMs: number): string {
  const seconds = Math.max(0, Math.round((nowMs - fromMs) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes}m ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours}h ago`;
  return `${Math.round(hours / 24)}d ago`;
}

/** Local date and time, the same width on every row and sortable by eye: `2026-11-30 05:21:07`; `—` when unknown. */
export function formatDate(epochMs: number): string {
  if (!Number.isFinite(epochMs) || epochMs <= 0) return '—';
  const d = new Date(epochMs);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}
