// Following sources while their tools write: appended TensorBoard records and MLflow metric lines reach the index
// in one pass and one sync, read from where the last pass stopped (nothing twice), and a run still RUNNING ends
// when MLflow says so. Edits made in the editor go to Trialbook's edits file, never into the source.
import { strict as assert } from 'node:assert';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { openRunIndex } from '../../../src/core/openRunIndex';
import { appendRunEdit } from '../../../src/core/runEdits';
import { SourceFollower } from '../../../src/core/sources/sourceFollower';
import { appendMlflowMetric, tbEvent, writeMlflowExperiment, writeMlflowRun, writeTbEventFile } from '../../fixtures/sourceWriters';
import { treeChecksums } from '../../peers/peerFixtures';
import { captureLog, WASM_PATH } from '../workspaceFixture';

describe('sources: following', () => {
  let tmp: string;
  beforeEach(() => { tmp = mkdtempSync(join(tmpdir(), 'trialbook-follow-')); });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('a TensorBoard record appended is in the index after one pass and one sync, well within a second, and nothing is read twice', async () => {
    const logdir = join(tmp, 'tb');
    const t0 = 1_700_000_000;
    const file = writeTbEventFile(join(logdir, 'live'), t0, Array.from({ length: 1000 }, (_, step) => ({ tag: 'loss', step, wallTime: t0 + step, value: 1 / (step + 1) })));
    const trialbookDir = join(tmp, '.trialbook');
    const log = captureLog();
    const follower = new SourceFollower(join(trialbookDir, 'runs'), log);
    follower.setSources([{ path: logdir }], tmp);
    const first = await follower.pass();
    assert.equal(first.changed.length, 1);
    const index = await openRunIndex({ trialbookDir, wasmPath: WASM_PATH, log, saveDelayMs: 60_000, readerWorker: false });
    try {
      await index.sync();
      const id = first.changed[0]!;
      assert.equal(index.getRun(id)!.metrics.loss!.count, 1000);
      appendFileSync(file, tbEvent({ wallTime: t0 + 1000, step: 1000, scalars: [{ tag: 'loss', value: 0.5 }] }));
      const started = performance.now();
      const second = await follower.pass();
      await index.sync();
      const ms = performance.now() - started;
      assert.deepEqual(second.changed, [id]);
      assert.ok(second.bytes < 300, `only the new point was written to the run's log (${second.bytes} bytes)`);
      const run = index.getRun(id)!;
      assert.equal(run.metrics.loss!.count, 1001, 'no point read twice');
      assert.equal(run.metrics.loss!.last, 0.5);
      assert.ok(ms < 1000, `visible after ${ms.toFixed(0)} ms`);
      const third = await follower.pass();
      assert.deepEqual(third.changed, [], 'nothing new, nothing written');
    } finally {
      await index.close();
      follower.close();
    }
  });

  it('an MLflow run still RUNNING: new metric lines follow, it ends when its meta.yaml says FINISHED; edits never touch the store', async () => {
    const mlruns = join(tmp, 'mlruns');
    const exp = writeMlflowExperiment(mlruns, '7', 'live-exp');
    const runId = 'c'.repeat(32);
    const now = Date.now();
    const dir = writeMlflowRun(exp, '7', { runId, name: 'training', status: 1, startTime: now - 5000, endTime: null, params: { lr: '0.01' }, metrics: { loss: [[now - 4000, 1, 0]] } });
    const trialbookDir = join(tmp, '.trialbook');
    const log = captureLog();
    const follower = new SourceFollower(join(trialbookDir, 'runs'), log);
    follower.setSources([{ path: mlruns }], tmp);
    await follower.pass();
    const index = await openRunIndex({ trialbookDir, wasmPath: WASM_PATH, log, saveDelayMs: 60_000, readerWorker: false });
    const id = `mlflow-${runId}`;
    try {
      await index.sync();
      assert.equal(index.getRun(id)!.status, 'running');
      assert.equal(index.getRun(id)!.params.lr, 0.01);
      appendMlflowMetric(dir, 'loss', [[now - 3000, 0.5, 1], [now - 2000, Number.NaN, 2]]);
      await follower.pass();
      await index.sync();
      assert.equal(index.getRun(id)!.metrics.loss!.count, 3);
      // Edits made in the editor: Trialbook's own file beside the run's log, never the store.
      const before = treeChecksums(mlruns);
      await appendRunEdit(trialbookDir, id, { t: 'name', name: 'renamed in the editor' });
      await appendRunEdit(trialbookDir, id, { t: 'star', starred: true });
      await follower.pass();
      await index.sync();
      assert.equal(index.getRun(id)!.name, 'renamed in the editor');
      assert.deepEqual(treeChecksums(mlruns), before);
      // MLflow ends the run: status 3 and an end time in meta.yaml.
      const meta = readFileSync(join(dir, 'meta.yaml'), 'utf8').replace('status: 1', 'status: 3').replace('end_time: null', `end_time: ${now}`);
      writeFileSync(join(dir, 'meta.yaml'), meta);
      await follower.pass();
      await index.sync();
      const run = index.getRun(id)!;
      assert.equal(run.status, 'finished');
      assert.equal(run.endedAt, now);
      assert.equal(run.name, 'renamed in the editor', 'the edit still wins');
      assert.equal(run.metrics.loss!.count, 3);
      assert.ok(existsSync(join(trialbookDir, 'runs', id, 'edits.jsonl')));
    } finally {
      await index.close();
      follower.close();
    }
  });

  it('an MLflow run left RUNNING that no longer writes stays running, marked as not updated since, never crashed', async () => {
    // MLflow keeps such a run RUNNING (its UI shows it so forever); only its own tool can end it. Trialbook's crash
    // rule needs its SDK's heartbeats, which MLflow never writes: it shows how long the run has been silent instead.
    const mlruns = join(tmp, 'mlruns');
    const exp = writeMlflowExperiment(mlruns, '3', 'silent-exp');
    const runId = 'd'.repeat(32);
    const started = 1_700_000_000_000;
    writeMlflowRun(exp, '3', { runId, name: 'left-running', status: 1, startTime: started, endTime: null, metrics: { loss: [[started + 1000, 1, 0], [started + 2000, 0.5, 1]] } });
    const trialbookDir = join(tmp, '.trialbook');
    const log = captureLog();
    const follower = new SourceFollower(join(trialbookDir, 'runs'), log);
    follower.setSources([{ path: mlruns }], tmp);
    await follower.pass();
    let clock = started + 10_000;
    const index = await openRunIndex({ trialbookDir, wasmPath: WASM_PATH, log, saveDelayMs: 60_000, readerWorker: false, crashAfterSeconds: 30, now: () => clock });
    const id = `mlflow-${runId}`;
    try {
      await index.sync();
      assert.equal(index.getRun(id)!.status, 'running');
      assert.equal(index.getRun(id)!.stale, undefined, 'silent for 8 s: not yet marked');
      clock = started + 2 * 3600_000;
      await index.sync();
      const run = index.getRun(id)!;
      assert.equal(run.status, 'running', 'the store says RUNNING: not crashed');
      assert.equal(run.stale, true);
      assert.equal(run.lastEventAt, started + 2000);
      assert.deepEqual(index.listRuns({ filter: 'status = crashed' }).map((r) => r.id), []);
      assert.deepEqual(index.listRuns({ filter: 'status = running' }).map((r) => r.id), [id]);
    } finally {
      await index.close();
      follower.close();
    }
  });
});
