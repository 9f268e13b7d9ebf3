import { strict as assert } from 'node:assert';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type * as nodeFs from 'node:fs';
import { statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { MediaCatalog, stepsOf } from '../../src/core/media/mediaCatalog';
import { openRunIndex } from '../../src/core/openRunIndex';
import { nearestStep } from '../../src/shared/webviews/media/contract';
import { imageItem, pngOf, tableItem } from '../fixtures/mediaFiles';
import { RunLog } from '../fixtures/runLog';
import { captureLog, runId, Workspace, type CapturedLog } from './workspaceFixture';

const T0 = 1_795_743_612;

describe('media: events in the log, read by the media catalog and skipped by the index', () => {
  let ws: Workspace;
  let log: CapturedLog;
  beforeEach(() => { ws = new Workspace(); log = captureLog(); });
  afterEach(() => ws.dispose());

  function mediaRun(id: string): RunLog {
    const png = pngOf(4, 3, (x, y) => [x * 60, y * 80, 200]);
    return new RunLog(id)
      .start({ experiment: 'e', name: 'media' }, T0)
      .metrics(0, { loss: 1 }, { ts: T0 + 1 })
      .media(0, 'samples', 'image', [imageItem(ws.trialbookDir, id, png, 4, 3, 'a cat')], T0 + 1)
      .media(0, 'weights', 'histogram', [{ min: 0, max: 1, counts: [1, 2, 3] }], T0 + 1)
      .media(5, 'weights', 'histogram', [{ edges: [0, 1, 4], counts: [4, 5], nonfinite: 1 }], T0 + 2)
      .media(5, 'preds', 'table', [tableItem(ws.trialbookDir, id, ['x', 'y'], [[1, 'a']])], T0 + 2)
      .media(5, 'cm', 'confusion_matrix', [{ labels: ['a', 'b'], matrix: [[3, 1], [0, 2]] }], T0 + 2)
      .media(5, 'pr', 'curve', [{ kind: 'pr', x: [0, 1], y: [1, 0.5], auc: 0.75, x_label: 'recall', y_label: 'precision' }], T0 + 2)
      .media(5, 'notes', 'text', [{ markdown: '# hi' }], T0 + 2)
      .metrics(1, { loss: 0.5 }, { ts: T0 + 3 });
  }

  it('the index reads the metrics of a log with media events and reports no problem (older readers skip the kind)', async () => {
    const id = runId(1);
    ws.append(mediaRun(id).end('finished', undefined, T0 + 4));
    const index = await openRunIndex(ws.options(log));
    const report = await index.sync();
    assert.deepEqual(report.problems, []);
    const run = index.getRun(id);
    assert.equal(run?.metrics.loss?.count, 2);
    assert.equal(run?.metrics.loss?.last, 0.5);
    assert.equal(run?.skippedLines, 0);
    assert.equal(run?.status, 'finished');
    await index.close();
  });

  it('lists keys, types, steps and items without opening the media files', () => {
    const id = runId(2);
    ws.append(mediaRun(id));
    const media = new MediaCatalog().read(id, join(ws.trialbookDir, 'runs', id));
    assert.deepEqual([...media.keys.keys()], ['samples', 'weights', 'preds', 'cm', 'pr', 'notes']);
    assert.deepEqual([...media.keys.values()].map((k) => k.type), ['image', 'histogram', 'table', 'confusion_matrix', 'curve', 'text']);
    const weights = media.keys.get('weights');
    assert.ok(weights);
    assert.deepEqual(stepsOf(weights), [0, 5]);
    assert.deepEqual(weights.byStep.get(5), [{ counts: [4, 5], edges: [0, 1, 4], nonfinite: 1 }]);
    const image = media.keys.get('samples')?.byStep.get(0)?.[0];
    assert.match(JSON.stringify(image), /^\{"file":"[0-9a-f]{64}\.png","width":4,"height":3,"caption":"a cat"\}$/);
    assert.deepEqual(media.keys.get('pr')?.byStep.get(5), [{ kind: 'pr', x: [0, 1], y: [1, 0.5], auc: 0.75, xLabel: 'recall', yLabel: 'precision' }]);
    assert.deepEqual(media.problems, []);
  });

  it('searches each byte of a long log a bounded number of times (the compare panel reads 100 logs on the editor\'s thread)', () => {
    const id = runId(4);
    // 5,000 metric lines, then one media line: each line used to be searched for "media" to the end of its chunk.
    const run = new RunLog(id).start({ experiment: 'e', name: 'long' }, T0);
    for (let step = 0; step < 5000; step++) run.metrics(step, { loss: 1 / (step + 1), acc: step / 5000 }, { ts: T0 + 1 + step / 100 });
    ws.append(run.media(5000, 'weights', 'histogram', [{ min: 0, max: 1, counts: [1] }], T0 + 60));
    const size = statSync(ws.logPath(id)).size;
    // Counts the bytes that Buffer searches look at (what a search from `start` may scan: the rest of the buffer).
    const original = Buffer.prototype.indexOf;
    let searched = 0;
    Buffer.prototype.indexOf = function indexOf(this: Buffer, value: string | number | Uint8Array, byteOffset?: number | BufferEncoding, encoding?: BufferEncoding): number {
      const at = original.call(this, value, byteOffset as number, encoding);
      const from = typeof byteOffset === 'number' ? byteOffset : 0;
      searched += (at < 0 ? this.length : at + 1) - from;
      return at;
    };
    let media;
    try {
      media = new MediaCatalog().read(id, join(ws.trialbookDir, 'runs', id));
    } finally {
      Buffer.prototype.indexOf = original;
    }
    assert.deepEqual(stepsOf(media.keys.get('weights')!), [5000]);
    assert.ok(searched <= 3 * size, `searched ${searched} bytes of a ${size}-byte log`);
  });

  it('a long log is read in slices, chunk by chunk: its media lines found wherever the chunks cut, a line longer than a chunk too', async () => {
    const id = runId(5);
    // ~4 MB of metric lines with a media line every 2,000 steps (the 1 MB chunks cut anywhere), and one text event of 1.6 MB.
    const run = new RunLog(id).start({ experiment: 'e', name: 'long' }, T0);
    const want: number[] = [];
    for (let step = 0; step < 40_000; step++) {
      run.metrics(step, { loss: 1 / (step + 1), acc: step / 40_000, lr: 0.001 }, { ts: T0 + 1 + step / 100 });
      if (step % 2000 === 1999) { run.media(step, 'weights', 'histogram', [{ min: 0, max: 1, counts: [step] }], T0 + 2 + step / 100); want.push(step); }
      if (step === 20_000) run.media(step, 'notes', 'text', [{ markdown: 'x'.repeat(800_000) }, { markdown: 'y'.repeat(800_000) }], T0 + 2 + step / 100);
    }
    ws.append(run);
    assert.ok(statSync(ws.logPath(id)).size > 4 * 1024 * 1024);
    const dir = join(ws.trialbookDir, 'runs', id);
    let pauses = 0;
    const [sliced] = await new MediaCatalog().readInSlices([{ id, dir }], () => { pauses++; return Promise.resolve(); });
    const whole = new MediaCatalog().read(id, dir);
    assert.deepEqual(stepsOf(sliced!.keys.get('weights')!), want);
    assert.deepEqual(stepsOf(sliced!.keys.get('notes')!), [20_000]);
    assert.deepEqual(stepsOf(whole.keys.get('weights')!), want);
    assert.deepEqual(sliced!.problems, []);
    assert.ok(pauses >= 4, `the thread was given back ${pauses} times while one 4 MB log was read`);
  });

  it('a sliced read stopped by its caller keeps what it read: the next read (another panel sharing the catalog) goes on from there', async () => {
    const ids = [runId(6), runId(7)];
    for (const id of ids) {
      const run = new RunLog(id).start({ experiment: 'e', name: id }, T0);
      for (let step = 0; step < 30_000; step++) {
        run.metrics(step, { loss: 1 / (step + 1), acc: step / 30_000, lr: 0.001 }, { ts: T0 + 1 + step / 100 });
        if (step % 5000 === 0) run.media(step, 'weights', 'histogram', [{ min: 0, max: 1, counts: [step] }], T0 + 2 + step / 100);
      }
      ws.append(run);
    }
    const runs = ids.map((id) => ({ id, dir: join(ws.trialbookDir, 'runs', id) }));
    const sizes = ids.map((id) => statSync(ws.logPath(id)).size);
    // Counts the bytes read from the logs.
    // The module object the catalog calls into (a namespace import is read-only).
    const fs = createRequire(__filename)('node:fs') as typeof nodeFs;
    const original = fs.readSync;
    let bytes = 0;
    (fs as { readSync: unknown }).readSync = (...args: Parameters<typeof original>): number => {
      const n = original(...args);
      bytes += n;
      return n;
    };
    try {
      const catalog = new MediaCatalog();
      let pauses = 0;
      const partial = await catalog.readInSlices(runs, () => { pauses++; return Promise.resolve(); }, () => pauses >= 2);
      assert.equal(partial.length, 0, 'stopped inside the first log');
      assert.ok(bytes < sizes[0]!, `read ${bytes} bytes before stopping`);
      const whole = await catalog.readInSlices(runs, () => Promise.resolve());
      assert.deepEqual(whole.map((m) => stepsOf(m.keys.get('weights')!)), ids.map(() => [0, 5000, 10_000, 15_000, 20_000, 25_000]));
      // Once, but for the part line at each 1 MB chunk's end (read again with the next chunk).
      const logs = sizes[0]! + sizes[1]!;
      assert.ok(bytes >= logs && bytes < logs * 1.01, `read ${bytes} bytes of ${logs} across the two reads`);
      const after = bytes;
      await catalog.readInSlices(runs, () => Promise.resolve());
      assert.equal(bytes, after, 'a third read (nothing appended) reads nothing');
    } finally {
      (fs as { readSync: unknown }).readSync = original;
    }
  });

  it('reads that interleave (two panels on other runs) share one chunk buffer and each gets its own runs whole', async () => {
    const ids = [runId(11), runId(12), runId(13), runId(14)];
    for (const [r, id] of ids.entries()) {
      const run = new RunLog(id).start({ experiment: 'e', name: id }, T0);
      for (let step = 0; step < 12_000; step++) {
        run.metrics(step, { loss: 1 / (step + 1), acc: step / 12_000 }, { ts: T0 + 1 + step / 100 });
        if (step % 3000 === r) run.media(step, 'weights', 'histogram', [{ min: 0, max: 1, counts: [step] }], T0 + 2 + step / 100);
      }
      ws.append(run);
    }
    assert.ok(statSync(ws.logPath(ids[0]!)).size > 1024 * 1024, 'each log takes more than one chunk');
    const catalog = new MediaCatalog();
    const folders = ids.map((id) => ({ id, dir: join(ws.trialbookDir, 'runs', id) }));
    // Each pause lets the other read run a step: their chunks alternate in the one buffer.
    const pause = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    const [first, second] = await Promise.all([catalog.readInSlices(folders.slice(0, 2), pause), catalog.readInSlices(folders.slice(2), pause)]);
    const steps = [...first!, ...second!].map((m) => [m.runId, stepsOf(m.keys.get('weights')!)]);
    assert.deepEqual(steps, ids.map((id, r) => [id, [0, 3000, 6000, 9000].map((s) => s + r)]));
    await catalog.readInSlices(folders, pause);
    assert.equal(catalog.chunkBuffers, 1, 'one chunk buffer for every log and every read');
  });

  it('reads only what was appended, whole lines only, and starts over when the log shrank', () => {
    const id = runId(3);
    const run = mediaRun(id);
    ws.append(run);
    const catalog = new MediaCatalog();
    const dir = join(ws.trialbookDir, 'runs', id);
    assert.deepEqual(stepsOf(catalog.read(id, dir).keys.get('weights')!), [0, 5]);
    const line = new RunLog(id).media(9, 'weights', 'histogram', [{ min: 0, max: 2, counts: [7] }], T0 + 9).text();
    ws.appendRaw(id, line.slice(0, 30));
    assert.deepEqual(stepsOf(catalog.read(id, dir).keys.get('weights')!), [0, 5], 'a partial line waits for its newline');
    ws.appendRaw(id, line.slice(30));
    assert.deepEqual(stepsOf(catalog.read(id, dir).keys.get('weights')!), [0, 5, 9]);
    writeFileSync(ws.logPath(id), new RunLog(id).start({}, T0).text()); // the log rewritten, shorter, without media
    assert.equal(catalog.read(id, dir).keys.size, 0);
  });

  it('counts item types it does not know, and drops bad items with a reason (paths outside media/ included)', () => {
    const id = runId(4);
    const sha = 'a'.repeat(64);
    ws.append(new RunLog(id).start({}, T0)
      .media(1, 'clip', 'video', [{ anything: 1 }, { anything: 2 }], T0 + 1)
      .media(1, 'img', 'image', [{ path: `media/${sha}.png`, sha256: sha, format: 'png', width: 1, height: 1 }], T0 + 1)
      // deliberately bad: a path that leaves the media folder, and a key reused with another type
      .rawEvent({ v: 1, t: 'media', ts: T0 + 2, step: 2, key: 'img', type: 'image', items: [{ path: '../../secret.png', sha256: sha, format: 'png', width: 1, height: 1 }] })
      .media(3, 'img', 'text', [{ markdown: 'x' }], T0 + 3)
      .rawEvent({ v: 1, t: 'media', ts: T0 + 4, step: -1, key: 'img', type: 'image', items: [] }));
    const media = new MediaCatalog().read(id, join(ws.trialbookDir, 'runs', id));
    assert.deepEqual([...media.skipped], [['video', 2]]);
    assert.deepEqual(stepsOf(media.keys.get('img')!), [1]);
    assert.equal(media.problems.length, 3, media.problems.join('\n'));
    assert.match(media.problems[0]!, /img at step 2, item 0: "path" must be media\/<sha256>/);
    assert.match(media.problems[1]!, /is a text but the key holds image values/);
    assert.match(media.problems[2]!, /"step" must be a whole number/);
  });

  it('finds the nearest logged step (ties go to the earlier step)', () => {
    assert.equal(nearestStep([], 3), -1);
    assert.equal(nearestStep([0, 10, 20], 4), 0);
    assert.equal(nearestStep([0, 10, 20], 5), 0);
    assert.equal(nearestStep([0, 10, 20], 6), 1);
    assert.equal(nearestStep([0, 10, 20], 99), 2);
    assert.equal(nearestStep([5], 0), 0);
  });
});
