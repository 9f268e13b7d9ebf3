// Sources benchmark (issue 15's three figures), each as a ratio against a bare pass over the same files in the same
// run. Scale with TRIALBOOK_BENCH_SCALE (1 = the sizes: 100 TensorBoard runs × 10 scalars × 10,000 steps,
// 1,000 MLflow runs × 10 metrics × 1,000 steps; default 0.05 for a quick look).
//   1. TensorBoard first import (frame, check CRCs, decode, write run logs, index them) vs frame + decode only (the
//      issue's bare pass), and vs frame + check the data CRC + decode (what a TFRecord reader does by default).
//   2. MLflow FileStore first import (into the index) vs reading and splitting the same metric files.
//   3. Following: one TensorBoard record appended to a big event file, visible in the index; and 1 KB appended.
//   4. MLflow SQLite store (20 runs × 10 metrics × 1,000 steps from scale 0.25) vs loading it and selecting each run's metric rows.
//   5. W&B offline runs (20 runs × 1,000 rows × 10 keys from scale 0.25) vs framing and decoding their records.
// 1, 2, 4 and 5 are paired rounds (TRIALBOOK_BENCH_ROUNDS, default 5): each round runs the bare pass and the import
// back to back, the ratio is taken within the round, and the median of the rounds' ratios is printed, in wall time
// and in this process's CPU time (on a machine others load, the CPU ratio moves less than the wall-clock one), with
// the load average. The import is the editor's path (the index open, taking each run's lines as columns);
// TRIALBOOK_BENCH_LOGS=1 adds the path of a closed index (it reads the logs the pass wrote) to each round.
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, appendFileSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRunIndex } from '../src/core/openRunIndex';
import type { RunIndex } from '../src/core/runIndex';
import { SourceFollower } from '../src/core/sources/sourceFollower';
import { tensorboardTypes } from '../src/core/sources/tensorboardProto';
import { readRecords } from '../src/core/sources/tfRecord';
import { listFilesRecursive } from '../src/core/sources/sourceFiles';
import { readWandbLog } from '../src/core/sources/wandbLog';
import { wandbRecordType } from '../src/core/sources/wandbProto';
import { loadSqlJs } from '../src/core/sqlEngine';
import { rows } from '../src/core/store';
import { tbEvent, writeMlflowExperiment, writeMlflowRun, writeTbEventFile, writeWandbRun, type TbScalar } from '../test/fixtures/sourceWriters';

const scale = Number(process.env.TRIALBOOK_BENCH_SCALE ?? '0.05');
const WASM = join(__dirname, '..', '..', 'node_modules', 'sql.js', 'dist', 'sql-wasm.wasm');
const rounds = Math.max(1, Number(process.env.TRIALBOOK_BENCH_ROUNDS ?? '5'));
const withLogs = process.env.TRIALBOOK_BENCH_LOGS === '1';
/** TRIALBOOK_BENCH_PARTS=tensorboard,wandb runs only those (tensorboard, mlflow, follow, sqlite, wandb). */
const parts = (process.env.TRIALBOOK_BENCH_PARTS ?? '').split(',').filter((x) => x !== '');
const part = (name: string): boolean => parts.length === 0 || parts.includes(name);
const log = { info: () => undefined, warn: () => undefined, error: (m: string) => { console.error(m); } };

function* tbScalars(steps: number, tags: number): Generator<TbScalar> {
  for (let step = 0; step < steps; step++) for (let t = 0; t < tags; t++) yield { tag: `metric/${t}`, step, wallTime: 1_700_000_000 + step * 0.5, value: Math.sin(step + t) };
}

interface Timing { wallMs: number; cpuMs: number }

async function timed(fn: () => unknown): Promise<Timing> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await fn();
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000 };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] ?? Number.NaN : ((s[m - 1] ?? Number.NaN) + (s[m] ?? Number.NaN)) / 2;
}

const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' ');

interface Pass { name: string; fn: () => unknown }

/**
 * Paired rounds: each round runs every bare pass and every import once, back to back, so load that comes and goes
 * falls on both; each figure is the median over the rounds of the ratio taken within a round.
 */
async function paired(what: string, bares: readonly Pass[], imports: readonly Pass[]): Promise<void> {
  const times = new Map<string, Timing[]>();
  const loadBefore = load();
  for (let r = 0; r < rounds; r++) {
    for (const p of [...bares, ...imports]) {
      const t = await timed(p.fn);
      times.set(p.name, [...(times.get(p.name) ?? []), t]);
    }
  }
  const out = [`sources: ${what} (${rounds} paired rounds, load ${loadBefore} → ${load()}):`];
  for (const b of bares) {
    const bt = times.get(b.name) ?? [];
    for (const i of imports) {
      const it = times.get(i.name) ?? [];
      const wall = median(bt.map((x, k) => x.wallMs / (it[k]?.wallMs ?? Number.NaN)));
      const cpu = median(bt.map((x, k) => x.cpuMs / (it[k]?.cpuMs ?? Number.NaN)));
      out.push(`  ${i.name} vs ${b.name}: median bare ${median(bt.map((x) => x.wallMs)).toFixed(0)} ms, import ${median(it.map((x) => x.wallMs)).toFixed(0)} ms: ${wall.toFixed(2)}×`
        + ` (CPU ${median(bt.map((x) => x.cpuMs)).toFixed(0)} / ${median(it.map((x) => x.cpuMs)).toFixed(0)} ms: ${cpu.toFixed(2)}×; goal ≥ 0.5×)`);
    }
  }
  console.log(out.join('\n'));
}

/**
 * A first import into a fresh index. `columns`: the index is open during the pass and takes each run's appended lines
 * as columns (as in the editor); otherwise it reads the logs the pass wrote (the path before columns; still the
 * path of a rebuild, or of a pass while the index is closed).
 */
async function importInto(tmp: string, source: string, columns: boolean): Promise<void> {
  const trialbookDir = join(tmp, `.trialbook-${Math.random().toString(16).slice(2)}`);
  const follower = new SourceFollower(join(trialbookDir, 'runs'), log, { wasmPath: WASM });
  follower.setSources([{ path: source }], tmp);
  let index: RunIndex | undefined;
  if (columns) {
    const open = await openRunIndex({ trialbookDir, wasmPath: WASM, log, saveDelayMs: 600_000, readerWorker: false });
    follower.setSink((append) => open.ingestImported(append));
    index = open;
  }
  await follower.pass();
  index ??= await openRunIndex({ trialbookDir, wasmPath: WASM, log, saveDelayMs: 600_000, readerWorker: false });
  await index.sync();
  await index.close();
  follower.close();
  rmSync(trialbookDir, { recursive: true, force: true });
}

/** The import (and with TRIALBOOK_BENCH_LOGS=1 the closed-index path) against the bare passes, in paired rounds. */
async function importVsBare(what: string, bares: readonly Pass[], tmp: string, source: string): Promise<void> {
  const imports: Pass[] = [{ name: 'import (columns to the index)', fn: () => importInto(tmp, source, true) }];
  if (withLogs) imports.push({ name: 'import (index reads the logs)', fn: () => importInto(tmp, source, false) });
  await paired(what, bares, imports);
}

/** An MLflow 2.17 store's tables as far as the reader reads them, with `runs` runs of 10 metrics × 1000 steps. */
async function writeSqliteStore(file: string, runs: number): Promise<void> {
  const { sql } = await loadSqlJs(WASM);
  const db = new sql.Database();
  db.exec(`CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL); INSERT INTO alembic_version VALUES ('f5a4f2784254');
    CREATE TABLE experiments (experiment_id INTEGER, name TEXT, artifact_location TEXT, lifecycle_stage TEXT, creation_time BIGINT, last_update_time BIGINT);
    INSERT INTO experiments VALUES (1, 'bench', '', 'active', 0, 0);
    CREATE TABLE runs (run_uuid TEXT, name TEXT, source_type TEXT, source_name TEXT, entry_point_name TEXT, user_id TEXT, status TEXT, start_time BIGINT, end_time BIGINT, source_version TEXT, lifecycle_stage TEXT, artifact_uri TEXT, experiment_id INTEGER, deleted_time BIGINT);
    CREATE TABLE params (key TEXT, value TEXT, run_uuid TEXT); CREATE TABLE tags (key TEXT, value TEXT, run_uuid TEXT);
    CREATE TABLE metrics (key TEXT, value FLOAT, timestamp BIGINT, run_uuid TEXT, step BIGINT, is_nan BOOLEAN); CREATE INDEX index_metrics_run_uuid ON metrics (run_uuid);
    BEGIN;`);
  const insert = db.prepare('INSERT INTO metrics VALUES (?, ?, ?, ?, ?, 0)');
  for (let r = 0; r < runs; r++) {
    const id = r.toString(16).padStart(32, '0');
    db.run("INSERT INTO runs VALUES (?, ?, 'UNKNOWN', '', '', 'ada', 'FINISHED', 1700000000000, 1700001000000, '', 'active', '', 1, NULL)", [id, `r${r}`]);
    for (let s = 0; s < 1000; s++) for (let k = 0; k < 10; k++) insert.run([`m${k}`, Math.cos(s + k), 1_700_000_000_000 + s * 1000, id, s]);
  }
  insert.free();
  db.exec('COMMIT');
  writeFileSync(file, db.export());
  db.close();
}

/** 4: an MLflow SQLite store against loading it and selecting the metric rows. */
async function sqliteStore(tmp: string, runs: number): Promise<void> {
  mkdirSync(join(tmp, 'sqlite'));
  const dbFile = join(tmp, 'sqlite', 'mlflow.db');
  await writeSqliteStore(dbFile, runs);
  const { sql } = await loadSqlJs(WASM);
  const bareSql = (): void => {
    const db = new sql.Database(readFileSync(dbFile));
    for (const r of rows(db, 'SELECT run_uuid FROM runs')) rows(db, 'SELECT rowid, key, value, timestamp, step, is_nan FROM metrics WHERE run_uuid = ? ORDER BY rowid', [r[0] ?? null]);
    db.close();
  };
  await importVsBare(`MLflow SQLite ${runs} runs × 10 metrics × 1000 steps`, [{ name: 'load+select', fn: bareSql }], tmp, dbFile);
}

/** 5: W&B offline runs against framing and decoding their records. */
async function wandbRuns(tmp: string, runs: number): Promise<void> {
  const wandb = join(tmp, 'wandb');
  for (let r = 0; r < runs; r++) {
    const logged = Array.from({ length: 1000 }, (_, s) => Object.fromEntries(Array.from({ length: 10 }, (__, k) => [`m${k}`, Math.cos(s + k)])));
    writeWandbRun(wandb, { id: `run${r}`, start: 1_700_000_000, rows: logged, exitCode: 0 });
  }
  const record = wandbRecordType();
  const bareWb = (): void => {
    for (const d of readdirSync(wandb)) for (const f of readdirSync(join(wandb, d))) if (f.endsWith('.wandb')) readWandbLog(join(wandb, d, f), 0, (data) => { record.decode(data); });
  };
  await importVsBare(`W&B ${runs} runs × 1000 rows × 10 keys`, [{ name: 'frame+CRC+decode', fn: bareWb }], tmp, wandb);
}

/** 1. TensorBoard. */
async function tensorboard(tmp: string): Promise<void> {
  const runs = Math.max(1, Math.round(100 * scale));
  const steps = Math.max(100, Math.round(10_000 * Math.min(1, scale * 4)));
  const logdir = join(tmp, 'tb');
  for (let r = 0; r < runs; r++) writeTbEventFile(join(logdir, `run-${r}`), 1_700_000_000, tbScalars(steps, 10));
  const { event } = tensorboardTypes();
  let decoded = 0;
  const bareTb = (checkData: boolean) => (): void => {
    decoded = 0;
    for (const dir of readdirSync(logdir)) for (const f of readdirSync(join(logdir, dir))) readRecords(join(logdir, dir, f), 0, (d) => { event.decode(d); decoded++; }, checkData);
  };
  bareTb(false)();
  await importVsBare(`TensorBoard ${runs} runs × 10 scalars × ${steps} steps (${decoded} records)`,
    [{ name: 'frame+decode', fn: bareTb(false) }, { name: 'frame+CRC+decode', fn: bareTb(true) }], tmp, logdir);
}

/** 2. MLflow FileStore. */
async function mlflowFileStore(tmp: string): Promise<void> {
  const mlRuns = Math.max(1, Math.round(1000 * scale));
  const mlruns = join(tmp, 'mlruns');
  const exp = writeMlflowExperiment(mlruns, '1', 'bench');
  for (let r = 0; r < mlRuns; r++) {
    const metrics: Record<string, [number, number, number][]> = {};
    for (let k = 0; k < 10; k++) metrics[`m${k}`] = Array.from({ length: 1000 }, (_, s) => [1_700_000_000_000 + s * 1000, Math.cos(s + k), s]);
    writeMlflowRun(exp, '1', { runId: r.toString(16).padStart(32, '0'), name: `r${r}`, startTime: 1_700_000_000_000, metrics });
  }
  let points = 0;
  const bareMl = (): void => {
    points = 0;
    for (const run of readdirSync(exp)) {
      for (const f of listFilesRecursive(join(exp, run, 'metrics'))) {
        for (const line of readFileSync(join(exp, run, 'metrics', f.path), 'utf8').split('\n')) { if (line) { const p = line.split(' '); points += Number(p[1]) === Number(p[1]) ? 1 : 1; } }
      }
    }
  };
  bareMl();
  await importVsBare(`MLflow ${mlRuns} runs × 10 metrics × 1000 steps (${points} points)`, [{ name: 'read+split', fn: bareMl }], tmp, mlruns);
}

/** 3. Following: one record, then 1 KB, appended to a big event file. */
async function following(tmp: string): Promise<void> {
  const big = join(tmp, 'follow');
  const bigSteps = Math.max(1000, Math.round(2_000_000 * scale));
  const file = writeTbEventFile(join(big, 'live'), 1_700_000_000, tbScalars(bigSteps, 1));
  const trialbookDir = join(tmp, '.trialbook-follow');
  const follower = new SourceFollower(join(trialbookDir, 'runs'), log);
  follower.setSources([{ path: big }], tmp);
  await follower.pass();
  const index = await openRunIndex({ trialbookDir, wasmPath: WASM, log, saveDelayMs: 600_000, readerWorker: false });
  await index.sync();
  follower.setSink((append) => index.ingestImported(append)); // as the editor follows
  appendFileSync(file, tbEvent({ wallTime: 1_800_000_000, step: bigSteps, scalars: [{ tag: 'metric/0', value: 1 }] }));
  let t = performance.now();
  await follower.pass();
  await index.sync();
  const oneMs = performance.now() - t;
  const kb: Buffer[] = [];
  let bytes = 0;
  for (let s = bigSteps + 1; bytes < 1024; s++) { const rec = tbEvent({ wallTime: 1_800_000_000 + s, step: s, scalars: [{ tag: 'metric/0', value: s }] }); kb.push(rec); bytes += rec.length; }
  appendFileSync(file, Buffer.concat(kb));
  t = performance.now();
  await follower.pass();
  await index.sync();
  const kbMs = performance.now() - t;
  console.log(`sources: following a ${(statSync(file).size / 1e6).toFixed(1)} MB event file: one record visible in ${oneMs.toFixed(1)} ms (goal ≤ 1000 ms), ${bytes} bytes appended visible in ${kbMs.toFixed(1)} ms; first import of that file ${'(see above for rates)'}`);
  await index.close();
  follower.close();
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'trialbook-bench-sources-'));
  try {
    if (part('tensorboard')) await tensorboard(tmp);
    if (part('mlflow')) await mlflowFileStore(tmp);
    if (part('follow')) await following(tmp);
    const small = Math.max(2, Math.round(20 * Math.min(1, scale * 4)));
    if (part('sqlite')) await sqliteStore(tmp, small);
    if (part('wandb')) await wandbRuns(tmp, small);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

void main();
