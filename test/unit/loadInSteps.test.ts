// Opening a saved index reads every run's rows from the database; on the extension host's thread that must not be
// one long task. store.loadRunsInSteps reads them in steps (a yield every hundred rows), and the same steps run at
// once (steps.runSteps) or in slices of the thread (steps.runStepsSliced, as DatabaseFile.open does).
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { openRunIndex } from '../../src/core/openRunIndex';
import { Slicer } from '../../src/core/slices';
import { loadSqlJs } from '../../src/core/sqlEngine';
import { runSteps, runStepsSliced } from '../../src/core/steps';
import { loadRunsInSteps } from '../../src/core/store';
import { captureLog, runId, WASM_PATH, Workspace, type CapturedLog } from './workspaceFixture';

const RUNS = 250;

describe('loading the runs of a saved index in steps', () => {
  let ws: Workspace;
  let log: CapturedLog;
  beforeEach(() => { ws = new Workspace(); log = captureLog(); });
  afterEach(() => ws.dispose());

  it('yields between rows, gives the same runs at once and in slices, and the index opens with them', async () => {
    for (let r = 1; r <= RUNS; r++) ws.writeRun(runId(r), { name: `run-${r}`, experiment: `e${r % 3}`, steps: 2, config: { r }, tags: ['t'] });
    const index = await openRunIndex(ws.options(log, { readerWorker: false }));
    await index.sync();
    const expected = index.listRuns({ sort: 'name' });
    await index.close();

    const engine = await loadSqlJs(WASM_PATH);
    const db = new engine.sql.Database(readFileSync(join(ws.trialbookDir, 'trialbook.db')));
    try {
      let steps = 0;
      const counting = loadRunsInSteps(db);
      let next = counting.next();
      for (; !next.done; next = counting.next()) steps++;
      // runs, params, tags, metrics and log_files each hold at least RUNS rows: a step per hundred of each.
      assert.ok(steps >= 5 * Math.floor(RUNS / 100), `${steps} steps`);
      const atOnce = runSteps(loadRunsInSteps(db));
      assert.equal(next.value.runs.size, RUNS);
      assert.deepEqual([...atOnce.runs.keys()].sort(), [...next.value.runs.keys()].sort());
      // A clock that moves 20 ms per look: every step gives the thread back.
      let t = 0;
      const slicer = new Slicer(() => (t += 20), 15);
      const sliced = await runStepsSliced(loadRunsInSteps(db), slicer);
      assert.ok(slicer.yields >= steps, `${slicer.yields} turns given back for ${steps} steps`);
      assert.deepEqual(sliced.runs, atOnce.runs);
      assert.equal(sliced.nextSeriesId, atOnce.nextSeriesId);
    } finally {
      db.close();
    }

    const reopened = await openRunIndex(ws.options(log, { readerWorker: false }));
    try {
      assert.deepEqual(reopened.listRuns({ sort: 'name' }), expected, 'the index opened in slices lists what it saved');
    } finally {
      await reopened.close();
    }
  });
});
