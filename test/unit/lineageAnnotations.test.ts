import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { boundedJson, lineageAnnotations } from '../../src/core/registry/lineage';
import type { RunDetail } from '../../src/core/model';

const names = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty'];

function detail(): RunDetail {
  const summary = { last: 0.5, min: 0.1, max: 0.9, count: 3, lastStep: 2 };
  const metrics = Object.fromEntries(names.map((n, i) => [n, { ...summary, last: i }]));
  const params = Object.fromEntries(names.map((n, i) => [n, `p${i}`]));
  return {
    id: 'r1', experiment: 'e', name: 'n', status: 'finished', startedAt: 1, lastEventAt: 2, notes: '', tags: [],
    params, metrics, skippedLines: 0, lineage: {}, summary: {}, artifacts: [], pushes: [], dir: '/tmp/r1',
  };
}

test('annotations keep params and metrics named like Object.prototype members', () => {
  const a = lineageAnnotations(detail(), { version: '1', artifactName: 'model' });
  const metrics = JSON.parse(a['dev.trialbook.metrics'] ?? '{}') as Record<string, unknown>;
  const params = JSON.parse(a['dev.trialbook.params'] ?? '{}') as Record<string, unknown>;
  assert.deepEqual(Object.keys(metrics).sort(), [...names].sort());
  assert.deepEqual(Object.keys(params).sort(), [...names].sort());
  assert.equal(Object.getOwnPropertyDescriptor(metrics, '__proto__')?.value, 0);
  assert.equal(Object.getOwnPropertyDescriptor(params, '__proto__')?.value, 'p0');
});

test('bounded JSON: cut at the limit with a count of what was left out', () => {
  const entries = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`key${String(i).padStart(2, '0')}`, 'x'.repeat(40)]));
  const text = boundedJson(entries, 500);
  assert.ok(Buffer.byteLength(text) <= 500, text);
  const parsed = JSON.parse(text) as Record<string, unknown>;
  const kept = Object.keys(parsed).filter((k) => k !== '…truncated');
  assert.equal(Number(parsed['…truncated']) + kept.length, 50);
  assert.deepEqual(kept, kept.slice().sort());
  assert.equal(boundedJson({ b: 1, a: 2 }), '{"a":2,"b":1}');
});
