// The log reader worker thread must give exactly the index that reading on the calling thread gives.
import { strict as assert } from 'node:assert';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { SyncReport } from '../../src/core/model';
import type { LogBatch } from '../../src/core/logBatches';
import { LogReaderThread } from '../../src/core/logReaderThread';
import { IndexClosingError, openRunIndex } from '../../src/core/openRunIndex';
import type { RunIndex } from '../../src/core/runIndex';
import { prng } from '../fixtures/prng';
import { eventLine, RunLog } from '../fixtures/runLog';
import { captureLog, REPO_ROOT, runId, Workspace, type CapturedLog } from './workspaceFixture';

const T0 = 1_795_743_612;
const NOTEBOOK = '/w/explore.ipynb';

/** Runs exercising every way lines interact in ingest: order, times, keys, cells, bad lines, big logs. */
function writeVariedRuns(ws: Workspace): string[] {
  const rnd = prng(20261127);
  const ids: string[] = [];
  // 1. Metrics (with heartbeats) before run_start, a heartbeat at time 0, NaN/Infinity, keys appearing late,
  //    params and summaries mid-stream, a __proto__ key, a duplicate key, integer-like keys.
  const a = runId(1); ids.push(a);
  const runA = new RunLog(a)
    .heartbeat(0)
    .metrics(0, { loss: 2, acc: 'NaN' }, { ts: T0 - 5 })
    .start({ experiment: 'e1', name: 'early', config: { lr: 0.1, ['__proto__']: { x: 1 } } }, T0);
  for (let s = 1; s < 400; s++) {
    const values: Record<string, number | string> = { loss: 1 / s, acc: s % 17 === 0 ? 'Infinity' : rnd() };
    if (s > 100) values.late = s % 5 === 0 ? '-Infinity' : -s;
    if (s % 50 === 0) values['7'] = s;
    runA.metrics(s, values, { ts: T0 + s });
    if (s % 25 === 0) runA.heartbeat(T0 + s + 0.5);
    if (s % 60 === 0) runA.summary({ best: s }, T0 + s);
    if (s === 200) runA.params({ phase: 2 }, T0 + s);
  }
  // Deliberately raw: a duplicate key (no object can hold one), a negative step and a line that is not JSON.
  runA.raw(`{"v":1,"t":"metrics","ts":${T0 + 401},"step":401,"values":{"loss":5,"__proto__":1,"loss":6}}\n`);
  runA.raw('{"v":1,"t":"metrics","ts":1,"step":-3,"values":{"loss":1}}\n{broken\n');
  ws.append(runA.end('finished', undefined, T0 + 500));
  // 2. A notebook run: cell-linked metrics interleaved with plain ones on the same keys, then resumed.
  const b = runId(2); ids.push(b);
  const runB = new RunLog(b).start({ experiment: 'e2', name: 'nb', lineage: { notebook: { path: NOTEBOOK } } }, T0);
  for (let s = 0; s < 300; s++) {
    const cell = s % 3 === 0 ? { exec: 1 + Math.floor(s / 30), hash: `h${Math.floor(s / 30)}` } : undefined;
    runB.metrics(s, { loss: rnd(), f32: 0.5 }, { ts: T0 + s / 10, cell });
  }
  ws.append(runB
    .end('failed', 'boom', T0 + 40)
    .start({ experiment: 'e2', name: 'nb', resumed: true }, T0 + 50)
    .metrics(300, { loss: 0.1 }, { ts: T0 + 51 }));
  // 3. A big log: several read chunks (4 MiB each) and more lines than the reader may run ahead.
  const c = runId(3); ids.push(c);
  const runC = new RunLog(c).start({ experiment: 'e1', name: 'big' }, T0);
  for (let s = 0; s < 160_000; s++) {
    runC.metrics(s, { loss: rnd(), val: s % 3 }, { ts: T0 + s * 0.01 });
    if (s % 1000 === 999) runC.heartbeat(T0 + s * 0.01 + 0.001);
  }
  ws.append(runC);
  // 4. Only heartbeats, and a run with nothing but bad lines (deliberately raw).
  const d = runId(4); ids.push(d);
  ws.append(new RunLog(d).heartbeat(T0).heartbeat(T0 + 9));
  const e = runId(5); ids.push(e);
  ws.appendRaw(e, '[]\n{"v":1}\nnull\n');
  return ids;
}

function appendMore(ws: Workspace, ids: string[]): void {
  const [a, , c, d] = ids as [string, string, string, string];
  ws.append(new RunLog(a).metrics(600, { loss: 0.01, fresh: 1 }, { ts: T0 + 600 }));
  const runC = new RunLog(c);
  for (let s = 160_000; s < 190_000; s++) runC.metrics(s, { loss: s, val: 1 }, { ts: T0 + s * 0.01 });
  const last = eventLine('metrics', T0 + 5000, { step: 190_000, values: { loss: 1 } });
  ws.append(runC.raw(last.slice(0, last.indexOf('"values') + 4))); // the last line is still being written: a cut valid line
  ws.append(new RunLog(d).metrics(0, { x: 1 }, { ts: T0 + 10 }));
}

/** Everything a view can ask of the index, for the given runs. */
function snapshot(index: RunIndex, ids: string[]): unknown {
  const rows = index.listRuns();
  const keys = index.metricKeys();
  return {
    rows: rows.map((r) => ({ ...r, status: undefined })),
    details: ids.map((id) => { const d = index.getRun(id); return d ? { ...d, status: undefined } : undefined; }),
    series: (['step', 'wall', 'relative'] as const).map((xAxis) => index.series({ runIds: ids, keys, xAxis, maxPoints: 1e9 })),
    cells: index.cellLinks(NOTEBOOK),
    keys,
    experiments: index.experiments(),
  };
}

function withoutReader(report: SyncReport): Omit<SyncReport, 'reader'> {
  const { reader: _reader, ...rest } = report;
  return rest;
}

describe('log reader worker thread', () => {
  let ws: Workspace;
  let log: CapturedLog;
  beforeEach(() => { ws = new Workspace(); log = captureLog(); });
  afterEach(() => ws.dispose());

  it('builds the same index as reading inline, first and incremental syncs', async () => {
    const ids = writeVariedRuns(ws);
    const inline = await openRunIndex(ws.options(log, { readerWorker: false, readOnly: true }));
    const worker = await openRunIndex(ws.options(log, { readerWorker: { minBytes: 0 }, readOnly: true }));
    const r1 = await inline.sync();
    const w1 = await worker.sync();
    assert.equal(r1.reader, 'inline');
    assert.equal(w1.reader, 'worker');
    assert.ok(r1.problems.length >= 5, 'the bad lines are reported');
    assert.deepEqual(withoutReader(w1), withoutReader(r1));
    const s1 = snapshot(inline, ids);
    assert.deepEqual(snapshot(worker, ids), s1);
    const big = worker.getRun(ids[2]!);
    assert.equal(big?.metrics.loss?.count, 160_000, 'every point of the big log');

    appendMore(ws, ids);
    const r2 = await inline.sync();
    const w2 = await worker.sync();
    assert.equal(w2.reader, 'worker');
    assert.deepEqual(withoutReader(w2), withoutReader(r2));
    assert.deepEqual(snapshot(worker, ids), snapshot(inline, ids));
    assert.equal(worker.getRun(ids[2]!)?.metrics.loss?.count, 190_000, 'the partial last line waits');
    assert.notDeepEqual(snapshot(worker, ids), s1, 'the appended lines changed the index');
    await inline.close();
    await worker.close();
  });

  it('keeps the same index through a save and reopen after a worker ingest', async () => {
    const ids = writeVariedRuns(ws);
    const worker = await openRunIndex(ws.options(log, { readerWorker: { minBytes: 0 } }));
    await worker.sync();
    const before = snapshot(worker, ids);
    await worker.close();
    const reopened = await openRunIndex(ws.options(log, { readerWorker: false }));
    assert.deepEqual((await reopened.sync()).changed, [], 'nothing to read again');
    assert.deepEqual(snapshot(reopened, ids), before);
    await reopened.close();
  });

  it('falls back to reading inline when the worker thread fails, and says so', async () => {
    const ids = writeVariedRuns(ws);
    const broken = join(ws.root, 'broken-worker.js');
    writeFileSync(broken, 'throw new Error("worker exploded");\n');
    const index = await openRunIndex(ws.options(log, { readerWorker: { path: broken, minBytes: 0 } }));
    const report = await index.sync();
    assert.equal(report.reader, 'inline');
    assert.equal(index.listRuns().length, ids.length, 'every run is indexed');
    assert.ok(log.warnings.some((w) => w.includes('log reader thread failed') && w.includes('worker exploded')), log.warnings.join('\n'));
    const reference = await openRunIndex(ws.options(captureLog(), { readerWorker: false, readOnly: true }));
    await reference.sync();
    assert.deepEqual(snapshot(index, ids), snapshot(reference, ids));
    await reference.close();
    await index.close();
  });

  it('streams batches in job order; a log that cannot be opened fails its job only, with its error code', async () => {
    const ids = writeVariedRuns(ws);
    const workerPath = join(REPO_ROOT, 'out', 'src', 'core', 'logReaderWorker.js');
    const jobs = [ws.logPath(ids[2]!), join(ws.root, 'missing.jsonl'), ws.logPath(ids[0]!)].map((file) => ({ file, offset: 0, line: 0 }));
    const thread = new LogReaderThread(workerPath, jobs);
    try {
      const batches: LogBatch[] = [];
      const big = await thread.read(0, async (b) => {
        batches.push(b);
        await new Promise((r) => setTimeout(r, 20)); // a slow consumer: the worker must wait, not run away
      });
      assert.ok(batches.length >= 3, `the big log came in ${batches.length} batches`);
      assert.equal(batches.reduce((n, b) => n + b.lines, 0), big.line);
      assert.equal(big.line, 160_161);
      await assert.rejects(thread.read(1, () => undefined), (err: NodeJS.ErrnoException) => err.code === 'ENOENT');
      let lines = 0;
      const small = await thread.read(2, (b) => { lines += b.lines; });
      assert.equal(small.line, lines);
      assert.ok(small.line > 400);
    } finally {
      await thread.close();
    }
  });
  it('skips a run whose log is deleted after the listing and before its read, without failing the sync', async () => {
    const ids = writeVariedRuns(ws);
    const index = await openRunIndex(ws.options(log, { readerWorker: false }));
    await index.sync();
    const last = ids[ids.length - 1]!;
    let deleted = false;
    const report = await index.rebuild((done) => {
      if (done === 1 && !deleted) { rmSync(join(ws.trialbookDir, 'runs', last), { recursive: true }); deleted = true; }
    });
    assert.ok(deleted);
    assert.ok(!report.changed.includes(last));
    assert.deepEqual(index.listRuns().map((r) => r.id).sort(), ids.slice(0, -1).sort());
    assert.deepEqual(await index.sync(), { changed: [], removed: [], problems: [] });
    await index.close();
  });
  it('makes room in the database before a large ingest; the saved file holds exactly the database pages', async () => {
    // 50 MB of logs: enough for the index to reopen its in-memory database with room to grow into.
    const ids: string[] = [];
    for (let r = 0; r < 4; r++) {
      const id = runId(100 + r);
      ids.push(id);
      const run = new RunLog(id).start({ experiment: 'e', name: `room-${r}` }, T0);
      for (let s = 0; s < 150_000; s++) run.metrics(s, { loss: 1 / (s + 1), acc: s / 150_000 }, { ts: T0 + s * 0.01 });
      ws.append(run);
    }
    const index = await openRunIndex(ws.options(log));
    await index.sync();
    assert.ok(log.infos.some((m) => /made room for \d+ MiB in the database/.test(m)), log.infos.join('\n'));
    const points = index.series({ runIds: ids, keys: ['loss', 'acc'], xAxis: 'step', maxPoints: 1e9 }).reduce((n, l) => n + l.totalPoints, 0);
    assert.equal(points, 4 * 2 * 150_000);
    await index.close();
    const bytes = readFileSync(join(ws.trialbookDir, 'trialbook.db'));
    const header = new DataView(bytes.buffer, bytes.byteOffset, 100);
    const pageSize = header.getUint16(16) === 1 ? 65536 : header.getUint16(16);
    assert.equal(bytes.length, header.getUint32(28) * pageSize, 'no room is saved: the file is its pages');
    assert.ok(bytes.length < 20 * 1024 * 1024, `the database is compact (${bytes.length} bytes)`);
    const reopened = await openRunIndex(ws.options(captureLog(), { readerWorker: false }));
    assert.deepEqual((await reopened.sync()).changed, []);
    const again = reopened.series({ runIds: ids, keys: ['loss'], xAxis: 'step', maxPoints: 1e9 });
    assert.equal(again.reduce((n, l) => n + l.totalPoints, 0), 4 * 150_000);
    assert.equal(again[0]?.y[149_999], 1 / 150_000);
    await reopened.close();
  });
  it('closing during a rebuild on the worker stops it at once; the saved database and every run survive', async () => {
    const ids = writeVariedRuns(ws);
    const index = await openRunIndex(ws.options(log, { readerWorker: { minBytes: 0 } }));
    await index.sync();
    const before = snapshot(index, ids);
    await index.save();
    let closing: Promise<void> | undefined;
    const rebuild = index.rebuild((done) => { if (done === 1) closing = index.close(); });
    await assert.rejects(rebuild, IndexClosingError);
    assert.ok(closing, 'close was called');
    await closing;
    const reopened = await openRunIndex(ws.options(captureLog(), { readerWorker: false }));
    assert.deepEqual((await reopened.sync()).changed, [], 'the database saved before the rebuild is intact and current');
    assert.deepEqual(snapshot(reopened, ids), before);
    await reopened.close();
  });
});
