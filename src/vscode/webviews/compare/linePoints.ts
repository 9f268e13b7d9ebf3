// A comparison line's points on the wire (float64Base64 pairs), encoded and decoded with Node's Buffer: the same
// text as the shared pure-JavaScript codec, an order of magnitude faster for the megabytes a comparison sends.
import { interleave, type Float64Base64 } from '../../../shared/webviews/float64Base64';

export function encodePoints(xs: ArrayLike<number>, ys: ArrayLike<number>): Float64Base64 {
  const pairs = interleave(xs, ys);
  return Buffer.from(pairs.buffer, pairs.byteOffset, pairs.byteLength).toString('base64') as Float64Base64;
}

/** The [x0, y0, x1, y1, …] values of an encoded line. */
export function decodePoints(text: Float64Base64): Float64Array {
  const bytes = Buffer.from(text, 'base64');
  // A copy into its own aligned buffer (Buffer's pool gives no 8-byte alignment).
  const pairs = new Float64Array(bytes.length / 8);
  new Uint8Array(pairs.buffer).set(bytes);
  return pairs;
}

/** The pairs from `from` on, encoded (a live line's new points). */
export function encodeTail(pairs: Float64Array, fromPoint: number): Float64Base64 {
  const tail = pairs.subarray(2 * fromPoint);
  return Buffer.from(tail.buffer, tail.byteOffset, tail.byteLength).toString('base64') as Float64Base64;
}
