import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { evaluateGate } from '../../../src/core/lifecycle/gateEval';
import { gatesFor, positionText, readGatesSetting, readGatesText, type GateDefinition } from '../../../src/core/lifecycle/gatesFile';
import type { RunRow } from '../../../src/core/model';

function row(): RunRow {
  const m = (last: number, min: number, max: number) => ({ last, min, max, count: 3, lastStep: 2 });
  return {
    id: 'r1', experiment: 'e', name: 'n', status: 'finished', startedAt: 1, lastEventAt: 2, notes: '', tags: [], skippedLines: 0,
    params: { latency_ms: 31, constructor: 'p' },
    metrics: { 'val/acc': m(0.93, 0.5, 0.95), 'train/loss': m(0.2, 0.1, 4.5) },
    summary: { best_f1: 0.8 },
  };
}

function gate(rule: string, name = 'g'): GateDefinition {
  return { model: 'churn', name, rule, origin: 'file' };
}

test('a gate over metrics, max() of a metric, params and summaries passes with the actual values', () => {
  const r = evaluateGate(gate('val/acc >= 0.92 and max(train/loss) < 5 and latency_ms < 40 and summary.best_f1 > 0.5'), row());
  assert.equal(r.status, 'pass', r.message);
  assert.deepEqual(r.actual.map((a) => [a.name, a.value]), [['val/acc', 0.93], ['max(train/loss)', 4.5], ['latency_ms', 31], ['summary.best_f1', 0.8]]);
});

test('a failing gate says so with the actual values', () => {
  const r = evaluateGate(gate('val/acc >= 0.95 and min(train/loss) < 1'), row());
  assert.equal(r.status, 'fail');
  assert.equal(r.message, 'failed: val/acc >= 0.95 and min(train/loss) < 1 with val/acc = 0.93, min(train/loss) = 0.1');
});

test('a gate naming a value the run lacks is "missing", even where the rule alone would hold', () => {
  for (const rule of ['test/acc > 0.9', 'not test/acc > 0.9', 'val/acc > 0.9 or test/acc > 0.9', 'max(toString) < 1', 'summary.constructor = 1']) {
    const r = evaluateGate(gate(rule), row());
    assert.equal(r.status, 'missing', rule);
    assert.match(r.message, /^missing: the run has no /, rule);
  }
  // A param named like an Object.prototype member is found as the run's own param, not as the prototype's.
  assert.equal(evaluateGate(gate('constructor = p'), row()).status, 'pass');
});

test('a gate with a syntax error is an error, not a pass', () => {
  const r = evaluateGate(gate('val/acc >= and x < 1'), row());
  assert.equal(r.status, 'error');
  assert.match(r.message, /column 12/);
});

test('the gates file: rule syntax errors point at their column in the file; good gates are kept', () => {
  const text = '{\n  "churn": {\n    "accuracy": "val/acc >= 0.92",\n    "broken": "val/acc >= and x < 1"\n  },\n  "*": { "latency": "latency_ms < 40" }\n}\n';
  const read = readGatesText(text);
  assert.deepEqual(read.gates.map((g) => `${g.model}/${g.name}`), ['churn/accuracy', 'churn/broken', '*/latency']);
  assert.equal(read.problems.length, 1);
  const p = read.problems[0];
  assert.ok(p);
  // "val/acc >= and…" starts at column 15 of line 4 (after the quote); the filter's column 12 is the "a" of "and".
  assert.equal(positionText(text, p.start), '4:27');
  assert.equal(text.slice(p.start, p.start + 3), 'and');
  assert.match(p.message, /gate "broken": invalid rule at column 12: expected a value, found "and"/);
});

test('the gates file: JSON errors, wrong shapes and escapes', () => {
  assert.match(readGatesText('{ "churn": { "a": "x > 1" ').problems[0]?.message ?? '', /expected "," or "}"/);
  const shapes = readGatesText('{ "churn": ["x > 1"], "m": { "a": 3, "b": "  " } }');
  assert.deepEqual(shapes.problems.map((p) => p.message), [
    'the gates of "churn" are an object: { "<gate name>": "<rule>" }',
    'gate "a" needs its rule as text, e.g. "val/acc >= 0.92"',
    'gate "b" has an empty rule',
  ]);
  // An escaped quote inside the rule: the error column still lands on the right character of the file.
  const text = '{"m": {"q": "name = \\"x\\" and ("}}';
  const p = readGatesText(text).problems[0];
  assert.ok(p);
  assert.equal(text.charAt(p.start), '"', text.slice(p.start));
  assert.equal(p.start, text.length - 3);
});

test('gates for a model: its own and "*"; a file gate wins over a setting of the same name', () => {
  const settings = readGatesSetting({ churn: { accuracy: 'val/acc > 0.5', extra: 'x > 1' }, other: { y: 'y > 1' } });
  assert.deepEqual(settings.problems, []);
  const file = readGatesText('{"churn": {"accuracy": "val/acc > 0.9"}, "*": {"latency": "latency_ms < 40"}}').gates;
  const picked = gatesFor('churn', [...settings.gates, ...file]);
  assert.deepEqual(picked.map((g) => [g.name, g.rule, g.origin]), [['accuracy', 'val/acc > 0.9', 'file'], ['extra', 'x > 1', 'settings'], ['latency', 'latency_ms < 40', 'file']]);
  assert.deepEqual(readGatesSetting([1]).problems, ['trialbook.gates is an object: { "<model name>": { "<gate name>": "<rule>" } }']);
});
