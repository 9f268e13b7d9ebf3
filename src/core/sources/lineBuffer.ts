// A growing byte buffer that mirrored lines are written into directly: numbers are formatted once and copied as
// bytes, with no intermediate string per line or per point (a string built by `+=` is a rope that Buffer.from must
// flatten and encode again).

export class LineBuffer {
  private buf: Buffer;
  private at = 0;

  constructor(capacity: number) {
    this.buf = Buffer.allocUnsafe(Math.max(256, capacity));
  }

  get length(): number { return this.at; }

  /** Room for `bytes` more (a caller checks once per line, for the line's largest possible size). */
  reserve(bytes: number): void {
    if (this.at + bytes <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + bytes));
    this.buf.copy(bigger, 0, 0, this.at);
    this.buf = bigger;
  }

  /** Text of at most the bytes reserved, in one call (Latin-1 for ASCII text: a byte per character). */
  write(text: string, encoding: 'latin1' | 'utf8'): void {
    this.at += this.buf.write(text, this.at, encoding);
  }

  /** Text known to be ASCII (JSON punctuation, formatted numbers). */
  ascii(text: string): void {
    const b = this.buf;
    let at = this.at;
    for (let i = 0; i < text.length; i++) b[at++] = text.charCodeAt(i);
    this.at = at;
  }

  bytes(src: Uint8Array): void {
    const b = this.buf;
    let at = this.at;
    for (let i = 0; i < src.length; i++) b[at++] = src[i] ?? 0;
    this.at = at;
  }

  /** A non-negative safe integer in decimal. */
  whole(n: number): void {
    if (n < 10) { this.buf[this.at++] = 48 + n; return; }
    const b = this.buf;
    let digits = 1;
    for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
    const start = this.at;
    let at = start + digits;
    this.at = at;
    let x = n;
    do { b[--at] = 48 + (x % 10); x = Math.floor(x / 10); } while (at > start);
  }

  /** The bytes written (a view: the buffer is not written again). */
  take(): Buffer {
    return this.buf.subarray(0, this.at);
  }
}
