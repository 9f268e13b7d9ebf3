// A first sync lists every new run from its start events before reading the logs, and fills the runs in one by one.
import { strict as assert } from 'node:assert';
import { statSync } from 'node:fs';
import { describe, it, afterEach, beforeEach } from 'node:test';
import { openRunIndex } from '../../src/core/openRunIndex';
import { readRunStart } from '../../src/core/index/runStarts';
import { deriveStatus } from '../../src/core/runState';
import { RunLog } from '../fixtures/runLog';
import { captureLog, runId, Workspace, type CapturedLog } from './workspaceFixture';

const T0 = 1_795_743_612;

/** A gate the ingest waits at before the run at `at` (counted in logs done): the test looks, then opens it. */
function gateAt(at: number): { beforeRun: (id: string, done: number) => Promise<void> | void; reached: Promise<void>; open(): void } {
  let open!: () => void;
  let reached!: () => void;
  const opened = new Promise<void>((r) => { open = r; });
  const reachedP = new Promise<void>((r) => { reached = r; });
  return {
    beforeRun: (_id, done) => {
      if (done !== at) return undefined;
      reached();
      return opened;
    },
    reached: reachedP,
    open,
  };
}

describe('listing runs from their start events while the first sync reads the logs', () => {
  let ws: Workspace;
  let log: CapturedLog;
  beforeEach(() => { ws = new Workspace(); log = captureLog(); });
  afterEach(() => ws.dispose());

  it('lists every new run with its name, experiment, params and end before any log is read; metrics fill in run by run', async () => {
    const ids = [0, 1, 2, 3].map((n) => runId(100 + n));
    ids.forEach((id, n) => ws.writeRun(id, { experiment: `exp-${n % 2}`, name: `run-${n}`, config: { lr: n / 10 }, steps: 5, t0: T0 + n,
      status: n === 3 ? null : 'finished' }));
    const gate = gateAt(0);
    const index = await openRunIndex(ws.options(log, { beforeRun: gate.beforeRun, readerWorker: false, now: () => (T0 + 10) * 1000 }));
    const progress: Array<[number, number]> = [];
    const synced = index.sync((done, total) => progress.push([done, total]));
    await gate.reached;
    assert.deepEqual(progress, [[0, 4]], 'the listing is announced before any log is read');
    const listed = index.listRuns({});
    assert.deepEqual(listed.map((r) => r.name).sort(), ['run-0', 'run-1', 'run-2', 'run-3']);
    const first = listed.find((r) => r.name === 'run-1')!;
    assert.equal(first.experiment, 'exp-1');
    assert.deepEqual(first.params, { lr: 0.1 });
    assert.equal(first.status, 'finished', 'the end is read from the last line');
    assert.deepEqual(first.metrics, {}, 'no metrics before the log is read');
    assert.equal(listed.find((r) => r.name === 'run-3')!.status, 'running', 'no end yet, last event 3 s ago');
    assert.equal(index.pendingRuns(), 4);
    assert.equal(index.isPending(ids[1]!), true);
    assert.deepEqual(index.experiments(), ['exp-0', 'exp-1']);
    assert.equal(index.getRun(ids[2]!)?.name, 'run-2', 'details answer from the listing');
    gate.open();
    const report = await synced;
    assert.equal(report.changed.length, 4);
    assert.equal(index.pendingRuns(), 0);
    assert.equal(index.isPending(ids[1]!), false);
    assert.equal(index.getRun(ids[1]!)!.metrics.loss!.count, 5);
    assert.deepEqual(progress.map(([d]) => d), [0, 1, 2, 3, 4]);
    await index.close();
  });

  it('fills in the metrics of the runs read so far while the others stay listed without', async () => {
    const ids = [0, 1, 2].map((n) => runId(200 + n));
    ids.forEach((id, n) => ws.writeRun(id, { name: `run-${n}`, steps: 3, t0: T0 + n }));
    const gate = gateAt(2);
    const index = await openRunIndex(ws.options(log, { beforeRun: gate.beforeRun, readerWorker: false }));
    const changedSeen: string[][] = [];
    const synced = index.sync((_done, _total, changed) => changedSeen.push([...changed]));
    await gate.reached;
    const rows = new Map(index.listRuns({}).map((r) => [r.id, r]));
    assert.equal(rows.size, 3);
    const read = ids.filter((id) => rows.get(id)!.metrics.loss?.count === 3);
    assert.equal(read.length, 2, 'two logs read, their metrics there');
    assert.deepEqual([...changedSeen.at(-1)!].sort(), [...read].sort(), 'the progress names the runs filled in');
    assert.equal(index.pendingRuns(), 1);
    const waiting = ids.find((id) => !read.includes(id))!;
    assert.deepEqual(rows.get(waiting)!.metrics, {});
    assert.deepEqual(index.metricKeys(), ['acc', 'loss']);
    gate.open();
    await synced;
    assert.ok(index.listRuns({}).every((r) => r.metrics.loss?.count === 3));
    await index.close();
  });

  it('a later sync lists what the database holds at once, with metrics, and only new runs as pending', async () => {
    ws.writeRun(runId(300), { name: 'old', steps: 4 });
    const first = await openRunIndex(ws.options(log));
    await first.sync();
    await first.close();
    ws.writeRun(runId(301), { name: 'new', steps: 4 });
    const gate = gateAt(0);
    const index = await openRunIndex(ws.options(log, { beforeRun: gate.beforeRun, readerWorker: false }));
    assert.equal(index.getRun(runId(300))!.metrics.loss!.count, 4, 'loaded from the database before any sync');
    const synced = index.sync();
    await gate.reached;
    assert.deepEqual(index.listRuns({ sort: 'name' }).map((r) => [r.name, index.isPending(r.id)]), [['new', true], ['old', false]]);
    gate.open();
    await synced;
    assert.equal(index.getRun(runId(301))!.metrics.loss!.count, 4);
    await index.close();
  });

  it('reads a start line, a resumed end, and bad or partial edges without throwing', () => {
    const id = runId(400);
    ws.append(new RunLog(id).start({ experiment: 'e', name: 'from-start' }, T0).metrics(0, { loss: 1 }, { ts: T0 + 1 }).end('failed', 'boom', T0 + 2));
    const run = readRunStart(id, ws.root, ws.logPath(id), statSync(ws.logPath(id)).size)!;
    assert.equal(run.name, 'from-start');
    assert.equal(run.endStatus, 'failed');
    assert.equal(run.error, 'boom');
    assert.equal(run.lastEventAt, (T0 + 2) * 1000);
    const bad = runId(401);
    // Deliberately bad: a first line that is not JSON, and a last line cut short (no newline).
    ws.appendRaw(bad, '{not json\n{"v":1,"t":"run_e');
    const listed = readRunStart(bad, ws.root, ws.logPath(bad), statSync(ws.logPath(bad)).size)!;
    assert.equal(listed.name, bad, 'listed by its id');
    assert.equal(listed.endStatus, undefined);
    assert.equal(readRunStart('gone', ws.root, ws.logPath('gone'), 10), undefined);
  });

  it('lists a run still writing, whose start is larger than the bytes read, as running (not crashed)', () => {
    const id = runId(402);
    // A run_start with a large config (lineage with a long diff does the same): more than the 64 KiB read at each end.
    const config: Record<string, string> = {};
    for (let i = 0; i < 40; i++) config[`p${i}`] = 'x'.repeat(2000);
    const now = Date.now();
    ws.append(new RunLog(id).start({ experiment: 'e', name: 'big-start', config }, now / 1000).metrics(0, { loss: 1 }, { ts: now / 1000 }));
    const listed = readRunStart(id, ws.root, ws.logPath(id), statSync(ws.logPath(id)).size)!;
    assert.equal(listed.name, id, 'listed by its id: the start did not fit');
    assert.equal(deriveStatus(listed, now + 1000, 30), 'running');
  });
});
