// Opening a workspace whose logs were never indexed, inside the real extension host: the Runs view lists every run
// from its start events while the ingest is held before reading any log, shows that indexing is in progress, and
// fills the metrics in once the logs are read. The Runs view's provider and the index host are the extension's
// own classes (compiled), over a folder of their own, with the ingest held by the index's test hook.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../src/core/model';
import { IndexHost, type IndexingProgress } from '../../src/vscode/indexHost';
import { RunsTreeProvider } from '../../src/vscode/runsTree';
import { RunLog } from '../fixtures/runLog';
import { activateTrialbook, repoRoot } from './helpers';

const RUNS = 40;
const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

suite('Opening a workspace for the first time', () => {
  test('runs are listed from their start events before any log is read; progress shows and ends; metrics fill in', async () => {
    await activateTrialbook();
    const root = mkdtempSync(join(tmpdir(), 'trialbook-openfast-'));
    const trialbookDir = join(root, '.trialbook');
    const t0 = Date.now() / 1000 - 3600;
    for (let r = 0; r < RUNS; r++) {
      const id = `20260101T000000${String(r).padStart(3, '0')}-${(0x1000000000 + r).toString(16)}`;
      new RunLog(id, { t0: t0 + r, tick: 0.01 }).start({ experiment: `exp-${r % 4}`, name: `listed-${r}`, config: { lr: r } })
        .series(50, (step) => ({ loss: 1 / (step + 1 + r) })).end('finished').writeTo(trialbookDir);
    }
    let release!: () => void;
    const held = new Promise<void>((resolve) => { release = resolve; });
    let holding = 0;
    const host = new IndexHost({
      trialbookDir, wasmPath: join(repoRoot(), 'node_modules', 'sql.js', 'dist', 'sql-wasm.wasm'), log: quiet,
      crashAfterSeconds: 30, pollIntervalSeconds: 3600,
      // Held before the first log is read: everything the view shows until then comes from the start events.
      beforeRun: (_id, done) => (done === 0 ? (holding++, held) : undefined),
    });
    const tree = new RunsTreeProvider(host, 'loss', () => ({}), () => '');
    const progress: Array<IndexingProgress | undefined> = [];
    const ended = new Promise<void>((resolve) => host.onDidChangeProgress((p) => { progress.push(p); if (!p) resolve(); }));
    try {
      const listed = await tree.snapshot();
      assert.equal(holding, 1, 'the ingest is held before its first log');
      const runs = listed.flatMap((e) => e.runs);
      assert.equal(runs.length, RUNS, 'every run is listed while no log was read');
      assert.deepEqual(listed.map((e) => e.experiment).sort(), ['exp-0', 'exp-1', 'exp-2', 'exp-3']);
      assert.ok(runs.every((r) => r.status === 'finished'), 'the end is known from the last line');
      assert.ok(runs.every((r) => !r.description.includes('loss')), `no metric before the logs are read: ${runs[0]?.description}`);
      assert.deepEqual(host.progress, { done: 0, total: RUNS, pending: RUNS });
      assert.match(tree.message ?? '', /^Indexing: 0 of 40 logs read/);
      const notice = host.pendingNotice([runs[0]!.id]);
      assert.match(notice ?? '', /still indexing .* fill in as their logs are read/);
      release();
      await ended;
      assert.equal(host.progress, undefined, 'the progress ended');
      assert.equal(progress.at(-1), undefined);
      assert.equal(tree.message, undefined, 'the indexing message is gone');
      const filled = (await tree.snapshot()).flatMap((e) => e.runs);
      assert.equal(filled.length, RUNS);
      assert.ok(filled.every((r) => /^loss /.test(r.description)), `metrics filled in: ${filled[0]?.description}`);
      assert.equal(host.pendingNotice([runs[0]!.id]), undefined);
    } finally {
      release();
      tree.dispose();
      await host.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
