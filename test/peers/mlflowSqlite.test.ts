// The MLflow SQLite store importer against mlflow.db written by MLflow 2.17.2, compared with what MLflow's own client
// read (expected/mlflow_sqlite.json); the file is only read (checksums before and after).
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openRunIndex } from '../../src/core/openRunIndex';
import { MlflowSqliteReader } from '../../src/core/sources/mlflowSqlite';
import { mirrorSource } from '../../src/core/sources/sourceMirror';
import { detectSourceKind } from '../../src/core/sources/sourceKinds';
import { captureLog, WASM_PATH } from '../unit/workspaceFixture';
import { expected, expectedNumber, peerPath, treeChecksums } from './peerFixtures';

interface ExpectedRun {
  run_id: string; run_name: string; status: string; user_id: string; start_time: number; end_time: number; parent_run_id: string | null;
  params: Record<string, string>; tags: Record<string, string>; metrics: Record<string, [number, number | string, number][]>; artifacts: { path: string; size: number }[];
}
interface ExpectedStore {
  experiments: { experiment_id: string; name: string; tags: Record<string, string>; runs: ExpectedRun[] }[];
  registered_models: { name: string; description: string; aliases: Record<string, string>; versions: { version: string; run_id: string; source: string; status: string; current_stage: string }[] }[];
}

const DB = peerPath('mlflow', 'sqlite', 'mlflow.db');
const store = expected('mlflow_sqlite.json') as ExpectedStore;

describe('peers: MLflow SQLite store (mlflow.db by MLflow 2.17.2)', () => {
  it('is detected as one, and its schema revision is a known one', async () => {
    assert.equal(detectSourceKind(DB), 'mlflow-sqlite');
    const reader = new MlflowSqliteReader(DB, WASM_PATH);
    assert.deepEqual((await reader.listRuns()).problems, []);
    assert.equal(reader.head, 'f5a4f2784254');
    reader.close();
  });

  it('reads every experiment, run, param, tag, metric point and artifact, and the registered model, as MLflow\'s client does', async () => {
    const before = treeChecksums(peerPath('mlflow', 'sqlite'));
    const reader = new MlflowSqliteReader(DB, WASM_PATH);
    const listing = await reader.listRuns();
    const described = await reader.describe();
    assert.deepEqual(described.experiments.map((e) => ({ id: e.id, name: e.name, tags: Object.fromEntries(e.tags) })),
      store.experiments.map((e) => ({ id: e.experiment_id, name: e.name, tags: e.tags })));
    assert.deepEqual(described.models.map((m) => ({ name: m.name, description: m.description, aliases: Object.fromEntries(m.aliases), versions: m.versions })),
      store.registered_models.map((m) => ({ name: m.name, description: m.description, aliases: m.aliases,
        versions: m.versions.map((v) => ({ version: v.version, runId: v.run_id, source: v.source, status: v.status, currentStage: v.current_stage })) })));
    const runs = store.experiments.flatMap((e) => e.runs.map((r) => ({ exp: e, run: r })));
    assert.deepEqual(listing.runs.map((r) => r.sourceId).sort(), runs.map((r) => r.run.run_id).sort());
    for (const { exp, run } of runs) {
      const delta = await reader.readRun(listing.runs.find((r) => r.sourceId === run.run_id)!, undefined);
      assert.deepEqual(delta.problems, []);
      const meta = delta.meta!;
      assert.deepEqual([meta.name, meta.experiment, meta.status.toUpperCase(), meta.user, meta.startedAt, meta.endedAt, meta.parent ?? null],
        [run.run_name, exp.name, run.status, run.user_id, run.start_time, run.end_time, run.parent_run_id]);
      assert.deepEqual(Object.fromEntries(meta.params), run.params);
      assert.deepEqual(Object.fromEntries(meta.tags), run.tags);
      assert.deepEqual(meta.artifacts, run.artifacts, `${run.run_name} artifacts (found under mlartifacts/ beside the store)`);
      const metrics: Record<string, [number, number | string, number][]> = {};
      for (const [key, s] of delta.series) metrics[key] = s.steps.map((step, i) => [step, expectedNumber(s.values[i]!), s.times[i]!]);
      assert.deepEqual(metrics, run.metrics, run.run_name);
    }
    reader.close();
    assert.deepEqual(treeChecksums(peerPath('mlflow', 'sqlite')), before, 'mlflow.db and its artifacts untouched');
  });

  it('imports into the index; a second pass over the unchanged store adds nothing', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'trialbook-peers-'));
    try {
      const trialbookDir = join(ws, '.trialbook');
      const log = captureLog();
      const reader = new MlflowSqliteReader(DB, WASM_PATH);
      const first = await mirrorSource(reader, join(trialbookDir, 'runs'), log);
      assert.deepEqual(first.problems, []);
      assert.equal(first.changed.length, 5);
      assert.deepEqual((await mirrorSource(reader, join(trialbookDir, 'runs'), log)).changed, []);
      reader.close();
      const index = await openRunIndex({ trialbookDir, wasmPath: WASM_PATH, log, saveDelayMs: 60_000 });
      try {
        await index.sync();
        const rows = index.listRuns();
        assert.deepEqual(rows.map((r) => r.name).sort(), ['baseline', 'child-0', 'failed-run', 'long-run', 'parent']);
        const long = rows.find((r) => r.name === 'long-run')!;
        assert.equal(long.metrics['train/loss']!.count, 500);
        assert.equal(long.id, 'mlflowdb-fffbdaa0397b40198b0e590193b81639');
      } finally {
        await index.close();
      }
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  });
});
