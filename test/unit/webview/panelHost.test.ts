// The host every panel runs on, in plain Node with each panel's real contract: malformed messages of every type are
// logged with their panel and type and answered with nothing; the ready handshake; messages held until ready;
// stale saved state dropped; handler failures caught; live updates throttled (fake timers).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { Logger } from '../../../src/core/model';
import { compareContract } from '../../../src/shared/webviews/compare/contract';
import {
  detailsContract, type DetailsToHostMessage, type DetailsViewState, type HostToDetailsMessage,
} from '../../../src/shared/webviews/details/contract';
import { runsTableContract } from '../../../src/shared/webviews/runsTable/contract';
import type { PanelContract } from '../../../src/shared/webviews/schema';
import { PanelHost, restoreState, type PanelHandlers } from '../../../src/vscode/webviews/panelHost';
import { malformedMessages, messageCases, staleStates, type PanelKind } from './malformedMessages';

class RecordingLog implements Logger {
  readonly lines: string[] = [];
  info(message: string): void { this.lines.push(`[info] ${message}`); }
  warn(message: string): void { this.lines.push(`[warning] ${message}`); }
  error(message: string): void { this.lines.push(`[error] ${message}`); }
}

interface Rig<In extends { type: string }, Out extends { type: string }, State> {
  host: PanelHost<In, Out, State>;
  log: RecordingLog;
  /** Messages the page received. */
  delivered: unknown[];
  /** Handler calls: [type, message, state (ready only)]. */
  handled: Array<[string, unknown, unknown]>;
  reported: string[];
}

/** A host with the panel's real contract and handlers that record every call (one per message type). */
function rig<In extends { type: string }, Out extends { type: string }, State>(
  contract: PanelContract<In, Out, State>,
  behaviour: (type: string) => unknown = () => undefined,
): Rig<In, Out, State> {
  const log = new RecordingLog();
  const delivered: unknown[] = [];
  const handled: Array<[string, unknown, unknown]> = [];
  const reported: string[] = [];
  const handlers: Record<string, (message: unknown, state?: unknown) => unknown> = {};
  for (const type of contract.toHost.types) {
    handlers[type] = (message, state) => {
      handled.push([type, message, state]);
      return behaviour(type);
    };
  }
  const host = new PanelHost({
    contract,
    port: { postMessage: async (message) => { delivered.push(message); return true; } },
    log,
    handlers: handlers as PanelHandlers<In, State>,
    reportError: (message) => reported.push(message),
  });
  return { host, log, delivered, handled, reported };
}

const contracts = { compare: compareContract, runsTable: runsTableContract, details: detailsContract } as const;
const panelNames: Record<PanelKind, string> = { compare: 'Compare', runsTable: 'Runs table', details: 'Run details' };

for (const panel of Object.keys(contracts) as PanelKind[]) {
  test(`${panel} host: every malformed message is logged with its panel and type, handled by nothing, and never throws`, async () => {
    const { host, log, handled, delivered, reported } = rig<{ type: string }, { type: string }, unknown>(contracts[panel]);
    const cases = malformedMessages(panel);
    for (const [what, message, type] of cases) {
      const before = log.lines.length;
      await assert.doesNotReject(host.receive(message), what);
      const added = log.lines.slice(before);
      assert.equal(added.length, 1, `${what}: ${JSON.stringify(added)}`);
      const line = added[0] ?? '';
      assert.ok(line.startsWith(`[warning] ${panelNames[panel]} panel: ignored `), `${what}: ${line}`);
      assert.ok(line.includes(type === undefined ? 'a message without a type' : `"${type}" message`), `${what}: ${line}`);
    }
    assert.deepEqual(handled, [], 'no handler saw a malformed message');
    assert.deepEqual(delivered, [], 'nothing was answered');
    assert.deepEqual(reported, [], 'the user was not bothered');
  });

  test(`${panel} host: each valid message reaches its own handler once`, async () => {
    const { host, handled } = rig<{ type: string }, { type: string }, unknown>(contracts[panel]);
    for (const { valid } of messageCases[panel]) await host.receive(valid);
    assert.deepEqual(handled.map(([type]) => type), messageCases[panel].map((c) => c.valid.type));
  });

  test(`${panel} host: a ready with state saved by an older version is handled with no state, and says so in the log`, async () => {
    for (const stale of staleStates[panel]) {
      const { host, log, handled } = rig<{ type: string }, { type: string }, unknown>(contracts[panel]);
      await host.receive({ type: 'ready', state: stale });
      assert.deepEqual(handled, [['ready', { type: 'ready', state: stale }, undefined]], JSON.stringify(stale));
      assert.equal(log.lines.length, 1);
      assert.match(log.lines[0] ?? '', new RegExp(`^\\[warning\\] ${panelNames[panel]} panel: the view state it saved no longer fits \\(state.*\\); it opens with defaults\\.$`));
    }
  });
}

test('compare host: the state a page saved today reaches the ready handler', async () => {
  const { host, handled, log } = rig(compareContract);
  const state = { runIds: ['r1'], selectedMetrics: ['loss'], xAxis: 'relative', smoothing: 0.5, logScale: false, onlyDifferentParams: true };
  await host.receive({ type: 'ready', state, chartPixelWidth: 700 });
  assert.deepEqual(handled, [['ready', { type: 'ready', state, chartPixelWidth: 700 }, state]]);
  assert.deepEqual(log.lines, []);
});

test('host: messages posted before ready are held and delivered in order when the page says ready; a hidden page gets them when it is back', async () => {
  const { host, delivered } = rig(detailsContract);
  await host.post({ type: 'gone', message: 'one' });
  await host.post({ type: 'gone', message: 'two' });
  assert.deepEqual(delivered, [], 'nothing reaches a page that is not ready');
  assert.equal(host.isReady, false);
  await host.receive({ type: 'ready' });
  assert.deepEqual(delivered, [{ type: 'gone', message: 'one' }, { type: 'gone', message: 'two' }]);
  assert.equal(host.isReady, true);
  await host.post({ type: 'gone', message: 'three' });
  assert.equal(delivered.length, 3, 'a ready page gets messages at once');
  host.pageGone();
  assert.equal(host.isReady, false);
  await host.post({ type: 'gone', message: 'four' });
  assert.equal(delivered.length, 3);
  await host.receive({ type: 'ready' });
  assert.deepEqual(delivered.at(-1), { type: 'gone', message: 'four' });
});

test('host: a message posted ahead goes to a loading page at once; the page generation moves when the page is gone', async () => {
  const { host, delivered } = rig(detailsContract);
  const loading = host.pageGeneration;
  await host.postAhead({ type: 'gone', message: 'ahead' });
  assert.deepEqual(delivered, [{ type: 'gone', message: 'ahead' }], 'VS Code holds it for the page, not the host');
  await host.receive({ type: 'ready' });
  assert.equal(delivered.length, 1, 'not delivered again at ready');
  assert.equal(host.pageGeneration, loading, 'the same page said ready');
  host.pageGone();
  assert.notEqual(host.pageGeneration, loading, 'a page torn down (or loaded again) is another page');
  host.dispose();
  await host.postAhead({ type: 'gone', message: 'closed' });
  assert.equal(delivered.length, 1, 'nothing after dispose');
});

test('host: held messages are delivered before the ready handler sends its own', async () => {
  const order: string[] = [];
  const log = new RecordingLog();
  const host: PanelHost<DetailsToHostMessage, HostToDetailsMessage, DetailsViewState> = new PanelHost({
    contract: detailsContract,
    port: { postMessage: async (m) => { order.push((m as { message: string }).message); return true; } },
    log,
    handlers: {
      ready: () => host.post({ type: 'gone', message: 'from the ready handler' }),
      action: () => undefined,
      saveNotes: () => undefined,
      openLink: () => undefined,
    },
  });
  void host.post({ type: 'gone', message: 'held' });
  await host.receive({ type: 'ready' });
  assert.deepEqual(order, ['held', 'from the ready handler']);
});

test('host: a handler that fails is logged with panel and type and reported to the user; receive still resolves', async () => {
  const { host, log, reported } = rig(detailsContract, (type) => {
    if (type === 'saveNotes') throw new Error('Notes are limited to 100000 characters.');
    return undefined;
  });
  await assert.doesNotReject(host.receive({ type: 'saveNotes', notes: 'x' }));
  assert.deepEqual(log.lines, ['[error] Run details panel: handling a "saveNotes" message failed: Notes are limited to 100000 characters.']);
  assert.deepEqual(reported, ['Notes are limited to 100000 characters.']);
  const failing = rig(compareContract, () => Promise.reject(new Error('index closed')));
  await assert.doesNotReject(failing.host.receive({ type: 'exportCsv' }));
  assert.match(failing.log.lines[0] ?? '', /^\[error\] Compare panel: handling a "exportCsv" message failed: index closed$/);
});

test('host: a handler that fails because its panel was closed meanwhile is not an error: nothing logged or reported', async () => {
  let host: { dispose(): void } | undefined;
  const closing = rig(compareContract, () => {
    host?.dispose(); // the user closed the panel while the page's ready was being answered
    return Promise.reject(new Error('Webview is disposed'));
  });
  host = closing.host;
  await assert.doesNotReject(closing.host.receive({ type: 'ready', chartPixelWidth: 800 }));
  assert.deepEqual(closing.log.lines, []);
  assert.deepEqual(closing.reported, []);
});

test('host: a delivery that fails is logged, never thrown; nothing is sent or logged after dispose', async () => {
  const log = new RecordingLog();
  let calls = 0;
  const host = new PanelHost({
    contract: detailsContract,
    port: { postMessage: async () => { calls++; throw new Error('Webview is disposed'); } },
    log,
    handlers: { ready: () => undefined, action: () => undefined, saveNotes: () => undefined, openLink: () => undefined },
  });
  await host.receive({ type: 'ready' });
  await assert.doesNotReject(host.post({ type: 'gone', message: 'x' }));
  assert.deepEqual(log.lines, ['[warning] Run details panel: a "gone" message was not delivered: Webview is disposed']);
  host.dispose();
  await host.post({ type: 'gone', message: 'y' });
  await host.receive({ type: 'saveNotes', notes: 'ignored' });
  await host.receive({ type: 'bogus' });
  assert.equal(calls, 1);
  assert.equal(log.lines.length, 1);
  assert.equal(host.isReady, false);
});

test('host: a background task that fails is logged, not thrown', async () => {
  const { host, log } = rig(detailsContract);
  await assert.doesNotReject(host.background('showing the run\'s changes', () => Promise.reject(new Error('database is locked'))));
  assert.deepEqual(log.lines, ['[error] Run details panel: showing the run\'s changes failed: database is locked']);
});

test('host: the throttle runs a burst of triggers once at once, then at most once per interval, and stops at dispose (fake timers)', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_000_000 });
  const { host } = rig(compareContract);
  let runs = 0;
  const trigger = host.throttled(250, 'a live update', () => { runs++; });
  trigger();
  trigger();
  t.mock.timers.tick(0);
  assert.equal(runs, 1, 'the first change goes out at once');
  for (let i = 0; i < 10; i++) trigger();
  t.mock.timers.tick(249);
  assert.equal(runs, 1, 'no second run within the interval');
  t.mock.timers.tick(1);
  assert.equal(runs, 2, 'the burst is one run, at the end of the interval');
  t.mock.timers.tick(10_000);
  assert.equal(runs, 2, 'nothing more without a change');
  trigger();
  host.dispose();
  t.mock.timers.tick(1000);
  assert.equal(runs, 2, 'a disposed panel runs nothing');
});

test('restoreState: what fits is kept, what does not is dropped with a log line, nothing saved is no line', () => {
  const log = new RecordingLog();
  assert.deepEqual(restoreState('Run details', detailsContract.state, { runId: 'r1' }, log), { runId: 'r1' });
  assert.equal(restoreState('Run details', detailsContract.state, undefined, log), undefined);
  assert.deepEqual(log.lines, []);
  assert.equal(restoreState('Run details', detailsContract.state, { runId: ['r1'] }, log), undefined);
  assert.deepEqual(log.lines, ['[warning] Run details panel: the view state it saved no longer fits (state.runId: expected a string, got an array); it opens with defaults.']);
});
