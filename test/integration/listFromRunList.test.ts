// Opening a workspace that was indexed before, inside the real extension host: the Runs view lists every run, with
// its metrics, from the run list the database's last save left beside it while the database itself has not loaded
// (held by the index's test hook); once it has, the index takes over and the view shows what changed since (a run
// logged after that save). The provider and the index host are the extension's own classes over a folder of their own.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Logger } from '../../src/core/model';
import { openRunIndex } from '../../src/core/openRunIndex';
import { IndexHost } from '../../src/vscode/indexHost';
import { RunsTreeProvider } from '../../src/vscode/runsTree';
import { RunLog } from '../fixtures/runLog';
import { activateTrialbook, repoRoot, waitFor } from './helpers';

const RUNS = 30;
const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

function writeRun(trialbookDir: string, r: number, t0: number): void {
  const id = `20260102T000000${String(r).padStart(3, '0')}-${(0x2000000000 + r).toString(16)}`;
  new RunLog(id, { t0: t0 + r, tick: 0.01 }).start({ experiment: `exp-${r % 3}`, name: `saved-${r}`, config: { lr: r } })
    .series(20, (step) => ({ loss: 1 / (step + 1 + r) })).end('finished').writeTo(trialbookDir);
}

/** Fails instead of waiting for ever when the view cannot list before the held load. */
function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms))]);
}

suite('Opening a workspace indexed before', () => {
  test('runs are listed from the run list while the database has not loaded; the index then takes over', async () => {
    await activateTrialbook();
    const root = mkdtempSync(join(tmpdir(), 'trialbook-runlist-'));
    const trialbookDir = join(root, '.trialbook');
    const wasmPath = join(repoRoot(), 'node_modules', 'sql.js', 'dist', 'sql-wasm.wasm');
    const t0 = Date.now() / 1000 - 3600;
    for (let r = 0; r < RUNS; r++) writeRun(trialbookDir, r, t0);
    // An earlier session indexed and saved them (the save writes the run list beside the database).
    const earlier = await openRunIndex({ trialbookDir, wasmPath, log: quiet, readerWorker: false });
    await earlier.sync();
    await earlier.close();
    // Logged after that save: only the index can know it.
    writeRun(trialbookDir, RUNS, t0);

    let release!: () => void;
    const held = new Promise<void>((resolve) => { release = resolve; });
    let holding = 0;
    const host = new IndexHost({
      trialbookDir, wasmPath, log: quiet, crashAfterSeconds: 30, pollIntervalSeconds: 3600,
      beforeLoad: () => { holding++; return held; },
    });
    const tree = new RunsTreeProvider(host, 'loss', () => ({ sort: 'name' }), () => '');
    try {
      const listed = await within(10_000, 'the Runs view listing while the database load is held', tree.snapshot());
      assert.equal(holding, 1, 'the database load is held');
      const runs = listed.flatMap((e) => e.runs);
      assert.equal(runs.length, RUNS, 'every saved run is listed before the database loaded');
      assert.deepEqual(listed.map((e) => e.experiment).sort(), ['exp-0', 'exp-1', 'exp-2']);
      assert.ok(runs.every((r) => r.status === 'finished'));
      assert.ok(runs.every((r) => /^loss /.test(r.description)), `metrics are there from the list: ${runs[0]?.description}`);
      assert.ok(!runs.some((r) => r.label === `saved-${RUNS}`), 'the run logged after the save is not in the list');
      // VS Code asks for every listed run's item at each refresh: the tooltip waits for a hover (resolveTreeItem).
      const experiments = await tree.getChildren();
      const [first] = experiments[0] ? await tree.getChildren(experiments[0]) : [];
      assert.ok(first?.kind === 'run');
      const item = tree.getTreeItem(first);
      assert.equal(item.tooltip, undefined, 'no tooltip built for a row that is only listed');
      const hovered = tree.resolveTreeItem(item, first);
      assert.match(hovered.tooltip instanceof vscode.MarkdownString ? hovered.tooltip.value : '', /lr = \d+/, 'the tooltip is there on hover');

      const tookOver = new Promise<void>((resolve) => host.onDidChange(() => resolve()));
      release();
      await host.get();
      await within(10_000, 'the index taking over', tookOver);
      const after = await waitFor('the index to list the run logged since', async () => {
        const all = (await tree.snapshot()).flatMap((e) => e.runs);
        return all.length === RUNS + 1 ? all : undefined;
      }, 20_000);
      assert.ok(after.some((r) => r.label === `saved-${RUNS}`), 'the index lists the run logged since the save');
    } finally {
      release();
      tree.dispose();
      await host.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
