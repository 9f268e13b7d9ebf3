import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

test('writeTo appends only what it has not written yet, so a test can go on logging into the same run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trialbook-runlog-'));
  try {
    const log = new RunLog('r1').start({}, 1).metrics(0, { loss: 1 }, { ts: 2 });
    const file = log.writeTo(dir);
    log.end('finished', undefined, 3).writeTo(dir);
    assert.deepEqual(readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => (JSON.parse(l) as { t: string }).t), ['run_start', 'metrics', 'run_end']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('run_start keeps its fields in the order given and leaves out those given as undefined', () => {
  const line = new RunLog('r1').start({ notes: 'n', tags: ['a'], config: { lr: 1 }, group: undefined, rank: 0 }, 1).text();
  assert.deepEqual(Object.keys(JSON.parse(line) as object), ['v', 't', 'ts', 'run_id', 'experiment', 'name', 'notes', 'tags', 'config', 'rank']);
});
