import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { eventLine, RunLog } from '../fixtures/runLog';

test('the test-log builder writes events the schema accepts and refuses ones it does not', () => {
  const log = new RunLog('20261127T024000001-3f9a1c7b2e')
    .start({ experiment: 'e', name: 'n', config: { lr: 0.01, bad: Number.NaN, nested: { inf: Infinity } } })
    .metrics(0, { loss: 0.5, diverged: Number.NaN, __proto__x: 1 })
    .summary({ best: -Infinity })
    .end();
  const lines = log.text().trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(lines.length, 4);
  assert.deepEqual(lines[0]?.config, { lr: 0.01, bad: { $float: 'NaN' }, nested: { inf: { $float: 'Infinity' } } });
  assert.deepEqual((lines[1]?.values as Record<string, unknown>).diverged, 'NaN');
  assert.throws(() => eventLine('metrics', 1, { step: -1, values: {} }), /does not match schema/);
  assert.throws(() => eventLine('run_start', 1, { run_id: '../escape', experiment: 'e', name: 'n' }), /does not match schema/);
  assert.throws(() => new RunLog('x').end('exploded' as 'finished'), /does not match schema/);
  // A metric named __proto__ is an own key of the values, as a client writing JSON would write it.
  const proto = new RunLog('r1').metrics(0, Object.fromEntries([['__proto__', 1]])).text();
  assert.match(proto, /"values":\{"__proto__":1\}/);
});

test('an artifact event carries its fields at the top level, as the format and the schema say', () => {
  const line = new RunLog('r1').artifact({ name: 'model', path: 'out/model', type: 'model', size: 12, sha256: 'a'.repeat(64), files: 2 }, 5).text();
  assert.deepEqual(JSON.parse(line), { v: 1, t: 'artifact', ts: 5, name: 'model', path: 'out/model', type: 'model', size: 12, sha256: 'a'.repeat(64), files: 2 });
});
