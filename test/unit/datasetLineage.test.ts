import { strict as assert } from 'node:assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import initSqlJs from 'sql.js';
import { validateEvent } from '../../src/core/eventValidation';
import { openRunIndex } from '../../src/core/openRunIndex';
import { RunLog } from '../fixtures/runLog';
import { captureLog, runId, WASM_PATH, Workspace, type CapturedLog } from './workspaceFixture';

const SHA_A = 'a'.repeat(64);
const SHA_B = 'b'.repeat(64);
const SHA_M = 'c'.repeat(64);

function dataset(fields: Record<string, unknown>): Record<string, unknown> {
  return { key: 'k1', name: 'train', source: '/data/train.csv', kind: 'file', status: 'complete', ...fields };
}

describe('datasets and code lineage in the index', () => {
  let ws: Workspace;
  let log: CapturedLog;
  beforeEach(() => { ws = new Workspace(); log = captureLog(); });
  afterEach(() => ws.dispose());

  it('validates dataset events and refuses bad ones, naming the field', () => {
    const ok = validateEvent({ v: 1, t: 'dataset', ts: 2, ...dataset({ sha256: SHA_A, size: 10, rows: 3, columns: ['a', 'b'], format: 'csv', context: 'training' }) });
    assert.deepEqual(ok, { t: 'dataset', ts: 2, dataset: {
      key: 'k1', name: 'train', source: '/data/train.csv', kind: 'file', status: 'complete', sha256: SHA_A, size: 10, rows: 3,
      columns: ['a', 'b'], format: 'csv', context: 'training', at: 2000,
    } });
    // Deliberately bad events (not through the builder).
    assert.deepEqual(validateEvent({ v: 1, t: 'dataset', ts: 1, ...dataset({ kind: 'tape' }) }), { invalid: '"kind" must be file, folder, remote or missing' });
    assert.deepEqual(validateEvent({ v: 1, t: 'dataset', ts: 1, ...dataset({ status: 'done' }) }), { invalid: '"status" must be complete, partial, unreadable, missing or remote' });
    assert.deepEqual(validateEvent({ v: 1, t: 'dataset', ts: 1, ...dataset({ sha256: 'xyz' }) }), { invalid: '"sha256" must be 64 lowercase hex digits' });
    assert.deepEqual(validateEvent({ v: 1, t: 'dataset', ts: 1, ...dataset({ columns: [1] }) }), { invalid: '"columns" must be an array of strings' });
    assert.deepEqual(validateEvent({ v: 1, t: 'dataset', ts: 1, ...dataset({ name: '' }) }), { invalid: '"name" must not be empty' });
  });

  it('knows which runs used which dataset version (and the models they logged), and keeps it when reopened', async () => {
    const a = runId(1);
    const b = runId(2);
    const c = runId(3);
    ws.append(new RunLog(a).start({ name: 'first' })
      .dataset(dataset({ status: 'partial', files_hashed: 0, bytes_hashed: 0, files_cached: 0 }))
      .dataset(dataset({ sha256: SHA_A, size: 30, rows: 3, columns: ['x', 'y'], format: 'csv' }))  // same key: replaces
      .end());
    ws.append(new RunLog(b, { t0: 1_795_743_700 }).start({ name: 'second' })
      .dataset(dataset({ sha256: SHA_A, size: 30, context: 'training' }))
      .dataset(dataset({ key: 'k2', name: 'eval', source: 's3://bucket/eval', kind: 'remote', status: 'remote' }))
      .artifact({ name: 'model.pt', path: 'model.pt', type: 'model', size: 5, sha256: SHA_M })
      .end());
    ws.append(new RunLog(c, { t0: 1_795_743_800 }).start({ name: 'third' })
      .dataset(dataset({ sha256: SHA_B, size: 31, source: '/data/v2/train.csv' }))
      .end());
    let index = await openRunIndex(ws.options(log));
    assert.deepEqual((await index.sync()).problems, []);
    const check = (): void => {
      const inputs = index.getRun(a)?.inputs ?? [];
      assert.deepEqual(inputs.map((i) => [i.key, i.status, i.sha256]), [['k1', 'complete', SHA_A]]);
      const groups = index.datasets();
      assert.deepEqual(groups.map((g) => g.name), ['eval', 'train']);
      const train = groups.find((g) => g.name === 'train');
      assert.deepEqual(train?.versions.map((v) => [v.sha256, v.runs.map((r) => r.runName)]), [[SHA_B, ['third']], [SHA_A, ['second', 'first']]]);
      const used = train?.versions[1]?.runs[0];
      assert.deepEqual([used?.context, used?.models], ['training', ['model.pt']]);
      assert.deepEqual(train?.versions[1]?.rows, 3);
      const evalSet = groups.find((g) => g.name === 'eval');
      assert.deepEqual(evalSet?.versions.map((v) => [v.version, v.status]), [['s3://bucket/eval', 'remote']]);
    };
    check();
    await index.close();
    index = await openRunIndex(ws.options(log));
    check();
    await index.close();
  });

  it('reads which files were untracked or modified and the captured sources from the lineage', async () => {
    const a = runId(4);
    ws.append(new RunLog(a).start({ lineage: {
      script: '/w/train.py',
      git: { commit: 'abc123', root: '/w', path: 'train.py', dirty: true, untracked: ['train.py'], modified: ['model.py'], files_truncated: false },
      sources: [{ path: '/w/train.py', state: 'untracked', sha256: SHA_A, size: 12, stored: `sources/${SHA_A}` }],
    } }).end());
    const index = await openRunIndex(ws.options(log));
    await index.sync();
    const lineage = index.getRun(a)?.lineage;
    assert.deepEqual(lineage?.git, { commit: 'abc123', root: '/w', path: 'train.py', dirty: true, untracked: ['train.py'], modified: ['model.py'], filesTruncated: false });
    assert.deepEqual(lineage?.sources, [{ path: '/w/train.py', state: 'untracked', sha256: SHA_A, size: 12, stored: `sources/${SHA_A}` }]);
    await index.close();
  });

  it('reads the logs again when it opens a database of schema version 2, which skipped dataset events', async () => {
    const a = runId(5);
    ws.append(new RunLog(a).start().dataset(dataset({ sha256: SHA_A })).end());
    let index = await openRunIndex(ws.options(log));
    await index.sync();
    await index.close();
    // What version 2 left: no inputs table, the run indexed without its inputs, version 2 in meta.
    const dbFile = join(ws.trialbookDir, 'trialbook.db');
    const SQL = await initSqlJs({ locateFile: () => WASM_PATH });
    const db = new SQL.Database(readFileSync(dbFile));
    db.run('DROP TABLE inputs');
    db.run("UPDATE meta SET value = '2' WHERE key = 'schema_version'");
    writeFileSync(dbFile, db.export());
    db.close();
    index = await openRunIndex(ws.options(log));
    const report = await index.sync();
    assert.deepEqual(report.changed, [a], 'read again from the log');
    assert.deepEqual((index.getRun(a)?.inputs ?? []).map((i) => i.sha256), [SHA_A]);
    await index.close();
  });
});
