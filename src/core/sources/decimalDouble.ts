// Reading a decimal with up to 19 significant digits (what Python writes for most doubles: 16 or 17) as the nearest
// double, from its bytes, without making a string for Number(). Its digits M (below 2^64) are held exactly as two
// doubles, the quotient M / 10^k (10^k exact for k <= 22) is guessed by one division and then checked exactly: the
// remainder M - x·10^k, computed with Dekker's exact product, says whether the guess x is the nearest double (the
// remainder is below half a unit in the last place of x, times 10^k), else the next double toward it is checked.
// Whatever is left undecided (a remainder too near the half, a power of two, digits or exponents out of range)
// answers undefined and the caller reads the text with Number(), so a value is always what Number() reads.

const TENS = Array.from({ length: 23 }, (_, i) => 10 ** i);
const TWO_53 = 2 ** 53;
const SPLIT = 134217729; // 2^27 + 1
/** Slack for the one rounding in the remainder's last subtraction (its relative error is at most 2^-53). */
const NEAR = 2 ** -40;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** a·b − p exactly, for p = fl(a·b) (Dekker's product; no overflow or underflow at these sizes). */
function productError(a: number, b: number, p: number): number {
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

/** The unit in the last place of x > 0 (normal), or NaN when x is a power of two (the unit below it is half). */
function ulpOf(x: number): number {
  f64[0] = x;
  const hi = u32[1]!;
  if ((hi & 0xfffff) === 0 && u32[0] === 0) return Number.NaN;
  u32[1] = (((hi >>> 20) & 0x7ff) - 52) << 20;
  u32[0] = 0;
  return f64[0]!;
}

/** (mh + ml) − x·p, with one rounding at most in the last subtraction (mh − fl(x·p) is exact: Sterbenz). */
function remainder(x: number, mh: number, ml: number, p: number): number {
  const q = x * p;
  return (mh - q + ml) - productError(x, p, q);
}

/**
 * Whether x is the nearest double to (mh + ml) / p: 0 yes, ±1 the nearest lies that way, NaN undecided. mh + ml is
 * the exact integer M (mh = fl(M) ≥ 2^53, ml integer), p = 10^k, x > 0 within a few units of M / p, not a power of 2.
 */
function check(x: number, mh: number, ml: number, p: number): number {
  const half = ulpOf(x) * p * 0.5;
  if (half !== half) return Number.NaN;
  const r = remainder(x, mh, ml, p);
  const a = Math.abs(r);
  if (a < half * (1 - NEAR)) return 0;
  if (a > half * (1 + NEAR)) return r > 0 ? 1 : -1;
  return Number.NaN;
}

/**
 * The nearest double to ±(hi·10^n + lo)·10^e10, for hi below 10^9, lo below 10^n, n ≤ 10 (up to 19 digits) and
 * -22 ≤ e10 ≤ 0; undefined when it is not decided exactly (the caller uses Number()).
 */
export function nearestDouble(hi: number, lo: number, n: number, e10: number, negative: boolean): number | undefined {
  if (!LITTLE_ENDIAN || e10 < -22 || e10 > 0 || n > 10) return undefined;
  const p = TENS[-e10]!;
  // M = hi·10^n + lo exactly as mh + ml: the product is exact as prod + its error (Dekker), the sum as mh + its
  // error (mh = fl(prod + lo), |prod| ≥ |lo|), all of them integers.
  const scale = TENS[n]!;
  const prod = hi * scale;
  const mh = prod + lo;
  if (mh < TWO_53) return (negative ? -mh : mh) / p; // M is exact: one division rounds once
  const ml = ((prod - mh) + lo) + productError(hi, scale, prod);
  let x = mh / p;
  let way = check(x, mh, ml, p);
  if (way !== 0) {
    if (way !== way) return undefined;
    f64[0] = x;
    const u = u32[0]!;
    if (way > 0 ? u === 0xffffffff : u === 0) return undefined; // the next double would cross into the high word
    u32[0] = u + way;
    x = f64[0]!;
    way = check(x, mh, ml, p);
    if (way !== 0) return undefined;
  }
  return negative ? -x : x;
}

/**
 * The nearest double to the JSON number at b[start, end) (a text already checked against JSON's number grammar),
 * when it has at most 19 significant digits and a value of digits × 10^e with -22 ≤ e ≤ 0; undefined when it is out
 * of that range or not decided exactly (the caller uses Number()).
 */
export function decimalToDouble(b: Uint8Array, start: number, end: number): number | undefined {
  let i = start;
  const negative = b[i] === 45;
  if (negative) i++;
  // The digits as hi·10^n + lo: hi the first 9 significant ones (a small integer), lo the next n ≤ 10.
  let hi = 0;
  let lo = 0;
  let n = 0;
  let digits = 0;
  let fraction = 0;
  let point = false;
  for (; i < end; i++) {
    const c = b[i]!;
    if (c === 46) { point = true; continue; }
    if (c < 48 || c > 57) break;
    if (point) fraction++;
    if (digits === 0 && c === 48) continue; // leading zeros
    if (++digits <= 9) hi = hi * 10 + (c - 48);
    else if (digits <= 19) { lo = lo * 10 + (c - 48); n++; }
    else return undefined;
  }
  let e10 = -fraction;
  if (i < end) { // 'e' or 'E'
    i++;
    const minus = b[i] === 45;
    if (minus || b[i] === 43) i++;
    let e = 0;
    for (; i < end; i++) { e = e * 10 + (b[i]! - 48); if (e > 400) return undefined; }
    e10 += minus ? -e : e;
  }
  return nearestDouble(hi, lo, n, e10, negative);
}
