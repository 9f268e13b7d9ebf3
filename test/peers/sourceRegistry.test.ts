// Registered models of the MLflow fixtures (FileStore models/ folder, mlflow.db's registry tables) as the Models view
// gets them, compared with what MLflow's client found (expected/mlflow_*.json), each version naming its imported run.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { MlflowFileStoreReader } from '../../src/core/sources/mlflowFileStore';
import { MlflowSqliteReader } from '../../src/core/sources/mlflowSqlite';
import type { SourceReader } from '../../src/core/sources/sourceReader';
import { sourceRegisteredModels } from '../../src/core/sources/sourceRegistry';
import { WASM_PATH } from '../unit/workspaceFixture';
import { expected, peerPath, treeChecksums } from './peerFixtures';

interface ExpectedModel {
  name: string;
  description: string;
  tags: Record<string, string>;
  aliases: Record<string, string>;
  versions: { version: string; source: string; run_id: string; status: string; current_stage: string; aliases: string[] }[];
}

const stores: { name: string; file: string; folder: string[]; open: () => SourceReader; prefix: string }[] = [
  { name: 'FileStore', file: 'mlflow_filestore.json', folder: ['mlflow', 'mlruns'], open: () => new MlflowFileStoreReader(peerPath('mlflow', 'mlruns')), prefix: 'mlflow' },
  { name: 'SQLite store', file: 'mlflow_sqlite.json', folder: ['mlflow', 'sqlite'], open: () => new MlflowSqliteReader(peerPath('mlflow', 'sqlite', 'mlflow.db'), WASM_PATH), prefix: 'mlflowdb' },
];

describe('peers: registered models of MLflow sources for the Models view', () => {
  for (const store of stores) {
    it(`${store.name}: models, tags, versions (source, run, status, stage) and aliases as MLflow's client reads them`, async () => {
      const want = (expected(store.file) as { registered_models: ExpectedModel[] }).registered_models;
      assert.ok(want.length > 0, 'the fixture has a registered model');
      const before = treeChecksums(peerPath(...store.folder));
      const reader = store.open();
      const problems: never[] = [];
      try {
        const models = await sourceRegisteredModels(reader, problems);
        assert.deepEqual(problems, []);
        assert.deepEqual(models.map((m) => ({ name: m.name, description: m.description, tags: Object.fromEntries(m.tags), versions: m.versions })),
          want.map((m) => ({
            name: m.name, description: m.description, tags: m.tags,
            versions: m.versions.map((v) => ({
              version: v.version, runId: v.run_id, source: v.source, status: v.status, stage: v.current_stage, aliases: [...v.aliases].sort(),
              mirrorRunId: `${store.prefix}-${v.run_id}`,
            })),
          })));
        assert.ok(models.every((m) => m.kind === reader.kind && m.root === reader.root));
      } finally {
        reader.close();
      }
      assert.deepEqual(treeChecksums(peerPath(...store.folder)), before, 'the store is only read');
    });
  }
});
