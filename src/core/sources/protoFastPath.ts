// Shared parts of the importers' fast paths (tensorboardScalars.ts, wandbHistory.ts): records of the one common shape
// read with protobufjs's own Reader (the calls its static code generator emits) instead of being decoded into
// objects, with field numbers, types and wire types taken from the loaded .proto Types. A fast path answers false for
// anything it does not take, and the caller decodes the record in full.
import { Reader, Type, types as protoTypes, type Field } from 'protobufjs';

/** A field's tag on the wire (field number and wire type) when the .proto gives it the type a fast path reads. */
export function wireTag(type: Type, name: string, want: string, repeated = false): number | undefined {
  const field = fieldOf(type, name);
  if (!field || field.repeated !== repeated || field.map) return undefined;
  const resolved = field.resolve().resolvedType;
  if (resolved instanceof Type) return resolved.fullName === want ? ((field.id << 3) | 2) >>> 0 : undefined;
  const basic: Readonly<Record<string, number>> = protoTypes.basic;
  const wire = field.type === want && Object.prototype.hasOwnProperty.call(basic, want) ? basic[want] : undefined;
  return wire === undefined ? undefined : ((field.id << 3) | wire) >>> 0;
}

/** The message type of a field (resolved), when it has one. */
export function messageOf(type: Type, name: string): Type | undefined {
  const resolved = fieldOf(type, name)?.resolve().resolvedType;
  return resolved instanceof Type ? resolved : undefined;
}

function fieldOf(type: Type, name: string): Field | undefined {
  return Object.prototype.hasOwnProperty.call(type.fields, name) ? type.fields[name] : undefined;
}

/**
 * Readers reused from record to record, picked as Reader.create picks them (the full decode's): a BufferReader for
 * a Buffer (strings by Buffer's UTF-8 decoder), a Reader for any other bytes (protobufjs's own decoder, which reads
 * malformed UTF-8 differently), each with its own table of repeated texts.
 */
export class Readers {
  private readonly buffer = { reader: Reader.create(Buffer.alloc(0)), texts: new RepeatedTexts() };
  private readonly plain = { reader: Reader.create(new Uint8Array(0)), texts: new RepeatedTexts() };

  /** The reader for data[start, end) (a reader that ends at `end`), and the table of texts that goes with it. */
  over(data: Uint8Array, start = 0, end = data.length): { reader: Reader; texts: RepeatedTexts } {
    const r = Buffer.isBuffer(data) ? this.buffer : this.plain;
    r.reader.buf = data;
    r.reader.pos = start;
    r.reader.len = end;
    return r;
  }
}

/** An int64 as the number the full decode's Long.toNumber gives (a varint of at most 4 bytes is below 2^28). */
export function int64(r: Reader): number {
  const at = r.pos;
  const small = r.uint32();
  if (r.pos - at <= 4) return small;
  r.pos = at;
  const v: unknown = r.int64();
  return typeof v === 'number' ? v : (v as { toNumber: () => number }).toNumber();
}

/** A text already seen: its bytes, its string, and the text that followed it last time (writers cycle through theirs). */
interface Known { bytes: Uint8Array; text: string; next: Known | undefined }

/** Texts kept before the table starts again (a logdir or run has a few dozen keys; this bounds a pathological one). */
const MAX_TEXTS = 4096;

/** FNV-1a of bytes[start, end). */
function fnv(b: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  return h >>> 0;
}

function sameBytes(known: Uint8Array, b: Uint8Array, start: number, end: number): boolean {
  if (known.length !== end - start) return false;
  for (let i = 0; i < known.length; i++) if (known[i] !== b[start + i]) return false;
  return true;
}

/**
 * Strings that repeat in every record (metric names), read as Reader.string() reads them; the string of a text seen
 * before is reused: no UTF-8 decoding, no new string, and a map finds it by its cached hash.
 */
export class RepeatedTexts {
  private readonly known = new Map<number, Known[]>();
  private count = 0;
  private last: Known | undefined;

  /** The string field at the reader's position (its length prefix first), ending no later than `end`. */
  read(r: Reader, end: number): string {
    const at = r.pos;
    const length = r.uint32();
    const start = r.pos;
    const stop = start + length;
    if (stop > end) { r.pos = at; return r.string(); } // malformed: the caller's bounds check answers false
    const b = r.buf;
    const guess = this.last?.next;
    let hit = guess && sameBytes(guess.bytes, b, start, stop) ? guess : undefined;
    let h = 0;
    if (!hit) {
      h = fnv(b, start, stop);
      for (const k of this.known.get(h) ?? []) if (sameBytes(k.bytes, b, start, stop)) { hit = k; break; }
    }
    if (hit) {
      r.skip(length);
    } else {
      if (this.count >= MAX_TEXTS) { this.known.clear(); this.count = 0; this.last = undefined; }
      r.pos = at;
      // A copy of the bytes: the record buffer is reused.
      hit = { bytes: Uint8Array.from(b.subarray(start, stop)), text: r.string(), next: undefined };
      const same = this.known.get(h);
      if (same) same.push(hit); else this.known.set(h, [hit]);
      this.count++;
    }
    if (this.last) this.last.next = hit;
    this.last = hit;
    return hit.text;
  }
}
