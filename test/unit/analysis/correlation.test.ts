// Correlations against Python's statistics module (test/unit/analysisOracle.py) on generated cases with ties,
// constants, missing values and NaN, plus hand-checked ranks.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { averageRanks, finitePairs, pearson, spearman } from '../../../src/core/analysis/correlation';
import { prng } from '../../fixtures/prng';
import { REPO_ROOT } from '../workspaceFixture';

type Wire = number | null | 'NaN' | 'Infinity' | '-Infinity';
interface OracleAnswer { pearson: number | null; spearman: number | null; n: number }

function toWire(v: number | undefined): Wire {
  if (v === undefined) return null;
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  return v;
}

function oracle(cases: Array<{ x: Array<number | undefined>; y: Array<number | undefined> }>): OracleAnswer[] {
  const input = JSON.stringify(cases.map((c) => ({ x: c.x.map(toWire), y: c.y.map(toWire) })));
  return JSON.parse(execFileSync('/usr/bin/python3', [join(REPO_ROOT, 'test', 'unit', 'analysisOracle.py')], { input }).toString()) as OracleAnswer[];
}

function close(actual: number | undefined, expected: number | null, what: string): void {
  if (expected === null) {
    assert.equal(actual, undefined, `${what}: the oracle has no value`);
    return;
  }
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-9, `${what}: ${String(actual)} vs oracle ${expected}`);
}

describe('analysis correlation', () => {
  it('average ranks for ties (hand-checked)', () => {
    assert.deepEqual(averageRanks([10, 20, 20, 30]), [1, 2.5, 2.5, 4]);
    assert.deepEqual(averageRanks([3, 1, 3, 3, 2]), [4, 1, 4, 4, 2]);
    assert.deepEqual(averageRanks([]), []);
  });

  it('hand-checked: a perfect monotone but non-linear relation is Spearman 1, Pearson below 1; a constant has none', () => {
    const x = [1, 2, 3, 4, 5];
    const y = x.map((v) => v ** 3);
    assert.equal(spearman(x, y), 1);
    const p = pearson(x, y);
    assert.ok(p !== undefined && p < 1 && p > 0.9);
    assert.equal(pearson(x, [2, 2, 2, 2, 2]), undefined);
    assert.equal(spearman([7, 7, 7], [1, 2, 3]), undefined);
    assert.equal(pearson([1], [1]), undefined);
  });

  it('agrees with the Python oracle on 200 generated cases (ties, constants, missing, NaN, ±Infinity)', () => {
    const rnd = prng(16);
    const cases: Array<{ x: Array<number | undefined>; y: Array<number | undefined> }> = [];
    for (let c = 0; c < 200; c++) {
      const n = 2 + Math.floor(rnd() * 40);
      const levels = c % 4 === 0 ? 3 : 0; // every 4th case: heavy ties on x
      const x: Array<number | undefined> = [];
      const y: Array<number | undefined> = [];
      for (let i = 0; i < n; i++) {
        let xv: number | undefined = levels ? Math.floor(rnd() * levels) : rnd() * 100 - 50;
        let yv: number | undefined = c % 7 === 0 ? 1.5 : (xv ?? 0) * (c % 2 ? 1 : -0.3) + rnd() * 20 + (c % 5 === 0 ? Math.round(rnd() * 2) : 0);
        const r = rnd();
        if (r < 0.05) xv = undefined;
        else if (r < 0.08) yv = Number.NaN;
        else if (r < 0.1) xv = Number.POSITIVE_INFINITY;
        x.push(xv);
        y.push(yv);
      }
      cases.push({ x, y });
    }
    const answers = oracle(cases);
    let compared = 0;
    cases.forEach((c, i) => {
      const { xs, ys } = finitePairs(c.x.map((v) => v ?? Number.NaN), c.y.map((v) => v ?? Number.NaN));
      const want = answers[i];
      assert.ok(want);
      assert.equal(xs.length, want.n, `case ${i}: pairs kept`);
      close(pearson(xs, ys), want.pearson, `case ${i} pearson`);
      close(spearman(xs, ys), want.spearman, `case ${i} spearman`);
      if (want.spearman !== null) compared++;
    });
    assert.ok(compared > 150, `most cases have a value (${compared})`);
  });
});
