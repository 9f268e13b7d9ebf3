// The fast path for the records nearly every event file is made of: an Event whose summary holds only legacy
// scalars (Summary.Value with a tag and a simple_value). Decoding those into Event → Summary → Value objects was
// most of an import's cost; this reads them with protobufjs's own Reader (protoFastPath.ts), with field numbers,
// types and wire types taken from the loaded Types, so tensorboardProto.ts stays the one definition. Anything else
// (another field, an unknown one, a wire type the .proto does not give, a second summary, a Value with metadata, a
// tensor, an image…, a record cut short) answers false and the caller decodes the record in full as before: on
// every record it takes, it gives what the full decode gives (test/unit/sources/fastPaths.test.ts compares them).
import type { Reader, Type } from 'protobufjs';
import { int64, messageOf, Readers, type RepeatedTexts, wireTag } from './protoFastPath';

interface Tags { wallTime: number; step: number; summary: number; value: number; tag: number; simpleValue: number }

/** Reads scalar-only Event records; one per reader (it reuses its arrays: read the answer before the next record). */
export class ScalarEvents {
  wallTime = 0;
  step = 0;
  /** How many scalars the last record held: tags[0..count) and values[0..count). */
  count = 0;
  readonly tags: string[] = [];
  readonly values: number[] = [];
  private readonly readers = new Readers();

  private constructor(private readonly t: Tags) {}

  /** The fast path for `event` (tensorboard.Event), or undefined when its .proto lacks what the fast path reads. */
  static forEvent(event: Type): ScalarEvents | undefined {
    const summaryType = messageOf(event, 'summary');
    const valueType = summaryType && messageOf(summaryType, 'value');
    if (!summaryType || !valueType) return undefined;
    const t = {
      wallTime: wireTag(event, 'wall_time', 'double'), step: wireTag(event, 'step', 'int64'), summary: wireTag(event, 'summary', '.tensorboard.Summary'),
      value: wireTag(summaryType, 'value', '.tensorboard.Summary.Value', true), tag: wireTag(valueType, 'tag', 'string'), simpleValue: wireTag(valueType, 'simple_value', 'float'),
    };
    if (t.wallTime === undefined || t.step === undefined || t.summary === undefined || t.value === undefined || t.tag === undefined || t.simpleValue === undefined) return undefined;
    return new ScalarEvents({ wallTime: t.wallTime, step: t.step, summary: t.summary, value: t.value, tag: t.tag, simpleValue: t.simpleValue });
  }

  /** Reads data[start, end) when it is a scalar-only Event; false (nothing to use) for anything else. */
  read(data: Uint8Array, start = 0, end = data.length): boolean {
    const { reader, texts } = this.readers.over(data, start, end);
    try {
      return this.event(reader, texts);
    } catch {
      return false; // cut short or malformed: the full decode says how
    }
  }

  private event(r: Reader, texts: RepeatedTexts): boolean {
    const t = this.t;
    let wallTime = 0;
    let step = 0;
    let summaries = 0;
    while (r.pos < r.len) {
      const tag = r.uint32();
      if (tag === t.wallTime) wallTime = r.double();
      else if (tag === t.step) step = int64(r);
      else if (tag === t.summary && summaries++ === 0) { if (!this.summary(r, r.uint32(), texts)) return false; }
      else return false;
    }
    if (summaries === 0 || r.pos !== r.len) return false;
    this.wallTime = wallTime;
    this.step = step;
    return true;
  }

  private summary(r: Reader, length: number, texts: RepeatedTexts): boolean {
    const end = r.pos + length;
    if (end > r.len) return false;
    const t = this.t;
    let n = 0;
    while (r.pos < end) {
      if (r.uint32() !== t.value) return false;
      const valueLength = r.uint32();
      const valueEnd = r.pos + valueLength;
      if (valueEnd > end) return false;
      let tag = '';
      let value: number | undefined;
      while (r.pos < valueEnd) {
        const field = r.uint32();
        if (field === t.tag) tag = texts.read(r, valueEnd);
        else if (field === t.simpleValue) value = r.float();
        else return false;
      }
      if (r.pos !== valueEnd || value === undefined) return false;
      this.tags[n] = tag;
      this.values[n] = value;
      n++;
    }
    if (r.pos !== end || n === 0) return false;
    this.count = n;
    return true;
  }
}
