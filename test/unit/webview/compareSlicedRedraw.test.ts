// The slider's redraw (webview/compare/slicedRedraw.ts): one chart per task, always with the latest value, and a
// value that changes before every chart caught up draws the charts not yet drawn first, not the first chart again;
// an item's redraw in steps runs a step per task, before the next item.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { SlicedRedraw } from '../../../webview/compare/slicedRedraw';

test('sliced redraw: inputs before the first task cost one redraw of each item, in order, then done once', async () => {
  const drawn: string[] = [];
  let value = 0;
  const finished = new Promise<[number, number]>((resolve) => {
    const redraw = new SlicedRedraw<string>((item) => {
      drawn.push(`${item}@${value}`);
      return undefined;
    }, (ms, longest) => resolve([ms, longest]));
    for (value = 1; value <= 3; value++) redraw.request(['a', 'b', 'c']);
    value = 3;
    assert.deepEqual(drawn, [], 'nothing drawn within the requests');
  });
  const [ms, longest] = await finished;
  assert.deepEqual(drawn, ['a@3', 'b@3', 'c@3']);
  assert.ok(ms >= 0 && longest >= 0 && longest <= ms, 'the redraw\'s time and its longest task');
});

test('sliced redraw: a new value mid-redraw draws the items not yet drawn first, then brings the drawn ones up to date', async () => {
  const drawn: string[] = [];
  const items = ['a', 'b', 'c'];
  let value = 1;
  let dones = 0;
  await new Promise<void>((resolve) => {
    const redraw: SlicedRedraw<string> = new SlicedRedraw<string>((item) => {
      drawn.push(`${item}@${value}`);
      // The slider moves on right after the first chart drew (a drag faster than the charts redraw).
      if (drawn.length === 1) {
        value = 2;
        redraw.request(items);
      }
      return undefined;
    }, () => {
      dones++;
      resolve();
    });
    redraw.request(items);
  });
  // Restarting from the first item would draw a, a, b, c: with a value per frame, c would wait for the drag to end.
  assert.deepEqual(drawn, ['a@1', 'b@2', 'c@2', 'a@2']);
  assert.equal(dones, 1, 'done once, when every item shows the latest value');
});

test('sliced redraw: one item per task (other tasks run between them)', async () => {
  const order: string[] = [];
  await new Promise<void>((resolve) => {
    const redraw = new SlicedRedraw<string>((item) => {
      order.push(item);
      // A task queued now runs before the next item's draw only if each item has a task of its own.
      const channel = new MessageChannel();
      channel.port1.onmessage = () => { order.push(`after ${item}`); channel.port1.close(); };
      channel.port2.postMessage(undefined);
      return undefined;
    }, () => resolve());
    redraw.request(['a', 'b']);
  });
  assert.deepEqual(order.slice(0, 3), ['a', 'after a', 'b']);
});

test('sliced redraw: an item\'s rest runs a step per task, to its end, before the next item starts', async () => {
  const order: string[] = [];
  await new Promise<void>((resolve) => {
    const redraw = new SlicedRedraw<string>((item) => {
      order.push(`${item}:start`);
      const channel = new MessageChannel();
      channel.port1.onmessage = () => { order.push(`after ${item}:start`); channel.port1.close(); };
      channel.port2.postMessage(undefined);
      return () => {
        order.push(`${item}:1`);
        return () => {
          order.push(`${item}:2`);
          return undefined;
        };
      };
    }, () => resolve());
    redraw.request(['a', 'b']);
  });
  // A task queued by a step runs before the next step: each step has a task of its own.
  assert.deepEqual(order, ['a:start', 'after a:start', 'a:1', 'a:2', 'b:start', 'after b:start', 'b:1', 'b:2']);
});

test('sliced redraw: the rest of an item no longer requested is dropped', async () => {
  const order: string[] = [];
  await new Promise<void>((resolve) => {
    const redraw: SlicedRedraw<string> = new SlicedRedraw<string>((item) => {
      order.push(`${item}:start`);
      // The charts are rebuilt while the first one is midway: its rest must not run on a chart that is gone.
      if (item === 'a') redraw.request(['c']);
      return () => {
        order.push(`${item}:rest`);
        return undefined;
      };
    }, () => resolve());
    redraw.request(['a', 'b']);
  });
  assert.deepEqual(order, ['a:start', 'c:start', 'c:rest']);
});
