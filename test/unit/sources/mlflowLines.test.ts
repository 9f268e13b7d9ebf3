// MLflow metric lines: the quick path that reads the common line in place accepts exactly what the full parser
// accepts, with the same numbers, and leaves every other line to it.
import { strict as assert } from 'node:assert';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MlflowFileStoreReader, parseMetricLine, pushMetricLine } from '../../../src/core/sources/mlflowFileStore';
import { writeMlflowExperiment, writeMlflowRun } from '../../fixtures/sourceWriters';
import type { SourceSeries } from '../../../src/core/sources/sourceModel';

const LINES = [
  '1700000000000 0.5 3', '1700000000000 -0.5 0', '1700000000000 1e-05 7', '1700000000000 1E+300 7', '1700000000000 -.5 1',
  '1700000000000 5. 1', '1700000000000 +1.5 2', '-5 1 -3', '0 0 0', '1700000000000 00012 2', '1700000000000 1e999 1',
  '1700000000000 nan 1', '1700000000000 -inf 1', '1700000000000 Infinity 1', '1700000000000 0x10 1', '1700000000000 1_0 1',
  '1700000000000 1.2.3 1', '1700000000000 . 1', '1700000000000 - 1', '1700000000000 1e 1', '1700000000000 0.5', '1700000000000  0.5 1',
  '1700000000000 0.5 1 ', ' 1700000000000 0.5 1', '1700000000000 0.5 1\r', '+5 1 1', '1.5 1 1', '1700000000000 1 1.5', '12345678901234567 1 1',
  '1700000000000 1 9007199254740993', '17e11 1 1', '', 'a b c', '1700000000000 0.5 1 2',
];

describe('sources: MLflow metric lines', () => {
  for (const line of LINES) {
    it(`reads ${JSON.stringify(line)} as the full parser does`, () => {
      const s: SourceSeries = { steps: [], times: [], values: [] };
      const quick = pushMetricLine(line, s);
      const full = line.trim() === '' ? { invalid: 'blank' } : parseMetricLine(line);
      if (quick) {
        assert.ok(!('invalid' in full), `quick path took a line the parser rejects: ${JSON.stringify(full)}`);
        assert.deepEqual([s.times[0], s.values[0], s.steps[0]], [full.timeMs, full.value, full.step]);
      } else {
        assert.equal(s.steps.length, 0);
      }
    });
  }

  it('takes the lines MLflow writes for finite values', () => {
    const s: SourceSeries = { steps: [], times: [], values: [] };
    for (const line of ['1700000000000 0.5 3', '1700000000001 -1.25e-07 4', '1700000000002 42 5']) assert.ok(pushMetricLine(line, s), line);
    assert.deepEqual(s, { times: [1700000000000, 1700000000001, 1700000000002], values: [0.5, -1.25e-7, 42], steps: [3, 4, 5] });
  });

  it('reads a metric file chunk by chunk as line by line: every point, each bad line with its number, on from the cursor', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'trialbook-mlflow-lines-'));
    try {
      const exp = writeMlflowExperiment(join(tmp, 'mlruns'), '1', 'exp');
      const dir = writeMlflowRun(exp, '1', { runId: 'b'.repeat(32), name: 'r', startTime: 1_700_000_000_000, status: 1, metrics: {} });
      const file = join(dir, 'metrics', 'loss');
      // Common lines with every odd one of LINES among them, in two appends; the second ends in a partial line.
      const first = Array.from({ length: 60 }, (_, i) => (i % 3 === 1 ? LINES[(i * 7) % LINES.length] ?? '' : `${1_700_000_000_000 + i} ${i / 8} ${i}`));
      const second = Array.from({ length: 40 }, (_, i) => (i % 5 === 2 ? LINES[(i * 11) % LINES.length] ?? '' : `${1_700_000_100_000 + i} ${-i} ${i + 60}`));
      const expected = (lines: readonly string[], from: number): { points: number[][]; bad: number[] } => {
        const points: number[][] = [];
        const bad: number[] = [];
        lines.forEach((line, i) => {
          if (line.trim() === '') return;
          const p = parseMetricLine(line);
          if ('invalid' in p) bad.push(from + i); else points.push([p.timeMs, p.value, p.step]);
        });
        return { points, bad };
      };
      const got = (delta: Awaited<ReturnType<MlflowFileStoreReader['readRun']>>): { points: number[][]; bad: number[] } => {
        const s = delta.series.get('loss');
        return { points: (s?.steps ?? []).map((step, i) => [s?.times[i] ?? 0, s?.values[i] ?? 0, step]), bad: delta.problems.map((p) => p.line ?? -1) };
      };
      appendFileSync(file, `${first.join('\n')}\n`);
      const reader = new MlflowFileStoreReader(join(tmp, 'mlruns'));
      const ref = (await reader.listRuns()).runs[0]!;
      const one = await reader.readRun(ref, undefined);
      assert.deepEqual(got(one), expected(first, 1));
      appendFileSync(file, `${second.join('\n')}\n1700000200000 1`);
      const two = await reader.readRun(ref, one.cursor);
      assert.deepEqual(got(two), expected(second, first.length + 1));
      assert.ok(expected(second, 0).bad.length > 0 && expected(first, 0).bad.length > 0, 'bad lines in both reads');
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
