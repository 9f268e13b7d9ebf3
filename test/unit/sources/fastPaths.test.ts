// The importers' fast paths (TensorBoard scalar-only events, W&B history rows, read with protobufjs's Reader) against
// the full decode they stand in for: the same runs, points, rich values, problems and cursors, and the same bytes in
// the mirrored run folders, on ordinary records and on odd ones (NaN/±inf, tensor-form scalars, unknown fields,
// repeated fields, mismatched wire types, big and negative steps, corrupt and cut records), plus seeded fuzzing:
// whenever a fast path takes a mutated record, the full decode reads the same from it.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Writer } from 'protobufjs';
import { mirrorSource } from '../../../src/core/sources/sourceMirror';
import type { RunDelta } from '../../../src/core/sources/sourceModel';
import type { SourceReader } from '../../../src/core/sources/sourceReader';
import { TensorBoardReader } from '../../../src/core/sources/tensorboardLogdir';
import { tensorboardTypes } from '../../../src/core/sources/tensorboardProto';
import { ScalarEvents } from '../../../src/core/sources/tensorboardScalars';
import { frameRecord } from '../../../src/core/sources/tfRecord';
import { decimalToDouble } from '../../../src/core/sources/decimalDouble';
import { HistoryRows } from '../../../src/core/sources/wandbHistory';
import { frameWandbRecords, wandbFileHeader } from '../../../src/core/sources/wandbLog';
import { wandbRecordType } from '../../../src/core/sources/wandbProto';
import { WandbReader } from '../../../src/core/sources/wandbRuns';
import { historyValue, jsonNumberIn, parsePythonJson } from '../../../src/core/sources/wandbValues';
import { tbEvent, tbValueEvent, wandbHistory, wandbRecord, wandbRunRecords } from '../../fixtures/sourceWriters';
import { captureLog } from '../workspaceFixture';
import { prng } from '../../fixtures/prng';

const T0 = 1_700_000_000;

/** A seeded generator: the fuzzing is the same on every run. */
const random = prng;

/** Every file under `dir` with its bytes (paths relative to it). */
function tree(dir: string, rel = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(join(dir, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    if (statSync(join(dir, r)).isDirectory()) for (const [k, v] of tree(dir, r)) out.set(k, v);
    else out.set(r, readFileSync(join(dir, r)).toString('base64'));
  }
  return out;
}

/** A delta with its series as plain arrays (Object.is on every number: NaN, -0 and ±inf must match exactly). */
function plain(d: RunDelta): unknown {
  const series = [...d.series].map(([k, s]) => [k, s.steps.map(String), s.times.map(String), s.values.map((v) => (Object.is(v, -0) ? '-0' : String(v)))]);
  return { ...d, series };
}

/** Both readers over the same source: each run's delta equal, and the mirrored run folders equal byte for byte. */
async function sameAsFullDecode(tmp: string, fast: SourceReader, full: SourceReader): Promise<RunDelta[]> {
  const runs = (await fast.listRuns()).runs;
  assert.ok(runs.length > 0);
  const deltas: RunDelta[] = [];
  for (const ref of runs) {
    const a = await fast.readRun(ref, undefined);
    const b = await full.readRun(ref, undefined);
    assert.deepEqual(plain(a), plain(b), `run ${ref.sourceId}`);
    deltas.push(a);
  }
  await mirrorSource(fast, join(tmp, 'fast', 'runs'), captureLog());
  await mirrorSource(full, join(tmp, 'full', 'runs'), captureLog());
  assert.deepEqual(tree(join(tmp, 'fast')), tree(join(tmp, 'full')));
  return deltas;
}

/** An Event's bytes written field by field (for records the writers would not write). */
function wire(build: (w: Writer) => void): Uint8Array {
  const w = Writer.create();
  build(w);
  return w.finish();
}

/** A Summary.Value holding a tag and a simple_value, as its bytes. */
function scalarValue(tag: string, value: number): Uint8Array {
  return wire((w) => { w.uint32((1 << 3) | 2).string(tag); w.uint32((2 << 3) | 5).float(value); });
}

/** What the full decode reads from a scalar-only Event, in the fast path's terms; undefined when it is not one. */
function fullScalars(data: Uint8Array): { wallTime: number; step: number; tags: string[]; values: number[] } | undefined {
  const { event } = tensorboardTypes();
  const e = event.toObject(event.decode(data), { longs: Number, defaults: true, oneofs: true }) as { wall_time: number; step: number; summary?: { value?: Record<string, unknown>[] } };
  const values = e.summary?.value ?? [];
  return { wallTime: e.wall_time, step: e.step, tags: values.map((v) => String(v.tag)), values: values.map((v) => Number(v.simple_value)) };
}

describe('sources: fast paths give what the full decode gives', () => {
  let tmp: string;
  beforeEach(() => { tmp = mkdtempSync(join(tmpdir(), 'trialbook-fast-')); });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('TensorBoard: legacy scalars, NaN/±inf, tensor-form scalars, rich values, odd and corrupt records: same runs, points and mirrored bytes', async () => {
    const logdir = join(tmp, 'logs');
    const records: Uint8Array[] = [tbEvent({ wallTime: T0, fileVersion: 'brain.Event:2', writer: 'w' })];
    const add = (data: Uint8Array): void => { records.push(frameRecord(data)); };
    const step = (n: number, w: Writer): Writer => w.uint32((2 << 3) | 0).int64(n);
    // Ordinary scalars, one and several per event, with every kind of number a float32 can hold.
    const specials = [Number.NaN, Infinity, -Infinity, -0, 0, 1e-45, 3.4028234663852886e38, 0.1, -123.5];
    for (let s = 0; s < 40; s++) records.push(tbEvent({ wallTime: T0 + s, step: s, scalars: [{ tag: 'loss', value: specials[s % specials.length]! }] }));
    for (let s = 0; s < 10; s++) records.push(tbEvent({ wallTime: T0 + s, step: s, scalars: [{ tag: 'a/b', value: s }, { tag: 'ünïcode', value: -s }, { tag: '', value: 2 }] }));
    // Tensor-form scalars (TF2's writer): float_val, double_val, tensor_content of a float, a half.
    records.push(tbValueEvent(T0 + 50, 50, { tag: 'tf2', metadata: { plugin_data: { plugin_name: 'scalars' } }, tensor: { dtype: 1, float_val: [0.25] } }));
    records.push(tbValueEvent(T0 + 51, 51, { tag: 'tf2', tensor: { dtype: 2, double_val: [Number.NaN] } }));
    records.push(tbValueEvent(T0 + 52, 52, { tag: 'tf2', tensor: { dtype: 1, tensor_content: Buffer.from(new Float32Array([-Infinity]).buffer) } }));
    records.push(tbValueEvent(T0 + 53, 53, { tag: 'tf2', tensor: { dtype: 19, half_val: [0x3c00] } }));
    // Rich values beside them.
    records.push(tbValueEvent(T0 + 54, 54, { tag: 'h', histo: { min: 0, max: 1, num: 2, sum: 1, sum_squares: 1, bucket_limit: [0.5, 1], bucket: [1, 1] } }));
    records.push(tbValueEvent(T0 + 55, 55, { tag: 'note', metadata: { plugin_data: { plugin_name: 'text' } }, tensor: { dtype: 7, string_val: [Buffer.from('hello')] } }));
    // Odd wire: an unknown Event field, an unknown Value field, fields repeated (the last wins), a second summary,
    // a wire type the .proto does not give, a Value with no value, an empty summary, big and negative steps.
    add(wire((w) => { w.uint32((1 << 3) | 1).double(T0 + 60); step(60, w); w.uint32((5 << 3) | 2).bytes(wire((s) => { s.uint32((1 << 3) | 2).bytes(scalarValue('odd', 1)); })); w.uint32((99 << 3) | 0).uint32(7); }));
    add(wire((w) => { w.uint32((1 << 3) | 1).double(T0 + 61); step(61, w); w.uint32((5 << 3) | 2).bytes(wire((s) => { s.uint32((1 << 3) | 2).bytes(wire((v) => { v.uint32((1 << 3) | 2).string('odd'); v.uint32((2 << 3) | 5).float(2); v.uint32((42 << 3) | 0).uint32(1); })); })); }));
    add(wire((w) => { w.uint32((1 << 3) | 1).double(T0 + 1000); w.uint32((1 << 3) | 1).double(T0 + 62); step(1, w); step(62, w); w.uint32((5 << 3) | 2).bytes(wire((s) => { s.uint32((1 << 3) | 2).bytes(wire((v) => { v.uint32((1 << 3) | 2).string('first'); v.uint32((2 << 3) | 5).float(9); v.uint32((1 << 3) | 2).string('odd'); v.uint32((2 << 3) | 5).float(3); })); })); }));
    add(wire((w) => { w.uint32((1 << 3) | 1).double(T0 + 63); step(63, w); for (const x of [4, 5]) w.uint32((5 << 3) | 2).bytes(wire((s) => { s.uint32((1 << 3) | 2).bytes(scalarValue('odd', x)); })); }));
    add(wire((w) => { w.uint32((1 << 3) | 1).double(T0 + 64); w.uint32((2 << 3) | 1).fixed64(64); w.uint32((5 << 3) | 2).bytes(wire((s) => { s.uint32((1 << 3) | 2).bytes(scalarValue('odd', 6)); })); }));
    add(wire((w) => { w.uint32((1 << 3) | 1).double(T0 + 65); step(65, w); w.uint32((5 << 3) | 2).bytes(wire((s) => { s.uint32((1 << 3) | 2).bytes(wire((v) => { v.uint32((1 << 3) | 2).string('odd'); })); })); }));
    add(wire((w) => { w.uint32((1 << 3) | 1).double(T0 + 66); step(66, w); w.uint32((5 << 3) | 2).bytes(new Uint8Array(0)); }));
    for (const big of [2 ** 28 - 1, 2 ** 28, 2 ** 32 + 5, 2 ** 53 - 1, -1, -(2 ** 40)]) {
      add(wire((w) => { w.uint32((1 << 3) | 1).double(T0 + 67); step(big, w); w.uint32((5 << 3) | 2).bytes(wire((s) => { s.uint32((1 << 3) | 2).bytes(scalarValue('big', big)); })); }));
    }
    // Corrupt: a Value whose length runs past its Summary, a string past its Value, garbage with a valid CRC.
    add(wire((w) => { w.uint32((1 << 3) | 1).double(T0 + 68); w.uint32((5 << 3) | 2).bytes(Uint8Array.from([0x0a, 0x20, 0x0a, 0x01, 0x61])); }));
    add(wire((w) => { w.uint32((1 << 3) | 1).double(T0 + 69); w.uint32((5 << 3) | 2).bytes(Uint8Array.from([0x0a, 0x05, 0x0a, 0x09, 0x61, 0x15, 0x00])); }));
    add(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]));
    const file = Buffer.concat(records);
    // A record whose data CRC is wrong, and one cut at the end (left for its writer).
    const bad = frameRecord(wire((w) => { w.uint32((1 << 3) | 1).double(T0 + 70); w.uint32((5 << 3) | 2).bytes(wire((s) => { s.uint32((1 << 3) | 2).bytes(scalarValue('loss', 7)); })); }));
    bad[bad.length - 1] = (bad[bad.length - 1]! ^ 0xff) & 0xff;
    const last = tbEvent({ wallTime: T0 + 71, step: 71, scalars: [{ tag: 'loss', value: 8 }] });
    mkdirSync(join(logdir, 'run'), { recursive: true });
    writeFileSync(join(logdir, 'run', `events.out.tfevents.${T0}.vm`), Buffer.concat([file, bad, last.subarray(0, last.length - 3)]));
    // A second run in a sub-folder (runs nest as TensorBoard names them).
    mkdirSync(join(logdir, 'run', 'sub'), { recursive: true });
    writeFileSync(join(logdir, 'run', 'sub', `events.out.tfevents.${T0}.vm`), Buffer.concat([tbEvent({ wallTime: T0, fileVersion: 'brain.Event:2' }), tbEvent({ wallTime: T0 + 1, step: 1, scalars: [{ tag: 'loss', value: 0.5 }] })]));

    const deltas = await sameAsFullDecode(tmp, new TensorBoardReader(logdir, () => 0), new TensorBoardReader(logdir, () => 0, { fullDecode: true }));
    const run = deltas[0]!;
    // The file is what it claims: the odd records reached the readers, the corrupt ones were reported.
    assert.equal(run.series.get('loss')?.steps.length, 40);
    assert.ok(Number.isNaN(run.series.get('loss')?.values[0]));
    assert.deepEqual(run.series.get('tf2')?.values.map(String), ['0.25', 'NaN', '-Infinity', '1']);
    assert.deepEqual(run.series.get('big')?.steps, [2 ** 28 - 1, 2 ** 28, 2 ** 32 + 5, 2 ** 53 - 1, -1, -(2 ** 40)]);
    assert.deepEqual(run.series.get('odd'), { steps: [60, 61, 62, 63], times: [60, 61, 62, 63].map((s) => (T0 + s) * 1000), values: [1, 2, 3, 5] }); // repeated fields: the last wins
    assert.ok(run.problems.some((p) => /checksum wrong/.test(p.reason)));
    assert.ok(run.problems.filter((p) => /not an Event protobuf/.test(p.reason)).length >= 2, JSON.stringify(run.problems));
    assert.equal(run.rich.length, 2);
  });

  it('TensorBoard: the fast path takes the scalar-only records and only those, reading what the full decode reads', () => {
    const fast: ScalarEvents = ScalarEvents.forEvent(tensorboardTypes().event) ?? assert.fail('no fast path for the Event type');
    const plainRecord = tbEvent({ wallTime: T0 + 0.25, step: 3, scalars: [{ tag: 'loss', value: 0.1 }, { tag: 'acc', value: Number.NaN }] });
    const data = plainRecord.subarray(12, plainRecord.length - 4);
    assert.equal(fast.read(data), true);
    assert.deepEqual({ wallTime: fast.wallTime, step: fast.step, tags: fast.tags.slice(0, fast.count), values: fast.values.slice(0, fast.count) }, fullScalars(data));
    const version = tbEvent({ wallTime: T0, fileVersion: 'brain.Event:2' });
    assert.equal(fast.read(version.subarray(12, version.length - 4)), false);
    const image = tbValueEvent(T0, 1, { tag: 'img', image: { height: 1, width: 1, colorspace: 3, encoded_image_string: Buffer.from([1]) } });
    assert.equal(fast.read(image.subarray(12, image.length - 4)), false);

    // Fuzzing: bytes of scalar records flipped, cut or repeated; whenever the fast path takes one, the full decode
    // takes it too and reads the same numbers and tags.
    const rand = random(15);
    let taken = 0;
    for (let i = 0; i < 20_000; i++) {
      const base = tbEvent({ wallTime: T0 + rand() * 1000, step: Math.floor(rand() * 2 ** (rand() * 40)), scalars: Array.from({ length: 1 + Math.floor(rand() * 3) }, (_, k) => ({ tag: `t${k}`, value: rand() - 0.5 })) });
      const bytes = Buffer.from(base.subarray(12, base.length - 4)); // a copy, a Buffer as the framing hands over
      const mutated = rand() < 0.3 ? bytes.subarray(0, Math.floor(rand() * bytes.length)) : bytes;
      for (let k = 0, n = Math.floor(rand() * 3); k < n; k++) mutated[Math.floor(rand() * mutated.length)] = Math.floor(rand() * 256);
      // Read as the framing hands records over: a span of a larger buffer, other bytes either side.
      const around = Buffer.from(Array.from({ length: mutated.length + 40 }, () => Math.floor(rand() * 256)));
      const at = Math.floor(rand() * 20);
      around.set(mutated, at);
      const span = fast.read(around, at, at + mutated.length);
      const got = span && { wallTime: fast.wallTime, step: fast.step, tags: fast.tags.slice(0, fast.count), values: fast.values.slice(0, fast.count).map(String) };
      const whole = fast.read(mutated);
      assert.equal(whole, span, `record ${Buffer.from(mutated).toString('hex')}`);
      if (!whole) continue;
      taken++;
      const want = fullScalars(mutated);
      assert.deepEqual(got, { ...want, values: want?.values.map(String) }, `record ${Buffer.from(mutated).toString('hex')}`);
      assert.deepEqual({ wallTime: fast.wallTime, step: fast.step, tags: fast.tags.slice(0, fast.count), values: fast.values.slice(0, fast.count).map(String) }, got);
    }
    assert.ok(taken > 5000, `${taken} records taken`);
  });

  it('W&B: history rows of every value kind, odd and corrupt records: same runs, points and mirrored bytes', async () => {
    const wandbDir = join(tmp, 'wandb');
    const dir = join(wandbDir, 'offline-run-20240101_000000-abc');
    mkdirSync(join(dir, 'files'), { recursive: true });
    const values: Record<string, number | string | object>[] = [
      { loss: 0.5403023058681398, acc: -0.41614683654714235, big: 1e300, tiny: 5e-324, neg0: -0, int: 42, nan: Number.NaN, inf: Infinity, ninf: -Infinity },
      { loss: 0.1, text: 'hello', nested: { a: 1, b: { c: 2 } }, list: [1, 2], flag: { yes: 'no' }, img: { _type: 'image-file', path: 'media/images/x.png', width: 2, height: 3, format: 'png', size: 10 } },
      { loss: 123456789012345680000, acc: 1.5e-7, hist: { _type: 'histogram', values: [1, 2], bins: [0, 1, 2] } },
    ];
    const recs = wandbRunRecords({ id: 'abc', start: T0, rows: values, config: { lr: 0.01 }, exitCode: 0 });
    const exit = recs.splice(recs.length - 3);
    const item = (w: Writer, key: string, json: string): void => { w.uint32((1 << 3) | 2).bytes(wire((i) => { i.uint32((1 << 3) | 2).string(key); i.uint32((16 << 3) | 2).string(json); })); };
    const history = (build: (w: Writer) => void): Uint8Array => wire((r) => { r.uint32((1 << 3) | 0).int64(99); r.uint32((2 << 3) | 2).bytes(wire(build)); });
    recs.push(
      // Values in other spellings of JSON numbers, strings that are not numbers, text that is not JSON at all.
      history((w) => { for (const [k, v] of [['e', '1E5'], ['e2', '-2.5e-3'], ['z', '-0.0'], ['ws', ' 1'], ['lead', '01'], ['dot', '1.'], ['bad', '{oops'], ['nan', 'NaN'], ['s', '"1"'], ['_step', '3']] as const) item(w, k, v); }),
      // No _step: the HistoryStep's number is the step; then neither (the next step); then a repeated HistoryStep.
      history((w) => { item(w, 'loss', '0.25'); w.uint32((2 << 3) | 2).bytes(wire((s) => { s.uint32((1 << 3) | 0).int64(7); })); }),
      history((w) => { item(w, 'loss', '0.125'); }),
      history((w) => { item(w, 'loss', '0.0625'); for (const n of [20, 30]) w.uint32((2 << 3) | 2).bytes(wire((s) => { s.uint32((1 << 3) | 0).int64(n); })); }),
      // Nested keys, an unknown Item field, an unknown Record field, a second history, an item key repeated.
      wandbRecord({ num: 100, history: { item: [{ nested_key: ['outer', 'inner'], value_json: '4' }, { key: '_step', value_json: '31' }] } }),
      history((w) => { w.uint32((1 << 3) | 2).bytes(wire((i) => { i.uint32((1 << 3) | 2).string('loss'); i.uint32((16 << 3) | 2).string('5'); i.uint32((3 << 3) | 0).uint32(1); })); item(w, '_step', '32'); }),
      wire((r) => { r.uint32((2 << 3) | 2).bytes(wire((w) => { item(w, 'loss', '6'); item(w, '_step', '33'); })); r.uint32((77 << 3) | 0).uint32(1); }),
      wire((r) => { for (const s of ['34', '35']) r.uint32((2 << 3) | 2).bytes(wire((w) => { item(w, 'loss', s); item(w, '_step', s); })); }),
      history((w) => { w.uint32((1 << 3) | 2).bytes(wire((i) => { i.uint32((1 << 3) | 2).string('first'); i.uint32((1 << 3) | 2).string('loss'); i.uint32((16 << 3) | 2).string('7'); })); item(w, '_step', '36'); }),
      // Corrupt: an item whose length runs past its row, a value string past its item, garbage.
      wire((r) => { r.uint32((2 << 3) | 2).bytes(Uint8Array.from([0x0a, 0x30, 0x0a, 0x01, 0x61])); }),
      wire((r) => { r.uint32((2 << 3) | 2).bytes(Uint8Array.from([0x0a, 0x06, 0x0a, 0x01, 0x61, 0x82, 0x01, 0x09, 0x31])); }),
      Uint8Array.from([0xff, 0xff, 0xff]),
      wandbHistory(200, 40, T0 + 40, 40, { loss: 0.5 }),
      ...exit,
    );
    const framed = frameWandbRecords(recs);
    writeFileSync(join(dir, 'run-abc.wandb'), Buffer.concat([wandbFileHeader(), framed]));

    const [run] = await sameAsFullDecode(tmp, new WandbReader(wandbDir, () => 0), new WandbReader(wandbDir, () => 0, { fullDecode: true }));
    assert.ok(run);
    assert.equal(Object.is(run.series.get('z')?.values[0], -0), true);
    assert.ok(Number.isNaN(run.series.get('nan')?.values[0]));
    assert.deepEqual(run.series.get('e')?.values, [1e5]);
    assert.deepEqual(run.series.get('outer.inner')?.values, [4]);
    assert.ok(run.problems.some((p) => /"bad" is not JSON/.test(p.reason)));
    assert.ok(run.problems.some((p) => /not a W&B Record protobuf/.test(p.reason)));
    assert.ok(run.rich.length >= 4);
  });

  it('W&B: the fast path takes history rows and only those, reading what the full decode reads (fuzzed)', () => {
    const type = wandbRecordType();
    const fast: HistoryRows = HistoryRows.forRecord(type) ?? assert.fail('no fast path for the Record type');
    const run = wandbRecord({ num: 2, run: { run_id: 'x' } });
    assert.equal(fast.read(run), false);
    const rand = random(16);
    let taken = 0;
    for (let i = 0; i < 20_000; i++) {
      const row: Record<string, number> = {};
      for (let k = 0, n = 1 + Math.floor(rand() * 4); k < n; k++) row[`m${k}`] = [rand(), Math.floor(rand() * 1e6), (rand() - 0.5) * 10 ** Math.floor(rand() * 60 - 30), Number.NaN][k % 4]!;
      const bytes = Uint8Array.from(wandbHistory(i, i, T0 + i, i, row));
      const mutated = rand() < 0.3 ? bytes.subarray(0, Math.floor(rand() * bytes.length)) : bytes;
      for (let k = 0, n = Math.floor(rand() * 3); k < n; k++) mutated[Math.floor(rand() * mutated.length)] = Math.floor(rand() * 256);
      if (!fast.read(mutated)) continue;
      taken++;
      const rec = type.toObject(type.decode(mutated), { longs: Number, defaults: true }) as { history?: { item: { key: string; nested_key: string[]; value_json: string }[]; step?: { num: number } } };
      const items = rec.history?.item ?? [];
      assert.ok(items.every((it) => it.nested_key.length === 0));
      const want = { keys: items.map((it) => it.key), values: items.map((it) => String(parsePythonJson(it.value_json))), step: rec.history?.step?.num };
      const got = { keys: fast.keys.slice(0, fast.count), values: fast.keys.slice(0, fast.count).map((_, k) => String(fast.texts[k] === undefined ? fast.numbers[k] : historyValue(fast.texts[k]))), step: fast.step };
      assert.deepEqual(got, want, `record ${Buffer.from(mutated).toString('hex')}`);
    }
    assert.ok(taken > 5000, `${taken} records taken`);
  });

  it('W&B values: a JSON number read from its bytes is exactly what JSON.parse reads, and anything else is left to it', () => {
    const rand = random(17);
    const texts = ['', '-', '0', '-0', '00', '01', '1.', '.5', '1e', '1e+', '1E5', '1e-5', '-0.0', '1.5e-3', '1e22', '1e23', '123e20', '9007199254740991',
      '9007199254740992', '9007199254740993', '0.1e-22', '1e-23', 'NaN', 'Infinity', '-Infinity', ' 1', '1 ', '+1', '0x10', '1e400', '-1e-400', 'true', '"1"', '1_0', '١'];
    for (let i = 0; i < 100_000; i++) {
      const x = [rand(), Math.cos(i), (rand() - 0.5) * 10 ** Math.floor(rand() * 50 - 25), Math.floor(rand() * 1e9), Math.fround(rand())][i % 5]!;
      texts.push(String(x), x.toExponential(), x.toFixed(i % 9), x.toPrecision(1 + (i % 21)));
    }
    let fast = 0;
    for (const text of texts) {
      const want = parsePythonJson(text);
      const bytes = Buffer.from(`7${text}9`); // digits either side: the reader must stay inside its bounds
      const got = jsonNumberIn(bytes, 1, bytes.length - 1);
      if (got !== undefined) { fast++; assert.ok(Object.is(got, want), `${JSON.stringify(text)}: ${got} vs ${String(want)}`); }
      const value = historyValue(text);
      assert.ok(Object.is(value, want) || JSON.stringify(value) === JSON.stringify(want), `${JSON.stringify(text)}: ${String(value)} vs ${String(want)}`);
    }
    assert.ok(fast > texts.length / 2, `${fast} of ${texts.length} read from bytes`);
  });

  it('W&B values: a long decimal (16-19 digits, as Python writes most doubles) read from its bytes is what Number() reads, ties included', () => {
    const rand = random(18);
    const texts: string[] = ['0.30000000000000004', '-0.4161468365471424', '9007199254740993', '9007199254740995', '18014398509481986', '18014398509481990',
      '1.2345678901234567e-6', '0.00012345678901234567', '12345678901234567890', '0.1234567890123456789', '1e-22', '99999999999999999.5', '-0.0000000000000000'];
    for (let i = 0; i < 60_000; i++) {
      const x = [rand(), Math.cos(i), (rand() - 0.5) * 10 ** Math.floor(rand() * 30 - 20), rand() * 1e5][i % 4]!;
      texts.push(String(x), x.toPrecision(16 + (i % 4)), x.toExponential(15 + (i % 4)));
      // Decimals exactly halfway between two doubles: whole numbers from 2^53 up, and a double's 17 digits ending in 5.
      const big = (1n << BigInt(53 + (i % 10))) + BigInt(Math.floor(rand() * 2 ** 52)) * (1n << BigInt(1 + (i % 10))) + (i % 2 === 0 ? 1n << BigInt(i % 10) : BigInt(i % 7));
      if (big < 10n ** 19n) texts.push(big.toString(), `0.${big.toString()}`);
      texts.push(rand().toPrecision(17).replace(/\d$/, '5'));
    }
    let read = 0;
    for (const text of texts) {
      const bytes = Buffer.from(`7${text}9`); // digits either side: the reader must stay inside its bounds
      const got = decimalToDouble(bytes, 1, bytes.length - 1);
      if (got === undefined) continue;
      read++;
      assert.ok(Object.is(got, Number(text)), `${text}: ${got} vs ${Number(text)}`);
    }
    assert.ok(read > texts.length * 0.75, `${read} of ${texts.length} read from bytes`);
  });
});
