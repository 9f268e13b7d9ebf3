// The panels' contracts as runtime guards: every message type accepted in its valid form, refused in each malformed
// one with a problem that names the property; and the schema builder the contracts are declared with.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { compareContract } from '../../../src/shared/webviews/compare/contract';
import { detailsContract } from '../../../src/shared/webviews/details/contract';
import { runsTableContract } from '../../../src/shared/webviews/runsTable/contract';
import { runInNewContext } from 'node:vm';
import {
  arrayOf, bool, fits, float64Array, floatArray, messagesOf, nullable, num, objectOf, oneOf, optional, recordOf, refine, str, tupleOf,
} from '../../../src/shared/webviews/schema';
import { fromWireNumber, toWireNumber, toWireValue, wireNumber, wireText } from '../../../src/shared/webviews/wireValue';
import { malformedMessages, messageCases, type PanelKind } from './malformedMessages';

const contracts = { compare: compareContract, runsTable: runsTableContract, details: detailsContract } as const;

for (const panel of Object.keys(contracts) as PanelKind[]) {
  const contract = contracts[panel];

  test(`${panel} contract: every message type the page sends is in the table, and its valid form is accepted`, () => {
    assert.deepEqual(messageCases[panel].map((c) => c.valid.type).sort(), [...contract.toHost.types].sort());
    for (const { valid } of messageCases[panel]) assert.deepEqual(contract.toHost.check(valid), { ok: true, message: valid });
  });

  test(`${panel} contract: each malformed message is refused, naming its type and what is wrong`, () => {
    const cases = malformedMessages(panel);
    assert.ok(cases.length > 15, `${cases.length} malformed messages`);
    for (const [what, message, type] of cases) {
      const result = contract.toHost.check(message);
      assert.equal(result.ok, false, `accepted: ${what}`);
      if (result.ok) continue;
      assert.equal(result.type, type, what);
      assert.ok(result.problem.length > 0, what);
    }
  });

  test(`${panel} contract: a problem says which property and what was expected`, () => {
    for (const { valid, required } of messageCases[panel]) {
      for (const key of required) {
        const { [key]: _dropped, ...rest } = valid;
        const result = contract.toHost.check(rest);
        assert.ok(!result.ok && result.problem.startsWith(`${key}: expected`), `${valid.type} without ${key}: ${JSON.stringify(result)}`);
      }
    }
  });
}

test('compare contract: the drawn and ready messages that used to throw in the host are refused or accepted as they should be', () => {
  // Before: the guard looked at `type` only, and the host threw at message.ms.toFixed.
  assert.deepEqual(compareContract.toHost.check({ type: 'drawn' }), { ok: false, type: 'drawn', problem: 'metric: expected a string, got nothing' });
  // A ready with an older version's state is a valid ready: the state is checked on its own, and dropped.
  assert.equal(compareContract.toHost.check({ type: 'ready', state: {} }).ok, true);
  assert.match(compareContract.state.problem({}, 'state') ?? '', /^state\.runIds: expected an array, got nothing$/);
});

test('view states: what each page saves today fits; what an older one saved does not', () => {
  assert.ok(fits(compareContract.state, { runIds: ['a'], selectedMetrics: [], xAxis: 'wall', smoothing: 0.6, logScale: true, onlyDifferentParams: false }));
  assert.ok(!fits(compareContract.state, { runIds: ['a'], selectedMetrics: [], xAxis: 'wall', smoothing: 2, logScale: true, onlyDifferentParams: false }));
  assert.ok(fits(runsTableContract.state, { filter: '', sort: null, columns: { 'p:lr': false }, onlyDiffering: false, widths: { name: 120 }, order: ['name'], selected: [], scrollTop: 0 }));
  assert.ok(!fits(runsTableContract.state, { filter: '', sort: { column: 'name' }, columns: {}, onlyDiffering: false }));
  assert.ok(!fits(runsTableContract.state, { filter: '', sort: null, columns: { 'p:lr': 'no' }, onlyDiffering: false }));
  assert.ok(fits(detailsContract.state, { runId: 'r1' }));
  assert.ok(!fits(detailsContract.state, { id: 'r1' }));
});

test('schema: objects check own properties only, and say where a nested value went wrong', () => {
  const schema = objectOf({ name: str(), sort: nullable(objectOf({ column: str(), descending: bool() })), tags: arrayOf(str()), note: optional(str({ maxLength: 5 })) });
  assert.ok(fits(schema, { name: 'a', sort: null, tags: [] }));
  assert.equal(schema.problem({ name: 'a', sort: { column: 1, descending: true }, tags: [] }, ''), 'sort.column: expected a string, got a number');
  assert.equal(schema.problem({ name: 'a', sort: null, tags: ['x', 2] }, 'state'), 'state.tags[1]: expected a string, got a number');
  assert.equal(schema.problem({ name: 'a', sort: null, tags: [], note: 'too long' }, ''), 'note: longer than 5 characters');
  // An inherited property is not the object's own.
  const inherited = Object.create({ name: 'from the prototype' }) as object;
  assert.equal(schema.problem(Object.assign(inherited, { sort: null, tags: [] }), ''), 'name: expected a string, got nothing');
  assert.equal(schema.problem([], 'x'), 'x: expected an object, got an array');
});

test('schema: numbers are finite and within limits; fixed strings; tuples; records; messages by own type only', () => {
  assert.ok(!fits(num(), Number.NaN));
  assert.ok(!fits(num(), Infinity));
  assert.ok(!fits(num({ integer: true }), 1.5));
  assert.ok(fits(num({ min: 0, max: 1 }), 1));
  assert.ok(!fits(oneOf('a', 'b'), 'c'));
  assert.ok(fits(tupleOf(str(), num()), ['a', 1]));
  assert.ok(!fits(tupleOf(str(), num()), ['a', 1, 2]));
  assert.ok(fits(recordOf(bool()), JSON.parse('{"__proto__": true, "constructor": false}')));
  assert.ok(!fits(recordOf(bool()), { a: 1 }));
  const messages = messagesOf({ ping: objectOf({}) });
  for (const type of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
    assert.equal(messages.check({ type }).ok, false, type);
  }
  assert.equal(messages.check(JSON.parse('{"__proto__": {"type": "ping"}}')).ok, false, 'a type inherited through __proto__ is no type');
});

test('wire values: one encoding for NaN and ±Infinity, params flattened once, shown with the shared formatter', () => {
  for (const n of [Number.NaN, Infinity, -Infinity, 0, -0.5, 1e300]) {
    const wire = JSON.parse(JSON.stringify(toWireNumber(n))) as unknown;
    assert.ok(fits(wireNumber, wire), String(n));
    assert.ok(Object.is(fromWireNumber(wire as ReturnType<typeof toWireNumber>), n === 0 ? 0 : n), String(n));
  }
  assert.deepEqual(toWireValue({ depth: 3 }), '{"depth":3}');
  assert.deepEqual(toWireValue([1, 'a']), '[1,"a"]');
  assert.equal(toWireValue(undefined), null);
  assert.equal(wireText(toWireValue(0.123456)), '0.1235');
  assert.equal(wireText(toWireValue(Number.NaN)), 'NaN');
  assert.equal(wireText(toWireValue(-Infinity)), '-∞');
  assert.equal(wireText(toWireValue(null)), 'null');
  assert.equal(wireText(toWireValue('adam')), 'adam');
});

test('schema: binary numbers are Float64Arrays (any realm), finite when asked, and a refused one says what it got', () => {
  assert.ok(fits(float64Array(), Float64Array.of(1, Number.NaN, -Infinity)));
  assert.equal(float64Array().problem([1, 2], 'xs'), 'xs: expected a Float64Array, got an array');
  assert.equal(float64Array().problem(Float32Array.of(1), 'xs'), 'xs: expected a Float64Array, got a Float32Array');
  assert.equal(float64Array().problem(Float64Array.of(1).buffer, 'xs'), 'xs: expected a Float64Array, got an object');
  assert.equal(float64Array({ finite: true }).problem(Float64Array.of(0, 1, Number.NaN), 'xs'), 'xs[2]: expected a finite number, got NaN');
  // A typed array made in another realm (a webview's frame) is still a Float64Array.
  const foreign = runInNewContext('new Float64Array([1, 2])') as unknown;
  assert.ok(!(foreign instanceof Float64Array) && fits(float64Array(), foreign));
  const pair = refine(objectOf({ a: float64Array(), b: float64Array() }), (v) => (v.a.length === v.b.length ? undefined : 'a and b differ in length'));
  assert.equal(pair.problem({ a: new Float64Array(2), b: new Float64Array(3) }, 'line'), 'line: a and b differ in length');
});

test('schema: binary numbers in single or double precision (any realm), finite when asked, and a refused one says what it got', () => {
  assert.ok(fits(floatArray(), Float32Array.of(1, Number.NaN, -Infinity)));
  assert.ok(fits(floatArray(), Float64Array.of(1, Number.NaN, -Infinity)));
  assert.equal(floatArray().problem([1, 2], 'xs'), 'xs: expected a Float32Array or a Float64Array, got an array');
  assert.equal(floatArray().problem(Int32Array.of(1), 'xs'), 'xs: expected a Float32Array or a Float64Array, got a Int32Array');
  assert.equal(floatArray().problem(Float32Array.of(1).buffer, 'xs'), 'xs: expected a Float32Array or a Float64Array, got an object');
  assert.equal(floatArray({ finite: true }).problem(Float32Array.of(0, 1, Number.NaN), 'xs'), 'xs[2]: expected a finite number, got NaN');
  assert.equal(floatArray({ finite: true }).problem(Float64Array.of(0, -Infinity), 'xs'), 'xs[1]: expected a finite number, got -Infinity');
  const foreign = runInNewContext('new Float32Array([1, 2])') as unknown;
  assert.ok(!(foreign instanceof Float32Array) && fits(floatArray(), foreign));
});

test('compare contract: lines travel as binary, each array in single or double precision or xs as increments; a malformed binary message is refused with the line and the problem', () => {
  const valid = {
    runs: [{ id: 'r1', name: 'a', experiment: 'e', status: 'finished', color: 'red' }], metrics: ['loss'], selectedMetrics: ['loss'], xAxis: 'step',
    lines: [{ runId: 'r1', metric: 'loss', xs: Float64Array.of(0, 1), ys: Float64Array.of(1, Number.NaN), totalPoints: 2 }], params: [], summaries: [],
  };
  assert.equal(compareContract.toWebview.check({ type: 'data', data: valid }).ok, true);
  // Each of a line's arrays in single or double precision, wall-clock x as offsets from a base, xs as increments (wireLines.ts).
  const narrowed = { ...valid, lines: [{ runId: 'r1', metric: 'loss', xs: Float32Array.of(-1, 1), xBase: 1_795_000_000_000, ys: Float32Array.of(1, Number.NaN), totalPoints: 2 },
    { runId: 'r1', metric: 'acc', xs: Float32Array.of(0, 1), ys: Float64Array.of(16_777_217, 2), totalPoints: 2 },
    { runId: 'r1', metric: 'f1', xs: Uint8Array.of(0, 50), xStart: 1_795_000_000_000, ys: Float32Array.of(1, 2), totalPoints: 2 },
    { runId: 'r1', metric: 'lr', xs: Uint16Array.of(0, 1050), xStart: 250, xPer: 1000, ys: Float32Array.of(1, 2), totalPoints: 2 }] };
  assert.equal(compareContract.toWebview.check({ type: 'data', data: narrowed }).ok, true);
  const withLine = (line: Record<string, unknown>) => ({ type: 'data', data: { ...valid, lines: [{ runId: 'r1', metric: 'loss', totalPoints: 2, ...line }] } });
  const cases: Array<[string, unknown, string]> = [
    ['points as JSON (the old format)', withLine({ points: [0, 1, 1, 2] }), 'data.lines[0].xs: expected a Float32Array, a Float64Array, a Uint16Array or a Uint8Array, got nothing'],
    ['xs as a plain array', withLine({ xs: [0, 1], ys: Float64Array.of(1, 2) }), 'data.lines[0].xs: expected a Float32Array, a Float64Array, a Uint16Array or a Uint8Array, got an array'],
    ['ys as integers', withLine({ xs: Float64Array.of(0, 1), ys: Int32Array.of(1, 2) }), 'data.lines[0].ys: expected a Float32Array or a Float64Array, got a Int32Array'],
    ['an x that cannot be placed', withLine({ xs: Float64Array.of(0, Number.NaN), ys: Float64Array.of(1, 2) }), 'data.lines[0].xs[1]: expected a finite number, got NaN'],
    ['an x in single precision that cannot be placed', withLine({ xs: Float32Array.of(0, Infinity), ys: Float32Array.of(1, 2) }), 'data.lines[0].xs[1]: expected a finite number, got Infinity'],
    ['more xs than ys', withLine({ xs: Float64Array.of(0, 1, 2), ys: Float64Array.of(1, 2) }), 'data.lines[0]: xs has 3 values but ys has 2; each point needs both'],
    ['more xs than ys, in single precision', withLine({ xs: Float32Array.of(0, 1, 2), ys: Float32Array.of(1, 2) }), 'data.lines[0]: xs has 3 values but ys has 2; each point needs both'],
    ['an x base as text', withLine({ xs: Float32Array.of(0, 1), ys: Float32Array.of(1, 2), xBase: '1795000000000' }), 'data.lines[0].xBase: expected a number, got a string'],
    ['xs as signed integers', withLine({ xs: Int16Array.of(0, 1), ys: Float32Array.of(1, 2), xStart: 0 }), 'data.lines[0].xs: expected a Float32Array, a Float64Array, a Uint16Array or a Uint8Array, got a Int16Array'],
    ['increments with no start', withLine({ xs: Uint8Array.of(0, 1), ys: Float32Array.of(1, 2) }), 'data.lines[0]: xs are increments (whole numbers) but xStart is missing'],
    ['a unit below 1', withLine({ xs: Uint8Array.of(0, 1), ys: Float32Array.of(1, 2), xStart: 0, xPer: 0 }), 'data.lines[0].xPer: expected an integer ≥ 1, got a number'],
    ['an x base that is not finite', withLine({ xs: Float32Array.of(0, 1), ys: Float32Array.of(1, 2), xBase: Number.NaN }), 'data.lines[0].xBase: expected a number, got NaN'],
  ];
  for (const [what, message, problem] of cases) assert.deepEqual(compareContract.toWebview.check(message), { ok: false, type: 'data', problem }, what);
  const update = { type: 'update', runs: valid.runs, metrics: ['loss'], summaries: [], changes: [{ runId: 'r1', metric: 'loss', mode: 'append', xs: Float64Array.of(2), ys: [3], totalPoints: 3 }] };
  assert.deepEqual(compareContract.toWebview.check(update), { ok: false, type: 'update', problem: 'changes[0].ys: expected a Float32Array or a Float64Array, got an array' });
  const narrowUpdate = { ...update, changes: [{ runId: 'r1', metric: 'loss', mode: 'append', xs: Float32Array.of(2), ys: Float32Array.of(3), totalPoints: 3 }] };
  assert.equal(compareContract.toWebview.check(narrowUpdate).ok, true);
  const lines = { type: 'lines', metrics: ['loss'], xAxis: 'wall', lines: [{ runId: 'r1', metric: 'loss', xs: Float32Array.of(0), xBase: 1e12, ys: new Uint8Array(1), totalPoints: 1 }] };
  assert.deepEqual(compareContract.toWebview.check(lines), { ok: false, type: 'lines', problem: 'lines[0].ys: expected a Float32Array or a Float64Array, got a Uint8Array' });
  assert.equal(compareContract.toWebview.check({ ...lines, lines: [{ ...lines.lines[0], ys: Float32Array.of(3) }] }).ok, true);
});
