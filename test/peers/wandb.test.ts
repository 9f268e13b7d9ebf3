// The W&B importer against an offline run written by wandb 0.16.6, compared with what W&B's own reader found
// (expected/wandb.json: wandb's DataStore + wandb_internal_pb2.Record).
import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MediaCatalog } from '../../src/core/media/mediaCatalog';
import { openRunIndex } from '../../src/core/openRunIndex';
import type { HistogramItem, ImageItem } from '../../src/shared/webviews/media/contract';
import { detectSourceKind } from '../../src/core/sources/sourceKinds';
import { mirrorSource } from '../../src/core/sources/sourceMirror';
import { readWandbLog } from '../../src/core/sources/wandbLog';
import { wandbRecordType } from '../../src/core/sources/wandbProto';
import { WandbReader } from '../../src/core/sources/wandbRuns';
import { captureLog, WASM_PATH } from '../unit/workspaceFixture';
import { expected, expectedNumber, peerPath, treeChecksums } from './peerFixtures';

interface ExpectedRun {
  dir: string;
  file: string;
  record_counts: Record<string, number>;
  run: { run_id: string; project: string; display_name: string; notes: string; tags: string[]; host: string; start_time: number };
  config: Record<string, unknown>;
  history_rows: number;
  metrics: Record<string, [number, number | string, number][]>;
  media: Record<string, ({ step: number } & Record<string, unknown>)[]>;
  summary: Record<string, unknown>;
  files: { path: string; policy: string }[];
  exit: { exit_code: number; runtime: number };
  artifacts: { type: string; name: string; digest: string; entries: { path: string; digest: string; size: number }[] }[];
}

const root = peerPath('wandb');
const want = (expected('wandb.json') as { runs: ExpectedRun[] }).runs;

describe('peers: W&B offline runs written by wandb 0.16.6', () => {
  it('frames every record with valid checksums, across block boundaries, with the record kinds W&B counts', () => {
    const type = wandbRecordType();
    for (const exp of want) {
      const counts = new Map<string, number>();
      const r = readWandbLog(join(root, exp.dir, exp.file), 0, (data) => {
        const rec = type.toObject(type.decode(data)) as Record<string, unknown>;
        for (const k of Object.keys(rec)) if (k !== 'num') counts.set(k, (counts.get(k) ?? 0) + 1);
      });
      assert.deepEqual(r.problems, []);
      assert.equal(r.pendingBytes, 0);
      assert.ok(r.offset > 32 * 1024, 'the fixture spans more than one block');
      assert.equal(r.records, Object.values(exp.record_counts).reduce((a, b) => a + b, 0));
      // Kinds this reader declares are counted exactly; the others (telemetry, console output) decode as empty records.
      for (const [k, n] of counts) assert.equal(n, exp.record_counts[k], k);
      for (const k of ['history', 'summary', 'files', 'artifact', 'run', 'exit', 'final', 'header', 'footer']) assert.equal(counts.get(k), exp.record_counts[k], k);
    }
  });

  it('detects the wandb folder, lists its run once (latest-run is not a run) and reads what W&B\'s reader found', async () => {
    assert.equal(detectSourceKind(root), 'wandb');
    const reader = new WandbReader(root, () => Date.now());
    const listing = await reader.listRuns();
    assert.deepEqual(listing.problems, []);
    assert.deepEqual(listing.runs.map((r) => r.sourceId), want.map((w) => w.run.run_id));
    for (const [i, ref] of listing.runs.entries()) {
      const exp = want[i]!;
      const delta = await reader.readRun(ref, undefined);
      assert.deepEqual(delta.problems, []);
      const meta = delta.meta!;
      assert.equal(meta.name, exp.run.display_name);
      assert.equal(meta.experiment, exp.run.project);
      assert.equal(meta.notes, exp.run.notes);
      assert.deepEqual([...meta.tags.keys()], exp.run.tags);
      assert.equal(meta.host, exp.run.host);
      assert.equal(meta.startedAt / 1000, exp.run.start_time);
      assert.equal(meta.status, exp.exit.exit_code === 0 ? 'finished' : 'failed');
      const { _wandb: _bookkeeping, ...config } = exp.config;
      assert.deepEqual(Object.fromEntries(meta.params), config);
      const wantSummary = Object.fromEntries(Object.entries(exp.summary).filter(([k, v]) => !k.startsWith('_') && !(typeof v === 'object' && v !== null && '_type' in v)));
      assert.deepEqual(Object.fromEntries(meta.summary), wantSummary);
      assert.deepEqual(meta.artifacts.map((a) => a.path), exp.files.map((f) => f.path).sort());
      assert.ok(meta.artifacts.every((a) => a.size > 0), 'every listed file is in files/ with its size');
      // Steps and values exactly; times within a microsecond (they are kept in milliseconds, W&B writes seconds).
      const metrics: Record<string, [number, number | string][]> = {};
      for (const [k, s] of delta.series) {
        metrics[k] = s.steps.map((step, j) => [step, expectedNumber(s.values[j]!)]);
        s.times.forEach((t, j) => assert.ok(Math.abs(t / 1000 - exp.metrics[k]![j]![2]) < 1e-6, `${k} time of point ${j}`));
      }
      assert.deepEqual(metrics, Object.fromEntries(Object.entries(exp.metrics).map(([k, pts]) => [k, pts.map(([step, v]) => [step, v])])));
      const media: Record<string, Record<string, unknown>[]> = {};
      for (const r of delta.rich.filter((x) => !x.tag.startsWith('artifact '))) {
        assert.ok(r.data && r.data.kind !== 'text' && r.data.kind !== 'hparams');
        const entry = exp.media[r.tag]?.find((m) => m.step === r.step);
        assert.ok(entry, `${r.tag} at step ${r.step} is one W&B found`);
        (media[r.tag] ??= []).push({ step: r.step, kind: r.kind });
        if (r.data.kind === 'image') assert.deepEqual([r.data.width, r.data.height, r.data.format, r.data.bytes], [entry.width, entry.height, entry.format, entry.size]);
        if (r.data.kind === 'histogram') { assert.deepEqual(r.data.counts, entry.values); assert.deepEqual(r.data.limits, (entry.bins as number[]).slice(1)); }
        if (r.data.kind === 'json') assert.deepEqual(r.data.json, Object.fromEntries(Object.entries(entry).filter(([k]) => k !== 'step' && k !== 'content')));
      }
      assert.deepEqual(media, { samples: [{ step: 5, kind: 'image' }], weights: [{ step: 5, kind: 'histogram' }], table: [{ step: 5, kind: 'table' }] });
      const artifacts = delta.rich.filter((x) => x.tag.startsWith('artifact ')).map((x) => x.data?.kind === 'json' ? x.data.json : undefined);
      assert.deepEqual(artifacts, exp.artifacts);
    }
  });

  it('imports into the index (params, summary, every point) and leaves the source byte-for-byte untouched', async () => {
    const before = treeChecksums(root);
    const tmp = mkdtempSync(join(tmpdir(), 'trialbook-peers-wandb-'));
    const trialbookDir = join(tmp, '.trialbook');
    const log = captureLog();
    try {
      const report = await mirrorSource(new WandbReader(root), join(trialbookDir, 'runs'), log);
      assert.deepEqual(report.problems, []);
      const index = await openRunIndex({ trialbookDir, wasmPath: WASM_PATH, log, saveDelayMs: 60_000, readerWorker: false });
      try {
        await index.sync();
        const exp = want[0]!;
        const run = index.getRun(`wandb-${exp.run.run_id}`);
        assert.ok(run);
        assert.equal(run.name, exp.run.display_name);
        assert.equal(run.experiment, exp.run.project);
        assert.equal(run.status, 'finished');
        assert.equal(run.params.lr, 0.01);
        assert.deepEqual(run.params.layers, [64, 32]);
        assert.equal(run.summary?.best_acc, 0.9);
        for (const [k, points] of Object.entries(exp.metrics)) {
          assert.equal(run.metrics[k]?.count, points.length, k);
          assert.equal(run.metrics[k]?.lastStep, points[points.length - 1]![0], k);
        }
        // The image W&B kept in files/ and the histogram are media of the run; the table and the artifact stay listed in words.
        const media = new MediaCatalog().read(run.id, run.dir);
        assert.deepEqual(media.problems, []);
        const sample = exp.media.samples?.[0];
        const [img] = (media.keys.get('samples')?.byStep.get(5) ?? []) as ImageItem[];
        assert.ok(img && sample, 'the samples image at step 5');
        assert.deepEqual([img.width, img.height], [sample.width, sample.height]);
        assert.equal(img.caption, sample.caption);
        const runFolder = readdirSync(root).find((d) => d.startsWith('offline-run-'))!;
        const source = readFileSync(join(root, runFolder, 'files', String(sample.path)));
        assert.deepEqual(readFileSync(join(run.dir, 'media', img.file)), source);
        const [histo] = (media.keys.get('weights')?.byStep.get(5) ?? []) as HistogramItem[];
        assert.deepEqual(histo?.counts.reduce((a, b) => a + b, 0), (exp.media.weights?.[0]?.values as number[]).reduce((a, b) => a + b, 0));
        assert.match(run.warnings?.[0] ?? '', /^2 rich values imported as a list only.*artifact run-.*; table \(table ×1/);
        assert.doesNotMatch(run.warnings?.[0] ?? '', /samples|weights/);
      } finally {
        await index.close();
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    assert.deepEqual(treeChecksums(root), before);
  });
});
