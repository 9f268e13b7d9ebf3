import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { runColor } from '../../../src/vscode/runColor';

test('a run keeps its colour, and many runs get many colours', () => {
  assert.equal(runColor('20261127T024012123-3f9a1c7b2e'), runColor('20261127T024012123-3f9a1c7b2e'));
  const colours = new Set(Array.from({ length: 100 }, (_, i) => runColor(`20261127T0240${String(i).padStart(5, '0')}-abc`)));
  assert.ok(colours.size >= 60, `only ${colours.size} distinct colours for 100 runs`);
  assert.match(runColor('x'), /^hsl\(\d{1,3}, 70%, \d{2}%\)$/);
});
