import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { openRunIndex } from '../../src/core/openRunIndex';
import type { IndexLifecycle, PushRecorder, RunReader } from '../../src/core/runIndex';
import { RunLog } from '../fixtures/runLog';
import { captureLog, runId, Workspace, type CapturedLog } from './workspaceFixture';

describe('openRunIndex: ingest, query, persist', () => {
  let ws: Workspace;
  let log: CapturedLog;
  beforeEach(() => { ws = new Workspace(); log = captureLog(); });
  afterEach(() => ws.dispose());

  it('ingests runs written per the event format and answers listRuns/getRun/experiments', async () => {
    const a = runId(1);
    const b = runId(2);
    ws.writeRun(a, { experiment: 'mnist', name: 'brave-otter', steps: 10, config: { lr: 0.001, optimizer: 'adam' }, tags: ['baseline'] });
    ws.writeRun(b, { experiment: 'cifar', name: 'calm-heron', steps: 3, status: 'failed', t0: 1_795_743_700 });
    const index = await openRunIndex(ws.options(log));
    const report = await index.sync();
    assert.deepEqual([...report.changed].sort(), [a, b].sort());
    assert.deepEqual(report.problems, []);
    assert.deepEqual(index.experiments(), ['cifar', 'mnist']);
    const rows = index.listRuns();
    assert.deepEqual(rows.map((r) => r.id), [b, a], 'newest first by default');
    const ra = rows.find((r) => r.id === a)!;
    assert.equal(ra.status, 'finished');
    assert.equal(ra.name, 'brave-otter');
    assert.deepEqual(ra.params, { lr: 0.001, optimizer: 'adam' });
    assert.deepEqual(ra.tags, ['baseline']);
    assert.equal(ra.metrics.loss!.count, 10);
    assert.equal(ra.metrics.loss!.last, 1 / 10);
    assert.equal(ra.metrics.loss!.max, 1);
    assert.equal(ra.metrics.loss!.lastStep, 9);
    assert.equal(ra.user, 'ada');
    assert.equal(ra.gitCommit, 'abc123');
    assert.equal(rows.find((r) => r.id === b)!.status, 'failed');
    const detail = index.getRun(a)!;
    assert.equal(detail.dir, join(ws.trialbookDir, 'runs', a));
    assert.equal(detail.lineage.script, '/w/train.py');
    assert.equal(index.getRun('nope'), undefined);
    await index.close();
  });

  it('returns series on step, relative and wall axes with exact values', async () => {
    const a = runId(3);
    ws.writeRun(a, { steps: 4, metrics: (s) => ({ loss: s === 2 ? 'NaN' : 0.1 * s + 1e-12 }) });
    const index = await openRunIndex(ws.options(log));
    await index.sync();
    const [step] = index.series({ runIds: [a], keys: ['loss'], xAxis: 'step', maxPoints: 100 });
    assert.deepEqual(step!.x, [0, 1, 2, 3]);
    assert.equal(step!.y[1], 0.1 + 1e-12);
    assert.ok(Number.isNaN(step!.y[2]));
    assert.equal(step!.totalPoints, 4);
    const [rel] = index.series({ runIds: [a], keys: ['loss'], xAxis: 'relative', maxPoints: 100 });
    assert.deepEqual(rel!.x, [0.5, 0.75, 1, 1.25]);
    const [wall] = index.series({ runIds: [a], keys: ['loss'], xAxis: 'wall', maxPoints: 100 });
    assert.equal(wall!.x[0], 1_795_743_612_500);
    assert.deepEqual(index.series({ runIds: [a], keys: ['missing'], xAxis: 'step', maxPoints: 10 }), []);
    await index.close();
  });

  it('saves atomically, reopens from the file without re-reading logs, and ingests only appended lines', async () => {
    const a = runId(4);
    ws.writeRun(a, { steps: 5, status: null });
    let index = await openRunIndex(ws.options(log));
    assert.equal(index.isWriter, true);
    await index.sync();
    await index.close();
    assert.ok(existsSync(join(ws.trialbookDir, 'trialbook.db')));
    assert.ok(!existsSync(join(ws.trialbookDir, 'trialbook.db.lock')), 'close releases the lock');
    index = await openRunIndex(ws.options(log));
    assert.equal(index.listRuns()[0]!.metrics.loss!.count, 5, 'loaded from the database before any sync');
    const noChange = await index.sync();
    assert.deepEqual(noChange.changed, []);
    ws.append(new RunLog(a).metrics(5, { loss: 0.01 }, { ts: 1_795_743_620 }));
    const report = await index.sync();
    assert.deepEqual(report.changed, [a]);
    const [line] = index.series({ runIds: [a], keys: ['loss'], xAxis: 'step', maxPoints: 100 });
    assert.deepEqual(line!.x, [0, 1, 2, 3, 4, 5]);
    assert.equal(index.listRuns()[0]!.metrics.loss!.last, 0.01);
    await index.close();
  });

  it('labels every series line with its metric, full-resolution lines (not cached) too', async () => {
    const a = runId(5);
    ws.writeRun(a, { steps: 25_000, metrics: (s) => ({ loss: s / 2 }) });
    const index = await openRunIndex(ws.options(log));
    await index.sync();
    const [full] = index.series({ runIds: [a], keys: ['loss'], xAxis: 'step', maxPoints: 1e9 });
    assert.deepEqual([full!.runId, full!.key, full!.totalPoints, full!.x.length], [a, 'loss', 25_000, 25_000]);
    const [small] = index.series({ runIds: [a], keys: ['loss'], xAxis: 'step', maxPoints: 100 });
    assert.deepEqual([small!.runId, small!.key], [a, 'loss']);
    await index.close();
  });

  it('serves readers, the push ledger and the lifecycle through their own interfaces', async () => {
    const a = runId(6);
    ws.writeRun(a, { steps: 2 });
    const index = await openRunIndex(ws.options(log));
    const lifecycle: IndexLifecycle = index;
    const reader: RunReader = index;
    const ledger: PushRecorder = index;
    assert.deepEqual((await lifecycle.sync()).changed, [a]);
    assert.deepEqual(reader.metricKeys(), ['acc', 'loss']);
    assert.deepEqual(reader.metricKeys([a, 'gone']), ['acc', 'loss']);
    ledger.recordPush({ runId: a, artifact: 'model', registry: 'oci://127.0.0.1:5000', reference: 'm:1', at: 1 });
    assert.deepEqual(reader.getRun(a)!.pushes.map((p) => p.reference), ['m:1']);
    assert.equal(lifecycle.readOnlyReason, undefined, 'the only process: it writes');
    await lifecycle.close();
  });
});
