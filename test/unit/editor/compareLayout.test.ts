import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { RememberedLayout } from '../../../src/vscode/webviews/compare/compareLayout';

/** A workspace state as VS Code's Memento keeps it (values as stored), counting writes. */
function memento(initial: Record<string, unknown> = {}): { get<T>(key: string): T | undefined; update(key: string, value: unknown): Promise<void>; writes: number; values: Map<string, unknown> } {
  const values = new Map(Object.entries(initial));
  return {
    values,
    writes: 0,
    get<T>(key: string): T | undefined { return values.get(key) as T | undefined; },
    update(key: string, value: unknown): Promise<void> { this.writes++; values.set(key, JSON.parse(JSON.stringify(value)) as unknown); return Promise.resolve(); },
  };
}

test('a new window starts from the layout the last one kept', () => {
  const state = memento();
  const first = new RememberedLayout(state);
  assert.equal(first.chartPixelWidth, undefined, 'nothing known in a workspace never compared');
  first.chartPixelWidth = 472;
  first.chartsInView = 2;
  const next = new RememberedLayout(state);
  assert.equal(next.chartPixelWidth, 472);
  assert.equal(next.chartsInView, 2);
});

test('the same layout reported again is not written again', () => {
  const state = memento();
  const layout = new RememberedLayout(state);
  layout.chartPixelWidth = 472;
  layout.chartPixelWidth = 472;
  layout.chartsInView = 2;
  layout.chartsInView = 2;
  assert.equal(state.writes, 2);
});

test('a damaged or foreign saved layout is dropped field by field', () => {
  for (const saved of ['wide', 42, null, [472], { chartPixelWidth: -3, chartsInView: 1.5 }, { chartPixelWidth: '472' }, { chartPixelWidth: 1e9 }]) {
    const layout = new RememberedLayout(memento({ 'trialbook.compareLayout': saved }));
    assert.equal(layout.chartPixelWidth, undefined, JSON.stringify(saved));
    assert.equal(layout.chartsInView, undefined, JSON.stringify(saved));
  }
  const half = new RememberedLayout(memento({ 'trialbook.compareLayout': { chartPixelWidth: 600, chartsInView: 'two' } }));
  assert.equal(half.chartPixelWidth, 600);
  assert.equal(half.chartsInView, undefined);
});
