// The byte streams of a blob upload: exactly the planned size, counted for progress, cut into chunk ranges.
import { RegistryError } from './errors';

export function withDigest(location: URL, digest: string): URL {
  const u = new URL(location.href);
  u.searchParams.set('digest', digest);
  return u;
}

/** `0-1234` → 1234; Distribution reports `0--1` for an empty upload (→ -1). */
export function rangeEnd(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const m = /^(?:bytes=)?(\d+)-(-?\d+)$/.exec(value.trim());
  return m ? Number(m[2]) : undefined;
}

export function changedWhileSending(): RegistryError {
  return new RegistryError('input', 'The model changed while it was being sent (its size is not what was planned). Push again when nothing writes to it any more.');
}

/** The source's bytes, failing (instead of leaving the server waiting) when there are more or fewer than `size`. */
export async function* exactly(source: AsyncIterable<Buffer>, size: number): AsyncGenerator<Buffer> {
  let seen = 0;
  for await (const chunk of source) {
    seen += chunk.length;
    if (seen > size) throw changedWhileSending();
    yield chunk;
  }
  if (seen !== size) throw changedWhileSending();
}

export async function* counted(source: AsyncIterable<Buffer>, onBytes: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    onBytes(chunk.length);
    yield chunk;
  }
}

/** Hands out consecutive byte ranges of one stream, keeping what a range did not use for the next. */
export class ChunkReader {
  private readonly it: AsyncIterator<Buffer>;
  private rest: Buffer | undefined;
  private closed = false;

  constructor(source: AsyncIterable<Buffer>) {
    this.it = source[Symbol.asyncIterator]();
  }

  async *take(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      let buf = this.rest;
      this.rest = undefined;
      if (!buf) {
        const next = await this.it.next();
        if (next.done) throw changedWhileSending();
        buf = next.value;
      }
      if (buf.length > left) { this.rest = buf.subarray(left); buf = buf.subarray(0, left); }
      left -= buf.length;
      yield buf;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    void this.it.return?.().catch(() => undefined);
  }
}
