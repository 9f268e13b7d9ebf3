// The run details page's small charts: one sparkline per metric, drawn on a canvas from the points the host sends,
// and system metrics (`system/…`, as the SDK names them) in a section of their own.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { RunDetailsData } from '../../../src/shared/webviews/details/contract';
import { detailsContract } from '../../../src/shared/webviews/details/contract';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRunIndex } from '../../../src/core/openRunIndex';
import { SPARK_POINTS, sparkLines } from '../../../src/vscode/webviews/details/sparkData';
import { RunLog } from '../../fixtures/runLog';
import { loadWebview, repoRoot } from './webviewHarness';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

function details(): RunDetailsData {
  return {
    id: 'r1', name: 'brave-otter', experiment: 'demo', status: 'finished', color: '#1f77b4', notes: '', tags: [],
    lineage: [], params: [], artifacts: [], hasDiff: false, hasCommit: false, warnings: [], packages: [],
    metrics: [
      { key: 'loss', last: 0.1, min: 0.1, max: 1, count: 4 },
      { key: 'single', last: 3, min: 3, max: 3, count: 1 },
      { key: 'system/cpu_percent', last: 50, min: 10, max: 90, count: 3 },
    ],
    sparks: [
      { key: 'loss', points: [0, 1, 1, 0.5, 2, { nonFinite: 'NaN' }, 3, 0.1] },
      { key: 'single', points: [0, 3] },
      { key: 'system/cpu_percent', points: [0, 10, 1, 90, 2, 50] },
    ],
  };
}

test('details: the data with sparklines fits the contract', () => {
  assert.equal(detailsContract.toWebview.problem({ type: 'details', data: details() }, ''), undefined);
});

test('details: one sparkline per metric, drawn from its points; system metrics in their own section', () => {
  const h = loadWebview('details');
  try {
    h.send({ type: 'details', data: details() });
    const sections = [...h.document.querySelectorAll('section')].map((s) => s.querySelector('h2')?.textContent ?? '');
    assert.ok(sections.includes('Metrics (2)'), sections.join(' | '));
    assert.ok(sections.includes('System metrics (1)'), sections.join(' | '));
    const cards = [...h.document.querySelectorAll<HTMLElement>('.spark')];
    assert.deepEqual(cards.map((c) => c.dataset.metric), ['loss', 'single', 'system/cpu_percent']);
    const system = [...h.document.querySelectorAll('section')].find((s) => s.querySelector('h2')?.textContent === 'System metrics (1)');
    assert.ok(system?.querySelector('.spark[data-metric="system/cpu_percent"]'), 'the system metric is drawn in the System section');
    assert.equal(cards[0]?.querySelector('.spark-name')?.textContent, 'loss');
    assert.equal(cards[0]?.querySelector('.spark-name')?.getAttribute('title'), 'loss');
    // The loss line: a NaN breaks it (two moveTo), three points drawn; the single point is a dot (arc).
    const canvases = [...h.document.querySelectorAll('canvas')];
    assert.equal(canvases.length, 3);
    const lineTo = h.canvasCalls.filter((c) => c.method === 'lineTo').length;
    const moveTo = h.canvasCalls.filter((c) => c.method === 'moveTo').length;
    assert.ok(lineTo >= 3, `lines drawn: ${lineTo}`);
    assert.ok(moveTo >= 4, `a NaN breaks the line, each chart starts one: ${moveTo}`);
    assert.ok(h.canvasCalls.some((c) => c.method === 'arc'), 'a single point is drawn as a dot');
    assert.deepEqual(h.errors, []);
  } finally {
    h.close();
  }
});

test('details: the host sends each metric of a real run downsampled to at most 160 points, extremes kept, by step', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'trialbook-sparks-'));
  const trialbookDir = join(dir, '.trialbook');
  try {
    const t0 = 1_790_000_000;
    const log = new RunLog('20261127T000000000-aaaaaaaaaa').start({ experiment: 'demo', name: 'sparky' }, t0);
    for (let step = 0; step < 1000; step++) log.metrics(step, { loss: step === 500 ? 99 : 1 / (step + 1), 'system/cpu_percent': 50 }, { ts: t0 + step });
    log.end('finished', undefined, t0 + 1001).writeTo(trialbookDir);
    const index = await openRunIndex({
      trialbookDir, wasmPath: join(repoRoot, 'node_modules/sql.js/dist/sql-wasm.wasm'), log: quiet, crashAfterSeconds: 3600, saveDelayMs: 60_000,
    });
    try {
      await index.sync();
      const run = index.getRun('20261127T000000000-aaaaaaaaaa');
      assert.ok(run);
      const lines = sparkLines(index, run);
      assert.deepEqual(lines.map((l) => l.key).sort(), ['loss', 'system/cpu_percent']);
      const loss = lines.find((l) => l.key === 'loss')?.points ?? [];
      assert.ok(loss.length / 2 <= SPARK_POINTS && loss.length / 2 >= 100, `${loss.length / 2} points`);
      const ys = loss.filter((_, i) => i % 2 === 1);
      assert.ok(ys.includes(99), 'the spike survives downsampling');
      assert.equal(loss[0], 0, 'x is the step');
      assert.equal(detailsContract.toWebview.problem({ type: 'details', data: { ...details(), sparks: lines } }, ''), undefined);
    } finally {
      await index.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
