import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import initSqlJs from 'sql.js';
import { validateEvent } from '../../src/core/eventValidation';
import { openRunIndex } from '../../src/core/openRunIndex';
import { RunLog } from '../fixtures/runLog';
import { captureLog, runId, WASM_PATH, Workspace, type CapturedLog } from './workspaceFixture';

describe('metric definitions (define_metric) and summary values in the index', () => {
  let ws: Workspace;
  let log: CapturedLog;
  beforeEach(() => { ws = new Workspace(); log = captureLog(); });
  afterEach(() => ws.dispose());

  it('validates a metric event and refuses a goal or summary it does not know, saying which values it takes', () => {
    assert.deepEqual(validateEvent({ v: 1, t: 'metric', ts: 1, name: 'val/loss', goal: 'minimize', summary: 'min', primary: true }),
      { t: 'metric', ts: 1, name: 'val/loss', goal: 'minimize', summary: 'min', primary: true });
    assert.deepEqual(validateEvent({ v: 1, t: 'metric', ts: 1, name: 'acc' }), { t: 'metric', ts: 1, name: 'acc' });
    // Deliberately bad events (not through the builder): each names the field and what it accepts.
    assert.deepEqual(validateEvent({ v: 1, t: 'metric', ts: 1, name: 'acc', goal: 'up' }), { invalid: '"goal" must be "minimize" or "maximize"' });
    assert.deepEqual(validateEvent({ v: 1, t: 'metric', ts: 1, name: 'acc', summary: 'mean' }), { invalid: '"summary" must be "min", "max" or "last"' });
    assert.deepEqual(validateEvent({ v: 1, t: 'metric', ts: 1, name: 'acc', primary: 1 }), { invalid: '"primary" must be true or false' });
    assert.deepEqual(validateEvent({ v: 1, t: 'metric', ts: 1, name: '' }), { invalid: '"name" must not be empty' });
  });

  it('puts each run\'s declared goals, summary modes, primary metric and summary values on its rows, and keeps them when reopened', async () => {
    const a = runId(1);
    const b = runId(2);
    ws.append(new RunLog(a).start({ experiment: 'cifar' })
      .metricDefinition('val/loss', { goal: 'minimize', summary: 'min' })
      .metricDefinition('grad_norm', { goal: 'minimize' })
      .metricDefinition('val/acc', { goal: 'maximize', primary: true })
      .metrics(0, { 'val/loss': 0.5, 'val/acc': 0.7, grad_norm: 3 })
      .metrics(1, { 'val/loss': 0.2, 'val/acc': 0.9, grad_norm: 2 })
      .metrics(2, { 'val/loss': 0.4, 'val/acc': 0.8, grad_norm: 1 })
      .summary(JSON.parse('{"best_accuracy": 0.9, "note": "ok", "__proto__": 1}') as Record<string, unknown>)
      .end());
    // The later definition replaces the earlier one; primary moves to the last metric declared primary.
    ws.append(new RunLog(b, { t0: 1_795_743_700 }).start({ experiment: 'cifar' })
      .metricDefinition('acc', { goal: 'minimize', primary: true })
      .metricDefinition('acc', { summary: 'max' })
      .metricDefinition('loss', { primary: true })
      .metrics(0, { acc: 0.5, loss: 1 }).metrics(1, { acc: 0.25, loss: 2 }).end());
    let index = await openRunIndex(ws.options(log));
    assert.deepEqual((await index.sync()).problems, []);
    const check = (): void => {
      const ra = index.listRuns().find((r) => r.id === a);
      assert.ok(ra);
      assert.equal(ra.metrics['val/loss']?.goal, 'minimize');
      assert.equal(ra.metrics['val/loss']?.summaryMode, 'min');
      assert.equal(ra.metrics.grad_norm?.goal, 'minimize');
      assert.equal(ra.metrics['val/acc']?.goal, 'maximize');
      assert.equal(ra.metrics['val/acc']?.summaryMode, undefined);
      assert.equal(ra.primaryMetric, 'val/acc');
      assert.equal(ra.summary?.best_accuracy, 0.9);
      assert.ok(ra.summary && Object.prototype.hasOwnProperty.call(ra.summary, '__proto__'), 'a summary named __proto__ stays a value');
      const rb = index.getRun(b);
      assert.ok(rb);
      assert.equal(rb.metrics.acc?.goal, undefined, 'replaced by the later definition');
      assert.equal(rb.metrics.acc?.summaryMode, 'max');
      assert.equal(rb.primaryMetric, 'loss');
    };
    check();
    await index.close();
    index = await openRunIndex(ws.options(log));
    check();
    await index.close();
  });

  it('rebuilds a database of schema version 1 (which skipped metric events) from the logs when it opens', async () => {
    const a = runId(3);
    ws.append(new RunLog(a).start().metricDefinition('score', { goal: 'minimize', primary: true }).metrics(0, { score: 2 }).metrics(1, { score: 1 }).end());
    let index = await openRunIndex(ws.options(log));
    await index.sync();
    await index.close();
    // What version 1 left: no definition columns, the run indexed without its definitions, version 1 in meta.
    const dbFile = join(ws.trialbookDir, 'trialbook.db');
    const SQL = await initSqlJs({ locateFile: () => WASM_PATH });
    const db = new SQL.Database(readFileSync(dbFile));
    db.run('ALTER TABLE runs DROP COLUMN metric_defs');
    db.run('ALTER TABLE runs DROP COLUMN primary_metric');
    db.run("UPDATE meta SET value = '1' WHERE key = 'schema_version'");
    writeFileSync(dbFile, db.export());
    db.close();
    index = await openRunIndex(ws.options(log));
    assert.equal(index.isWriter, true);
    const report = await index.sync();
    assert.deepEqual(report.changed, [a], 'read again from the log');
    const run = index.getRun(a);
    assert.equal(run?.metrics.score?.goal, 'minimize');
    assert.equal(run?.metrics.score?.count, 2, 'points counted once, not twice');
    assert.equal(run?.primaryMetric, 'score');
    assert.equal(index.series({ runIds: [a], keys: ['score'], xAxis: 'step', maxPoints: 100 })[0]?.totalPoints, 2);
    await index.close();
  });
});
