// An mlflow.db from a newer MLflow (an alembic head this version does not know): said once, read anyway; the file is
// never written (its bytes and time are the same after).
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadSqlJs } from '../../../src/core/sqlEngine';
import { mirrorSource } from '../../../src/core/sources/sourceMirror';
import { MlflowSqliteReader } from '../../../src/core/sources/mlflowSqlite';
import { treeChecksums } from '../../peers/peerFixtures';
import { captureLog, WASM_PATH } from '../workspaceFixture';

describe('sources: an mlflow.db from a newer MLflow', () => {
  it('reports the unknown schema revision once and imports what it can read', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'trialbook-sqlite-'));
    try {
      const { sql } = await loadSqlJs(WASM_PATH);
      const db = new sql.Database();
      db.exec(`CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL);
        INSERT INTO alembic_version VALUES ('0123456789ab');
        CREATE TABLE experiments (experiment_id INTEGER, name TEXT, artifact_location TEXT, lifecycle_stage TEXT, creation_time BIGINT, last_update_time BIGINT, new_column TEXT);
        INSERT INTO experiments VALUES (1, 'future-exp', '', 'active', 0, 0, 'x');
        CREATE TABLE runs (run_uuid TEXT, name TEXT, source_type TEXT, source_name TEXT, entry_point_name TEXT, user_id TEXT, status TEXT, start_time BIGINT, end_time BIGINT, source_version TEXT, lifecycle_stage TEXT, artifact_uri TEXT, experiment_id INTEGER, deleted_time BIGINT);
        INSERT INTO runs VALUES ('${'f'.repeat(32)}', 'future-run', 'UNKNOWN', '', '', 'ada', 'FINISHED', 1700000000000, 1700000005000, '', 'active', '', 1, NULL);
        CREATE TABLE params (key TEXT, value TEXT, run_uuid TEXT);
        CREATE TABLE tags (key TEXT, value TEXT, run_uuid TEXT);
        CREATE TABLE metrics (key TEXT, value FLOAT, timestamp BIGINT, run_uuid TEXT, step BIGINT, is_nan BOOLEAN);
        INSERT INTO metrics VALUES ('loss', 0.0, 1700000001000, '${'f'.repeat(32)}', 0, 1), ('loss', 0.5, 1700000002000, '${'f'.repeat(32)}', 1, 0);`);
      const file = join(tmp, 'mlflow.db');
      writeFileSync(file, db.export());
      db.close();
      const before = treeChecksums(tmp);
      const log = captureLog();
      const reader = new MlflowSqliteReader(file, WASM_PATH);
      const report = await mirrorSource(reader, join(tmp, 'ws', '.trialbook', 'runs'), log);
      assert.deepEqual(report.changed, [`mlflowdb-${'f'.repeat(32)}`]);
      assert.equal(report.problems.length, 1);
      assert.match(report.problems[0]!.reason, /schema revision "0123456789ab" is not one this version knows \(f5a4f2784254 = MLflow 2\.17\.x/);
      assert.match(log.warnings.join('\n'), /MLflow SQLite store .*mlflow\.db: schema revision "0123456789ab"/);
      assert.equal((await mirrorSource(reader, join(tmp, 'ws', '.trialbook', 'runs'), log)).problems.length, 0, 'said once');
      reader.close();
      const after = treeChecksums(tmp);
      after.delete('ws/');
      for (const k of [...after.keys()]) if (k.startsWith('ws/')) after.delete(k);
      before.delete('ws/');
      assert.deepEqual([...after].filter(([k]) => k === 'mlflow.db'), [...before].filter(([k]) => k === 'mlflow.db'));
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
