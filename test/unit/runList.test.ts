// The run list beside the database (src/core/index/runList.ts): written with each save, read to list runs while the
// database loads, and refused whenever it may not describe the database as it is (another save, a rebuild, damaged
// bytes, another format) so that the index answers instead.
import { strict as assert } from 'node:assert';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { openRunIndex, openRunList } from '../../src/core/openRunIndex';
import { RUN_LIST_FILE } from '../../src/core/index/runList';
import type { RunRow } from '../../src/core/model';
import { appendRunEdit } from '../../src/core/runEdits';
import { captureLog, runId, Workspace, type CapturedLog } from './workspaceFixture';

const T0 = 1_795_743_612;
const NOW = (T0 + 3600) * 1000;

/** What a row shows, without the fields a list and the index may legitimately derive at different moments. */
function shown(rows: RunRow[]): unknown[] {
  return rows.map((r) => ({ ...r }));
}

function listed(dir: string): RunRow[] | string {
  const list = openRunList(dir, 30, () => NOW);
  return 'problem' in list ? list.problem : list.lister.listRuns({ sort: 'name' });
}

describe('the run list beside the database', () => {
  let ws: Workspace;
  let log: CapturedLog;
  beforeEach(() => { ws = new Workspace(); log = captureLog(); });
  afterEach(() => ws.dispose());

  async function indexAll(): Promise<RunRow[]> {
    const index = await openRunIndex(ws.options(log, { readerWorker: false, now: () => NOW }));
    await index.sync();
    await index.save();
    const rows = index.listRuns({ sort: 'name' });
    await index.close();
    return rows;
  }

  it('is written with the database and lists the same rows as the index (edits, params, summaries, non-finite values, statuses)', async () => {
    ws.writeRun(runId(1), { name: 'alpha', experiment: 'e1', config: { lr: 0.1, nested: { a: [1, 'x'] }, __proto__x: 1 } });
    ws.writeRun(runId(2), { name: 'beta', experiment: 'e2', status: null, metrics: (s) => ({ loss: s === 2 ? Number.NaN : 1 / (s + 1), 'val/acc': s }) });
    ws.writeRun(runId(3), { name: 'gamma', status: 'failed', metrics: (s) => ({ big: s === 0 ? Number.POSITIVE_INFINITY : s }) });
    await appendRunEdit(ws.trialbookDir, runId(1), { t: 'name', name: 'renamed' });
    await appendRunEdit(ws.trialbookDir, runId(3), { t: 'star', starred: true });
    const fromIndex = await indexAll();
    const fromList = listed(ws.trialbookDir);
    assert.ok(Array.isArray(fromList), `the list is read: ${String(fromList)}`);
    assert.deepEqual(shown(fromList), shown(fromIndex));
    assert.deepEqual(fromList.map((r) => r.name), ['beta', 'gamma', 'renamed']);
    assert.equal(fromList.find((r) => r.name === 'beta')?.status, 'crashed', 'statuses derived from the times, as the index does');
    const list = openRunList(ws.trialbookDir, 30, () => NOW);
    assert.ok('lister' in list);
    assert.deepEqual(list.lister.listRuns({ filter: 'params.lr = 0.1' }).map((r) => r.name), ['renamed'], 'filters work as on the index');
  });

  it('is refused once the database file is replaced (a later save after an append) and is rewritten with the new values', async () => {
    const logRun = ws.writeRun(runId(7), { name: 'grows', steps: 3 });
    await indexAll();
    const before = readFileSync(join(ws.trialbookDir, RUN_LIST_FILE));
    logRun.metrics(3, { loss: 0.001, acc: 0.99 }, { ts: T0 + 100 });
    ws.append(logRun);
    const rows = await indexAll();
    const fresh = listed(ws.trialbookDir);
    assert.ok(Array.isArray(fresh));
    assert.equal(fresh[0]?.metrics.loss?.last, 0.001, 'the new list carries the appended point');
    assert.deepEqual(shown(fresh), shown(rows));
    // The list of the earlier save beside the new database: never taken for it.
    writeFileSync(join(ws.trialbookDir, RUN_LIST_FILE), before);
    assert.match(String(listed(ws.trialbookDir)), /another database file/);
  });

  it('is refused when the database is gone, rebuilt or set aside, and when its bytes are damaged or of another format', async () => {
    ws.writeRun(runId(3), { name: 'one' });
    await indexAll();
    const file = join(ws.trialbookDir, RUN_LIST_FILE);
    const good = readFileSync(file, 'utf8');
    assert.ok(Array.isArray(listed(ws.trialbookDir)));

    // A flipped digit in the body (valid JSON, wrong value): the checksum refuses it.
    writeFileSync(file, good.replace('"name":"one"', '"name":"onf"'));
    assert.match(String(listed(ws.trialbookDir)), /damaged \(checksum\)/);
    // Cut short, as by a crash of a writer without an atomic rename.
    writeFileSync(file, good.slice(0, good.length - 20));
    assert.match(String(listed(ws.trialbookDir)), /damaged|not JSON/);
    writeFileSync(file, 'garbage without a header');
    assert.match(String(listed(ws.trialbookDir)), /no header/);
    writeFileSync(file, good.replace('"v":1', '"v":99'));
    assert.match(String(listed(ws.trialbookDir)), /another format or version/);
    writeFileSync(file, good);

    // The database moved aside (as when damaged) or deleted: nothing to belong to.
    const db = join(ws.trialbookDir, 'trialbook.db');
    renameSync(db, `${db}.aside`);
    assert.match(String(listed(ws.trialbookDir)), /no run list or no database/);
    renameSync(`${db}.aside`, db);
    assert.ok(Array.isArray(listed(ws.trialbookDir)));

    // A rebuild saves another database file (and its own list).
    const index = await openRunIndex(ws.options(log, { readerWorker: false, now: () => NOW }));
    await index.rebuild();
    writeFileSync(file, good);
    assert.match(String(listed(ws.trialbookDir)), /another database file/);
    await index.close();
  });

  it('is written for a database saved before run lists existed, once the writer has opened it', async () => {
    ws.writeRun(runId(4), { name: 'older' });
    await indexAll();
    rmSync(join(ws.trialbookDir, RUN_LIST_FILE));
    const index = await openRunIndex(ws.options(log, { readerWorker: false, now: () => NOW }));
    await index.sync();
    await index.save();
    const rows = listed(ws.trialbookDir);
    assert.ok(Array.isArray(rows), `written although nothing changed: ${String(rows)}`);
    assert.deepEqual(rows.map((r) => r.name), ['older']);
    await index.close();
  });

  it('lists nothing of its own when there is none: the first open has only the index', async () => {
    ws.writeRun(runId(5), { name: 'new' });
    assert.match(String(listed(ws.trialbookDir)), /no run list or no database/);
  });
});
