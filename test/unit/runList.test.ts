// The run list beside the database (src/core/index/runList.ts): written with each save, read to list runs while the
// database loads, and refused whenever it may not describe the database as it is (another save, a rebuild, damaged
// bytes, another format) so that the index answers instead.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { openRunIndex, openRunList } from '../../src/core/openRunIndex';
import { RUN_LIST_FILE } from '../../src/core/index/runList';
import { Slicer } from '../../src/core/slices';
import type { RunRow } from '../../src/core/model';
import { appendRunEdit } from '../../src/core/runEdits';
import { captureLog, runId, Workspace, type CapturedLog } from './workspaceFixture';

const T0 = 1_795_743_612;
const NOW = (T0 + 3600) * 1000;

/** What a row shows, without the fields a list and the index may legitimately derive at different moments. */
function shown(rows: RunRow[]): unknown[] {
  return rows.map((r) => ({ ...r }));
}

async function listed(dir: string, slicer?: Slicer): Promise<RunRow[] | string> {
  const list = await openRunList(dir, 30, () => NOW, slicer);
  return 'problem' in list ? list.problem : list.lister.listRuns({ sort: 'name' });
}

/** The list's file with its body replaced and a checksum that matches it (so that only the body's shape is judged). */
function rewriteBody(file: string, body: (lines: string[]) => string): void {
  const text = readFileSync(file, 'utf8');
  const newline = text.indexOf('\n');
  const header = JSON.parse(text.slice(0, newline)) as Record<string, unknown>;
  const lines = text.slice(newline + 1).split('\n').filter((l) => l !== '');
  const next = body(lines);
  header.sha256 = createHash('sha256').update(next).digest('hex');
  writeFileSync(file, `${JSON.stringify(header)}\n${next}`);
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

  it('a writer killed while writing the list leaves its temporary file; the next writer removes it', async () => {
    ws.writeRun(runId(1), { name: 'alpha' });
    await indexAll();
    // What a SIGKILL between the temporary file's write and its rename leaves (the persistence test's kill lands
    // there only sometimes).
    const stale = join(ws.trialbookDir, `.${RUN_LIST_FILE}.tmp-999999`);
    writeFileSync(stale, 'half a list');
    const rows = await indexAll();
    assert.equal(rows.length, 1);
    assert.equal(existsSync(stale), false, 'the dead writer\'s temporary run list is removed');
  });

  it('is written with the database and lists the same rows as the index (edits, params, summaries, non-finite values, statuses)', async () => {
    ws.writeRun(runId(1), { name: 'alpha', experiment: 'e1', config: { lr: 0.1, nested: { a: [1, 'x'] }, __proto__x: 1 } });
    ws.writeRun(runId(2), { name: 'beta', experiment: 'e2', status: null, metrics: (s) => ({ loss: s === 2 ? Number.NaN : 1 / (s + 1), 'val/acc': s }) });
    ws.writeRun(runId(3), { name: 'gamma', status: 'failed', metrics: (s) => ({ big: s === 0 ? Number.POSITIVE_INFINITY : s }) });
    await appendRunEdit(ws.trialbookDir, runId(1), { t: 'name', name: 'renamed' });
    await appendRunEdit(ws.trialbookDir, runId(3), { t: 'star', starred: true });
    const fromIndex = await indexAll();
    const fromList = await listed(ws.trialbookDir);
    assert.ok(Array.isArray(fromList), `the list is read: ${String(fromList)}`);
    assert.deepEqual(shown(fromList), shown(fromIndex));
    assert.deepEqual(fromList.map((r) => r.name), ['beta', 'gamma', 'renamed']);
    assert.equal(fromList.find((r) => r.name === 'beta')?.status, 'crashed', 'statuses derived from the times, as the index does');
    const list = await openRunList(ws.trialbookDir, 30, () => NOW);
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
    const fresh = await listed(ws.trialbookDir);
    assert.ok(Array.isArray(fresh));
    assert.equal(fresh[0]?.metrics.loss?.last, 0.001, 'the new list carries the appended point');
    assert.deepEqual(shown(fresh), shown(rows));
    // The list of the earlier save beside the new database: never taken for it.
    writeFileSync(join(ws.trialbookDir, RUN_LIST_FILE), before);
    assert.match(String(await listed(ws.trialbookDir)), /another database file/);
  });

  it('is refused when the database is gone, rebuilt or set aside, and when its bytes are damaged or of another format', async () => {
    ws.writeRun(runId(3), { name: 'one' });
    await indexAll();
    const file = join(ws.trialbookDir, RUN_LIST_FILE);
    const good = readFileSync(file, 'utf8');
    assert.ok(Array.isArray(await listed(ws.trialbookDir)));

    // A flipped digit in the body (valid JSON, wrong value): the checksum refuses it.
    writeFileSync(file, good.replace('"name":"one"', '"name":"onf"'));
    assert.match(String(await listed(ws.trialbookDir)), /damaged \(checksum\)/);
    // Cut short, as by a crash of a writer without an atomic rename.
    writeFileSync(file, good.slice(0, good.length - 20));
    assert.match(String(await listed(ws.trialbookDir)), /damaged|not JSON/);
    writeFileSync(file, 'garbage without a header');
    assert.match(String(await listed(ws.trialbookDir)), /no header/);
    writeFileSync(file, good.replace('"v":2', '"v":99'));
    assert.match(String(await listed(ws.trialbookDir)), /another format or version/);
    writeFileSync(file, good);

    // The database moved aside (as when damaged) or deleted: nothing to belong to.
    const db = join(ws.trialbookDir, 'trialbook.db');
    renameSync(db, `${db}.aside`);
    assert.match(String(await listed(ws.trialbookDir)), /no run list or no database/);
    renameSync(`${db}.aside`, db);
    assert.ok(Array.isArray(await listed(ws.trialbookDir)));

    // A rebuild saves another database file (and its own list).
    const index = await openRunIndex(ws.options(log, { readerWorker: false, now: () => NOW }));
    await index.rebuild();
    writeFileSync(file, good);
    assert.match(String(await listed(ws.trialbookDir)), /another database file/);
    await index.close();
  });

  it('is read one entry per line in slices that give the thread back, with the same rows as read at once', async () => {
    for (let r = 1; r <= 6; r++) ws.writeRun(runId(r), { name: `run-${r}`, experiment: `e${r % 2}`, config: { r } });
    const fromIndex = await indexAll();
    const body = readFileSync(join(ws.trialbookDir, RUN_LIST_FILE), 'utf8').split('\n').slice(1).filter((l) => l !== '');
    assert.equal(body.length, 6, 'one line per run');
    // A clock that moves 20 ms per look: every slice is used up after one entry.
    let t = 0;
    const slicer = new Slicer(() => (t += 20), 15);
    const sliced = await listed(ws.trialbookDir, slicer);
    assert.ok(Array.isArray(sliced), String(sliced));
    assert.deepEqual(shown(sliced), shown(fromIndex));
    assert.ok(slicer.yields >= 5, `the thread was given back between entries (${slicer.yields} times)`);
  });

  it('refuses a body of the right checksum but the wrong shape, saying where, and reads the valid list again after', async () => {
    ws.writeRun(runId(1), { name: 'one' });
    ws.writeRun(runId(2), { name: 'two' });
    await indexAll();
    const file = join(ws.trialbookDir, RUN_LIST_FILE);
    const good = readFileSync(file);
    // Deliberately bad entries: a line that is not JSON, an entry without its name, a run twice, a cut last line.
    rewriteBody(file, (lines) => `${lines[0]}\n{"id":\n`);
    assert.match(String(await listed(ws.trialbookDir)), /line 3 of the run list is not JSON/);
    rewriteBody(file, (lines) => `${lines.map((l) => l.replace('"name":"one",', '')).join('\n')}\n`);
    assert.match(String(await listed(ws.trialbookDir)), /entry of .* lacks a field/);
    writeFileSync(file, good);
    rewriteBody(file, (lines) => `${lines[0]}\n${lines[0]}\n`);
    assert.match(String(await listed(ws.trialbookDir)), /holds .* twice/);
    writeFileSync(file, good);
    rewriteBody(file, (lines) => `${lines[0]}\n${(lines[1] ?? '').slice(0, 30)}`);
    assert.match(String(await listed(ws.trialbookDir)), /does not end with a whole line/);
    writeFileSync(file, good);
    const rows = await listed(ws.trialbookDir);
    assert.ok(Array.isArray(rows), String(rows));
    assert.deepEqual(rows.map((r) => r.name), ['one', 'two']);
  });

  it('is written for a database saved before run lists existed, once the writer has opened it', async () => {
    ws.writeRun(runId(4), { name: 'older' });
    await indexAll();
    rmSync(join(ws.trialbookDir, RUN_LIST_FILE));
    const index = await openRunIndex(ws.options(log, { readerWorker: false, now: () => NOW }));
    await index.sync();
    await index.save();
    const rows = await listed(ws.trialbookDir);
    assert.ok(Array.isArray(rows), `written although nothing changed: ${String(rows)}`);
    assert.deepEqual(rows.map((r) => r.name), ['older']);
    await index.close();
  });

  it('lists nothing of its own when there is none: the first open has only the index', async () => {
    ws.writeRun(runId(5), { name: 'new' });
    assert.match(String(await listed(ws.trialbookDir)), /no run list or no database/);
  });
});
