import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import initSqlJs from 'sql.js';
import { checkDatabaseBytes } from '../../src/core/dbFile';
import { openRunIndex } from '../../src/core/openRunIndex';
import { IndexChild } from './processes';
import { captureLog, runId, WASM_PATH, Workspace, type CapturedLog } from './workspaceFixture';

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
    assert.match(index.openNotice ?? '', /newer Trialbook \(schema version 99; this version understands up to 1\).*left untouched/);
    await index.sync();
    assert.equal(index.getRun(a)!.metrics.loss!.count, 3, 'still usable, from the logs');
    await index.save();
    await index.close();
    assert.ok(readFileSync(dbFile).equals(before));
    assert.ok(!existsSync(join(ws.trialbookDir, 'trialbook.db.lock')));
  });
});
