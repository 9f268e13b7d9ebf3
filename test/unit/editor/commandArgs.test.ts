import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  CommandArgumentError, CommandArguments, addRegistryArg, credentialsArg, describeValue, pushModelArg, pushNodeArg, runIdsArg,
  runIdsOf, runRefArg, stringArg, treeNodeArg, treeSelectionArg, uriArg, type ArgumentSlot,
} from '../../../src/vscode/commands/commandArgs';

const slot: ArgumentSlot = { command: 'trialbook.test', index: 0 };
const second: ArgumentSlot = { command: 'trialbook.test', index: 1 };
const run = (id: string) => ({ kind: 'run', run: { id, name: 'n', metrics: {} } });
const experiment = (name: string, ids: string[]) => ({ kind: 'experiment', name, runs: ids.map((id) => ({ id })) });

function rejects(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (err: unknown) => err instanceof CommandArgumentError && message.test(err.message));
}

test('nothing given means "ask" for every optional argument', () => {
  for (const parse of [treeNodeArg, treeSelectionArg, runRefArg, runIdsArg, pushNodeArg, pushModelArg, addRegistryArg]) {
    assert.equal(parse(undefined, slot), undefined);
    assert.equal(parse(null, slot), undefined);
  }
  assert.equal(runIdsArg([], slot), undefined, 'an empty list picks too');
});

test('run ids: a list of strings, else a message naming the command, the argument and the culprit', () => {
  assert.deepEqual(runIdsArg(['a', 'b'], slot), ['a', 'b']);
  rejects(() => runIdsArg(42, slot), /^trialbook\.test: the first argument must be a list of run ids \(strings\), or nothing to pick runs; it was the number 42\.$/);
  rejects(() => runIdsArg('a', slot), /it was the string "a"\.$/);
  rejects(() => runIdsArg(['a', 3], second), /^trialbook\.test: the second argument .* it was an array holding the number 3\.$/);
  rejects(() => runIdsArg(['a', undefined], slot), /an array holding nothing/);
  rejects(() => runIdsArg([{ id: 'a' }], slot), /an array holding an object/);
});

test('tree nodes become the run ids they stand for; malformed nodes are refused', () => {
  assert.deepEqual(treeNodeArg(run('r1'), slot), { kind: 'run', runId: 'r1' });
  assert.deepEqual(treeNodeArg(experiment('demo', ['r1', 'r2']), slot), { kind: 'experiment', name: 'demo', runIds: ['r1', 'r2'] });
  for (const bad of [{ kind: 'run' }, { kind: 'run', run: {} }, { kind: 'run', run: { id: 7 } }, { kind: 'experiment', name: 'x', runs: 'all' },
    { kind: 'experiment', name: 'x', runs: [{}] }, { kind: 'model' }, 'r1', 5, [run('r1')]]) {
    rejects(() => treeNodeArg(bad, slot), /must be a node of the Runs view/);
  }
  // An inherited `run` or `id` (from a prototype) is not the node's own.
  rejects(() => treeNodeArg(Object.create({ kind: 'run', run: { id: 'x' } }), slot), /node of the Runs view/);
  assert.deepEqual(treeSelectionArg([run('a'), experiment('e', ['b'])], second), { nodes: [{ kind: 'run', runId: 'a' }, { kind: 'experiment', name: 'e', runIds: ['b'] }], unresolved: 0 });
  // Nodes VS Code could not resolve while the view refreshed come as null: counted, not refused.
  assert.deepEqual(treeSelectionArg([null, run('a'), undefined], second), { nodes: [{ kind: 'run', runId: 'a' }], unresolved: 2 });
  rejects(() => treeSelectionArg('everything', second), /second argument must be the selected nodes of the Runs view.*the string "everything"/);
  rejects(() => treeSelectionArg([run('a'), 3], second), /an array holding the number 3/);
});

test('a run reference is a run id or a node', () => {
  assert.deepEqual(runRefArg('r1', slot), { kind: 'id', runId: 'r1' });
  assert.deepEqual(runRefArg(run('r2'), slot), { kind: 'run', runId: 'r2' });
  rejects(() => runRefArg(7, slot), /a run id or a node of the Runs view.*the number 7/);
  rejects(() => runRefArg('  ', slot), /the string "  "/);
});

test('the runs a tree command acts on: the clicked node, or the selection that holds it', () => {
  const a = { kind: 'run' as const, runId: 'a' };
  const b = { kind: 'run' as const, runId: 'b' };
  const e = { kind: 'experiment' as const, name: 'e', runIds: ['c', 'a'] };
  assert.deepEqual(runIdsOf(a, undefined), ['a']);
  assert.deepEqual(runIdsOf(a, [a, b]), ['a', 'b']);
  assert.deepEqual(runIdsOf(a, [b]), ['a'], 'a click outside the selection acts on the clicked run only');
  assert.deepEqual(runIdsOf(undefined, [b, e]), ['b', 'c', 'a']);
  assert.deepEqual(runIdsOf(e, [e, a]), ['c', 'a']);
  assert.deepEqual(runIdsOf(undefined, undefined), []);
});

test('strings and URIs', () => {
  assert.equal(stringArg('-started', slot, 'a sort key'), '-started');
  rejects(() => stringArg({ by: 'name' }, slot, 'a sort key'), /must be a sort key, or nothing; it was an object/);
  class FakeUri { constructor(readonly path: string) {} }
  const isUri = (v: unknown): v is FakeUri => v instanceof FakeUri;
  const uri = new FakeUri('/w/train.py');
  assert.equal(uriArg(uri, slot, isUri), uri);
  rejects(() => uriArg('train.py', slot, isUri), /a file URI.*the string "train\.py"/);
});

test('push model: from either view, or explicit arguments checked field by field', () => {
  assert.deepEqual(pushModelArg(run('r1'), slot), { kind: 'tree', target: { kind: 'run', runId: 'r1' } });
  assert.deepEqual(pushModelArg({ kind: 'model', run: { id: 'r1' }, artifact: { name: 'model' } }, slot), { kind: 'models', target: { kind: 'model', runId: 'r1', artifact: 'model' } });
  assert.deepEqual(pushModelArg({ runId: 'r1' }, slot), { kind: 'request', runId: 'r1' });
  assert.deepEqual(pushModelArg({ runId: 'r1', artifact: 'm', registry: 'local', version: '1.0.0', confirmed: true }, slot),
    { kind: 'request', runId: 'r1', artifact: 'm', full: { runId: 'r1', artifact: 'm', registry: 'local', version: '1.0.0', confirmed: true } });
  rejects(() => pushModelArg({ runId: 5 }, slot), /it was an object whose "runId" is the number 5 \("runId" must be a string\)\.$/);
  rejects(() => pushModelArg({ runId: 'r1', artifact: 'm', registry: 'local' }, slot), /"version" must be a string/);
  rejects(() => pushModelArg({ runId: 'r1', registry: 'local', version: '1' }, slot), /no "artifact"/);
  rejects(() => pushModelArg({ runId: 'r1', artifact: 'm', registry: 'local', version: '1', confirmed: 'yes' }, slot), /"confirmed" must be a boolean/);
  rejects(() => pushModelArg({ kind: 'push' }, slot), /not a node of either view/);
  rejects(() => pushModelArg('r1', slot), /it was the string "r1"/);
});

test('a push of the Models view carries a complete push record', () => {
  const push = { runId: 'r1', artifact: 'm', registry: 'oci://h/r', reference: 'h/r:1', at: 5, digest: 'sha256:x' };
  assert.deepEqual(pushNodeArg({ kind: 'push', run: { id: 'r1' }, artifact: { name: 'm' }, push }, slot),
    { kind: 'push', runId: 'r1', artifact: 'm', push });
  rejects(() => pushNodeArg({ kind: 'push' }, slot), /a push of the Models view/);
  rejects(() => pushNodeArg({ kind: 'model', run: { id: 'r1' }, artifact: { name: 'm' } }, slot), /a push of the Models view/);
  rejects(() => pushNodeArg({ kind: 'push', run: { id: 'r1' }, artifact: { name: 'm' }, push: { ...push, at: 'now' } }, slot), /"at" must be a number/);
  rejects(() => pushNodeArg({ kind: 'push', run: { id: 'r1' }, artifact: {}, push }, slot), /without its artifact's name/);
});

test('registry credentials given without prompts', () => {
  assert.deepEqual(credentialsArg({ kind: 'basic', username: 'u', password: 'p' }, slot), { kind: 'basic', username: 'u', password: 'p' });
  assert.deepEqual(credentialsArg({ kind: 'token', token: 't' }, slot), { kind: 'token', token: 't' });
  assert.deepEqual(credentialsArg({ kind: 'anonymous' }, slot), { kind: 'anonymous' });
  rejects(() => credentialsArg({ kind: 'basic', username: 'u' }, slot), /"password" is nothing/);
  rejects(() => credentialsArg({ kind: 'oauth' }, slot), /credentials of kind the string "oauth"/);
  rejects(() => addRegistryArg(['x'], slot), /a registry entry.*an array/);
});

test('arguments are read by position, each with its own slot in messages', () => {
  const args = new CommandArguments('trialbook.openRun', ['r1', 'not-a-selection']);
  assert.deepEqual(args.get(0, runRefArg), { kind: 'id', runId: 'r1' });
  rejects(() => args.get(1, treeSelectionArg), /^trialbook\.openRun: the second argument/);
  assert.equal(args.get(5, runIdsArg), undefined);
});

test('values are described in words', () => {
  assert.equal(describeValue(undefined), 'nothing');
  assert.equal(describeValue('x'.repeat(100)), `the string "${'x'.repeat(60)}…"`);
  assert.equal(describeValue(false), 'the boolean false');
  assert.equal(describeValue([]), 'an empty array');
  assert.equal(describeValue(() => 1), 'a function');
});
