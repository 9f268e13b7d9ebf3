// Grouping with bands in the built compare page (jsdom), issue 16: the grouping chosen (key, line, band, hidden
// groups) is saved with the page's state and comes back when the page starts again from it (the tab shown again,
// or a window reload: VS Code hands the page the state it saved); runs' tags are grouping keys, sent by the host
// with the runs.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRunIndex } from '../../../src/core/openRunIndex';
import { compareContract, type CompareData, type CompareViewState } from '../../../src/shared/webviews/compare/contract';
import { buildCompareData } from '../../../src/vscode/webviews/compare/compareData';
import { fromPairs } from '../../fixtures/linePoints';
import { RunLog } from '../../fixtures/runLog';
import { loadWebview, repoRoot, type Harness } from './webviewHarness';

const LRS = [0.1, 0.01];
const SEEDS = 3;

/** Two configs (lr) × three seeds; the first seed of each config tagged `baseline`, every run tagged `sweep`. */
function sweep(): CompareData {
  const runs = LRS.flatMap((lr, c) => Array.from({ length: SEEDS }, (_, seed) => ({
    id: `r${c}${seed}`, name: `lr${lr}-seed${seed}`, experiment: 'e', status: 'finished', color: '#1f77b4',
    tags: seed === 0 ? ['sweep', 'baseline'] : ['sweep'],
  })));
  return {
    runs,
    metrics: ['loss'],
    selectedMetrics: ['loss'],
    xAxis: 'step',
    lines: runs.map((r, i) => ({ runId: r.id, metric: 'loss', ...fromPairs([0, 1 + i, 1, 0.5 + i, 2, 0.25 + i]), totalPoints: 3 })),
    params: [
      { name: 'lr', values: runs.map((_, i) => LRS[Math.floor(i / SEEDS)] ?? null) },
      { name: 'seed', values: runs.map((_, i) => i % SEEDS) },
    ],
    summaries: [],
  };
}

function page(saved?: unknown, data: CompareData = sweep()): Harness {
  const h = loadWebview('compare', saved);
  h.send({ type: 'data', data });
  return h;
}

const select = (h: Harness, label: string): HTMLSelectElement => {
  const found = h.document.querySelector<HTMLSelectElement>(`select[aria-label="${label}"]`);
  assert.ok(found, `the ${label} select`);
  return found;
};

function choose(h: Harness, label: string, value: string): void {
  const s = select(h, label);
  s.value = value;
  assert.equal(s.value, value, `${label} offers ${value}`);
  s.dispatchEvent(new h.window.Event('change'));
}

const entries = (h: Harness): Array<[string, string | null]> => [...h.document.querySelectorAll('.group-entry button')]
  .map((b) => [b.textContent ?? '', b.getAttribute('aria-pressed')]);
const savedGrouping = (h: Harness): CompareViewState['grouping'] => (h.state() as CompareViewState).grouping;
const groupLegendShown = (h: Harness): boolean => !(h.document.querySelector<HTMLElement>('.group-legend')?.hidden ?? true);

test('compare grouping: key, line, band and hidden groups are saved and come back when the page starts again', () => {
  const first = page();
  let state: unknown;
  try {
    choose(first, 'Group runs by', 'except:seed');
    choose(first, 'Group line', 'median');
    choose(first, 'Group band', 'std');
    first.document.querySelector<HTMLButtonElement>('.group-entry button')?.click();
    assert.deepEqual(entries(first), [['lr=0.01 (3 runs)', 'false'], ['lr=0.1 (3 runs)', 'true']]);
    const grouping = savedGrouping(first);
    assert.equal(grouping?.by, 'except:seed');
    assert.equal(grouping?.center, 'median');
    assert.equal(grouping?.band, 'std');
    assert.equal(grouping?.hidden?.length, 1);
    state = first.state();
    assert.equal(compareContract.state.problem(state, 'state'), undefined, 'the saved state fits the contract');
    assert.deepEqual(first.errors, []);
  } finally {
    first.close();
  }

  // The page starts over from what it saved (a hidden tab shown again, a reload): the same grouping, before and
  // after the data comes.
  const again = page(state);
  try {
    assert.equal(select(again, 'Group runs by').value, 'except:seed');
    assert.equal(select(again, 'Group line').value, 'median');
    assert.equal(select(again, 'Group band').value, 'std');
    assert.deepEqual(entries(again), [['lr=0.01 (3 runs)', 'false'], ['lr=0.1 (3 runs)', 'true']]);
    assert.ok(groupLegendShown(again), 'the groups\' legend shows');
    assert.match(again.document.querySelector('.group-legend .legend-count')?.textContent ?? '', /^2 groups of 6 runs · median with ± std band$/);
    assert.deepEqual(savedGrouping(again), (state as CompareViewState).grouping, 'saved again as it was');
    // Ungroup is saved too: the next start draws every run.
    again.document.querySelector<HTMLButtonElement>('.grouping button')?.click();
    assert.equal(savedGrouping(again)?.by, '');
    state = again.state();
    assert.deepEqual(again.errors, []);
  } finally {
    again.close();
  }
  const ungrouped = page(state);
  try {
    assert.equal(select(ungrouped, 'Group runs by').value, '');
    assert.equal(groupLegendShown(ungrouped), false);
    assert.equal(select(ungrouped, 'Group line').value, 'median', 'the line and band chosen stay for the next grouping');
  } finally {
    ungrouped.close();
  }
});

test('compare grouping: a saved grouping by a param these runs no longer have ends quietly (and is saved so)', () => {
  const data = sweep();
  data.params = data.params.filter((p) => p.name !== 'lr');
  const h = page({ runIds: [], selectedMetrics: [], xAxis: 'step', smoothing: 0, logScale: false, onlyDifferentParams: false,
    grouping: { by: 'param:lr', center: 'mean', band: 'minmax', hidden: ['[0.1]'] } }, data);
  try {
    assert.equal(select(h, 'Group runs by').value, '');
    assert.equal(groupLegendShown(h), false);
    assert.deepEqual(savedGrouping(h), { by: '', center: 'mean', band: 'minmax' });
    assert.deepEqual(h.errors, []);
  } finally {
    h.close();
  }
});

test('compare grouping by tags: a tag some runs have splits them in two; the same set of tags groups alike', () => {
  const h = page();
  try {
    const offered = [...select(h, 'Group runs by').querySelectorAll('optgroup[label="Tags"] option')].map((o) => [o.getAttribute('value'), o.textContent]);
    // `sweep` is on every run: nothing to tell apart, not offered.
    assert.deepEqual(offered, [['tags', 'same tags'], ['tag:baseline', 'tagged baseline']]);
    choose(h, 'Group runs by', 'tag:baseline');
    assert.deepEqual(entries(h).map(([label]) => label), ['tagged baseline (2 runs)', 'not tagged baseline (4 runs)']);
    choose(h, 'Group runs by', 'tags');
    assert.deepEqual(entries(h).map(([label]) => label), ['tags: baseline, sweep (2 runs)', 'tags: sweep (4 runs)']);
    assert.equal(savedGrouping(h)?.by, 'tags');
    assert.deepEqual(h.errors, []);
  } finally {
    h.close();
  }
});

test('compare data: each run carries its tags (none: no field), and the message fits the contract', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'trialbook-compare-tags-'));
  const trialbookDir = join(dir, '.trialbook');
  const t0 = Math.floor(Date.now() / 1000) - 100;
  const ids = ['20261201T000000000-aaaaaaaaaa', '20261201T000001000-bbbbbbbbbb'];
  ids.forEach((id, r) => {
    const log = new RunLog(id).start({ experiment: 'e', name: `run ${r}`, config: { lr: 0.1 }, tags: r === 0 ? ['baseline', '<b>bold</b>'] : [] }, t0 + r);
    log.metrics(0, { loss: 1 }, { ts: t0 + r });
    log.end('finished', undefined, t0 + 30).writeTo(trialbookDir);
  });
  const index = await openRunIndex({ trialbookDir, wasmPath: join(repoRoot, 'node_modules/sql.js/dist/sql-wasm.wasm'), log: { info: () => undefined, warn: () => undefined, error: () => undefined }, crashAfterSeconds: 3600, saveDelayMs: 60_000 });
  try {
    await index.sync();
    const data = buildCompareData(index, ids, undefined, 'step', 1000);
    assert.deepEqual(data.runs.map((r) => r.tags), [['baseline', '<b>bold</b>'], undefined]);
    assert.equal(compareContract.toWebview.problem({ type: 'data', data }, ''), undefined);
    // Shown as text in the page's group legend, never as markup.
    const h = page(undefined, data);
    try {
      choose(h, 'Group runs by', 'tags');
      assert.deepEqual(entries(h).map(([label]) => label), ['tags: <b>bold</b>, baseline (1 run)', 'no tags (1 run)']);
      assert.equal(h.document.querySelector('.group-legend b'), null);
    } finally {
      h.close();
    }
  } finally {
    await index.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
