// MLflow metric lines: the quick path that reads the common line in place accepts exactly what the full parser
// accepts, with the same numbers, and leaves every other line to it.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { parseMetricLine, pushMetricLine } from '../../../src/core/sources/mlflowFileStore';
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
});
