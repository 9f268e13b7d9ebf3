import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { chartsThatFit, RememberedLayout } from '../../../src/vscode/webviews/compare/compareLayout';

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

test('compare layout: the charts that fit come from the page\'s report after its layout, not its first guess', () => {
  // Two of ten charts on screen (the toolbar and legend above them): two fit, whatever was guessed before.
  assert.equal(chartsThatFit(2, 10, 3), 2);
  assert.equal(chartsThatFit(4, 10, 3), 4);
  // Every chart on screen: at least that many fit; a bigger count known before stays.
  assert.equal(chartsThatFit(1, 1, 3), 3);
  assert.equal(chartsThatFit(5, 5, 3), 5);
  assert.equal(chartsThatFit(2, undefined, undefined), 2);
  // Nothing on screen (scrolled down to the media): the count stays.
  assert.equal(chartsThatFit(0, 10, 3), 3);
  assert.equal(chartsThatFit(0, 10, undefined), undefined);
});
