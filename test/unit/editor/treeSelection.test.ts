import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunRow } from '../../../src/core/model';
import { settledSelection } from '../../../src/vscode/commands/treeSelection';
import type { RunsTreeNode } from '../../../src/vscode/runsTree';

const node = (id: string): RunsTreeNode => ({ kind: 'run', run: { id } as RunRow });

test('a fully resolved selection is used as given, without asking the view', async () => {
  const view = { get selection(): RunsTreeNode[] { throw new Error('not asked'); } };
  assert.deepEqual(await settledSelection(view, { nodes: [{ kind: 'run', runId: 'a' }], unresolved: 0 }), [{ kind: 'run', runId: 'a' }]);
});

test('unresolved nodes: the view\'s selection once it holds them all again', async () => {
  let selection: RunsTreeNode[] = [node('b')];
  setTimeout(() => { selection = [node('a'), node('b')]; }, 120);
  const view = { get selection(): RunsTreeNode[] { return selection; } };
  const started = Date.now();
  assert.deepEqual(await settledSelection(view, { nodes: [], unresolved: 2 }), [{ kind: 'run', runId: 'a' }, { kind: 'run', runId: 'b' }]);
  assert.ok(Date.now() - started >= 100, 'it waited for the view');
});

test('a view that never resolves them again: what was given, after a bounded wait', async () => {
  const view = { selection: [] as RunsTreeNode[] };
  const started = Date.now();
  assert.deepEqual(await settledSelection(view, { nodes: [{ kind: 'run', runId: 'a' }], unresolved: 1 }, 200), [{ kind: 'run', runId: 'a' }]);
  assert.ok(Date.now() - started < 2_000);
});
