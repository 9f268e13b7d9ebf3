// The size of a message on the webview channel, as the compare panel reports it to the tests (typed arrays' buffers
// whole and once each, everything else as about its JSON).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { messageBytes } from '../../../src/vscode/webviews/messageBytes';

test('message bytes: JSON-like values about as their JSON text', () => {
  const message = { type: 'data', runs: [{ id: 'abc', name: 'run 1', startedAt: 1795000000 }], ok: true, none: null };
  const json = JSON.stringify(message).length;
  const bytes = messageBytes(message);
  assert.ok(bytes >= json * 0.8 && bytes <= json * 1.5, `${bytes} bytes for ${json} characters of JSON`);
});

test('message bytes: each typed array\'s whole buffer, once per buffer (views into one buffer cross as one copy)', () => {
  const buffer = new Float64Array(1000);
  const oneBuffer = messageBytes({ lines: [{ xs: buffer.subarray(0, 10), ys: buffer.subarray(10, 20) }] });
  assert.ok(oneBuffer >= 8000 && oneBuffer < 8200, `${oneBuffer}`);
  // A view of 10 values still carries its whole buffer.
  const two = messageBytes({ lines: [{ xs: new Float64Array(500), ys: new Float64Array(500) }] });
  assert.ok(two >= 8000 && two < 8200, `${two}`);
  assert.ok(messageBytes({ xs: new Float32Array(1000) }) < 4100);
});
