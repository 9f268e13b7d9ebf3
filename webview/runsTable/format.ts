// Compact, honest cell text: short numbers with the full value in the tooltip, NaN shown as NaN.

/** At most ~5 significant digits; exponents only for very small or very large magnitudes. */
export function compactNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  const abs = Math.abs(value);
  if (Number.isInteger(value) && abs < 1e6) return String(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) {
    const [mantissa, exponent] = value.toExponential(3).split('e');
    return `${String(Number(mantissa))}e${exponent}`;
  }
  return String(Number(value.toPrecision(4)));
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** Local date and time without seconds: the same width on every row, sortable by eye. */
export function formatStarted(epochMs: number): string {
  if (!Number.isFinite(epochMs) || epochMs <= 0) return '—';
  const d = new Date(epochMs);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
