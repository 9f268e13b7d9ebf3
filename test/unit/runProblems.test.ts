// One run's problem never hides or blocks the others: runs whose folder or files cannot be read, run folders
// deleted while a rebuild reads them, and edits files full of garbage or far too large.
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, mkdirSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Logger } from '../../src/core/model';
import { openRunIndex } from '../../src/core/openRunIndex';
import { appendRunEdit } from '../../src/core/runEdits';
import { editLine, RunLog } from '../fixtures/runLog';
import { captureLog, reportFromChild, runId, unprivileged, Workspace, type CapturedLog } from './workspaceFixture';

describe('run problems: unreadable, vanishing, oversized', () => {
  let ws: Workspace;
  let log: CapturedLog;
  beforeEach(() => { ws = new Workspace(); log = captureLog(); });
  afterEach(() => ws.dispose());

  const runDir = (id: string): string => join(ws.trialbookDir, 'runs', id);

  it('reports a directory in place of a log or an edits file for its run only, once in the log, every sync in the report', async () => {
    const [x, y, z] = [runId(80), runId(81), runId(82)];
    mkdirSync(join(runDir(x), 'events.jsonl'), { recursive: true });
    ws.writeRun(y, { steps: 3 });
    mkdirSync(join(runDir(y), 'edits.jsonl'));
    ws.writeRun(z, { steps: 3 });
    const index = await openRunIndex(ws.options(log));
    for (let round = 0; round < 2; round++) {
      const report = await index.sync();
      assert.deepEqual(index.listRuns().map((r) => r.id).sort(), [y, z]);
      assert.deepEqual(report.problems.map((p) => [p.runId, p.file, p.line]), [
        [x, join(runDir(x), 'events.jsonl'), 0],
        [y, join(runDir(y), 'edits.jsonl'), 0],
      ]);
      assert.match(report.problems[0]!.reason, /events\.jsonl is a directory, not a log file/);
      assert.match(report.problems[1]!.reason, /edits\.jsonl is a directory, not a file/);
    }
    assert.equal(log.warnings.length, 2, log.warnings.join('\n'));
    assert.match(log.warnings[0]!, new RegExp(`run ${x}: .*is a directory.*the run is left out until it can be read`));
    rmSync(join(runDir(x), 'events.jsonl'), { recursive: true });
    ws.writeRun(x, { steps: 2 });
    const fixed = await index.sync();
    assert.deepEqual(fixed.changed, [x]);
    assert.deepEqual(index.listRuns().map((r) => r.id).sort(), [x, y, z]);
    await index.close();
  });

  it('does not hang on a FIFO in place of a log: it is reported and the other runs are indexed', () => {
    const [f, z] = [runId(83), runId(84)];
    mkdirSync(runDir(f), { recursive: true });
    const made = spawnSync('mkfifo', [join(runDir(f), 'events.jsonl')]);
    assert.equal(made.status, 0, String(made.stderr));
    ws.writeRun(z, { steps: 3 });
    // In a child process: reading a FIFO with no writer would block its thread for good.
    const seen = reportFromChild(ws.trialbookDir, {}, 20_000);
    assert.equal(seen.error, undefined);
    assert.deepEqual(seen.runs, [z]);
    assert.deepEqual(seen.problems.map((p) => p.runId), [f]);
    assert.match(seen.problems[0]!.reason, /is a FIFO \(named pipe\), not a log file/);
  });

  it('reports an unreadable run folder or log (EACCES) for that run, keeps what was indexed, and indexes the others', async () => {
    const [r1, r2, r3] = [runId(85), runId(86), runId(87)];
    for (const id of [r1, r2, r3]) ws.writeRun(id, { steps: 3, status: null });
    // Permission bits, made to count (as root the child runs as nobody): real EACCES from stat and open.
    const asUser = unprivileged(ws.root);
    const lock = (): void => { chmodSync(runDir(r1), 0o000); chmodSync(ws.logPath(r2), 0o000); };
    const unlock = (): void => { chmodSync(runDir(r1), 0o755); chmodSync(ws.logPath(r2), 0o644); };
    try {
      lock();
      const first = reportFromChild(ws.trialbookDir, asUser);
      assert.equal(first.error, undefined);
      assert.deepEqual(first.runs, [r3]);
      assert.deepEqual(first.problems.map((p) => [p.runId, p.file, p.line]), [[r1, ws.logPath(r1), 0], [r2, ws.logPath(r2), 0]]);
      for (const p of first.problems) assert.match(p.reason, /permission denied: this user may not read .*events\.jsonl \(EACCES\)/);
      assert.ok(first.warnings.some((w) => w.includes(r1) && w.includes('the run is left out until it can be read')), first.warnings.join('\n'));
      // Indexed while readable; then unreadable again, with lines appended to r2 meanwhile.
      unlock();
      const index = await openRunIndex(ws.options(log));
      await index.sync();
      await index.close();
      ws.append(new RunLog(r2).metrics(3, { loss: 0.1 }, { ts: 1_795_743_700 }));
      lock();
      const second = reportFromChild(ws.trialbookDir, asUser);
      assert.equal(second.error, undefined);
      assert.deepEqual(second.runs, [r1, r2, r3].sort(), 'nothing is hidden');
      assert.deepEqual(second.problems.map((p) => p.runId), [r1, r2]);
      assert.ok(second.warnings.some((w) => w.includes(r2) && w.includes('keeps what it read of this run before')), second.warnings.join('\n'));
    } finally {
      unlock();
    }
  });

  for (const readerWorker of [false, { minBytes: 0 }] as const) {
    it(`finishes a rebuild when a run folder is deleted while its log is read (${readerWorker ? 'worker thread' : 'inline'})`, async () => {
      const ids = [runId(90), runId(91), runId(92)];
      for (const id of ids) ws.writeRun(id, { steps: 50 });
      const doomed = ids[1]!;
      ws.appendRaw(doomed, '{broken\n');
      // The bad line's warning comes while the log is being read: the moment to delete the folder.
      let armed = false;
      const hooked: Logger = { ...log, warn: (m) => {
        log.warn(m);
        if (armed && m.includes(doomed)) { rmSync(runDir(doomed), { recursive: true }); armed = false; }
      } };
      const index = await openRunIndex(ws.options(hooked, { readerWorker }));
      await index.sync();
      armed = true;
      await index.rebuild();
      assert.equal(armed, false, 'the folder was deleted mid-read');
      const after = await index.sync();
      assert.deepEqual(after.removed, [doomed]);
      assert.deepEqual(index.listRuns().map((r) => r.id).sort(), [ids[0], ids[2]].sort());
      await index.close();
    });
  }

  it('never fails a rebuild while another process deletes run folders (stress)', async () => {
    const runsDir = join(ws.trialbookDir, 'runs');
    // Deletes the folders named on its command line, a few milliseconds apart, once told to go.
    const deleter = `const fs = require('fs'); const path = require('path');
      process.stdin.once('data', () => { for (const id of process.argv.slice(2)) {
        fs.rmSync(path.join(${JSON.stringify(runsDir)}, id), { recursive: true, force: true });
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1 + Math.random() * 4); } process.exit(0); });
      process.stdout.write('ready\\n');`;
    for (let round = 0; round < 6; round++) {
      const ids = Array.from({ length: 40 }, (_, i) => runId(300 + round * 50 + i));
      for (const id of ids) ws.writeRun(id, { steps: 300 });
      const index = await openRunIndex(ws.options(captureLog(), { readerWorker: round % 2 === 0 ? false : { minBytes: 0 } }));
      await index.sync();
      const child = spawn(process.execPath, ['-e', deleter, ...ids.filter((_, i) => i % 2 === round % 2)]);
      const exited = new Promise((resolve) => child.on('exit', resolve));
      await new Promise((resolve) => child.stdout.once('data', resolve));
      const rebuilt = index.rebuild();
      child.stdin.write('go\n');
      await rebuilt;
      await exited;
      await index.sync();
      assert.deepEqual(index.listRuns().map((r) => r.id).sort(), readdirSync(runsDir).sort(), `round ${round}`);
      await index.close();
      rmSync(runsDir, { recursive: true });
      mkdirSync(runsDir);
    }
  });

  it('caps the warnings of an edits file full of garbage, and still applies its valid edits', async () => {
    const id = runId(93);
    ws.writeRun(id, { steps: 3 });
    writeFileSync(join(runDir(id), 'edits.jsonl'), editLine({ t: 'name', name: 'renamed' }, 1_795_743_700) + 'garbage\n'.repeat(200_000) + editLine({ t: 'star', starred: true }, 1_795_743_700));
    const index = await openRunIndex(ws.options(log));
    const report = await index.sync();
    const about = log.warnings.filter((w) => w.includes('edits.jsonl'));
    assert.equal(about.length, 21, 'twenty lines, then a count');
    assert.match(about[0]!, /edits\.jsonl:2: invalid JSON/);
    assert.match(about[20]!, /edits\.jsonl: 199980 more lines skipped \(not listed\)/);
    assert.ok(report.problems.length <= 100, `${report.problems.length} problems listed`);
    assert.equal(index.getRun(id)!.name, 'renamed');
    assert.equal(index.getRun(id)!.starred, true);
    await index.close();
  });

  it('stops reading an edits file after 10,000 lines that look like JSON but do not parse (each costs an exception)', async () => {
    const id = runId(96);
    ws.writeRun(id, { steps: 3 });
    writeFileSync(join(runDir(id), 'edits.jsonl'), editLine({ t: 'name', name: 'renamed' }, 1_795_743_700) + '{garbage}\n'.repeat(20_000) + editLine({ t: 'star', starred: true }, 1_795_743_700));
    const index = await openRunIndex(ws.options(log));
    const report = await index.sync();
    assert.equal(index.getRun(id)!.name, 'renamed');
    assert.equal(index.getRun(id)!.starred, undefined, 'the rest of the file is not read');
    const stopped = report.problems.filter((p) => p.line === 0);
    assert.equal(stopped.length, 1);
    assert.match(stopped[0]!.reason, /10000 unusable lines: the file is not read past line 10001/);
    assert.equal(log.warnings.filter((w) => w.includes('edits.jsonl')).length, 22, 'twenty lines, the stop, a count');
    await index.close();
  });

  it('reads only the first 64 MiB of a huge edits file: its run and the others stay, and a new edit is refused clearly', async () => {
    const [a, b] = [runId(94), runId(95)];
    ws.writeRun(a, { steps: 3 });
    ws.writeRun(b, { steps: 3, t0: 1_795_743_700 });
    const editsFile = join(runDir(a), 'edits.jsonl');
    appendFileSync(editsFile, editLine({ t: 'name', name: 'renamed' }, 1));
    truncateSync(editsFile, 600 * 1024 * 1024); // 600 MiB: the rest is zero bytes (a sparse file, no disk used)
    const index = await openRunIndex(ws.options(log));
    const report = await index.sync();
    assert.deepEqual(index.listRuns().map((r) => r.id).sort(), [a, b]);
    assert.equal(index.getRun(a)!.name, 'renamed', 'the edits within the limit apply');
    assert.deepEqual(report.problems.map((p) => [p.runId, p.line]), [[a, 0]]);
    assert.match(report.problems[0]!.reason, /the file is 600\.0 MiB: only its first 64\.0 MiB are read/);
    await assert.rejects(appendRunEdit(ws.trialbookDir, a, { t: 'star', starred: true }), /is 600\.0 MiB, more than the 64\.0 MiB Trialbook reads: move it aside/);
    await index.close();
  });
});
