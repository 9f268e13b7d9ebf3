import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { registerArg, versionArg } from '../../../src/vscode/commands/lifecycleCommandTable';

const slot = { command: 'trialbook.setModelStage', index: 0 };

test('lifecycle commands read a Models view node or an automation object', () => {
  assert.deepEqual(registerArg({ kind: 'model', run: { id: 'r1' }, artifact: { name: 'model' } }, slot), { runId: 'r1', artifact: 'model' });
  assert.deepEqual(registerArg({ runId: 'r1', artifact: 'm', model: 'churn', reason: 'why' }, slot), { runId: 'r1', artifact: 'm', model: 'churn', reason: 'why' });
  assert.equal(registerArg(undefined, slot), undefined);
  assert.deepEqual(versionArg({ kind: 'version', version: { model: 'churn', version: 2, stage: 'x' } }, slot), { model: 'churn', version: 2, rest: {} });
  const rest = { model: 'churn', version: 1, stage: 'staging', reason: 'r' };
  assert.deepEqual(versionArg(rest, slot), { model: 'churn', version: 1, rest });
  assert.equal(versionArg(null, slot), undefined);
});

test('a wrong shape is named with the command and what it expects', () => {
  assert.throws(() => versionArg({ model: 'churn', version: 0 }, slot), /trialbook\.setModelStage: argument 1 must be a version of the Models view .* it was an object/);
  assert.throws(() => versionArg('churn', slot), /it was the string "churn"/);
  assert.throws(() => registerArg({ runId: 'r1' }, slot), /\{ runId, artifact, model\?, reason\?, stage\? \}/);
  // Own properties only: an inherited "model" does not count.
  assert.throws(() => versionArg(Object.create({ model: 'churn', version: 1 }) as object, slot), /must be a version/);
});
