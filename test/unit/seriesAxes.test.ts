// A chart's lines by step and by time from one read: the compare panel sends both axes of every chart, and reading a
// line's chunks is most of what a cold chart costs, so the index decodes both axes from one query per line and keeps
// the other axis' envelope in its cache. What it keeps must be exactly what reading that axis alone gives.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { Statement } from 'sql.js';
import type { EnvelopeRequest } from '../../src/core/model';
import { openRunIndex } from '../../src/core/openRunIndex';
import type { RunIndex } from '../../src/core/runIndex';
import { loadSqlJs } from '../../src/core/sqlEngine';
import { SERIES_CHUNKS_SQL } from '../../src/core/store';
import { prng } from '../fixtures/prng';
import { RunLog } from '../fixtures/runLog';
import { captureLog, runId, WASM_PATH, Workspace } from './workspaceFixture';

const T0 = 1_795_743_612;

/** Counts the chunk queries every index of this process runs (one bind per line read from the database). */
async function countChunkQueries(): Promise<{ count: () => number; restore: () => void }> {
  const engine = await loadSqlJs(WASM_PATH);
  const db = new engine.sql.Database();
  const probe = db.prepare('SELECT 1');
  const proto = Object.getPrototypeOf(probe) as Statement;
  probe.free();
  db.close();
  const bind = proto.bind;
  let n = 0;
  proto.bind = function (this: Statement, ...args: Parameters<Statement['bind']>) {
    if (this.getSQL() === SERIES_CHUNKS_SQL) n++;
    return bind.apply(this, args);
  };
  return { count: () => n, restore: () => { proto.bind = bind; } };
}

/** Two runs: a plain one, and one resumed from an earlier step (its steps go back while its time goes on). */
function workspace(): { ws: Workspace; plain: RunLog } {
  const ws = new Workspace();
  const rnd = prng(11);
  const plain = new RunLog(runId(1)).start({ experiment: 'e', name: 'plain' }, T0);
  for (let step = 0; step < 3000; step++) plain.metrics(step, { loss: rnd(), acc: rnd() }, { ts: T0 + 1 + step * 0.25 + (step % 7) / 100 });
  ws.append(plain);
  const resumed = new RunLog(runId(2)).start({ experiment: 'e', name: 'resumed' }, T0);
  let ts = T0 + 1;
  for (let step = 0; step < 1500; step++) resumed.metrics(step, { loss: rnd() }, { ts: (ts += 0.3) });
  for (let step = 1000; step < 2500; step++) resumed.metrics(step, { loss: rnd() }, { ts: (ts += 0.3) });
  ws.append(resumed.end('finished', undefined, ts + 1));
  return { ws, plain };
}

async function indexOf(ws: Workspace): Promise<RunIndex> {
  const index = await openRunIndex(ws.options(captureLog()));
  await index.sync();
  return index;
}

const plainLines = (index: RunIndex, request: EnvelopeRequest): Array<{ runId: string; key: string; x: number[]; y: number[]; totalPoints: number }> =>
  index.seriesEnvelopes(request).map((l) => ({ runId: l.runId, key: l.key, x: Array.from(l.x), y: Array.from(l.y), totalPoints: l.totalPoints }));

test('series axes: one read gives a line on both axes, and the other axis is then answered from the cache exactly as read alone', async () => {
  const { ws } = workspace();
  const queries = await countChunkQueries();
  const both = await indexOf(ws);
  const alone = await indexOf(ws);
  try {
    const base = { runIds: [runId(1), runId(2)], keys: ['acc', 'loss'], columns: 400 };
    for (const [shown, other] of [['step', 'relative'], ['relative', 'step'], ['wall', 'step']] as const) {
      both.seriesEnvelopes({ ...base, xAxis: 'step', columns: 1 }); // other widths in the cache change nothing
      let before = queries.count();
      const first = plainLines(both, { ...base, xAxis: shown, columns: base.columns + shown.length, alsoXAxis: other });
      assert.equal(queries.count() - before, 3, `${shown} + ${other}: one query per line (3 lines)`);
      before = queries.count();
      const cached = plainLines(both, { ...base, xAxis: other, columns: base.columns + shown.length });
      assert.equal(queries.count() - before, 0, `the ${other} lines come from the cache`);
      // Read alone, in another index: the same lines, point for point (the resumed run's steps are re-ordered by step,
      // its times are not).
      assert.deepEqual(cached, plainLines(alone, { ...base, xAxis: other, columns: base.columns + shown.length }));
      assert.deepEqual(first, plainLines(alone, { ...base, xAxis: shown, columns: base.columns + shown.length }));
      // Asked again with the other axis cached: one decode of the shown axis only, still exact.
      before = queries.count();
      assert.deepEqual(plainLines(both, { ...base, xAxis: shown, columns: base.columns + shown.length, alsoXAxis: other }), first);
      assert.equal(queries.count() - before, 0);
    }
    const resumedSteps = plainLines(alone, { runIds: [runId(2)], keys: ['loss'], xAxis: 'step', columns: 100_000 })[0]?.x ?? [];
    assert.equal(resumedSteps.length, 3000, 'every point of the resumed run, steps repeated');
    assert.ok(resumedSteps.every((x, i) => i === 0 || x >= (resumedSteps[i - 1] as number)), 'in step order');
  } finally {
    queries.restore();
    await both.close();
    await alone.close();
    ws.dispose();
  }
});

test('series axes: new points make both cached axes stale', async () => {
  const { ws, plain } = workspace();
  const index = await indexOf(ws);
  try {
    const request = { runIds: [runId(1)], keys: ['loss'], columns: 300 };
    index.seriesEnvelopes({ ...request, xAxis: 'step', alsoXAxis: 'relative' });
    // The run goes on logging: its cached lines on either axis no longer hold.
    for (let step = 3000; step < 3100; step++) plain.metrics(step, { loss: 5, acc: 1 }, { ts: T0 + 1000 + step });
    ws.append(plain);
    await index.sync();
    const [relative] = index.seriesEnvelopes({ ...request, xAxis: 'relative' });
    assert.equal(relative?.totalPoints, 3100);
    assert.equal(relative?.y[relative.y.length - 1], 5);
    const [step] = index.seriesEnvelopes({ ...request, xAxis: 'step' });
    assert.equal(step?.totalPoints, 3100);
    assert.equal(step?.x[step.x.length - 1], 3099);
  } finally {
    await index.close();
    ws.dispose();
  }
});
