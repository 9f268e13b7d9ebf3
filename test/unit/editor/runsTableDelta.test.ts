import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TableRow } from '../../../src/shared/webviews/runsTable/contract';
import { RunsTableDelta } from '../../../src/vscode/webviews/runsTable/runsTableDelta';

function row(i: number, over: Partial<TableRow> = {}): TableRow {
  return {
    id: `run-${String(i).padStart(5, '0')}`, name: `run ${i}`, experiment: 'sweep', status: 'finished', startedAt: 1_790_000_000_000 - i * 1000,
    durationMs: 1000, tags: [], user: 'ada', gitCommit: 'abc', params: [['lr', 0.001 * (i % 7)], ['depth', i % 5]],
    metrics: [{ key: 'loss', last: 1 / (i + 1), min: 0, max: 1 }, { key: 'acc', last: 0.5, min: 0.1, max: 0.9 }], ...over,
  };
}

test('runs table updates: everything first, then only changed rows, new order only when it moved', () => {
  const delta = new RunsTableDelta();
  const rows = Array.from({ length: 10_000 }, (_, i) => row(i, i < 3 ? { status: 'running' } : {}));
  const first = delta.next(rows, '', rows.length);
  assert.equal(first?.type, 'rows');
  assert.equal(delta.next(rows, '', rows.length), undefined, 'nothing changed: nothing to send');

  // Three live runs log a step: only they travel.
  const live = rows.map((r, i) => (i < 3 ? { ...r, durationMs: r.durationMs + 500, metrics: r.metrics.map((m) => (m.key === 'loss' ? { ...m, last: 0.01 } : m)) } : r));
  const update = delta.next(live, '', live.length);
  assert.ok(update?.type === 'rowsDelta');
  assert.deepEqual(update.upserts.map((r) => r.id), live.slice(0, 3).map((r) => r.id));
  assert.deepEqual(update.removed, []);
  assert.equal(update.order, undefined);
  const ratio = JSON.stringify(update).length / JSON.stringify(first).length;
  assert.ok(ratio < 0.001, `an update of 3 of 10,000 runs is ${(ratio * 100).toFixed(3)} % of the full message`);

  // A new run at the top and a deleted one: the order comes along.
  const fresh = row(10_000, { startedAt: 1_800_000_000_000, status: 'running' });
  const next = [fresh, ...live.filter((r) => r.id !== live[5]!.id)];
  const change = delta.next(next, '', next.length);
  assert.ok(change?.type === 'rowsDelta');
  assert.deepEqual(change.upserts.map((r) => r.id), [fresh.id]);
  assert.deepEqual(change.removed, [live[5]!.id]);
  assert.deepEqual(change.order, next.map((r) => r.id));

  // Another filter, or a webview that starts over, gets every row again.
  assert.equal(delta.next(next.slice(0, 10), 'lr < 0.002', next.length)?.type, 'rows');
  delta.reset();
  assert.equal(delta.next(next.slice(0, 10), 'lr < 0.002', next.length)?.type, 'rows');
  // Only the total changed (a run outside the filter appeared): still worth telling.
  const totalOnly = delta.next(next.slice(0, 10), 'lr < 0.002', next.length + 1);
  assert.ok(totalOnly?.type === 'rowsDelta' && totalOnly.upserts.length === 0 && totalOnly.total === next.length + 1);
});
