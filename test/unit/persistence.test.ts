import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import initSqlJs from 'sql.js';
import { checkDatabaseBytes } from '../../src/core/dbFile';
import { openRunIndex } from '../../src/core/openRunIndex';
import { SCHEMA_VERSION } from '../../src/core/storeSchema';
import { RunLog } from '../fixtures/runLog';
import { IndexChild } from './processes';
import {
  captureLog, damagePageHolding, portableEnv, portableScript, REPO_ROOT, reportFromChild, runId, unprivileged, WASM_PATH, Workspace, type CapturedLog,
} from './workspaceFixture';

const CLI = join(REPO_ROOT, 'out', 'src', 'cli.js');

/** The first stored chunk of a run's metric, read from a saved database file. */
async function firstChunk(dbFile: string, run: string, key: string): Promise<Uint8Array> {
  const SQL = await initSqlJs({ locateFile: () => WASM_PATH });
  const db = new SQL.Database(readFileSync(dbFile));
  try {
    const rows = db.exec('SELECT data FROM series_chunks WHERE series_id = (SELECT series_id FROM metrics WHERE run_id = ? AND key = ?) ORDER BY seq LIMIT 1', [run, key]);
    const data = rows[0]?.values[0]?.[0];
    if (!(data instanceof Uint8Array)) throw new Error(`no chunk for ${run}/${key}`);
    return data;
  } finally {
    db.close();
  }
}

/** Two runs of 3000 steps (one chunk each, not float32-exact), indexed and saved; the first run is still running. */
async function twoSavedRuns(ws: Workspace, log: CapturedLog): Promise<{ a: string; b: string; lossOf: (s: number) => number }> {
  const a = runId(42);
  const b = runId(43);
  const lossOf = (s: number): number => 1 / (s + 1) + s * 1e-7;
  ws.writeRun(a, { steps: 3000, status: null, metrics: (s) => ({ loss: lossOf(s) }) });
  ws.writeRun(b, { steps: 3000, t0: 1_795_743_700, metrics: (s) => ({ loss: -lossOf(s) }) });
  const index = await openRunIndex(ws.options(log));
  await index.sync();
  await index.close();
  return { a, b, lossOf };
}

describe('persistence: single writer, crash safety, recovery', () => {
  let ws: Workspace;
  let log: CapturedLog;
  beforeEach(() => { ws = new Workspace(); log = captureLog(); });
  afterEach(() => ws.dispose());

  it('lets one process write; a second reads, follows the writer, sees fresh runs, and takes over when the writer dies', async () => {
    const a = runId(20);
    ws.writeRun(a, { steps: 3 });
    const child = new IndexChild(ws.trialbookDir);
    try {
      assert.deepEqual(await child.next(), { ready: true, isWriter: true });
      const lockFile = join(ws.trialbookDir, 'trialbook.db.lock');
      const lock = JSON.parse(readFileSync(lockFile, 'utf8')) as { pid: number; host: string; heartbeat: number };
      assert.equal(lock.pid, child.pid);
      const reader = await openRunIndex(ws.options(log));
      assert.equal(reader.isWriter, false);
      await reader.sync();
      assert.deepEqual(reader.listRuns().map((r) => r.id), [a]);
      // A new run appears: the reader ingests it in memory without writing the database.
      const b = runId(21);
      ws.writeRun(b, { steps: 4, t0: 1_795_743_700 });
      const dbBefore = readFileSync(join(ws.trialbookDir, 'trialbook.db'));
      await reader.sync();
      assert.deepEqual(reader.listRuns().map((r) => r.id), [b, a]);
      await reader.save();
      assert.ok(readFileSync(join(ws.trialbookDir, 'trialbook.db')).equals(dbBefore), 'the reader never writes');
      // The writer saves; the reader reloads its file and still has both runs.
      child.send('sync');
      assert.deepEqual(await child.next(), { synced: 2, isWriter: true });
      await reader.sync();
      assert.equal(reader.getRun(b)!.metrics.loss!.count, 4);
      assert.equal(reader.isWriter, false);
      // The writer is killed: its pid is dead, so the lock is stale and the reader takes over.
      await child.kill();
      await reader.sync();
      assert.equal(reader.isWriter, true);
      assert.equal(JSON.parse(readFileSync(lockFile, 'utf8')).pid, process.pid);
      await reader.close();
      assert.ok(!existsSync(lockFile));
    } finally {
      await child.kill();
    }
  });

  it('leaves the old or the new database when the writer is SIGKILLed during saves, never a broken one', async () => {
    const ids = Array.from({ length: 8 }, (_, i) => runId(30 + i));
    for (const id of ids) ws.writeRun(id, { steps: 6000, metrics: (s) => ({ loss: Math.sin(s) * 1e-3 + s, acc: Math.cos(s), lr: 1 / (s + 1) }) });
    const SQL = await initSqlJs({ locateFile: () => WASM_PATH });
    const dbFile = join(ws.trialbookDir, 'trialbook.db');
    for (let round = 0; round < 4; round++) {
      const child = new IndexChild(ws.trialbookDir);
      const ready = await child.next();
      assert.equal(ready.isWriter, true);
      child.send(`save-loop ${ids[0]}`);
      assert.deepEqual(await child.next(), { looping: true });
      await new Promise((r) => setTimeout(r, 150 + round * 137));
      await child.kill();
      const bytes = readFileSync(dbFile);
      assert.equal(checkDatabaseBytes(bytes), undefined, `round ${round}: database file is whole`);
      const db = new SQL.Database(bytes);
      assert.deepEqual(db.exec('PRAGMA integrity_check')[0]!.values, [['ok']]);
      assert.equal(db.exec('SELECT count(*) FROM runs')[0]!.values[0]![0], ids.length);
      db.close();
    }
    // The next writer opens it normally, cleans the dead writer's temp file and sees every run.
    const index = await openRunIndex(ws.options(log));
    assert.equal(index.isWriter, true);
    await index.sync();
    assert.equal(index.listRuns().length, ids.length);
    assert.equal(index.openNotice, undefined);
    await index.close();
    assert.deepEqual(readdirSync(ws.trialbookDir).filter((f) => f.includes('.tmp-')), []);
  });

  it('moves a corrupt database aside, rebuilds from the logs and says so once', async () => {
    const a = runId(40);
    ws.writeRun(a, { steps: 3 });
    let index = await openRunIndex(ws.options(log));
    await index.sync();
    await index.close();
    const dbFile = join(ws.trialbookDir, 'trialbook.db');
    const good = readFileSync(dbFile);
    writeFileSync(dbFile, good.subarray(0, Math.floor(good.length / 2)));
    index = await openRunIndex(ws.options(log));
    assert.match(index.openNotice ?? '', /could not be opened \(truncated .*\)\. It was moved to .*trialbook\.db\.corrupt-.* rebuilt from the run logs/);
    assert.equal(log.warnings.filter((w) => w.includes('could not be opened')).length, 1);
    const aside = readdirSync(ws.trialbookDir).filter((f) => f.startsWith('trialbook.db.corrupt-'));
    assert.equal(aside.length, 1);
    await index.sync();
    assert.equal(index.getRun(a)!.metrics.loss!.count, 3);
    await index.close();
    index = await openRunIndex(ws.options(log));
    assert.equal(index.openNotice, undefined, 'the rebuilt database opens cleanly');
    assert.equal(index.listRuns().length, 1);
    await index.close();
  });

  it('never modifies a database from a newer schema version and indexes in memory instead', async () => {
    const a = runId(41);
    ws.writeRun(a, { steps: 3 });
    let index = await openRunIndex(ws.options(log));
    await index.sync();
    await index.close();
    const dbFile = join(ws.trialbookDir, 'trialbook.db');
    const SQL = await initSqlJs({ locateFile: () => WASM_PATH });
    const db = new SQL.Database(readFileSync(dbFile));
    db.run("UPDATE meta SET value = '99' WHERE key = 'schema_version'");
    writeFileSync(dbFile, db.export());
    db.close();
    const before = readFileSync(dbFile);
    index = await openRunIndex(ws.options(log));
    assert.equal(index.isWriter, false);
    assert.match(index.openNotice ?? '', new RegExp(`newer Trialbook \\(schema version 99; this version understands up to ${SCHEMA_VERSION}\\).*left untouched`));
    await index.sync();
    assert.equal(index.getRun(a)!.metrics.loss!.count, 3, 'still usable, from the logs');
    await index.save();
    await index.close();
    assert.ok(readFileSync(dbFile).equals(before));
    assert.ok(!existsSync(join(ws.trialbookDir, 'trialbook.db.lock')));
  });

  it('repairs a damaged series page found by a query: set aside, rebuilt at the next sync, told once', async () => {
    const { a, b, lossOf } = await twoSavedRuns(ws, log);
    const dbFile = join(ws.trialbookDir, 'trialbook.db');
    damagePageHolding(dbFile, await firstChunk(dbFile, a, 'loss'));
    let index = await openRunIndex(ws.options(log));
    assert.equal(index.openNotice, undefined, 'the header and the run tables are whole: the damage shows only when read');
    const all = { runIds: [a, b], keys: ['loss'], xAxis: 'step' as const, maxPoints: 1e9 };
    assert.throws(() => index.series(all),
      /The database is damaged \(database disk image is malformed\)\. It was moved to .*trialbook\.db\.corrupt-.* rebuilt from the run logs/);
    assert.equal(readdirSync(ws.trialbookDir).filter((f) => f.startsWith('trialbook.db.corrupt-')).length, 1);
    const report = await index.sync();
    assert.match(report.notice ?? '', /The database is damaged/);
    assert.deepEqual([...report.changed].sort(), [a, b].sort());
    const lines = index.series(all);
    assert.deepEqual(lines.map((l) => [l.runId, l.key, l.totalPoints]), [[a, 'loss', 3000], [b, 'loss', 3000]]);
    assert.deepEqual(lines[0]!.y, Array.from({ length: 3000 }, (_, s) => lossOf(s)));
    assert.equal((await index.sync()).notice, undefined, 'told once');
    await index.close();
    index = await openRunIndex(ws.options(log));
    assert.equal(index.openNotice, undefined, 'the rebuilt database was saved and opens cleanly');
    assert.deepEqual(index.series(all), lines);
    await index.close();
    assert.equal(log.warnings.filter((w) => w.includes('is damaged')).length, 1);
  });

  it('repairs damage met by a write: after an append, runs and syncs rebuild instead of failing', async () => {
    const { a, b, lossOf } = await twoSavedRuns(ws, log);
    const dbFile = join(ws.trialbookDir, 'trialbook.db');
    damagePageHolding(dbFile, await firstChunk(dbFile, a, 'loss'));
    ws.append(new RunLog(a).metrics(3000, { loss: 0.5 }, { ts: 1_795_743_700 }));
    // A fresh process first, as a `trialbook runs` call meets it: its sync appends to the damaged chunk, then it lists.
    const seen = reportFromChild(ws.trialbookDir);
    assert.equal(seen.error, undefined);
    assert.deepEqual(seen.runs, [a, b].sort());
    assert.match(seen.notice ?? '', /The database is damaged \(database disk image is malformed\)\. It was moved to/);
    assert.equal(seen.warnings.filter((w) => w.includes('is damaged')).length, 1, 'said once');
    // The repaired database holds every point, the appended one too.
    const index = await openRunIndex(ws.options(log));
    assert.equal(index.openNotice, undefined);
    assert.deepEqual((await index.sync()).changed, []);
    assert.equal(index.getRun(a)!.metrics.loss!.count, 3001);
    const [line] = index.series({ runIds: [a], keys: ['loss'], xAxis: 'step', maxPoints: 1e9 });
    assert.deepEqual(line!.y, [...Array.from({ length: 3000 }, (_, s) => lossOf(s)), 0.5]);
    await index.close();
  });

  it('repairs damage met by a sync in the same process, which then reports it', async () => {
    const { a, b } = await twoSavedRuns(ws, log);
    const dbFile = join(ws.trialbookDir, 'trialbook.db');
    damagePageHolding(dbFile, await firstChunk(dbFile, a, 'loss'));
    const index = await openRunIndex(ws.options(log));
    ws.append(new RunLog(a).metrics(3000, { loss: 0.5 }, { ts: 1_795_743_700 }));
    const report = await index.sync();
    assert.match(report.notice ?? '', /The database is damaged .*moved to .*corrupt-/);
    assert.deepEqual([...report.changed].sort(), [a, b].sort());
    assert.equal(index.getRun(a)!.metrics.loss!.count, 3001);
    assert.equal(index.series({ runIds: [a], keys: ['loss'], xAxis: 'step', maxPoints: 10 })[0]!.totalPoints, 3001);
    await index.close();
  });

  it('a reader that meets damage indexes in memory, does not load those bytes again, and follows the writer\'s next save', async () => {
    const { a, b, lossOf } = await twoSavedRuns(ws, log);
    const dbFile = join(ws.trialbookDir, 'trialbook.db');
    const child = new IndexChild(ws.trialbookDir);
    try {
      assert.deepEqual(await child.next(), { ready: true, isWriter: true }, 'the writer loaded the file while it was whole');
      damagePageHolding(dbFile, await firstChunk(dbFile, a, 'loss'));
      const reader = await openRunIndex(ws.options(log));
      assert.equal(reader.isWriter, false);
      const all = { runIds: [a, b], keys: ['loss'], xAxis: 'step' as const, maxPoints: 1e9 };
      assert.throws(() => reader.series(all), /is damaged \(database disk image is malformed\); this window indexes the logs in memory until the writing window rebuilds it/);
      assert.ok(existsSync(dbFile), 'a reader never moves the file');
      assert.deepEqual([...(await reader.sync()).changed].sort(), [a, b].sort(), 'rebuilt in memory');
      await reader.sync();
      assert.deepEqual(reader.series(all)[0]!.y, Array.from({ length: 3000 }, (_, s) => lossOf(s)), 'the damaged file was not loaded again');
      ws.append(new RunLog(a).metrics(3000, { loss: 0.5 }, { ts: 1_795_743_700 }));
      child.send('sync');
      assert.deepEqual(await child.next(), { synced: 2, isWriter: true });
      await reader.sync();
      assert.equal(reader.series(all)[0]!.totalPoints, 3001, 'the writer\'s new file was loaded');
      await reader.close();
    } finally {
      await child.kill();
    }
  });

  it('names a directory standing where the database file goes, works in memory, and saves once it is gone', async () => {
    const a = runId(44);
    ws.writeRun(a, { steps: 3 });
    const dbPath = join(ws.trialbookDir, 'trialbook.db');
    mkdirSync(dbPath);
    const index = await openRunIndex(ws.options(log));
    assert.match(index.openNotice ?? '', /trialbook\.db is a directory, not the database file.*Move or delete it/);
    assert.equal(index.isWriter, false);
    assert.match(index.readOnlyReason ?? '', /is a directory/);
    await index.sync();
    assert.deepEqual(index.listRuns().map((r) => r.id), [a]);
    await index.rebuild();
    await index.save();
    assert.deepEqual(log.errors, []);
    assert.deepEqual(readdirSync(ws.trialbookDir).filter((f) => f.includes('.tmp-')), [], 'no half-written file left');
    assert.equal(log.warnings.filter((w) => w.includes('is a directory')).length, 1, 'said once');
    rmSync(dbPath, { recursive: true });
    await index.sync();
    assert.equal(index.isWriter, true, 'the path is free again');
    assert.equal(index.readOnlyReason, undefined);
    await index.close();
    assert.ok(statSync(dbPath).isFile());
    const reopened = await openRunIndex(ws.options(log));
    assert.equal(reopened.openNotice, undefined);
    assert.deepEqual(reopened.listRuns().map((r) => r.id), [a]);
    await reopened.close();
  });

  it('says a read-only .trialbook cannot be written (not that another process holds the lock) and indexes in memory', () => {
    const a = runId(45);
    ws.writeRun(a, { steps: 3 });
    // Permission bits, made to count (as root the child runs as nobody): a real EACCES when creating the lock.
    const asUser = unprivileged(ws.root);
    chmodSync(ws.trialbookDir, 0o555);
    try {
      const seen = reportFromChild(ws.trialbookDir, asUser);
      assert.equal(seen.error, undefined);
      assert.equal(seen.isWriter, false);
      assert.match(seen.openNotice ?? '', /Cannot write in .*\.trialbook: permission denied: this user may not write .*\(EACCES\)\. Give this user write permission/);
      assert.match(seen.readOnlyReason ?? '', /cannot write in .*\(EACCES\)/);
      assert.doesNotMatch(seen.readOnlyReason ?? '', /another process/);
      assert.deepEqual(seen.runs, [a], 'the logs are indexed in memory');
      assert.equal(seen.warnings.filter((w) => w.includes('Cannot write in')).length, 1);
      const cli = asUser.uid === undefined ? CLI : portableScript(CLI);
      const rebuild = spawnSync(process.execPath, [cli, 'rebuild', '--dir', ws.root], { ...asUser, ...(asUser.uid === undefined ? {} : { env: portableEnv() }), encoding: 'utf8', timeout: 60_000 });
      assert.equal(rebuild.error, undefined);
      assert.equal(rebuild.status, 1);
      assert.match(rebuild.stderr, /trialbook: cannot rebuild here: this process cannot write in .*\(EACCES\)/);
      assert.doesNotMatch(rebuild.stderr, /another process holds/);
    } finally {
      chmodSync(ws.trialbookDir, 0o755);
    }
  });
});
