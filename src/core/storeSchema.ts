// Database schema and its forward migrations. `meta.schema_version` says which migrations ran; a database from a
// newer Trialbook (higher version) is never modified by this one.
import type { Database } from 'sql.js';

export const SCHEMA_VERSION = 3;

/** Migration n brings a database from version n-1 to n. */
const MIGRATIONS: ReadonlyArray<string> = [
  '',
  `
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE experiments (name TEXT PRIMARY KEY);
  CREATE TABLE runs (
    id TEXT PRIMARY KEY, experiment TEXT NOT NULL, name TEXT NOT NULL, has_start INTEGER NOT NULL,
    end_status TEXT, error TEXT, started_at REAL NOT NULL, ended_at REAL, last_event_at REAL NOT NULL,
    user TEXT, host TEXT, script TEXT, notebook TEXT, git_commit TEXT, notes TEXT NOT NULL,
    grp TEXT, rank INTEGER, skipped_lines INTEGER NOT NULL, dir TEXT NOT NULL,
    lineage TEXT NOT NULL, summary TEXT NOT NULL, sdk TEXT, warnings TEXT NOT NULL
  );
  CREATE INDEX runs_experiment ON runs (experiment);
  CREATE TABLE params (
    run_id TEXT NOT NULL, key TEXT NOT NULL, type TEXT NOT NULL, num REAL, json TEXT NOT NULL,
    PRIMARY KEY (run_id, key)
  );
  CREATE TABLE tags (run_id TEXT NOT NULL, tag TEXT NOT NULL, PRIMARY KEY (run_id, tag));
  CREATE TABLE metrics (
    run_id TEXT NOT NULL, key TEXT NOT NULL, last REAL, min REAL, max REAL, count INTEGER NOT NULL,
    last_step REAL NOT NULL, series_id INTEGER NOT NULL, chunks INTEGER NOT NULL, tail_points INTEGER NOT NULL,
    PRIMARY KEY (run_id, key)
  );
  CREATE TABLE series_chunks (
    series_id INTEGER NOT NULL, seq INTEGER NOT NULL, points INTEGER NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (series_id, seq)
  );
  CREATE TABLE artifacts (
    run_id TEXT NOT NULL, seq INTEGER NOT NULL, name TEXT NOT NULL, path TEXT NOT NULL, type TEXT NOT NULL,
    size INTEGER NOT NULL, sha256 TEXT NOT NULL, files INTEGER, copied INTEGER, metadata TEXT,
    PRIMARY KEY (run_id, seq)
  );
  CREATE TABLE cell_links (
    run_id TEXT NOT NULL, seq INTEGER NOT NULL, notebook TEXT NOT NULL, exec INTEGER, hash TEXT NOT NULL,
    latest TEXT NOT NULL, last_step REAL NOT NULL, PRIMARY KEY (run_id, seq)
  );
  CREATE INDEX cell_links_notebook ON cell_links (notebook);
  CREATE TABLE pushes (
    id INTEGER PRIMARY KEY, run_id TEXT NOT NULL, artifact TEXT NOT NULL, registry TEXT NOT NULL,
    reference TEXT NOT NULL, digest TEXT, version TEXT, user TEXT, at REAL NOT NULL
  );
  CREATE INDEX pushes_run ON pushes (run_id);
  CREATE TABLE log_files (
    name TEXT PRIMARY KEY, byte_offset INTEGER NOT NULL, line INTEGER NOT NULL, size INTEGER NOT NULL,
    mtime_ms REAL NOT NULL, ino REAL NOT NULL, head_hash TEXT NOT NULL, head_length INTEGER NOT NULL
  );
  `,
  // 2: metric definitions (define_metric). Version 1 skipped `metric` events while reading, and each log is read
  // only once, so the logs are read again: every run's rows go, the next sync re-indexes them (pushes stay, and
  // so does the ledger's cursor row, `.pushes`: no run id starts with a dot).
  `
  ALTER TABLE runs ADD COLUMN metric_defs TEXT;
  ALTER TABLE runs ADD COLUMN primary_metric TEXT;
  DELETE FROM runs; DELETE FROM params; DELETE FROM tags; DELETE FROM metrics; DELETE FROM series_chunks;
  DELETE FROM artifacts; DELETE FROM cell_links; DELETE FROM experiments;
  DELETE FROM log_files WHERE name NOT LIKE '.%';
  `,
  // 3: datasets the runs used (`dataset` events) and the code lineage fields (untracked/modified files, captured
  // sources) that version 2 dropped from the stored lineage: the logs are read again, as for version 2.
  `
  CREATE TABLE inputs (
    run_id TEXT NOT NULL, seq INTEGER NOT NULL, name TEXT NOT NULL, sha256 TEXT, json TEXT NOT NULL,
    PRIMARY KEY (run_id, seq)
  );
  CREATE INDEX inputs_name ON inputs (name);
  DELETE FROM runs; DELETE FROM params; DELETE FROM tags; DELETE FROM metrics; DELETE FROM series_chunks;
  DELETE FROM artifacts; DELETE FROM cell_links; DELETE FROM experiments;
  DELETE FROM log_files WHERE name NOT LIKE '.%';
  `,
];

export class NewerSchemaError extends Error {
  constructor(readonly found: number) {
    super(`the database was written by a newer Trialbook (schema version ${found}; this version understands up to ${SCHEMA_VERSION})`);
  }
}

export function schemaVersion(db: Database): number {
  const hasMeta = db.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'");
  if (hasMeta.length === 0) return 0;
  const rows = db.exec("SELECT value FROM meta WHERE key = 'schema_version'");
  const v = rows[0]?.values[0]?.[0];
  return v === undefined ? 0 : Number(v);
}

/** Brings the database to SCHEMA_VERSION; throws NewerSchemaError without touching a newer one. */
export function migrate(db: Database): void {
  const current = schemaVersion(db);
  if (current > SCHEMA_VERSION) throw new NewerSchemaError(current);
  for (let v = current + 1; v <= SCHEMA_VERSION; v++) {
    db.exec('BEGIN');
    try {
      db.exec(MIGRATIONS[v] ?? '');
      db.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)", [String(v)]);
      db.exec('COMMIT');
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
  }
}
