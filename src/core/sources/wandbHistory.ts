// The fast path for the records most of a W&B run log is made of: a Record holding a history row (items with a key
// and a value_json, and the row's step). Decoding those into Record → HistoryRecord → Item objects was most of an
// import's cost; this reads them with protobufjs's own Reader (protoFastPath.ts), with field numbers, types and wire
// types taken from the loaded Types, so wandbProto.ts stays the one definition. Anything else (another record kind,
// an unknown field, nested keys, a wire type the .proto does not give, a record cut short) answers false and the
// caller decodes the record in full as before: on every record it takes, it gives what the full decode gives
// (test/unit/sources/fastPaths.test.ts compares them).
import type { Reader, Type } from 'protobufjs';
import { int64, messageOf, Readers, type RepeatedTexts, wireTag } from './protoFastPath';
import { jsonNumberIn } from './wandbValues';

interface Tags { num: number; history: number; item: number; step: number; stepNum: number; key: number; valueJson: number }

/** Reads history-row Records; one per reader (it reuses its arrays: read the answer before the next record). */
export class HistoryRows {
  /** The row's HistoryStep.num when the record has a step (0 when the step message holds none), else undefined. */
  step: number | undefined;
  /**
   * How many items the last row held: keys[0..count), and each item's value_json as texts[i], or, when it is a
   * number jsonNumberIn reads from the bytes, as numbers[i] (texts[i] undefined: no string is made for it).
   */
  count = 0;
  readonly keys: string[] = [];
  readonly texts: (string | undefined)[] = [];
  readonly numbers: number[] = [];
  private readonly readers = new Readers();
  /** The record being read as Latin-1 text, made once per record when a number needs Number() (see `longNumber`). */
  private latin1: string | undefined;
  private data: Uint8Array = new Uint8Array(0);
  /**
   * A JSON number jsonNumberIn does not read from the bytes alone (more than 19 digits, a large exponent, or a
   * remainder too near a half): Number() of its text, a slice of the record's Latin-1 text (its bytes are ASCII
   * digits and signs), so at most one string is made per record rather than one per value.
   */
  private readonly longNumber = (start: number, end: number): number => {
    const d = this.data;
    this.latin1 ??= Buffer.isBuffer(d) ? d.toString('latin1') : Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString('latin1');
    return Number(this.latin1.slice(start, end));
  };

  private constructor(private readonly t: Tags) {}

  /** The fast path for `record` (wandb_internal.Record), or undefined when its .proto lacks what the fast path reads. */
  static forRecord(record: Type): HistoryRows | undefined {
    const history = messageOf(record, 'history');
    const item = history && messageOf(history, 'item');
    const step = history && messageOf(history, 'step');
    if (!history || !item || !step) return undefined;
    const t = {
      num: wireTag(record, 'num', 'int64'), history: wireTag(record, 'history', '.wandb_internal.HistoryRecord'),
      item: wireTag(history, 'item', '.wandb_internal.Item', true), step: wireTag(history, 'step', '.wandb_internal.HistoryStep'),
      stepNum: wireTag(step, 'num', 'int64'), key: wireTag(item, 'key', 'string'), valueJson: wireTag(item, 'value_json', 'string'),
    };
    if (t.num === undefined || t.history === undefined || t.item === undefined || t.step === undefined || t.stepNum === undefined || t.key === undefined || t.valueJson === undefined) return undefined;
    return new HistoryRows({ num: t.num, history: t.history, item: t.item, step: t.step, stepNum: t.stepNum, key: t.key, valueJson: t.valueJson });
  }

  /** Reads `data` when it is a Record holding a history row (and nothing else); false for anything else. */
  read(data: Uint8Array): boolean {
    const { reader, texts } = this.readers.over(data);
    this.data = data;
    this.latin1 = undefined;
    try {
      return this.record(reader, texts);
    } catch {
      return false; // cut short or malformed: the full decode says how
    }
  }

  private record(r: Reader, names: RepeatedTexts): boolean {
    const t = this.t;
    let histories = 0;
    while (r.pos < r.len) {
      const tag = r.uint32();
      if (tag === t.num) int64(r);
      else if (tag === t.history && histories++ === 0) { if (!this.history(r, r.uint32(), names)) return false; }
      else return false;
    }
    return histories === 1 && r.pos === r.len;
  }

  private history(r: Reader, length: number, names: RepeatedTexts): boolean {
    const end = r.pos + length;
    if (end > r.len) return false;
    const t = this.t;
    let n = 0;
    let step: number | undefined;
    while (r.pos < end) {
      const tag = r.uint32();
      const fieldLength = r.uint32();
      const fieldEnd = r.pos + fieldLength;
      if (fieldEnd > end) return false;
      if (tag === t.item) {
        let key = '';
        let text: string | undefined = '';
        let value = 0;
        while (r.pos < fieldEnd) {
          const field = r.uint32();
          if (field === t.key) key = names.read(r, fieldEnd);
          else if (field === t.valueJson) {
            const at = r.pos;
            const length = r.uint32();
            const x = r.pos + length <= fieldEnd ? jsonNumberIn(r.buf, r.pos, r.pos + length, this.longNumber) : undefined;
            if (x === undefined) { r.pos = at; text = r.string(); } else { r.skip(length); text = undefined; value = x; }
          } else return false;
        }
        this.keys[n] = key;
        this.texts[n] = text;
        this.numbers[n] = value;
        n++;
      } else if (tag === t.step) {
        // A second step message replaces the first, as in the full decode.
        step = 0;
        while (r.pos < fieldEnd) {
          if (r.uint32() !== t.stepNum) return false;
          step = int64(r);
        }
      } else {
        return false;
      }
      if (r.pos !== fieldEnd) return false;
    }
    if (r.pos !== end) return false;
    this.count = n;
    this.step = step;
    return true;
  }
}
