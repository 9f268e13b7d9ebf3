// Imported runs handed to the index as columns (src/core/sources/mirrorColumns.ts → src/core/index/importedColumns.ts)
// must leave exactly the index a rebuild from the mirrored logs gives: every run row, param, tag, metric summary,
// cursor and stored point. Each case imports with the index open (the editor's way), snapshots the saved database,
// rebuilds it from the logs and compares. Awkward times (seconds with fractions that do not survive ×1000 exactly),
// -0, NaN and ±Infinity, keys first seen late, a key JSON orders first ("7") and out-of-order series are in the data.
import { strict as assert } from 'node:assert';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import initSqlJs from 'sql.js';
import type { ImportedAppend } from '../../../src/core/index/importedColumns';
import { parseEventLine } from '../../../src/core/eventValidation';
import { BatchBuilder, type LogBatch } from '../../../src/core/logBatches';
import { openRunIndex } from '../../../src/core/openRunIndex';
import type { RunIndex } from '../../../src/core/runIndex';
import { decodeChunk } from '../../../src/core/seriesCodec';
import { applyBatch, newRunState } from '../../../src/core/runState';
import { importedBatch } from '../../../src/core/sources/mirrorColumns';
import { metricLines } from '../../../src/core/sources/mirrorEvents';
import { SourceFollower } from '../../../src/core/sources/sourceFollower';
import type { SourceSeries } from '../../../src/core/sources/sourceModel';
import { pngOf } from '../../fixtures/mediaFiles';
import { appendMlflowMetric, tbEvent, tbValueEvent, writeMlflowExperiment, writeMlflowRun, writeTbEventFile, type TbScalar } from '../../fixtures/sourceWriters';
import { captureLog, WASM_PATH } from '../workspaceFixture';

type Row = Record<string, unknown>;

/** The saved database as plain rows: series ids replaced by their run and key (a rebuild may number them otherwise). */
async function snapshot(index: RunIndex, trialbookDir: string): Promise<Record<string, Row[]>> {
  await index.save();
  const SQL = await initSqlJs({ locateFile: () => WASM_PATH });
  const db = new SQL.Database(readFileSync(join(trialbookDir, 'trialbook.db')));
  try {
    const rows = (sql: string): Row[] => {
      const out: Row[] = [];
      const s = db.prepare(sql);
      while (s.step()) out.push(s.getAsObject());
      s.free();
      return out;
    };
    const seriesOf = new Map<number, string>();
    for (const m of rows('SELECT run_id, key, series_id FROM metrics')) seriesOf.set(Number(m.series_id), `${String(m.run_id)}\u0000${String(m.key)}`);
    const points = new Map<string, { steps: number[]; times: number[]; values: number[] }>();
    for (const c of rows('SELECT series_id, seq, data FROM series_chunks ORDER BY series_id, seq')) {
      const name = seriesOf.get(Number(c.series_id)) ?? `orphan ${String(c.series_id)}`;
      const p = points.get(name) ?? { steps: [], times: [], values: [] };
      const d = decodeChunk(c.data as Uint8Array);
      p.steps.push(...d.steps);
      p.times.push(...d.times);
      p.values.push(...d.values);
      points.set(name, p);
    }
    return {
      runs: rows('SELECT * FROM runs ORDER BY id'),
      params: rows('SELECT * FROM params ORDER BY run_id, key'),
      tags: rows('SELECT * FROM tags ORDER BY run_id, tag'),
      // The order a run's series were created in (the order its keys first appear in the log) is kept.
      metrics: rows(`SELECT run_id, key, last, min, max, count, last_step, chunks, tail_points,
        (SELECT COUNT(*) FROM metrics o WHERE o.run_id = m.run_id AND o.series_id < m.series_id) AS series_rank FROM metrics m ORDER BY run_id, key`),
      experiments: rows('SELECT * FROM experiments ORDER BY name'),
      logFiles: rows('SELECT * FROM log_files ORDER BY name'),
      // Object.is tells -0 from 0 and keeps NaN equal to NaN: the points as strings of exact values.
      points: [...points.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, p]) => ({
        name, steps: p.steps.map((x) => (Object.is(x, -0) ? '-0' : String(x))).join(','),
        times: p.times.map((x) => (Object.is(x, -0) ? '-0' : String(x))).join(','), values: p.values.map((x) => (Object.is(x, -0) ? '-0' : String(x))).join(','),
      })),
    };
  } finally {
    db.close();
  }
}

/** The index's answers too (summaries, statuses), besides its file. */
function answers(index: RunIndex): unknown {
  return index.listRuns().map((r) => index.getRun(r.id)).sort((a, b) => ((a?.id ?? '') < (b?.id ?? '') ? -1 : 1));
}

/** A follower handing its runs to the index, counting what the index took and refused. */
function handing(follower: SourceFollower, index: RunIndex): { taken: string[]; refused: string[] } {
  const seen = { taken: [] as string[], refused: [] as string[] };
  follower.setSink(async (append: ImportedAppend) => {
    const ok = await index.ingestImported(append);
    (ok ? seen.taken : seen.refused).push(append.runId);
    return ok;
  });
  return seen;
}

/** An index on a folder that does not exist yet (as on a first import), noting each log a sync reads. */
async function openIndex(trialbookDir: string, log: ReturnType<typeof captureLog>): Promise<{ index: RunIndex; read: string[] }> {
  const read: string[] = [];
  const index = await openRunIndex({ trialbookDir, wasmPath: WASM_PATH, log, saveDelayMs: 600_000, readerWorker: false, beforeRun: (id) => { read.push(id); } });
  return { index, read };
}

async function assertSameAsRebuild(index: RunIndex, trialbookDir: string, read: string[], handed: readonly string[]): Promise<void> {
  await index.sync();
  assert.deepEqual(read.filter((id) => handed.includes(id)), [], 'no sync read what was handed over');
  const fast = await snapshot(index, trialbookDir);
  const fastAnswers = answers(index);
  await index.rebuild();
  const rebuilt = await snapshot(index, trialbookDir);
  assert.ok(fast.points!.length > 0 && fast.runs!.length > 0, 'something was imported');
  for (const table of Object.keys(rebuilt)) assert.deepEqual(fast[table], rebuilt[table], `${table}: the columns' index equals the rebuild's`);
  assert.deepEqual(fastAnswers, answers(index));
}

const t0 = 1_700_000_000;
function* scalars(from: number, to: number): Generator<TbScalar> {
  const special = [Number.NaN, -0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (let step = from; step < to; step++) {
    // Awkward fractions of a second: (t × 1000) / 1000 × 1000 is not always t × 1000.
    const wallTime = t0 + step * 0.1 + 0.0001 * (step % 7);
    yield { tag: 'loss', step, wallTime, value: step >= 7 && step < 11 ? (special[step - 7] ?? 0) : 1 / (step + 1) };
    if (step >= 50) yield { tag: 'acc', step, wallTime: wallTime + 0.00003, value: step / 300 };
    if (step % 10 === 0) yield { tag: '__proto__', step, wallTime, value: step };
  }
}

/** A deterministic pseudo-random sequence (no test depends on Math.random). */
function rng(seed: number): () => number {
  let x = seed;
  return () => { x = (x * 1_103_515_245 + 12_345) % 2_147_483_648; return x / 2_147_483_648; };
}

/** What the index holds of a run after a batch: times, every summary, and the points waiting to be stored. */
function stateOf(batch: LogBatch): unknown {
  const run = newRunState('r', '/r');
  applyBatch(run, batch);
  const exact = (a: Float64Array | undefined, n: number): string => [...(a ?? new Float64Array()).subarray(0, n)].map((x) => (Object.is(x, -0) ? '-0' : String(x))).join(',');
  return {
    startedAt: run.startedAt, lastEventAt: run.lastEventAt, pendingPoints: run.pendingPoints,
    metrics: [...run.metrics].map(([k, m]) => [k, m.summary, exact(m.pending?.steps, m.pending?.length ?? 0), exact(m.pending?.times, m.pending?.length ?? 0), exact(m.pending?.values, m.pending?.length ?? 0)]),
  };
}

describe('sources: imported columns handed to the index', () => {
  it('the columns of random ordered series give the run state their lines give when read', () => {
    const next = rng(7);
    const specials = [Number.NaN, -0, 0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
    let built = 0;
    for (let round = 0; round < 300; round++) {
      const series = new Map<string, SourceSeries>();
      const keys = 1 + Math.floor(next() * 8);
      for (let k = 0; k < keys; k++) {
        const s: SourceSeries = { steps: [], times: [], values: [] };
        // Times in milliseconds with fractions (TensorBoard's wall times), shared across keys often, late starters.
        let t = 1_700_000_000_000 + Math.floor(next() * 4) * 250.25 + (next() < 0.1 ? -1_700_000_000_000 : 0);
        let step = Math.floor(next() * 5);
        for (let i = 0, n = Math.floor(next() * 30); i < n; i++) {
          t += next() < 0.6 ? 250.25 * Math.floor(1 + next() * 2) : 0.1;
          step += 1;
          const r = next();
          s.steps.push(step); s.times.push(t); s.values.push(r < 0.15 ? (specials[Math.floor(next() * specials.length)] ?? 0) : (r - 0.5) * 1e3 / 7);
        }
        series.set(next() < 0.03 ? String(k) : next() < 0.05 ? '__proto__' : `k${k}/${round}`, s);
      }
      const lines = metricLines(series);
      const batch = importedBatch('', lines, '');
      if (!batch) continue;
      built++;
      const read: LogBatch[] = [];
      const builder = new BatchBuilder();
      for (const line of lines.bytes.toString('utf8').split('\n').slice(0, -1)) {
        const ev = parseEventLine(line);
        assert.ok(!('invalid' in ev), line);
        builder.add(ev);
      }
      if (!builder.isEmpty) read.push(builder.take());
      assert.equal(batch.lines, read.reduce((n, b) => n + b.lines, 0), `round ${round}: lines`);
      assert.deepEqual(stateOf(batch), stateOf(read[0] ?? { items: [], lines: 0, problems: [] }), `round ${round}`);
    }
    assert.ok(built > 200, `most rounds are built as columns (${built})`);
  });

  let tmp: string;
  beforeEach(() => { tmp = mkdtempSync(join(tmpdir(), 'trialbook-columns-')); });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('TensorBoard: the first import and an appended delta give the index a rebuild from the logs gives', async () => {
    const logdir = join(tmp, 'tb');
    const file = writeTbEventFile(join(logdir, 'run-a'), t0, scalars(0, 200));
    const png = pngOf(8, 6, (x, y) => [x * 30, y * 40, 90]);
    appendFileSync(file, Buffer.concat([
      tbValueEvent(t0 + 20.00017, 200, { tag: 'samples', image: { height: 6, width: 8, colorspace: 3, encoded_image_string: png } }),
      tbValueEvent(t0 + 20.1, 200, { tag: 'weights', histo: { min: 0, max: 2, num: 3, sum: 3, sum_squares: 5, bucket_limit: [1, 2], bucket: [1, 2] } }),
    ]));
    // A key a JSON object lists first ("7"), and a series out of order: the index reads these logs itself.
    writeTbEventFile(join(logdir, 'run-index-key'), t0, Array.from({ length: 20 }, (_, step) => ({ tag: step % 2 ? '7' : 'x', step, wallTime: t0 + step, value: step })));
    writeTbEventFile(join(logdir, 'run-unordered'), t0, [5, 3, 4, 1].map((step) => ({ tag: 'y', step, wallTime: t0 + 10 - step, value: step })));
    const trialbookDir = join(tmp, '.trialbook');
    const log = captureLog();
    const { index, read } = await openIndex(trialbookDir, log);
    const follower = new SourceFollower(join(trialbookDir, 'runs'), log, {}, () => Date.now() + 3_600_000);
    try {
      follower.setSources([{ path: logdir }], tmp);
      const seen = handing(follower, index);
      await follower.pass();
      assert.equal(seen.taken.length, 1, `run-a taken as columns (taken ${seen.taken.join(', ')}; refused ${seen.refused.join(', ')})`);
      appendFileSync(file, Buffer.concat([...scalars(200, 260)].map((s) => tbEvent({ wallTime: s.wallTime + 30, step: s.step, scalars: [{ tag: s.tag, value: s.value }] }))));
      await follower.pass();
      assert.equal(seen.taken.length, 2, 'the appended delta taken as columns too');
      assert.equal(seen.refused.length, 0);
      const report = await index.sync();
      assert.ok(report.changed.includes(seen.taken[0]!), 'the sync after the handover reports the run as changed');
      const run = index.getRun(seen.taken[0]!);
      assert.equal(run?.metrics.loss?.count, 260);
      await assertSameAsRebuild(index, trialbookDir, read, seen.taken);
    } finally {
      await index.close();
      follower.close();
    }
  });

  it('MLflow: a running run, its end, and its resumption give the index a rebuild from the logs gives', async () => {
    const mlruns = join(tmp, 'mlruns');
    const exp = writeMlflowExperiment(mlruns, '3', 'columns');
    const id = 'e'.repeat(32);
    const start = 1_700_000_000_123;
    const points = (from: number, to: number, k: number): [number, number, number][] =>
      Array.from({ length: to - from }, (_, i) => [start + (from + i) * 1000 + (i % 3), Math.cos(from + i + k), from + i]);
    const dir = writeMlflowRun(exp, '3', { runId: id, name: 'live', status: 1, startTime: start, endTime: null, params: { lr: '0.01', opt: 'adam' },
      metrics: { a_late: points(30, 100, 3), m0: points(0, 100, 0), m1: points(0, 100, 1), 'train/loss': points(20, 100, 2) } });
    const trialbookDir = join(tmp, '.trialbook');
    const log = captureLog();
    const { index, read } = await openIndex(trialbookDir, log);
    const follower = new SourceFollower(join(trialbookDir, 'runs'), log);
    try {
      follower.setSources([{ path: mlruns }], tmp);
      const seen = handing(follower, index);
      await follower.pass();
      // More points, then the run ends (meta.yaml says FINISHED): params lines before the points, run_end after.
      appendMlflowMetric(dir, 'm0', points(100, 150, 0));
      appendMlflowMetric(dir, 'm1', points(100, 150, 1));
      const meta = join(dir, 'meta.yaml');
      writeFileSync(meta, readFileSync(meta, 'utf8').replace('status: 1', 'status: 3').replace('end_time: null', `end_time: ${start + 200_000}`));
      await follower.pass();
      // Resumed: RUNNING again with new points (a run_start line before them).
      appendMlflowMetric(dir, 'm0', points(150, 160, 0));
      writeFileSync(meta, readFileSync(meta, 'utf8').replace('status: 3', 'status: 1'));
      await follower.pass();
      assert.deepEqual([seen.taken.length, seen.refused.length], [3, 0], 'each pass handed its lines over');
      assert.equal(index.getRun(`mlflow-${id}`)?.metrics.m0?.count, 160);
      await assertSameAsRebuild(index, trialbookDir, read, seen.taken);
    } finally {
      await index.close();
      follower.close();
    }
  });

  it('appends keep going into the database in use across a save and a rebuild (statements kept between appends)', async () => {
    const logdir = join(tmp, 'tb');
    const file = writeTbEventFile(join(logdir, 'kept'), t0, scalars(0, 40));
    const trialbookDir = join(tmp, '.trialbook');
    const log = captureLog();
    const { index, read } = await openIndex(trialbookDir, log);
    const follower = new SourceFollower(join(trialbookDir, 'runs'), log);
    const more = (from: number, to: number): void => {
      appendFileSync(file, Buffer.concat([...scalars(from, to)].map((s) => tbEvent({ wallTime: s.wallTime + 30, step: s.step, scalars: [{ tag: s.tag, value: s.value }] }))));
    };
    try {
      follower.setSources([{ path: logdir }], tmp);
      const seen = handing(follower, index);
      await follower.pass();
      await index.save(); // the database exported: its statements stay usable
      more(40, 60);
      await follower.pass();
      await index.rebuild(); // a new database: the statements of the old one went with it
      read.length = 0; // the rebuild read the log; what is handed from here on must not be read again
      more(60, 80);
      await follower.pass();
      assert.deepEqual([seen.taken.length, seen.refused.length], [3, 0], 'each pass handed its lines over');
      assert.equal(index.getRun(seen.taken[0]!)?.metrics.loss?.count, 80);
      await assertSameAsRebuild(index, trialbookDir, read, seen.taken);
    } finally {
      await index.close();
      follower.close();
    }
  });

  it('an append whose start the index has not read is refused; the sync reads the log instead', async () => {
    const logdir = join(tmp, 'tb');
    const file = writeTbEventFile(join(logdir, 'late'), t0, scalars(0, 30));
    const trialbookDir = join(tmp, '.trialbook');
    const log = captureLog();
    const follower = new SourceFollower(join(trialbookDir, 'runs'), log);
    const { index, read } = await openIndex(trialbookDir, log);
    try {
      follower.setSources([{ path: logdir }], tmp);
      await follower.pass(); // no index to hand to: the log is written only
      const seen = handing(follower, index);
      appendFileSync(file, tbEvent({ wallTime: t0 + 100, step: 100, scalars: [{ tag: 'loss', value: 0.25 }] }));
      await follower.pass();
      assert.deepEqual([seen.taken.length, seen.refused.length], [0, 1], 'the index had not read the start of the log');
      await index.sync();
      assert.equal(index.getRun(seen.refused[0]!)?.metrics.loss?.count, 31);
      assert.deepEqual(read, seen.refused, 'the sync read the log');
      await assertSameAsRebuild(index, trialbookDir, [], []);
    } finally {
      await index.close();
      follower.close();
    }
  });
});
