// Time axes that read well for runs of milliseconds or of weeks: tick steps on the clock's own units (15 s, 5 min,
// 6 h, 1 d…) and labels precise to the step (no `0s 0s 0s`), with the date only where the day changes (no repeated
// wall-time labels). Pure functions, no DOM: unit-tested in plain Node.

const SECOND = 1;
const MINUTE = 60;
const HOUR = 3600;
const DAY = 86400;

/** Candidate tick steps in seconds, smallest first. */
const STEPS = [
  0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5,
  1, 2, 5, 10, 15, 30,
  MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE,
  HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR,
  DAY, 2 * DAY, 7 * DAY, 14 * DAY, 30 * DAY, 60 * DAY, 90 * DAY, 180 * DAY, 365 * DAY,
];

/** The smallest clock-friendly step (seconds) that keeps a span of `spanSeconds` within `maxTicks` ticks. */
export function timeTickStep(spanSeconds: number, maxTicks: number): number {
  const intervals = Math.max(1, maxTicks - 1);
  if (!(spanSeconds > 0) || !Number.isFinite(spanSeconds)) return SECOND;
  for (const step of STEPS) if (spanSeconds / step <= intervals) return step;
  // Beyond years: whole multiples of a year.
  return Math.ceil(spanSeconds / intervals / (365 * DAY)) * 365 * DAY;
}

/** Local time's offset from UTC in minutes at an instant (east positive); injectable so tests need no time zone. */
export type UtcOffset = (epochMs: number) => number;
export const localOffset: UtcOffset = (ms) => -new Date(ms).getTimezoneOffset();

/**
 * Tick values between min and max on multiples of the step: seconds for relative time; epoch ms for wall time,
 * aligned to the local clock (ticks at 14:00, 14:15…, days at local midnight).
 */
export function timeTicks(min: number, max: number, maxTicks: number, kind: 'relative' | 'wall', offset: UtcOffset = localOffset): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max) || max < min) return [];
  const scale = kind === 'wall' ? 1000 : 1;
  const step = timeTickStep((max - min) / scale, maxTicks) * scale;
  const shift = kind === 'wall' ? offset(min) * 60_000 : 0;
  const ticks: number[] = [];
  // Rounded to the step's precision, so 0.1 + 0.2 steps print as 0.3, not 0.30000000000000004.
  const round = (v: number): number => (step < 1 ? Number(v.toFixed(decimals(step))) : v);
  for (let k = Math.ceil((min + shift) / step); ticks.length < 1000; k++) {
    const value = round(k * step - shift);
    if (value > max) break;
    ticks.push(value);
  }
  if (ticks.length === 0) ticks.push(min);
  return ticks;
}

/** Decimals needed to print a multiple of `step` exactly (0.25 → 2, 5 → 0). */
function decimals(step: number): number {
  for (let d = 0; d < 6; d++) if (Math.abs(Math.round(step * 10 ** d) - step * 10 ** d) < 1e-9) return d;
  return 6;
}

/**
 * Elapsed time for a tick: whole units from the largest present down to the step's unit, zero parts left out
 * (`45s`, `1m 15s`, `2h`, `1d 6h`); below a second, seconds with the step's decimals (`0.25s`).
 */
export function formatElapsed(seconds: number, stepSeconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  const sign = seconds < 0 ? '-' : '';
  let rest = Math.abs(seconds);
  const smallest = stepSeconds >= DAY ? DAY : stepSeconds >= HOUR ? HOUR : stepSeconds >= MINUTE ? MINUTE : SECOND;
  const parts: string[] = [];
  for (const [unit, label] of [[DAY, 'd'], [HOUR, 'h'], [MINUTE, 'm']] as const) {
    if (unit < smallest) break;
    const whole = unit === smallest ? Math.round(rest / unit) : Math.floor(rest / unit + 1e-9);
    rest -= whole * unit;
    if (whole > 0) parts.push(`${whole}${label}`);
  }
  if (smallest === SECOND) {
    const d = stepSeconds < 1 ? decimals(stepSeconds) : 0;
    const secs = Number(Math.max(0, rest).toFixed(d));
    if (secs > 0 || parts.length === 0) parts.push(`${secs.toFixed(d)}s`);
  }
  if (parts.length === 0) parts.push(`0${smallest === DAY ? 'd' : smallest === HOUR ? 'h' : 'm'}`);
  return sign + parts.join(' ');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

interface LocalParts { year: number; month: number; day: number; hours: number; minutes: number; seconds: number; ms: number }

function localParts(epochMs: number, offset: UtcOffset): LocalParts {
  const d = new Date(epochMs + offset(epochMs) * 60_000);
  return {
    year: d.getUTCFullYear(), month: d.getUTCMonth(), day: d.getUTCDate(),
    hours: d.getUTCHours(), minutes: d.getUTCMinutes(), seconds: d.getUTCSeconds(), ms: d.getUTCMilliseconds(),
  };
}

/**
 * A wall-time tick: the time of day to the step's precision (`14:05`, `14:05:30`, `14:05:30.250`), preceded by the
 * date on the first tick and wherever the day changes (`Nov 30 14:05`); steps of a day or more show dates only,
 * with the year where it changes.
 */
export function formatWallTick(epochMs: number, stepSeconds: number, previousMs: number | undefined, offset: UtcOffset = localOffset): string {
  if (!Number.isFinite(epochMs)) return String(epochMs);
  const t = localParts(epochMs, offset);
  const prev = previousMs === undefined || !Number.isFinite(previousMs) ? undefined : localParts(previousMs, offset);
  const date = `${MONTHS[t.month] ?? ''} ${t.day}`;
  const newYear = prev !== undefined && prev.year !== t.year;
  if (stepSeconds >= DAY) return newYear || stepSeconds >= 180 * DAY ? `${date} ${t.year}` : date;
  let time = `${pad(t.hours)}:${pad(t.minutes)}`;
  if (stepSeconds < MINUTE) time += `:${pad(t.seconds)}`;
  if (stepSeconds < 1) time += `.${pad(t.ms, 3)}`;
  const newDay = prev === undefined || prev.day !== t.day || prev.month !== t.month || newYear;
  return newDay ? `${date}${newYear ? ` ${t.year}` : ''} ${time}` : time;
}

/** Tick labels for a whole axis, each knowing its neighbour (what Chart.js's tick callback receives). */
export function formatTimeTicks(values: readonly number[], kind: 'relative' | 'wall', offset: UtcOffset = localOffset): string[] {
  const first = values[0];
  const second = values[1];
  const scale = kind === 'wall' ? 1000 : 1;
  const step = first !== undefined && second !== undefined ? (second - first) / scale : kind === 'wall' ? HOUR : SECOND;
  return values.map((v, i) => (kind === 'wall' ? formatWallTick(v, step, values[i - 1], offset) : formatElapsed(v, step)));
}
