import { strict as assert } from 'node:assert';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { latestMediaOf, latestSignature, readTableHead, TABLE_HEAD_ROWS } from '../../src/core/media/latestMedia';
import { MediaCatalog } from '../../src/core/media/mediaCatalog';
import { imageItem, pngOf, tableItem } from '../fixtures/mediaFiles';
import { RunLog } from '../fixtures/runLog';
import { runId, Workspace } from './workspaceFixture';

const T0 = 1_795_743_612;

describe('media: the latest value of each key (run details page) and the cells that logged media', () => {
  let ws: Workspace;
  beforeEach(() => { ws = new Workspace(); });
  afterEach(() => ws.dispose());

  it('gives each key the items of its highest step, by type, keys in the order first logged', () => {
    const id = runId(1);
    const dir = join(ws.trialbookDir, 'runs', id);
    const early = imageItem(ws.trialbookDir, id, pngOf(2, 2, () => [0, 0, 0]), 2, 2, 'early');
    const late = imageItem(ws.trialbookDir, id, pngOf(3, 2, () => [255, 0, 0]), 3, 2, 'late');
    const rows = Array.from({ length: 25 }, (_, i) => [`row ${i}`, i, i === 3 ? { $float: 'NaN' } : i / 2]);
    ws.append(new RunLog(id).start({}, T0)
      // Steps out of order: step 7 is the latest although step 3 comes after it in the log.
      .media(7, 'samples', 'image', [late, early], T0 + 1)
      .media(3, 'samples', 'image', [early], T0 + 2)
      .media(0, 'weights', 'histogram', [{ min: 0, max: 1, counts: [1, 2] }], T0 + 2)
      .media(4, 'weights', 'histogram', [{ edges: [0, 1, 3], counts: [5, 6] }], T0 + 3)
      .media(4, 'preds', 'table', [tableItem(ws.trialbookDir, id, ['input', 'n', 'score'], rows)], T0 + 3)
      .media(1, 'notes', 'text', [{ markdown: 'first' }], T0 + 3)
      .media(2, 'notes', 'text', [{ markdown: '<script>x</script> second' }], T0 + 4)
      .media(2, 'cm', 'confusion_matrix', [{ labels: ['a', 'b'], matrix: [[1, 0], [2, 3]] }], T0 + 4)
      .media(2, 'roc', 'curve', [{ kind: 'roc', x: [0, 1], y: [0, 1], auc: 0.5 }], T0 + 4)
      .media(2, 'clip', 'video', [{ anything: true }], T0 + 4));
    const run = new MediaCatalog().read(id, dir);
    const heads: string[] = [];
    const latest = latestMediaOf(run, 'https://file+.vscode-resource/runs/x/media', (file) => {
      heads.push(file);
      return readTableHead(dir, file);
    });
    assert.equal(latest.base, 'https://file+.vscode-resource/runs/x/media');
    assert.deepEqual(latest.images.map((k) => [k.key, k.step, k.items.map((i) => i.caption)]), [['samples', 7, ['late', 'early']]]);
    assert.deepEqual(latest.histograms, [{ key: 'weights', step: 4, items: [{ edges: [0, 1, 3], counts: [5, 6] }] }]);
    assert.deepEqual(latest.texts, [{ key: 'notes', step: 2, items: [{ markdown: '<script>x</script> second' }] }]);
    assert.deepEqual(latest.matrices.map((k) => k.items[0]?.matrix), [[[1, 0], [2, 3]]]);
    assert.deepEqual(latest.curves.map((k) => [k.key, k.items[0]?.auc, k.items[0]?.xLabel]), [['roc', 0.5, 'x']]);
    assert.deepEqual(latest.skipped, [{ type: 'video', count: 1 }]);
    const [table] = latest.tables;
    assert.ok(table);
    assert.equal(table.items[0]?.rows, 25);
    assert.deepEqual(heads, [table.items[0]?.file], 'one table file read, for its head');
    assert.deepEqual(table.head.columns, ['input', 'n', 'score']);
    assert.equal(table.head.rows.length, TABLE_HEAD_ROWS);
    assert.deepEqual(table.head.rows[3], ['row 3', '3', 'NaN']);
    assert.equal(table.head.error, undefined);
  });

  it('says why a table head cannot be shown, and keeps the other values', () => {
    const id = runId(2);
    const dir = join(ws.trialbookDir, 'runs', id);
    const item = tableItem(ws.trialbookDir, id, ['a'], [[1]]);
    writeFileSync(join(dir, String(item.path)), '{"columns": 1}'); // deliberately broken: no rows
    ws.append(new RunLog(id).start({}, T0).media(0, 'preds', 'table', [item], T0 + 1).media(0, 'notes', 'text', [{ markdown: 'kept' }], T0 + 1));
    const latest = latestMediaOf(new MediaCatalog().read(id, dir), 'base', (file) => readTableHead(dir, file));
    assert.match(latest.tables[0]?.head.error ?? '', /no columns and rows/);
    assert.deepEqual(latest.tables[0]?.head.rows, []);
    assert.equal(latest.texts[0]?.items[0]?.markdown, 'kept');
    assert.match(readTableHead(dir, '../events.jsonl').error ?? '', /Not a table file/);
  });

  it('changes its signature when a key gains a step or a key is added, not when nothing was appended', () => {
    const id = runId(3);
    const dir = join(ws.trialbookDir, 'runs', id);
    const log = new RunLog(id).start({}, T0).media(0, 'notes', 'text', [{ markdown: 'a' }], T0 + 1);
    ws.append(log);
    const catalog = new MediaCatalog();
    const first = latestSignature(catalog.read(id, dir));
    assert.equal(latestSignature(catalog.read(id, dir)), first);
    ws.append(log.media(1, 'notes', 'text', [{ markdown: 'b' }], T0 + 2));
    const second = latestSignature(catalog.read(id, dir));
    assert.notEqual(second, first);
    ws.append(log.media(1, 'weights', 'histogram', [{ min: 0, max: 1, counts: [1] }], T0 + 3));
    assert.notEqual(latestSignature(catalog.read(id, dir)), second);
  });

  it('records the notebook cells that logged media, with their keys; a malformed cell link loses only the link', () => {
    const id = runId(4);
    const dir = join(ws.trialbookDir, 'runs', id);
    const cell = { exec: 3, hash: '0123456789abcdef', notebook: '/w/explore.ipynb' };
    ws.append(new RunLog(id).start({}, T0)
      .media(0, 'sample', 'image', [imageItem(ws.trialbookDir, id, pngOf(1, 1, () => [1, 2, 3]), 1, 1)], T0 + 1, cell)
      .media(0, 'preds', 'table', [tableItem(ws.trialbookDir, id, ['a'], [[1]])], T0 + 1, cell)
      .media(1, 'sample', 'image', [imageItem(ws.trialbookDir, id, pngOf(1, 1, () => [4, 5, 6]), 1, 1)], T0 + 2, { exec: null, hash: 'fedcba9876543210' })
      // deliberately bad: a cell link without a hash (the value is still read)
      .rawEvent({ v: 1, t: 'media', ts: T0 + 3, step: 2, key: 'notes', type: 'text', items: [{ markdown: 'x' }], cell: { exec: 'seven' } }));
    const media = new MediaCatalog().read(id, dir);
    assert.deepEqual([...media.cells.values()], [
      { exec: 3, hash: '0123456789abcdef', notebook: '/w/explore.ipynb', keys: ['sample', 'preds'] },
      { exec: null, hash: 'fedcba9876543210', keys: ['sample'] },
    ]);
    assert.deepEqual([...media.keys.keys()], ['sample', 'preds', 'notes']);
  });
});
