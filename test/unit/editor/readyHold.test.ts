import * as assert from 'node:assert/strict';
import { test } from 'node:test';
import { holdReadyMessages, readyHeld } from '../../../src/vscode/webviews/readyHold';

test('ready messages pass unless a test holds them', () => {
  assert.equal(readyHeld(() => assert.fail('never held')), false);
});

test('held ready messages are delivered in order on release, and later ones pass again', () => {
  const delivered: string[] = [];
  const release = holdReadyMessages();
  assert.equal(readyHeld(() => delivered.push('a')), true);
  assert.equal(readyHeld(() => delivered.push('b')), true);
  assert.deepEqual([...delivered], [], 'nothing delivered while held');
  release();
  assert.deepEqual([...delivered], ['a', 'b']);
  assert.equal(readyHeld(() => delivered.push('c')), false);
  release();
  assert.deepEqual([...delivered], ['a', 'b'], 'a second release delivers nothing again');
});
