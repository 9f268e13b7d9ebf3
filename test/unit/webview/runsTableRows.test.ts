import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRunIndex } from '../../../src/core/openRunIndex';
import type { RunIndex } from '../../../src/core/runIndex';
import { runsTableContract, type TableRow } from '../../../src/shared/webviews/runsTable/contract';
import { filterErrorText, toTableRow } from '../../../src/vscode/webviews/runsTable/runsTableRows';
import { RunLog } from '../../fixtures/runLog';
import { loadWebview, repoRoot } from './webviewHarness';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A workspace with three runs written as the SDK writes them: finished, failed, and still running. */
async function workspace(): Promise<{ index: RunIndex; dir: string; t0: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'trialbook-runs-table-'));
  const t0 = Math.floor(Date.now() / 1000) - 100;
  const trialbookDir = join(dir, '.trialbook');
  new RunLog('20261127T000000000-aaaaaaaaaa')
    .start({ experiment: 'demo', name: '<b>bold</b>', tags: ['x'],
      config: { lr: 0.01, arch: { depth: 3 }, weird: Number.NaN }, lineage: { user: 'ada', git: { commit: '0123456789abcdef' } } }, t0)
    .metrics(0, { loss: 1.0 }, { ts: t0 + 1 })
    .metrics(1, { loss: 0.5 }, { ts: t0 + 2 })
    .metrics(2, { loss: Number.NaN }, { ts: t0 + 3 })
    .end('finished', undefined, t0 + 10)
    .writeTo(trialbookDir);
  new RunLog('20261127T000001000-bbbbbbbbbb')
    .start({ experiment: 'demo', name: 'second', config: { lr: 0.1 } }, t0 + 20)
    .metrics(0, { loss: 0.3 }, { ts: t0 + 21 })
    .end('failed', 'boom', t0 + 25)
    .writeTo(trialbookDir);
  new RunLog('20261127T000002000-cccccccccc')
    .start({ experiment: 'live', name: 'third', config: { lr: 0.001 } }, t0 + 30)
    .heartbeat(t0 + 95)
    .writeTo(trialbookDir);
  const index = await openRunIndex({
    trialbookDir, wasmPath: join(repoRoot, 'node_modules/sql.js/dist/sql-wasm.wasm'), log: quiet, crashAfterSeconds: 3600, saveDelayMs: 60_000,
  });
  await index.sync();
  return { index, dir, t0 };
}

test('rows from the real index: filtered, JSON-safe, NaN tagged, nested params as JSON text, durations, as the contract says', async () => {
  const { index, dir, t0 } = await workspace();
  try {
    const now = Date.now();
    const rows = index.listRuns({ filter: 'lr < 0.05', sort: '-started' }).map((r) => toTableRow(r, now));
    assert.deepEqual(rows.map((r) => r.name), ['third', '<b>bold</b>']);
    const first = rows[1];
    assert.ok(first);
    assert.deepEqual(Object.fromEntries(first.params), { lr: 0.01, arch: '{"depth":3}', weird: { nonFinite: 'NaN' } });
    assert.deepEqual(first.metrics.find((m) => m.key === 'loss'), { key: 'loss', last: { nonFinite: 'NaN' }, min: 0.5, max: 1 });
    assert.equal(first.durationMs, 10_000);
    assert.equal(first.user, 'ada');
    assert.equal(first.gitCommit, '0123456789abcdef');
    assert.deepEqual(JSON.parse(JSON.stringify(rows)), rows, 'survives the JSON channel unchanged');
    assert.equal(runsTableContract.toWebview.problem({ type: 'rows', rows, filter: '', total: 3 }, ''), undefined, 'the rows fit the contract');
    const live = rows[0];
    assert.ok(live);
    assert.equal(live.status, 'running');
    assert.ok(Math.abs(live.durationMs - (now - (t0 + 30) * 1000)) < 1000, `a running run's duration counts up to now (${live.durationMs} ms)`);
  } finally {
    await index.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a bad filter gives a message that says where it went wrong', async () => {
  const { index, dir } = await workspace();
  try {
    let text = '';
    assert.throws(() => index.listRuns({ filter: 'lr < ' }), (err: unknown) => {
      text = filterErrorText(err);
      return true;
    });
    assert.match(text, /column \d+/, text);
    assert.ok(text.split('\n').length >= 2, `the expression and a caret follow the message: ${JSON.stringify(text)}`);
  } finally {
    await index.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('index rows rendered by the real webview: NaN shows as NaN, markup in names stays text', async () => {
  const { index, dir } = await workspace();
  const rows: TableRow[] = JSON.parse(JSON.stringify(index.listRuns({ sort: '-started' }).map((r) => toTableRow(r, Date.now()))));
  await index.close();
  rmSync(dir, { recursive: true, force: true });
  const h = loadWebview('runsTable');
  try {
    h.send({ type: 'rows', rows, filter: '', total: rows.length });
    const heads = [...h.document.querySelectorAll<HTMLElement>('.head-cell')].map((c) => c.dataset.column);
    const row = [...h.document.querySelectorAll<HTMLElement>('.row')].find((r) => r.dataset.runId === '20261127T000000000-aaaaaaaaaa');
    assert.ok(row, 'the first run is rendered');
    const cell = (column: string): string => row.children[heads.indexOf(column)]?.textContent ?? '';
    assert.equal(cell('m:loss'), 'NaN');
    assert.equal(cell('p:weird'), 'NaN');
    assert.equal(cell('p:arch'), '{"depth":3}');
    assert.equal(cell('name'), '<b>bold</b>');
    assert.equal(h.document.querySelectorAll('b').length, 0);
    assert.deepEqual(h.errors, []);
  } finally {
    h.close();
  }
});

test('the host accepts only well-formed messages from the webview', () => {
  const ok = (m: unknown): boolean => runsTableContract.toHost.check(m).ok;
  assert.ok(ok({ type: 'compare', runIds: ['a', 'b'] }));
  assert.ok(ok({ type: 'ready' }));
  // The state inside ready is checked on its own (an older version's state is dropped, the ready kept).
  assert.ok(ok({ type: 'ready', state: { filter: 1 } }));
  assert.ok(!ok({ type: 'compare', runIds: 'a' }));
  assert.ok(!ok({ type: 'compare', runIds: [] }));
  assert.ok(!ok({ type: 'openRun', runId: 3 }));
  assert.ok(!ok({ type: 'setFilter' }));
  assert.ok(!ok({ type: 'deleteEverything' }));
  assert.ok(!ok(null));
});

test('a run\'s summary values travel as a list of [name, value], non-finite numbers tagged, __proto__ kept', () => {
  const summary = JSON.parse('{"best_accuracy": 0.93, "__proto__": "x", "nested": {"a": [1]}}') as Record<string, never>;
  summary.diverged = Number.NaN as never;
  const row = toTableRow({ id: 'r', experiment: 'e', name: 'n', status: 'finished', startedAt: 0, lastEventAt: 0, notes: '', tags: [],
    params: {}, metrics: {}, skippedLines: 0, summary }, 0);
  assert.deepEqual(row.summary, [['best_accuracy', 0.93], ['__proto__', 'x'], ['nested', '{"a":[1]}'], ['diverged', { nonFinite: 'NaN' }]]);
});

test('an imported run its tool still calls running but silent past the crash window: the status cell says since when, as the tree does', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'trialbook-runs-table-stale-'));
  const trialbookDir = join(dir, '.trialbook');
  const t0 = 1_795_743_612;
  // An MLflow run left RUNNING (its tool writes no heartbeats) and one of Trialbook's own, both silent since t0 + 5.
  new RunLog('mlflow-0123456789abcdef')
    .start({ experiment: 'imported', name: 'silent import', sdk: { name: 'MLflow FileStore', version: 'imported' } }, t0)
    .metrics(0, { loss: 0.5 }, { ts: t0 + 5 })
    .writeTo(trialbookDir);
  new RunLog('20261127T000003000-dddddddddd')
    .start({ experiment: 'imported', name: 'live', sdk: { name: 'trialbook', version: '1.0' } }, t0)
    .metrics(0, { loss: 0.5 }, { ts: t0 + 5 })
    .writeTo(trialbookDir);
  const now = (t0 + 5 + 2 * 3600) * 1000;
  const index = await openRunIndex({
    trialbookDir, wasmPath: join(repoRoot, 'node_modules/sql.js/dist/sql-wasm.wasm'), log: quiet, crashAfterSeconds: 30, saveDelayMs: 60_000, now: () => now,
  });
  let rows: TableRow[];
  try {
    await index.sync();
    rows = JSON.parse(JSON.stringify(index.listRuns({ sort: 'name' }).map((r) => toTableRow(r, now)))) as TableRow[];
    // Filtering sees the index's status: the silent import is still `running`, the SDK run `crashed`.
    assert.deepEqual(index.listRuns({ filter: 'status = running' }).map((r) => r.name), ['silent import']);
  } finally {
    await index.close();
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(runsTableContract.toWebview.problem({ type: 'rows', rows, filter: '', total: rows.length }, ''), undefined, 'the rows fit the contract');
  const h = loadWebview('runsTable');
  try {
    h.send({ type: 'rows', rows, filter: '', total: rows.length });
    const heads = [...h.document.querySelectorAll<HTMLElement>('.head-cell')].map((c) => c.dataset.column);
    const statusOf = (name: string): string => {
      const row = [...h.document.querySelectorAll<HTMLElement>('.row')].find((r) => r.children[heads.indexOf('name')]?.textContent === name);
      assert.ok(row, `${name} is rendered`);
      return row.children[heads.indexOf('status')]?.textContent ?? '';
    };
    assert.equal(statusOf('silent import'), 'running · no update for 2h 00m');
    assert.equal(statusOf('live'), 'crashed');
    assert.deepEqual(h.errors, []);
  } finally {
    h.close();
  }
});
