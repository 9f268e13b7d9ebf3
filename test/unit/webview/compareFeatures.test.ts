// The comparison's W&B-style features in the built page (jsdom): sections, x axis by a metric, the run picker's
// messages, the legend's search and remove, and tables with runs as rows.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { CompareData, CompareToHostMessage } from '../../../src/shared/webviews/compare/contract';
import { fromPairs } from '../../fixtures/linePoints';
import { byValue } from '../../../webview/compare/tooltip';
import { loadWebview, messagesOfType, type Harness } from './webviewHarness';

const evilName = '<img src=x onerror="window.__pwned = true">';

function fixture(): CompareData {
  const runs = [
    { id: 'r1', name: 'brave-otter', experiment: 'demo', status: 'finished', color: '#1f77b4' },
    { id: 'r2', name: evilName, experiment: 'demo', status: 'running', color: '#ff7f0e' },
    { id: 'r3', name: 'calm-heron', experiment: 'demo', status: 'failed', color: '#2ca02c' },
  ];
  const line = (runId: string, metric: string): CompareData['lines'][number] => ({ runId, metric, ...fromPairs([0, 1, 1, 0.5, 2, 0.25]), totalPoints: 3 });
  return {
    runs,
    metrics: ['epoch', 'system/cpu', 'train/loss', 'val/loss'],
    selectedMetrics: ['epoch', 'train/loss', 'val/loss'],
    xAxis: 'step',
    lines: runs.flatMap((r) => ['epoch', 'train/loss', 'val/loss'].map((m) => line(r.id, m))),
    params: [{ name: 'lr', values: [0.01, 0.1, 0.001] }, { name: 'batch', values: [32, 32, 32] }],
    summaries: [{ metric: 'train/loss', goal: 'minimize', stats: [{ last: 0.3, min: 0.1, max: 1 }, { last: 0.2, min: 0.2, max: 0.9 }, null] }],
  };
}

function withData(data: CompareData = fixture()): Harness {
  const h = loadWebview('compare');
  h.send({ type: 'data', data });
  return h;
}

const setViews = (h: Harness) => messagesOfType<Extract<CompareToHostMessage, { type: 'setView' }>>(h, 'setView');
const setRuns = (h: Harness) => messagesOfType<Extract<CompareToHostMessage, { type: 'setRuns' }>>(h, 'setRuns');

test('compare sections: by prefix, unprefixed first and system last and collapsed; opening one asks for its charts', () => {
  const h = withData();
  try {
    const sections = [...h.document.querySelectorAll<HTMLDetailsElement>('details.metric-section')];
    assert.deepEqual(sections.map((d) => [d.dataset.section, d.open, d.querySelectorAll('.chart-card').length]),
      [['', true, 1], ['train', true, 1], ['val', true, 1], ['system', false, 0]]);
    const system = sections[3];
    assert.ok(system);
    system.open = true;
    system.dispatchEvent(new h.window.Event('toggle'));
    assert.deepEqual(setViews(h).at(-1), { type: 'setView', selectedMetrics: ['epoch', 'train/loss', 'val/loss', 'system/cpu'], xAxis: 'step' });
    const val = sections[2];
    assert.ok(val);
    val.open = false;
    val.dispatchEvent(new h.window.Event('toggle'));
    assert.deepEqual(setViews(h).at(-1)?.selectedMetrics, ['epoch', 'train/loss', 'system/cpu']);
  } finally {
    h.close();
  }
});

test('compare x axis: every metric is offered; choosing one sends its name; runs without it are named as text', () => {
  const h = withData();
  try {
    const select = h.document.querySelector<HTMLSelectElement>('select[aria-label="X axis"]');
    assert.ok(select);
    assert.deepEqual([...select.options].map((o) => o.value), ['step', 'relative', 'wall', 'metric:epoch', 'metric:system/cpu', 'metric:train/loss', 'metric:val/loss']);
    select.value = 'metric:epoch';
    select.dispatchEvent(new h.window.Event('change', { bubbles: true }));
    assert.deepEqual(setViews(h).at(-1), { type: 'setView', selectedMetrics: ['epoch', 'train/loss', 'val/loss'], xAxis: 'metric', xMetric: 'epoch' });
    h.send({ type: 'data', data: { ...fixture(), xAxis: 'metric', xMetric: 'epoch', xMissing: ['r2'] } });
    const note = h.document.querySelector<HTMLElement>('.x-note');
    assert.equal(note?.hidden, false);
    assert.equal(note?.textContent, `1 run never logged epoch and is not drawn: ${evilName}.`);
    assert.equal(h.document.querySelectorAll('img').length, 0);
    assert.equal(select.value, 'metric:epoch');
  } finally {
    h.close();
  }
});

test('compare run picker: asks the host, never parses the filter, shows its error, adds the picked runs', () => {
  const h = withData();
  try {
    const picker = h.document.querySelector<HTMLDetailsElement>('details.run-picker');
    assert.ok(picker);
    picker.open = true;
    picker.dispatchEvent(new h.window.Event('toggle'));
    const input = h.document.querySelector<HTMLInputElement>('.run-filter');
    assert.ok(input);
    input.value = 'lr > ((';
    input.dispatchEvent(new h.window.KeyboardEvent('keydown', { key: 'Enter' }));
    assert.deepEqual(messagesOfType(h, 'findRuns'), [{ type: 'findRuns', filter: '' }, { type: 'findRuns', filter: 'lr > ((' }]);
    h.send({ type: 'runMatches', filter: 'lr > ((', runs: [], total: 0, error: 'Unexpected "(" — filters look like: lr > 0.01' });
    assert.equal(h.document.querySelector('.run-picker-message.error')?.textContent, 'Unexpected "(" — filters look like: lr > 0.01');
    h.send({
      type: 'runMatches', filter: 'experiment = demo', total: 2, runs: [
        { id: 'r1', name: 'brave-otter', experiment: 'demo', status: 'finished', startedAt: 1.7e12 },
        { id: 'r9', name: evilName, experiment: 'demo', status: 'finished', startedAt: 1.7e12 },
      ],
    });
    const boxes = [...h.document.querySelectorAll<HTMLInputElement>('.run-matches input[type=checkbox]')];
    assert.deepEqual(boxes.map((b) => [b.dataset.run, b.checked, b.disabled]), [['r1', false, true], ['r9', true, false]]);
    const add = h.document.querySelector<HTMLButtonElement>('.run-picker button.primary');
    assert.equal(add?.textContent, 'Add 1 run');
    add?.click();
    assert.deepEqual(setRuns(h), [{ type: 'setRuns', runIds: ['r1', 'r2', 'r3', 'r9'] }]);
    assert.equal(h.document.querySelectorAll('img').length, 0);
  } finally {
    h.close();
  }
});

test('compare legend: the search narrows it; hide all hides the matches; × removes a run from the comparison', async () => {
  const h = withData();
  try {
    const search = h.document.querySelector<HTMLInputElement>('.legend-search');
    assert.ok(search);
    search.value = 'CALM';
    search.dispatchEvent(new h.window.Event('input'));
    const shown = [...h.document.querySelectorAll<HTMLElement>('.legend-entry')].filter((e) => !e.hidden).map((e) => e.dataset.run);
    assert.deepEqual(shown, ['r3']);
    [...h.document.querySelectorAll('button')].find((b) => b.textContent === 'Hide all')?.click();
    assert.deepEqual([...h.document.querySelectorAll('.legend-item.off')].map((b) => b.textContent), ['calm-heron']);
    // The tables follow once the charts' frame is painted.
    await h.frame();
    assert.deepEqual([...h.document.querySelectorAll('table[data-table=params] tbody tr')].map((r) => (r as HTMLElement).dataset.run), ['r1', 'r2'], 'hidden runs leave the tables');
    h.document.querySelector<HTMLButtonElement>('.legend-entry[data-run="r1"] .legend-remove')?.click();
    assert.deepEqual(setRuns(h), [{ type: 'setRuns', runIds: ['r2', 'r3'] }]);
  } finally {
    h.close();
  }
});

test('compare legend: hiding a run restyles its entry in place (no rebuild of the legend) and the charts follow', () => {
  const h = withData();
  try {
    const item = h.document.querySelector<HTMLButtonElement>('.legend-entry[data-run="r1"] .legend-item');
    assert.ok(item);
    item.click();
    const after = h.document.querySelector<HTMLButtonElement>('.legend-entry[data-run="r1"] .legend-item');
    assert.equal(after, item, 'the same legend entry, restyled (100 runs must not rebuild 100 entries per click)');
    assert.deepEqual([item.classList.contains('off'), item.getAttribute('aria-pressed')], [true, 'false']);
    assert.match(h.document.querySelector('.legend-count')?.textContent ?? '', /3 runs · 2 drawn/);
    item.click();
    assert.deepEqual([item.classList.contains('off'), item.getAttribute('aria-pressed')], [false, 'true']);
    assert.match(h.document.querySelector('.legend-count')?.textContent ?? '', /3 runs · 3 drawn/);
  } finally {
    h.close();
  }
});

test('compare tables: runs are rows, a header click sorts (again: descending), only differences drops equal params', async () => {
  const h = withData();
  try {
    await h.frame();
    const order = () => [...h.document.querySelectorAll<HTMLElement>('table[data-table=params] tbody tr')].map((r) => r.dataset.run);
    const header = () => h.document.querySelector<HTMLElement>('table[data-table=params] th[data-key="param:lr"]');
    assert.deepEqual(order(), ['r1', 'r2', 'r3']);
    header()?.click();
    assert.deepEqual(order(), ['r3', 'r1', 'r2']);
    assert.equal(header()?.getAttribute('aria-sort'), 'ascending');
    header()?.click();
    assert.deepEqual(order(), ['r2', 'r1', 'r3']);
    const onlyDiff = h.document.querySelector<HTMLInputElement>('#only-diff');
    assert.ok(onlyDiff);
    onlyDiff.checked = true;
    onlyDiff.dispatchEvent(new h.window.Event('change'));
    assert.deepEqual([...h.document.querySelectorAll('table[data-table=params] thead th')].map((c) => c.textContent), ['Run', 'lr ▼']);
    const summaryHead = [...h.document.querySelectorAll('table[data-table=summary] thead th')].map((c) => c.textContent);
    assert.deepEqual(summaryHead, ['Run', 'train/loss · last', 'train/loss · min', 'train/loss · max']);
    const best = [...h.document.querySelectorAll('table[data-table=summary] td.best')].map((c) => [(c.parentElement as HTMLElement).dataset.run, c.textContent]);
    assert.deepEqual(best, [['r1', '0.1'], ['r2', '0.2'], ['r2', '0.9']], 'the lowest of each column of a loss');
  } finally {
    h.close();
  }
});

test('tooltip rows: sorted by value, highest first, runs without a finite value last', () => {
  const rows = [{ y: 1 }, { y: null }, { y: 3 }, { y: Number.NaN }, { y: -2 }];
  assert.deepEqual(byValue(rows).map((r) => r.y), [3, 1, -2, null, Number.NaN]);
});
