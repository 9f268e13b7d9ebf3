import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openRunIndex } from '../../../src/core/openRunIndex';
import { appendRunEdit } from '../../../src/core/runEdits';
import { parseEdits } from '../../../src/core/runEditsReader';
import { editLine, RunLog } from '../../fixtures/runLog';

const wasmPath = resolve(__dirname, '..', '..', '..', '..', 'node_modules', 'sql.js', 'dist', 'sql-wasm.wasm');
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

function workspace(): { dir: string; runId: string } {
  const dir = join(mkdtempSync(join(tmpdir(), 'tb-edits-')), '.trialbook');
  const runId = '20261127T000000000-aaaaaaaaaa';
  new RunLog(runId)
    .start({ experiment: 'e', name: 'original', notes: 'from the script', tags: ['a'] }, 1)
    .metrics(0, { loss: 1 }, { ts: 2 })
    .end('finished', undefined, 3)
    .writeTo(dir);
  return { dir, runId };
}

test('edits made in the editor override the run\'s own name, notes and tags, and drive the starred filter', async () => {
  const { dir, runId } = workspace();
  const index = await openRunIndex({ trialbookDir: dir, wasmPath, log: quiet });
  try {
    await index.sync();
    assert.equal(index.getRun(runId)?.name, 'original');
    await appendRunEdit(dir, runId, { t: 'name', name: 'renamed' });
    await appendRunEdit(dir, runId, { t: 'notes', notes: 'why: baseline' });
    await appendRunEdit(dir, runId, { t: 'tags', tags: ['a', 'keep'] });
    await appendRunEdit(dir, runId, { t: 'star', starred: true });
    const report = await index.sync();
    assert.deepEqual(report.changed, [runId]);
    const run = index.getRun(runId);
    assert.equal(run?.name, 'renamed');
    assert.equal(run?.notes, 'why: baseline');
    assert.deepEqual(run?.tags, ['a', 'keep']);
    assert.equal(run?.starred, true);
    assert.deepEqual(index.listRuns({ filter: 'starred = true' }).map((r) => r.id), [runId]);
    assert.deepEqual(index.listRuns({ filter: 'starred = false' }), []);
    assert.deepEqual(index.listRuns({ filter: 'tag = keep' }).map((r) => r.id), [runId]);
    await appendRunEdit(dir, runId, { t: 'star', starred: false });
    await index.sync();
    assert.equal(index.getRun(runId)?.starred, false);
    // Rebuilding the database keeps the edits: they live beside the run, not in the database.
    await index.rebuild();
    assert.equal(index.getRun(runId)?.name, 'renamed');
  } finally {
    await index.close();
  }
});

test('bad edit lines are reported with their line numbers and skipped; a partial last line waits', () => {
  // One valid edit among deliberately raw lines: an empty name, not JSON, a wrong type, a foreign kind, a partial line.
  const { overrides, problems } = parseEdits([
    '{"t":"name","name":""}\n', 'not json\n', editLine({ t: 'notes', notes: 'ok' }), '{"t":"star","starred":"yes"}\n', '{"t":"future_kind"}\n', '{"t":"name","name":"par',
  ].join(''));
  assert.deepEqual(overrides, { notes: 'ok' });
  assert.deepEqual(problems.map((p) => p.line), [1, 2, 4]);
});

test('an edit for a run that is gone, or an invalid edit, is refused with a clear message', async () => {
  const { dir, runId } = workspace();
  await assert.rejects(appendRunEdit(dir, '20200101T000000000-bbbbbbbbbb', { t: 'star', starred: true }), /no longer exists/);
  await assert.rejects(appendRunEdit(dir, runId, { t: 'name', name: '' }), /1 to 250 characters/);
  await assert.rejects(appendRunEdit(dir, runId, { t: 'tags', tags: ['x'.repeat(251)] }), /not a valid tag/);
});
