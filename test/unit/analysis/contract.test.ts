// The Analysis panel's contract as the host's runtime guard, and the wire data built from a table (long values
// shortened for display, columns in one buffer).
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { analysisData } from '../../../src/core/analysis/analysisWire';
import { extractDimensions } from '../../../src/core/analysis/dimensions';
import { analysisContract, LABEL_MAX } from '../../../src/shared/webviews/analysis/contract';
import { row } from './rows';

describe('analysis contract', () => {
  it('accepts every message type the page sends in its valid form', () => {
    const valid = [
      { type: 'ready' },
      { type: 'importance', metric: 'metric.loss' },
      { type: 'openRun', runId: 'a' },
      { type: 'compare', runIds: ['a', 'b'] },
      { type: 'saveFilter', brushes: [{ key: 'param.lr', min: 0.1, max: 0.2 }, { key: 'param.opt', categories: [0, 2] }] },
    ];
    assert.deepEqual(valid.map((v) => v.type).sort(), [...analysisContract.toHost.types].sort());
    for (const v of valid) assert.deepEqual(analysisContract.toHost.check(v), { ok: true, message: v });
  });

  it('refuses malformed messages, naming the type and the property', () => {
    const bad: Array<[unknown, string, RegExp]> = [
      [{ type: 'compare', runIds: [] }, 'compare', /runIds/],
      [{ type: 'compare', runIds: [3] }, 'compare', /runIds\[0\]/],
      [{ type: 'importance' }, 'importance', /metric/],
      [{ type: 'saveFilter', brushes: [{ key: 'param.lr', min: 'low', max: 1 }] }, 'saveFilter', /brushes\[0\]: expected \{key, min, max\} or \{key, categories\}/],
      [{ type: 'saveFilter', brushes: [{ key: 'param.opt', categories: [-1] }] }, 'saveFilter', /brushes\[0\]/],
      [{ type: 'openRun', runId: null }, 'openRun', /runId/],
    ];
    for (const [message, type, problem] of bad) {
      const result = analysisContract.toHost.check(message);
      assert.equal(result.ok, false, JSON.stringify(message));
      if (result.ok) continue;
      assert.equal(result.type, type);
      assert.match(result.problem, problem);
    }
  });

  it('wire data: 10,000-character values and names shortened to LABEL_MAX, every column a view of one buffer, and it fits the contract', () => {
    const long = 'v'.repeat(10_000);
    const table = extractDimensions([row(0, { note: long, lr: 0.1 }, { loss: 1 }), row(1, { note: 'short', lr: 0.2 }, { loss: 2 })]);
    const data = analysisData(table, 'all runs');
    const note = data.dimensions.find((d) => d.key === 'param.note');
    assert.ok(note);
    assert.equal(note.categories[1]?.length, LABEL_MAX);
    assert.ok(note.categories[1]?.endsWith('…'));
    assert.equal(table.dimensions.find((d) => d.key === 'param.note')?.categories[1]?.length, 10_000, 'the host keeps the whole text');
    const buffers = new Set(data.dimensions.map((d) => d.values.buffer));
    assert.equal(buffers.size, 1);
    assert.deepEqual([...(data.dimensions.find((d) => d.key === 'param.lr')?.values ?? [])], [0.1, 0.2]);
    const message = { type: 'data', data, scope: { filter: '', title: 'all runs' } };
    assert.equal(analysisContract.toWebview.check(message).ok, true);
    const broken = { ...message, data: { ...data, runs: data.runs.slice(1) } };
    const result = analysisContract.toWebview.check(broken);
    assert.equal(result.ok, false);
    if (!result.ok) assert.match(result.problem, /has 2 values for 1 runs/);
  });
});
