import * as assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { activateTrialbook, appendToLog, endEvent, findRun, moreEvents, waitFor, writeFixtureRun, writeRunLog } from './helpers';

suite('Runs tree', () => {
  test('a run written to .trialbook/runs appears under its experiment after refresh()', async () => {
    const { api } = await activateTrialbook();
    const run = writeFixtureRun({ experiment: 'fixture-refresh', name: 'steady-heron', points: 5 });
    await api.refresh();
    const found = findRun(await api.runsTree(), run.id);
    assert.ok(found, `run ${run.id} is not in the tree`);
    assert.equal(found.experiment, 'fixture-refresh');
    assert.equal(found.run.label, 'steady-heron');
    assert.equal(found.run.status, 'finished');
  });

  test('a large log (over 8 MiB) is read on a worker thread of the extension host, every point arriving', async () => {
    const { api } = await activateTrialbook();
    const run = writeFixtureRun({ experiment: 'fixture-large', name: 'long-albatross', points: 150_000 });
    assert.ok(statSync(run.logFile).size > 8 * 1024 * 1024, 'the fixture is large enough to use the worker');
    await api.refresh();
    const detail = await waitFor('the large run to be indexed', async () => {
      const d = await api.runDetail(run.id);
      return d?.metrics.loss?.count === 150_000 ? d : undefined;
    }, 20_000);
    assert.equal(detail.status, 'finished');
    assert.equal(detail.metrics.loss?.last, 1 / 150_000);
    assert.ok(api.logLines().some((l) => l.startsWith('[info]') && l.includes('read on a worker thread')),
      `no worker-thread sync in the log: ${JSON.stringify(api.logLines().slice(-5))}`);
  });

  test('a new run and its status changes appear without refresh() (the watcher)', async () => {
    const { api } = await activateTrialbook();
    const run = writeFixtureRun({ experiment: 'fixture-watch', name: 'quick-lynx', points: 3, finished: false });
    const running = await waitFor('the unfinished run to appear as running', async () => {
      const found = findRun(await api.runsTree(), run.id);
      return found?.run.status === 'running' ? found : undefined;
    }, 3000);
    assert.equal(running.experiment, 'fixture-watch');
    appendToLog(run, endEvent('failed'));
    await waitFor('the run to turn failed', async () => (findRun(await api.runsTree(), run.id)?.run.status === 'failed' ? true : undefined), 3000);
  });

  test('malformed lines are skipped, a truncated last line waits for its newline, and ingestion goes on', async () => {
    const { api } = await activateTrialbook();
    const broken = writeFixtureRun({ experiment: 'fixture-bad-lines', name: 'broken-log', points: 4, finished: false });
    // Deliberately bad lines: one cut short by a newline, one not JSON.
    appendToLog(broken, '{"v":1,"t":"metrics","ts":1,"step":9,"values":{"loss":\n');
    appendToLog(broken, 'this is not json\n');
    // A writer mid-line: the first part of a valid line now, the rest later.
    const last = moreEvents(broken).metrics(10, { loss: 0.125 }).text();
    const cut = last.indexOf('"values') + 4;
    appendToLog(broken, last.slice(0, cut));
    const healthy = writeFixtureRun({ experiment: 'fixture-bad-lines', name: 'healthy-log', points: 4 });
    await api.refresh();
    let tree = await api.runsTree();
    const foundHealthy = findRun(tree, healthy.id);
    assert.ok(foundHealthy, 'a run beside the broken log is missing');
    assert.equal(foundHealthy.run.status, 'finished');
    const before = findRun(tree, broken.id);
    assert.ok(before, 'the run with bad lines is missing');
    assert.equal(before.run.status, 'running');
    assert.match(before.run.description, /loss 0\.25\b/); // the 4th point; the partial line is not read yet
    // Each skipped line is reported in the Trialbook output channel with its file and line number.
    const log = api.logLines().filter((l) => l.startsWith('[warning]') && l.includes(broken.logFile));
    // Lines 1–5 are run_start and four points; 6 and 7 are bad; 8 is still being written.
    assert.ok(log.some((l) => l.includes(`${broken.logFile}:6: invalid JSON`)), `no report of line 6: ${JSON.stringify(log)}`);
    assert.ok(log.some((l) => l.includes(`${broken.logFile}:7: invalid JSON`)), `no report of line 7: ${JSON.stringify(log)}`);
    assert.ok(!log.some((l) => l.includes(`${broken.logFile}:8:`)), 'the partial last line was reported as bad');

    appendToLog(broken, last.slice(cut));
    appendToLog(broken, endEvent('finished'));
    await api.refresh();
    tree = await api.runsTree();
    const after = findRun(tree, broken.id);
    assert.ok(after, 'the run with bad lines disappeared');
    assert.equal(after.run.status, 'finished');
    assert.match(after.run.description, /loss 0\.125\b/);
  });
});

suite('Runs tree ages', () => {
  test('ages tick once a minute from the runs the tree holds, without querying the index', async () => {
    const { api } = await activateTrialbook();
    const run = writeRunLog({ experiment: 'fixture-ages', name: 'aging-otter', steps: [{ loss: 0.5 }], lastEventAgeSeconds: 14 * 60 });
    await api.refresh();
    const before = findRun(await api.runsTree(), run.id);
    assert.ok(before, `run ${run.id} is not in the tree`);
    assert.match(before.run.description, /· 14m ago$/);
    const queries = api.runsTreeClock.queries();
    api.runsTreeClock.advance(60_000);
    const after = findRun(await api.runsTree(), run.id);
    assert.match(after?.run.description ?? '', /· 15m ago$/);
    assert.equal(api.runsTreeClock.queries(), queries, 'the tick queried the index');
  });
});
