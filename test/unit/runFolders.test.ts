import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listRunLogs } from '../../src/core/index/runFolders';

test('listing 2,000 run logs gives the thread turns meanwhile, and finds each log (or its problem) in folder order', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'trialbook-run-folders-'));
  try {
    const ids = Array.from({ length: 2000 }, (_, i) => `run-${String(i).padStart(4, '0')}`);
    for (const [i, id] of ids.entries()) {
      mkdirSync(join(dir, id));
      // Every 500th folder has no log yet (left out); one has a folder where its log should be (a problem).
      if (i % 500 === 7) continue;
      if (i === 42) mkdirSync(join(dir, id, 'events.jsonl'));
      else writeFileSync(join(dir, id, 'events.jsonl'), 'x'.repeat(i % 10));
    }
    let turns = 0;
    let done = false;
    const tick = (): void => {
      turns++;
      if (!done) setImmediate(tick);
    };
    setImmediate(tick);
    const logs = await listRunLogs(dir);
    done = true;
    assert.ok(turns > 0, 'the event loop ran while the logs were stat\'ed');
    assert.equal(logs.length, 2000 - 4);
    assert.deepEqual(logs.map((l) => l.id), ids.filter((_, i) => i % 500 !== 7), 'listing order');
    const problem = logs.find((l) => l.id === 'run-0042');
    assert.ok(problem && 'problem' in problem && /is a directory, not a log file/.test(problem.problem), JSON.stringify(problem));
    const sized = logs.find((l) => l.id === 'run-0013');
    assert.ok(sized && 'identity' in sized && sized.identity.size === 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a runs folder that does not exist lists nothing; one that cannot be read says why', async () => {
  assert.deepEqual(await listRunLogs(join(tmpdir(), 'trialbook-no-such-folder-' + String(Date.now()))), []);
  const file = join(mkdtempSync(join(tmpdir(), 'trialbook-run-folders-')), 'runs');
  writeFileSync(file, '');
  await assert.rejects(listRunLogs(file), /cannot list the runs/);
});
