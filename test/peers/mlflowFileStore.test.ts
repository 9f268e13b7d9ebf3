// The MLflow FileStore importer against files written by MLflow 2.17.2 itself, compared with what MLflow's own
// client read from them (expected/mlflow_filestore.json).
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openRunIndex } from '../../src/core/openRunIndex';
import { MlflowFileStoreReader } from '../../src/core/sources/mlflowFileStore';
import { mirrorSource } from '../../src/core/sources/sourceMirror';
import { captureLog, WASM_PATH } from '../unit/workspaceFixture';
import { expected, expectedNumber, peerPath, treeChecksums } from './peerFixtures';

interface ExpectedRun {
  run_id: string; run_name: string; experiment_id: string; status: string; user_id: string; start_time: number; end_time: number;
  parent_run_id: string | null; params: Record<string, string>; tags: Record<string, string>;
  latest_metrics: Record<string, number | string>; metrics: Record<string, [number, number | string, number][]>;
  artifacts: { path: string; size: number }[];
}
interface ExpectedStore {
  experiments: { experiment_id: string; name: string; lifecycle_stage: string; tags: Record<string, string>; runs: ExpectedRun[] }[];
  registered_models: { name: string; description: string; tags: Record<string, string>; aliases: Record<string, string>;
    versions: { version: string; source: string; run_id: string; status: string; current_stage: string }[] }[];
}

const ROOT = peerPath('mlflow', 'mlruns');
const store = expected('mlflow_filestore.json') as ExpectedStore;
const runs = store.experiments.flatMap((e) => e.runs.map((r) => ({ exp: e, run: r })));

describe('peers: MLflow FileStore (mlruns/ by MLflow 2.17.2)', () => {
  it('reads every experiment with its tags', () => {
    const reader = new MlflowFileStoreReader(ROOT);
    const problems: unknown[] = [];
    const got = reader.experiments(problems as never[]);
    assert.deepEqual(problems, []);
    assert.deepEqual(got.map((e) => ({ experiment_id: e.id, name: e.name, lifecycle_stage: e.lifecycleStage, tags: Object.fromEntries(e.tags) })),
      store.experiments.map((e) => ({ experiment_id: e.experiment_id, name: e.name, lifecycle_stage: e.lifecycle_stage, tags: e.tags })));
  });

  it('reads every run, param, tag, metric point (NaN, +inf) and artifact as MLflow\'s client does', async () => {
    const reader = new MlflowFileStoreReader(ROOT);
    const listing = await reader.listRuns();
    assert.deepEqual(listing.problems, []);
    assert.deepEqual(listing.runs.map((r) => r.sourceId).sort(), runs.map((r) => r.run.run_id).sort());
    let points = 0;
    for (const { exp, run } of runs) {
      const ref = listing.runs.find((r) => r.sourceId === run.run_id)!;
      const delta = await reader.readRun(ref, undefined);
      assert.deepEqual(delta.problems, [], run.run_name);
      const meta = delta.meta!;
      assert.equal(meta.name, run.run_name);
      assert.equal(meta.experiment, exp.name);
      assert.equal(meta.status.toUpperCase(), run.status);
      assert.equal(meta.user, run.user_id);
      assert.equal(meta.startedAt, run.start_time);
      assert.equal(meta.endedAt, run.end_time);
      assert.equal(meta.parent ?? null, run.parent_run_id);
      assert.equal(meta.notes, run.tags['mlflow.note.content'] ?? '');
      assert.equal(meta.script, run.tags['mlflow.source.name']);
      assert.deepEqual(Object.fromEntries(meta.params), run.params);
      assert.deepEqual(Object.fromEntries(meta.tags), run.tags);
      assert.deepEqual(meta.artifacts, run.artifacts);
      const metrics: Record<string, [number, number | string, number][]> = {};
      const latest: Record<string, number | string> = {};
      for (const [key, s] of delta.series) {
        metrics[key] = s.steps.map((step, i) => [step, expectedNumber(s.values[i]!), s.times[i]!]);
        points += s.steps.length;
        // MLflow's latest: the point with the highest step (then timestamp, then value).
        let best = 0;
        for (let i = 1; i < s.steps.length; i++) if (s.steps[i]! > s.steps[best]! || (s.steps[i] === s.steps[best] && s.times[i]! > s.times[best]!)) best = i;
        latest[key] = expectedNumber(s.values[best]!);
      }
      assert.deepEqual(metrics, run.metrics, run.run_name);
      assert.deepEqual(latest, run.latest_metrics, run.run_name);
    }
    assert.equal(points, 530, 'the README counts 530 points');
  });

  it('reads the registered model, its version and alias', () => {
    const reader = new MlflowFileStoreReader(ROOT);
    const problems: unknown[] = [];
    const models = reader.registeredModels(problems as never[]);
    assert.deepEqual(problems, []);
    assert.deepEqual(models.map((m) => ({
      name: m.name, description: m.description, tags: Object.fromEntries(m.tags), aliases: Object.fromEntries(m.aliases),
      versions: m.versions.map((v) => ({ version: v.version, source: v.source, run_id: v.runId, status: v.status, current_stage: v.currentStage })),
    })), store.registered_models.map((m) => ({
      name: m.name, description: m.description, tags: m.tags, aliases: m.aliases,
      versions: m.versions.map((v) => ({ version: v.version, source: v.source, run_id: v.run_id, status: v.status, current_stage: v.current_stage })),
    })));
  });

  it('imports into the index: runs listed with params, tags, parent and full series; the store untouched; a re-scan adds nothing', async () => {
    const before = treeChecksums(ROOT);
    const ws = mkdtempSync(join(tmpdir(), 'trialbook-peers-'));
    try {
      const trialbookDir = join(ws, '.trialbook');
      const log = captureLog();
      const first = await mirrorSource(new MlflowFileStoreReader(ROOT), join(trialbookDir, 'runs'), log);
      assert.deepEqual(first.problems, []);
      assert.equal(first.changed.length, 5);
      const index = await openRunIndex({ trialbookDir, wasmPath: WASM_PATH, log, saveDelayMs: 60_000 });
      try {
        const report = await index.sync();
        assert.deepEqual(report.problems, []);
        const rows = index.listRuns();
        assert.equal(rows.length, 5);
        for (const { exp, run } of runs) {
          const row = rows.find((r) => r.id === `mlflow-${run.run_id}`)!;
          assert.ok(row, run.run_name);
          assert.equal(row.name, run.run_name);
          assert.equal(row.experiment, exp.name);
          assert.equal(row.status, run.status.toLowerCase());
          assert.equal(row.startedAt, run.start_time);
          assert.equal(row.endedAt, run.end_time);
          assert.equal(row.user, run.user_id);
          for (const [k, v] of Object.entries(run.params)) assert.equal(String(row.params[k]), v);
          for (const [k, v] of Object.entries(run.tags)) if (!k.startsWith('mlflow.')) assert.ok(row.tags.includes(`${k}=${v}`), `${run.run_name} tag ${k}`);
          for (const [key, pts] of Object.entries(run.metrics)) {
            const [line] = index.series({ runIds: [row.id], keys: [key], xAxis: 'step', maxPoints: 100_000 });
            assert.equal(line!.totalPoints, pts.length, `${run.run_name} ${key}`);
            assert.deepEqual(line!.y.map(expectedNumber), [...pts].sort((a, b) => a[0] - b[0]).map((p) => p[1]));
          }
          const detail = index.getRun(row.id)!;
          if (run.parent_run_id) assert.equal(detail.group, `mlflow-${run.parent_run_id}`);
          assert.equal(detail.sdk?.name, 'MLflow FileStore');
        }
        // A second pass over the same store writes nothing and lists the same five runs.
        const again = await mirrorSource(new MlflowFileStoreReader(ROOT), join(trialbookDir, 'runs'), log);
        assert.deepEqual(again.changed, []);
        await index.sync();
        assert.equal(index.listRuns().length, 5);
      } finally {
        await index.close();
      }
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
    assert.deepEqual(treeChecksums(ROOT), before, 'not one byte, mode or time of the store changed');
  });
});
