// Param and metric names that a plain object answers without having them (`__proto__`, `constructor`, `toString`,
// `valueOf`, `hasOwnProperty`): from a real index, through each panel's data builder and the contract, into the
// real webview bundles. A run that lacks such a name must show nothing there, never a function or a prototype.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRunIndex } from '../../../src/core/openRunIndex';
import type { RunIndex } from '../../../src/core/runIndex';
import { compareContract } from '../../../src/shared/webviews/compare/contract';
import { detailsContract } from '../../../src/shared/webviews/details/contract';
import { runsTableContract } from '../../../src/shared/webviews/runsTable/contract';
import { buildCompareData } from '../../../src/vscode/webviews/compare/compareData';
import { buildRunDetails } from '../../../src/vscode/webviews/details/runDetailsData';
import { toTableRow } from '../../../src/vscode/webviews/runsTable/runsTableRows';
import { RunLog } from '../../fixtures/runLog';
import { loadWebview, repoRoot, type Harness } from './webviewHarness';

const names = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty'];
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const A = '20261127T000000000-aaaaaaaaaa';
const B = '20261127T000001000-bbbbbbbbbb';

/** Run A logs every such name as a param (value k + 1) and a metric (value 10·(k + 1)); run B logs none of them. */
async function workspace(): Promise<{ index: RunIndex; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'trialbook-run-names-'));
  const t0 = Math.floor(Date.now() / 1000) - 100;
  const trialbookDir = join(dir, '.trialbook');
  // Keys built as own entries: an object literal with a __proto__ key would set the prototype instead.
  const entries = (f: (k: number) => number): Record<string, number> => Object.fromEntries(names.map((n, k) => [n, f(k)]));
  new RunLog(A)
    .start({ experiment: 'names', name: 'all names', config: { ...entries((k) => k + 1), lr: 0.1 } }, t0)
    .metrics(0, { ...entries((k) => 10 * (k + 1)), loss: 1 }, { ts: t0 + 1 })
    .end('finished', undefined, t0 + 2)
    .writeTo(trialbookDir);
  new RunLog(B)
    .start({ experiment: 'names', name: 'no names', config: { lr: 0.2 } }, t0 + 10)
    .metrics(0, { loss: 0.5 }, { ts: t0 + 11 })
    .end('finished', undefined, t0 + 12)
    .writeTo(trialbookDir);
  const index = await openRunIndex({
    trialbookDir, wasmPath: join(repoRoot, 'node_modules/sql.js/dist/sql-wasm.wasm'), log: quiet, crashAfterSeconds: 3600, saveDelayMs: 60_000,
  });
  await index.sync();
  return { index, dir };
}

/** What crosses the webview channel: JSON (which keeps `__proto__` as a plain key). */
/** As VS Code's webview channel carries a message: JSON text, with typed arrays set aside as bytes and put back. */
const overTheWire = <T>(value: T): T => {
  const arrays: Float64Array[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => (v instanceof Float64Array ? { typedArray: arrays.push(v.slice()) - 1 } : v));
  return JSON.parse(text, (_key, v: unknown) => {
    const at = typeof v === 'object' && v !== null && 'typedArray' in v ? (v as { typedArray: number }).typedArray : undefined;
    return at === undefined ? v : arrays[at];
  }) as T;
};

function noFunctionText(h: Harness): void {
  const text = h.document.body.textContent ?? '';
  assert.ok(!/function|\[object Object\]|native code/.test(text), `the page shows an inherited value: ${text.match(/.{0,40}(function|\[object Object\]|native code).{0,40}/)?.[0]}`);
  assert.deepEqual(h.errors, []);
}

test('run-supplied names: the comparison keeps every name, with nothing for the run that lacks it, in the page too', async () => {
  const { index, dir } = await workspace();
  try {
    const data = buildCompareData(index, [A, B], [...names, 'loss'], 'step', 1000);
    assert.equal(compareContract.toWebview.problem({ type: 'data', data }, ''), undefined, 'the data fits the contract');
    const wire = overTheWire(data);
    assert.deepEqual(wire.params.map((p) => p.name).sort(), [...names, 'lr'].sort(), 'every param crosses the channel');
    for (const [k, name] of names.entries()) {
      assert.deepEqual(wire.params.find((p) => p.name === name)?.values, [k + 1, null], name);
      assert.deepEqual(wire.summaries.find((s) => s.metric === name)?.stats, [{ last: 10 * (k + 1), min: 10 * (k + 1), max: 10 * (k + 1) }, null], name);
    }
    assert.deepEqual([...wire.selectedMetrics].sort(), [...names, 'loss'].sort());

    const h = loadWebview('compare');
    try {
      h.send({ type: 'data', data: wire });
      // The tables come after the charts' first frame.
      await h.frame();
      // Runs are rows and names are columns: the column headed by each name holds A's value and nothing for B.
      const table = (kind: string): { head: string[]; rows: Map<string, string[]> } => ({
        head: [...h.document.querySelectorAll(`table[data-table=${kind}] thead th`)].map((c) => c.textContent ?? ''),
        rows: new Map([...h.document.querySelectorAll<HTMLElement>(`table[data-table=${kind}] tbody tr`)].map((r) => [r.dataset.run ?? '', [...r.children].map((c) => c.textContent ?? '')])),
      });
      const params = table('params');
      for (const [k, name] of names.entries()) {
        const at = params.head.indexOf(name);
        assert.ok(at > 0 && params.rows.get(A)?.[at] === String(k + 1) && params.rows.get(B)?.[at] === '—', `${name}: ${JSON.stringify([...params.rows])}`);
      }
      const summary = table('summary');
      for (const [k, name] of names.entries()) {
        const at = summary.head.indexOf(`${name} · last`);
        assert.ok(at > 0 && summary.rows.get(A)?.[at] === String(10 * (k + 1)) && summary.rows.get(B)?.[at] === '—', `${name}: ${JSON.stringify(summary.head)}`);
      }
      const charts = [...h.document.querySelectorAll<HTMLElement>('.chart-card')].map((c) => c.dataset.metric);
      assert.deepEqual([...charts].sort(), [...names, 'loss'].sort(), 'one chart per metric');
      const boxes = [...h.document.querySelectorAll<HTMLInputElement>('.metric-options input')].map((b) => b.dataset.metric);
      assert.deepEqual([...boxes].sort(), [...names, 'loss'].sort());
      noFunctionText(h);
    } finally {
      h.close();
    }
  } finally {
    await index.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('run-supplied names: the runs table has a column per name, empty for the run that lacks it, and sorts by it', async () => {
  const { index, dir } = await workspace();
  const rows = index.listRuns({ sort: '-started' }).map((r) => toTableRow(r, Date.now()));
  await index.close();
  rmSync(dir, { recursive: true, force: true });
  assert.equal(runsTableContract.toWebview.problem({ type: 'rows', rows, filter: '', total: 2 }, ''), undefined, 'the rows fit the contract');
  const h = loadWebview('runsTable');
  try {
    h.send(overTheWire({ type: 'rows', rows, filter: '', total: rows.length }));
    const heads = [...h.document.querySelectorAll<HTMLElement>('.head-cell')].map((c) => c.dataset.column ?? '');
    const cell = (runId: string, column: string): string => {
      const row = h.document.querySelector(`.row[data-run-id="${runId}"]`);
      return row?.children[heads.indexOf(column)]?.textContent ?? '<missing>';
    };
    for (const [k, name] of names.entries()) {
      assert.ok(heads.includes(`p:${name}`) && heads.includes(`m:${name}`), `${name}: ${heads.join(' ')}`);
      assert.equal(cell(A, `p:${name}`), String(k + 1));
      assert.equal(cell(B, `p:${name}`), '', `run B has no param ${name}`);
      assert.equal(cell(A, `m:${name}`), String(10 * (k + 1)));
      assert.equal(cell(B, `m:${name}`), '', `run B has no metric ${name}`);
    }
    noFunctionText(h);
    // Sorting by such a column: the run that has the value first, the empty cell last, both ways.
    for (const name of names) {
      const button = h.document.querySelector(`.head-cell[data-column="p:${name}"] button`) as HTMLElement;
      button.click();
      assert.equal(h.document.querySelector<HTMLElement>('.row[data-position="0"]')?.dataset.runId, A, `ascending by ${name}`);
      button.click();
      assert.equal(h.document.querySelector<HTMLElement>('.row[data-position="0"]')?.dataset.runId, A, `descending by ${name}: empty stays last`);
      button.click();
    }
    // Hiding a column named after such a name is remembered for that column only.
    const box = h.document.querySelector<HTMLInputElement>('.chooser input[data-column="p:constructor"]');
    assert.ok(box);
    box.checked = false;
    box.dispatchEvent(new h.window.Event('change', { bubbles: true }));
    const shown = [...h.document.querySelectorAll<HTMLElement>('.head-cell')].map((c) => c.dataset.column ?? '');
    assert.ok(!shown.includes('p:constructor') && shown.includes('p:toString'), shown.join(' '));
    noFunctionText(h);
  } finally {
    h.close();
  }
});

test('run-supplied names: the details page lists each as a param and a metric', async () => {
  const { index, dir } = await workspace();
  const detail = index.getRun(A);
  await index.close();
  rmSync(dir, { recursive: true, force: true });
  assert.ok(detail);
  const data = buildRunDetails(detail, Date.now());
  assert.equal(detailsContract.toWebview.problem({ type: 'details', data }, ''), undefined, 'the details fit the contract');
  const h = loadWebview('details');
  try {
    h.send(overTheWire({ type: 'details', data }));
    const rows = [...h.document.querySelectorAll('table.grid tbody tr')].map((r) => [...r.children].map((c) => c.textContent));
    for (const [k, name] of names.entries()) {
      assert.ok(rows.some((r) => r[0] === name && r[1] === String(k + 1) && r.length === 2), `param ${name}: ${JSON.stringify(rows)}`);
      assert.ok(rows.some((r) => r[0] === name && r[1] === String(10 * (k + 1)) && r.length === 5), `metric ${name}`);
    }
    noFunctionText(h);
  } finally {
    h.close();
  }
});
