// Parameter importance off the extension host's thread (issue 16): the Analysis panel asks an ImportanceThread,
// which computes on a worker (the compiled importanceWorker.js beside the module, as dist/importanceWorker.js is
// beside the bundle). The answer is the one computed inline; this thread keeps turning while the worker computes;
// a worker that cannot start leaves the answer to this thread, with a warning.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { extractDimensions } from '../../../src/core/analysis/dimensions';
import { paramImportance } from '../../../src/core/analysis/importance';
import { ImportanceThread } from '../../../src/core/analysis/importanceThread';
import type { RunRow } from '../../../src/core/model';
import { prng } from '../../fixtures/prng';
import { row } from './rows';

const WORKER = join(__dirname, '../../../src/core/analysis/importanceWorker.js');

/** 2,000 runs × 8 params (the scale), `lr` deciding the loss. */
function sweep(n: number, seed = 5): RunRow[] {
  const rnd = prng(seed);
  return Array.from({ length: n }, (_, i) => {
    const lr = 10 ** (-5 + rnd() * 4);
    const depth = 2 + Math.floor(rnd() * 10);
    const params = { lr, depth, batch: 2 ** (4 + Math.floor(rnd() * 5)), opt: ['adam', 'sgd', 'adamw'][i % 3] ?? 'adam', dropout: Math.round(rnd() * 50) / 100,
      width: 2 ** (5 + Math.floor(rnd() * 5)), wd: 10 ** (-6 + 3 * rnd()), seed: i % 5 };
    const loss = 0.3 * (Math.log10(lr) + 5) + 0.05 * depth + 0.1 * rnd();
    return row(i, params, { loss, acc: 1 - loss / 3 });
  });
}

/** Turns of this thread's event loop (setImmediate) until `work` settles, and the longest gap between two turns. */
async function turnsDuring<T>(work: () => Promise<T>): Promise<{ value: T; turns: number; longestGapMs: number }> {
  let turns = 0;
  let last = performance.now();
  let longestGapMs = 0;
  let done = false;
  const tick = (): void => {
    if (done) return;
    const now = performance.now();
    longestGapMs = Math.max(longestGapMs, now - last);
    last = now;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  const value = await work();
  done = true;
  longestGapMs = Math.max(longestGapMs, performance.now() - last);
  return { value, turns, longestGapMs };
}

describe('importance thread', () => {
  it('answers as the inline computation does, from the worker, while this thread keeps turning', async () => {
    const table = extractDimensions(sweep(2000));
    const warnings: string[] = [];
    const thread = new ImportanceThread(WORKER, (m) => warnings.push(m));
    try {
      thread.setTable(table);
      const { value, turns, longestGapMs } = await turnsDuring(() => thread.importance('metric.loss'));
      const t0 = performance.now();
      const inline = paramImportance(table, 'metric.loss');
      const inlineMs = performance.now() - t0;
      assert.equal(value.ran, 'worker');
      assert.deepEqual(value.result, inline);
      assert.equal(value.result.params[0]?.name, 'lr');
      // Computed inline, nothing else runs until it is done (0 turns); on the worker this thread goes on.
      assert.ok(turns > 0, `this thread turned ${turns} times while importance was computed`);
      console.log(`importance of 8 params at 2,000 runs: inline ${inlineMs.toFixed(1)} ms blocks this thread; on the worker ${value.ms.toFixed(1)} ms there, longest gap here ${longestGapMs.toFixed(1)} ms over ${turns} turns`);
      // A second metric on the same table: the worker already holds it.
      const acc = await thread.importance('metric.acc');
      assert.deepEqual(acc.result, paramImportance(table, 'metric.acc'));
      assert.deepEqual(warnings, []);
    } finally {
      await thread.close();
    }
  });

  it('a new table: later answers are computed on it', async () => {
    const thread = new ImportanceThread(WORKER, () => undefined);
    try {
      thread.setTable(extractDimensions(sweep(50, 1)));
      const first = await thread.importance('metric.loss');
      assert.equal(first.result.runs, 50);
      const next = extractDimensions(sweep(80, 2));
      thread.setTable(next);
      const second = await thread.importance('metric.loss');
      assert.equal(second.ran, 'worker');
      assert.deepEqual(second.result, paramImportance(next, 'metric.loss'));
    } finally {
      await thread.close();
    }
  });

  it('a worker that cannot start: the answer is computed here, and the log says why, once', async () => {
    const warnings: string[] = [];
    const thread = new ImportanceThread(join(__dirname, 'no-such-worker.js'), (m) => warnings.push(m));
    try {
      const table = extractDimensions(sweep(60));
      thread.setTable(table);
      const a = await thread.importance('metric.loss');
      const b = await thread.importance('metric.acc');
      assert.equal(a.ran, 'inline');
      assert.deepEqual(a.result, paramImportance(table, 'metric.loss'));
      assert.deepEqual(b.result, paramImportance(table, 'metric.acc'));
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.match(warnings[0] ?? '', /importance worker .*; computing parameter importance on the extension host's thread from now on\./);
    } finally {
      await thread.close();
    }
  });

  it('no table yet: a clear error, not a hang', async () => {
    const thread = new ImportanceThread(WORKER, () => undefined);
    await assert.rejects(thread.importance('metric.loss'), /no runs to compute importance on yet/);
    await thread.close();
  });
});
