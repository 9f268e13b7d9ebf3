// Numbers as base64 text of their IEEE 754 bytes (little-endian, 8 per number): the comparison's points cross the
// webview channel as one string per line instead of JSON digits, which the extension host, VS Code's channel and
// the page would otherwise print, parse and copy number by number (about a second for 100 runs × 10 charts).
// VS Code can carry typed arrays itself, but not reliably: an installed extension's typed arrays arrived as plain
// objects in code-server 4.100, so the format is text, which every channel carries.

/** Base64 of float64 values in groups of `group` (e.g. x, y pairs): produced only by an encoder, checked by the schema. */
export type Float64Base64 = string & { readonly __float64Base64: true };

const BYTES = 8;

/** Float64 bytes in the page's order: every platform VS Code runs on is little-endian, as the format is. */
function bytesOf(values: Float64Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/** Encodes `values` (pure JavaScript: tests and pages; the extension host uses Node's faster Buffer for the same text). */
export function encodeFloat64(values: Float64Array): Float64Base64 {
  const bytes = bytesOf(values);
  let binary = '';
  // fromCharCode takes its arguments on the stack: a chunk at a time.
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary) as Float64Base64;
}

/** The values of `text` (an encoder's output); throws on text that is not base64 of whole float64 values. */
export function decodeFloat64(text: Float64Base64 | string): Float64Array {
  const binary = atob(text);
  if (binary.length % BYTES !== 0) throw new Error(`${binary.length} bytes is not a whole number of float64 values`);
  const out = new Float64Array(binary.length / BYTES);
  const bytes = bytesOf(out);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return out;
}

/** Bytes that `text` decodes to, from its length and padding alone. */
export function decodedLength(text: string): number {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return (text.length / 4) * 3 - padding;
}

/** [x0, y0, x1, y1, …] as encoded pairs. */
export function interleave(xs: ArrayLike<number>, ys: ArrayLike<number>): Float64Array {
  const n = Math.min(xs.length, ys.length);
  const out = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    out[2 * i] = xs[i] as number;
    out[2 * i + 1] = ys[i] as number;
  }
  return out;
}

/** Pairs back into their x and y arrays. */
export function deinterleave(pairs: Float64Array): { xs: Float64Array; ys: Float64Array } {
  const n = pairs.length >> 1;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = pairs[2 * i] as number;
    ys[i] = pairs[2 * i + 1] as number;
  }
  return { xs, ys };
}
