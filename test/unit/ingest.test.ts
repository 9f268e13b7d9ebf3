import { strict as assert } from 'node:assert';
import { rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { openRunIndex } from '../../src/core/openRunIndex';
import { RunLog } from '../fixtures/runLog';
import { captureLog, runId, Workspace, type CapturedLog } from './workspaceFixture';

const T0 = 1_795_743_612;

describe('ingest: incremental, replaced and removed logs, bad lines, crashed runs', () => {
  let ws: Workspace;
  let log: CapturedLog;
  beforeEach(() => { ws = new Workspace(); log = captureLog(); });
  afterEach(() => ws.dispose());

  it('ignores a partial trailing line until its newline arrives', async () => {
    const id = runId(10);
    ws.writeRun(id, { steps: 2, status: null });
    const partial = new RunLog(id).metrics(2, { loss: 0.25 }, { ts: T0 + 5 }).text().trimEnd();
    ws.appendRaw(id, partial.slice(0, 20));
    const index = await openRunIndex(ws.options(log));
    const first = await index.sync();
    assert.deepEqual(first.problems, [], 'a partial line is not a problem');
    assert.equal(index.getRun(id)!.metrics.loss!.count, 2);
    ws.appendRaw(id, partial.slice(20));
    const second = await index.sync();
    assert.deepEqual(second.changed, [], 'still no newline: nothing new');
    ws.appendRaw(id, '\n');
    await index.sync();
    assert.equal(index.getRun(id)!.metrics.loss!.count, 3);
    assert.equal(index.getRun(id)!.metrics.loss!.last, 0.25);
    assert.equal(index.getRun(id)!.skippedLines, 0);
    await index.close();
  });

  it('skips malformed lines, counts them per run, reports file and line, and keeps the rest', async () => {
    const id = runId(11);
    // Lines 2–5, 9 and 10 are deliberately bad, the unknown kind and the newer version deliberately foreign: all raw, unchecked.
    ws.append(new RunLog(id)
      .start({ experiment: 'e', name: 'n' }, T0)
      .raw('{not json\n')                                                                     // line 2
      .rawEvent({ v: 1, t: 'metrics', ts: T0 + 1, step: 0, values: { loss: 'oops' } })       // 3: wrong type
      .rawEvent({ v: 1, t: 'metrics', ts: T0 + 1, step: 0, values: { ['k'.repeat(251)]: 1 } }) // 4: key too long
      .rawEvent({ v: 1, t: 'metrics', ts: T0 + 1, step: -1, values: { loss: 1 } })          // 5: negative step
      .metrics(1, { loss: 0.5, ['k'.repeat(250)]: 2 }, { ts: T0 + 2 })
      .rawEvent({ v: 1, t: 'hyperdrive', ts: T0 + 3, warp: 9 })                              // unknown kind: ignored, fine
      .rawEvent({ v: 7, t: 'metrics', ts: T0 + 4, step: 2, values: { loss: 0.4 }, future: { x: 1 } }) // newer v, extra field
      // 9: a param string over the reader's 64 KiB limit (the schema does not bound it; the documented limits do)
      .rawEvent({ v: 1, t: 'params', ts: T0 + 4, params: { s: 'x'.repeat(64 * 1024 + 1) } }));
    ws.appendRaw(id, Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a]));                          // 10: not UTF-8
    const index = await openRunIndex(ws.options(log));
    const report = await index.sync();
    assert.deepEqual(report.problems.map((p) => p.line), [2, 3, 4, 5, 9, 10]);
    assert.ok(report.problems.every((p) => p.runId === id && p.file === ws.logPath(id)));
    assert.match(report.problems[1]!.reason, /metric "loss" must be a number/);
    assert.match(report.problems[2]!.reason, /longer than 250/);
    assert.equal(log.warnings.length, 6);
    assert.match(log.warnings[0]!, new RegExp(`events\\.jsonl:2: invalid JSON`));
    const run = index.getRun(id)!;
    assert.equal(run.skippedLines, 6);
    assert.equal(run.metrics.loss!.count, 2);
    assert.equal(run.metrics.loss!.last, 0.4);
    assert.equal(run.metrics['k'.repeat(250)]!.last, 2);
    await index.close();
  });

  it('re-ingests a log that shrank or was replaced, and removes a deleted run', async () => {
    const a = runId(12);
    const b = runId(13);
    ws.writeRun(a, { steps: 5, name: 'first' });
    ws.writeRun(b, { steps: 3 });
    const index = await openRunIndex(ws.options(log));
    await index.sync();
    assert.equal(index.getRun(a)!.metrics.loss!.count, 5);
    // Replaced by a shorter log.
    rmSync(ws.logPath(a));
    ws.writeRun(a, { steps: 2, name: 'second' });
    let report = await index.sync();
    assert.deepEqual(report.changed, [a]);
    assert.equal(index.getRun(a)!.name, 'second');
    assert.equal(index.getRun(a)!.metrics.loss!.count, 2);
    assert.equal(index.series({ runIds: [a], keys: ['loss'], xAxis: 'step', maxPoints: 10 })[0]!.totalPoints, 2);
    // Rewritten in place with a different head but a larger size (same inode).
    const rewritten = new RunLog(a).start({ experiment: 'other', name: 'third' }, T0);
    for (let s = 0; s < 9; s++) rewritten.metrics(s, { loss: s }, { ts: T0 + s });
    writeFileSync(ws.logPath(a), rewritten.text());
    report = await index.sync();
    assert.deepEqual(report.changed, [a]);
    assert.equal(index.getRun(a)!.experiment, 'other');
    assert.equal(index.getRun(a)!.metrics.loss!.count, 9);
    // Truncated to nothing.
    truncateSync(ws.logPath(a), 0);
    await index.sync();
    assert.equal(index.getRun(a)!.metrics.loss, undefined);
    // Deleted run folder.
    rmSync(join(ws.trialbookDir, 'runs', b), { recursive: true });
    report = await index.sync();
    assert.deepEqual(report.removed, [b]);
    assert.equal(index.getRun(b), undefined);
    assert.ok(index.getRun(a), 'the other run stays');
    await index.close();
  });

  it('derives crashed from the last event time, and running again when the run resumes', async () => {
    const id = runId(14);
    let now = (T0 + 10) * 1000;
    const run = ws.writeRun(id, { steps: 2, status: null });
    ws.append(run.heartbeat(T0 + 8));
    const index = await openRunIndex(ws.options(log, { now: () => now, crashAfterSeconds: 30 }));
    await index.sync();
    assert.equal(index.getRun(id)!.status, 'running');
    now = (T0 + 39) * 1000;
    assert.equal(index.listRuns()[0]!.status, 'crashed', 'no event for more than 30 s');
    assert.deepEqual(index.listRuns({ filter: 'status = crashed' }).map((r) => r.id), [id]);
    ws.append(run.start({ experiment: 'ignored', name: 'ignored', resumed: true }, T0 + 38));
    await index.sync();
    assert.equal(index.getRun(id)!.status, 'running');
    assert.equal(index.getRun(id)!.experiment, 'demo', 'a resumed run keeps its experiment');
    ws.append(run.end('failed', 'CUDA OOM', T0 + 40));
    await index.sync();
    now = (T0 + 1000) * 1000;
    assert.equal(index.getRun(id)!.status, 'failed');
    assert.equal(index.getRun(id)!.error, 'CUDA OOM');
    await index.close();
  });

  it('keeps params typed, decodes non-finite encodings, tracks tags, notes, summary, artifacts and cell links', async () => {
    const id = runId(15);
    const nb = join(ws.root, 'explore.ipynb');
    ws.append(new RunLog(id)
      .start({ experiment: 'e', name: 'n', config: { lr: 0.001, opt: 'adam', nan: Number.NaN, s: 'NaN', nested: { a: [1, -Infinity] } },
        lineage: { notebook: { path: nb } } }, T0)
      .params({ lr: 0.002, flag: true, none: null }, T0)
      .metrics(0, { loss: 2, acc: Infinity }, { ts: T0 + 1, cell: { exec: 3, hash: 'aaaa' } })
      .metrics(1, { loss: 1 }, { ts: T0 + 2, cell: { exec: 4, hash: 'bbbb', notebook: nb } })
      .metrics(2, { loss: -Infinity }, { ts: T0 + 3, cell: { exec: 4, hash: 'bbbb' } })
      .tags(['x', 'y'], T0 + 3)
      .notes('why', T0 + 3)
      .summary({ best: 0.5 }, T0 + 3)
      .artifact({ name: 'model', path: 'out/model.pt', type: 'model', size: 10, sha256: 'a'.repeat(64) }, T0 + 3)
      .warning('git diff capture failed', T0 + 3));
    const index = await openRunIndex(ws.options(log));
    await index.sync();
    await index.close();
    const reopened = await openRunIndex(ws.options(log));
    for (const ix of [reopened]) {
      const run = ix.getRun(id)!;
      assert.equal(run.params.lr, 0.002);
      assert.equal(run.params.opt, 'adam');
      assert.ok(Number.isNaN(run.params.nan as number));
      assert.equal(run.params.s, 'NaN', 'a string "NaN" stays a string');
      assert.deepEqual(run.params.nested, { a: [1, Number.NEGATIVE_INFINITY] });
      assert.equal(run.params.flag, true);
      assert.equal(run.params.none, null);
      assert.equal(run.metrics.acc!.last, Number.POSITIVE_INFINITY);
      assert.equal(run.metrics.loss!.min, Number.NEGATIVE_INFINITY);
      assert.equal(run.metrics.loss!.max, 2);
      assert.deepEqual(run.tags, ['x', 'y']);
      assert.equal(run.notes, 'why');
      assert.deepEqual(run.summary, { best: 0.5 });
      assert.equal(run.artifacts[0]!.sha256, 'a'.repeat(64));
      assert.deepEqual(run.warnings, ['git diff capture failed']);
      const cells = ix.cellLinks(nb);
      assert.deepEqual(cells.map((c) => [c.exec, c.hash, c.lastStep]), [[3, 'aaaa', 0], [4, 'bbbb', 2]]);
      assert.deepEqual(cells[1]!.latest, { loss: Number.NEGATIVE_INFINITY });
      assert.deepEqual(ix.compareParams([id], false).keys, ['flag', 'lr', 'nan', 'nested', 'none', 'opt', 's']);
    }
    await reopened.close();
  });

  it('sync is stat-only when nothing changed and records pushes durably', async () => {
    const id = runId(16);
    ws.writeRun(id, { steps: 3 });
    const index = await openRunIndex(ws.options(log));
    await index.sync();
    const again = await index.sync();
    assert.deepEqual(again, { changed: [], removed: [], problems: [] });
    index.recordPush({ runId: id, artifact: 'model', registry: 'oci://127.0.0.1:5000', reference: 'team/model:1', digest: 'sha256:abc', at: 1 });
    assert.equal(index.getRun(id)!.pushes.length, 1);
    const rebuilt = await index.rebuild();
    assert.deepEqual(rebuilt.changed, [id]);
    assert.deepEqual(index.getRun(id)!.pushes.map((p) => p.reference), ['team/model:1'], 'pushes survive a rebuild');
    await index.close();
  });
});
