// The monitoring dashboard: its data built from a monitoring run read by the core (hand-built log and profile),
// checked against the contract, then shown by the real page bundle in jsdom: the drift strip coloured by PSI,
// a clicked cell's two distributions, the messages it sends, run-supplied text kept inert.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scanMonitoringRuns } from '../../../src/core/monitoring/monitorScan';
import { monitoredVersions } from '../../../src/core/monitoring/monitorStatus';
import { monitoringContract, type MonitoringDashboard } from '../../../src/shared/webviews/monitoring/contract';
import { buildDashboard, thresholdPair } from '../../../src/vscode/monitoring/monitoringData';
import { RunLog } from '../../fixtures/runLog';
import { runId } from '../workspaceFixture';
import { loadWebview, messagesOfType } from './webviewHarness';
import { psiClass } from '../../../webview/monitoring/psiScale';

const evil = '<img src=x onerror="window.__pwned = true">';
const DAY = 86_400;

function numericFeature(name: string, psi: number | null, status: string): Record<string, unknown> {
  return { name, type: 'numeric', count: 100, missing_rate: 0, missing_change: 0, psi, ks: 0.1, status, hist_counts: [0, 10, 30, 40, 20, 0] };
}

function dashboard(): MonitoringDashboard {
  const root = mkdtempSync(join(tmpdir(), 'trialbook-dashboard-'));
  try {
    const trialbook = join(root, '.trialbook');
    const id = runId(7);
    const profileDir = join(trialbook, 'runs', id, 'profiles');
    mkdirSync(profileDir, { recursive: true });
    writeFileSync(join(profileDir, 'reference.json'), JSON.stringify({ format: 1, name: 'reference', rows: 1000, columns: [
      { name: 'age', type: 'numeric', count: 1000, missing: 0, missing_rate: 0, mean: 1, std: 1, hist_edges: [0, 1, 2, 3, 4], hist_counts: [0, 250, 250, 250, 250, 0] },
      { name: evil, type: 'categorical', count: 1000, missing: 0, missing_rate: 0, top: [['a', 700], [evil, 300]], other: 0, distinct: 2 },
    ] }));
    const t0 = 1_793_491_200;
    new RunLog(id, { t0 }).start({ experiment: 'monitoring', name: 'm', kind: 'monitoring',
      monitor: { model: evil, version: '3', reference: true, training_run: runId(6), thresholds: { psi: [0.1, 0.25], performance: [0.05, 0.1] }, baseline: { accuracy: 0.9 } } })
      .event('profile', { name: 'reference', path: `.trialbook/runs/${id}/profiles/reference.json`, rows: 1000, columns: 2, role: 'reference' })
      .event('monitor_batch', { index: 0, timestamp: t0, rows: 100, reliable: true, status: 'ok', metrics: { accuracy: 0.91 }, alerts: [],
        features: [numericFeature('age', 0.01, 'ok'), { name: evil, type: 'categorical', count: 100, missing_rate: 0, missing_change: 0, psi: 0.02, js: 0.05, status: 'ok', top_counts: [70, 30], other: 0 }] })
      .event('monitor_batch', { index: 1, timestamp: t0 + DAY, rows: 100, reliable: true, status: 'alert', metrics: { accuracy: 0.6 },
        alerts: [{ level: 'alert', kind: 'drift', feature: 'age', statistic: 'psi', value: 0.9, threshold: 0.25 }],
        features: [numericFeature('age', 0.9, 'alert')], missing_columns: [evil] })
      .writeTo(trialbook);
    const [version] = monitoredVersions(scanMonitoringRuns(trialbook).runs);
    assert.ok(version);
    return buildDashboard(version);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

test('monitoring dashboard data: fits the contract; cells line up with the reference features; thresholds from the run', () => {
  const data = dashboard();
  assert.deepEqual(monitoringContract.toWebview.check({ type: 'dashboard', data }).ok, true);
  assert.equal(data.status, 'alert');
  assert.deepEqual(data.features.map((f) => f.bins.length), [6, 3]);
  assert.deepEqual(data.features[1]?.bins, ['a', evil, 'other']);
  assert.equal(data.batches[1]?.cells[1], null, 'the column missing from batch 1');
  assert.deepEqual(data.batches[0]?.cells[1]?.shares, [0.7, 0.3, 0]);
  assert.deepEqual([data.psiWarning, data.psiAlert], [0.1, 0.25]);
  assert.deepEqual(data.baseline, [['accuracy', 0.9]]);
  assert.deepEqual(thresholdPair({ psi: 'high' }, 'psi', [1, 2]), [1, 2]);
  assert.deepEqual(thresholdPair(JSON.parse('{"__proto__": [5, 6]}'), 'constructor', [1, 2]), [1, 2]);
});

test('monitoring contract: malformed messages from the page are refused, naming what is wrong', () => {
  assert.equal(monitoringContract.toHost.check({ type: 'action', action: 'openLog', batch: 2 }).ok, true);
  const bad = monitoringContract.toHost.check({ type: 'action', action: 'deleteEverything' });
  assert.equal(bad.ok, false);
  assert.match(bad.ok ? '' : bad.problem, /action/);
  assert.equal(monitoringContract.toHost.check({ type: 'action', action: 'openLog', batch: -1 }).ok, false);
  assert.equal(monitoringContract.state.problem({ model: 'm' }, 'state')?.includes('version'), true);
});

test('the PSI colour scale follows the version\'s thresholds', () => {
  assert.deepEqual([null, 0.01, 0.07, 0.15, 0.3].map((p) => psiClass(p, 0.1, 0.25)), ['psi-na', 'psi-0', 'psi-1', 'psi-2', 'psi-3']);
});

test('monitoring page: ready first; the strip, the overlay on click and the evidence link; run text stays text', () => {
  const h = loadWebview('monitoring');
  try {
    assert.deepEqual(h.posted, [{ type: 'ready' }]);
    h.send({ type: 'dashboard', data: dashboard() });
    assert.deepEqual(h.errors, []);
    assert.equal(h.document.querySelector('h1')?.textContent, `${evil} v3`);
    assert.equal(h.document.querySelector('img'), null, 'run-supplied names are never parsed as HTML');
    assert.deepEqual(h.state(), { model: evil, version: '3' });
    const cells = [...h.document.querySelectorAll('button.cell')];
    assert.equal(cells.length, 4, 'two features × two batches');
    assert.deepEqual(cells.map((c) => c.className.split(' ')[1]), ['psi-0', 'psi-3', 'psi-0', 'psi-missing']);
    const before = h.canvasCalls.length;
    (cells[1] as HTMLElement).click();
    assert.match(h.document.querySelector('.overlay h2')?.textContent ?? '', /^age on 2026-11-02$/);
    assert.ok(h.canvasCalls.slice(before).filter((c) => c.method === 'fillRect').length >= 12, 'bars of both distributions drawn');
    const open = [...h.document.querySelectorAll('.overlay button')].find((b) => b.textContent?.startsWith('Open the batch'));
    (open as HTMLElement).click();
    assert.deepEqual(messagesOfType(h, 'action').at(-1), { type: 'action', action: 'openLog', batch: 1 });
    assert.match(h.document.querySelector('ul.alerts li.alert')?.textContent ?? '', /^alert: age: PSI 0\.9 > 0\.25$/);
  } finally {
    h.close();
  }
});
