// The TensorBoard importer against event files written by torch.utils.tensorboard (TensorBoard 2.20.0's writer) and
// by tensorboardX 2.6.5, compared with what TensorBoard's own reader found (expected/tensorboard_*.json).
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MediaCatalog } from '../../src/core/media/mediaCatalog';
import { openRunIndex } from '../../src/core/openRunIndex';
import type { HistogramItem, ImageItem, TextItem } from '../../src/shared/webviews/media/contract';
import type { RichValue } from '../../src/core/sources/sourceModel';
import { mirrorSource } from '../../src/core/sources/sourceMirror';
import { TensorBoardReader } from '../../src/core/sources/tensorboardLogdir';
import { tensorboardTypes } from '../../src/core/sources/tensorboardProto';
import { readRecords } from '../../src/core/sources/tfRecord';
import { captureLog, WASM_PATH } from '../unit/workspaceFixture';
import { expected, expectedNumber, peerPath, treeChecksums } from './peerFixtures';

interface ExpectedRun {
  files: { name: string; bytes: number; records: number; file_version: string }[];
  tags: Record<string, { value: string | null; plugin: string | null; count: number }>;
  scalars?: Record<string, [number, number | string, number][]>;
  histograms?: Record<string, { step: number; wall_time: number; min: number; max: number; num: number; sum: number; sum_squares: number; bucket_limits: number[]; bucket_counts: number[] }[]>;
  images?: Record<string, { step: number; wall_time: number; width: number; height: number; format: string; bytes: number }[]>;
  text?: Record<string, [number, string, number][]>;
  hparams?: Record<string, unknown>;
}

for (const writer of ['torch', 'tensorboardX']) {
  const root = peerPath('tensorboard', writer);
  const want = (expected(`tensorboard_${writer}.json`) as { runs: Record<string, ExpectedRun> }).runs;

  describe(`peers: TensorBoard logdir written by ${writer}`, () => {
    it('frames every record with valid CRCs and reads each file\'s version record', () => {
      const { event } = tensorboardTypes();
      for (const [run, exp] of Object.entries(want)) {
        for (const f of exp.files) {
          const versions: string[] = [];
          const r = readRecords(join(root, run, f.name), 0, (data) => {
            const ev = event.decode(data) as unknown as { file_version?: string };
            if (ev.file_version) versions.push(ev.file_version);
          });
          assert.deepEqual(r.problems, [], `${run}/${f.name}`);
          assert.equal(r.records, f.records);
          assert.equal(r.offset, f.bytes);
          assert.equal(r.pendingBytes, 0);
          assert.deepEqual(versions, [f.file_version]);
        }
      }
    });

    it('lists the runs TensorBoard lists and reads every scalar, histogram, image, text and hparam', async () => {
      const reader = new TensorBoardReader(root);
      const listing = await reader.listRuns();
      assert.deepEqual(listing.problems, []);
      assert.deepEqual(listing.runs.map((r) => r.sourceId), Object.keys(want).sort());
      for (const ref of listing.runs) {
        const exp = want[ref.sourceId]!;
        const delta = await reader.readRun(ref, undefined);
        assert.deepEqual(delta.problems, [], ref.sourceId);
        const scalars: Record<string, [number, number | string, number][]> = {};
        for (const [tag, s] of delta.series) scalars[tag] = s.steps.map((step, i) => [step, expectedNumber(s.values[i]!), s.times[i]! / 1000]);
        assert.deepEqual(scalars, exp.scalars ?? {}, `${ref.sourceId} scalars`);
        const byKind = (kind: RichValue['kind']): RichValue[] => delta.rich.filter((r) => r.kind === kind);
        const histograms: NonNullable<ExpectedRun['histograms']> = {};
        for (const r of byKind('histogram')) {
          const d = r.data;
          assert.ok(d && d.kind === 'histogram');
          (histograms[r.tag] ??= []).push({ step: r.step, wall_time: r.timeMs / 1000, min: d.min, max: d.max, num: d.num, sum: d.sum, sum_squares: d.sumSquares, bucket_limits: d.limits, bucket_counts: d.counts });
        }
        assert.deepEqual(histograms, exp.histograms ?? {}, `${ref.sourceId} histograms`);
        const images: NonNullable<ExpectedRun['images']> = {};
        for (const r of byKind('image')) {
          const d = r.data;
          assert.ok(d && d.kind === 'image');
          (images[r.tag] ??= []).push({ step: r.step, wall_time: r.timeMs / 1000, width: d.width, height: d.height, format: d.format, bytes: d.bytes });
        }
        const wantImages = Object.fromEntries(Object.entries(exp.images ?? {}).map(([k, v]) => [k, v.map(({ step, wall_time, width, height, format, bytes }) => ({ step, wall_time, width, height, format, bytes }))]));
        assert.deepEqual(images, wantImages, `${ref.sourceId} images`);
        const text: Record<string, [number, string, number][]> = {};
        for (const r of byKind('text')) {
          const d = r.data;
          assert.ok(d && d.kind === 'text');
          (text[r.tag] ??= []).push([r.step, d.text, r.timeMs / 1000]);
        }
        assert.deepEqual(text, exp.text ?? {}, `${ref.sourceId} text`);
        const hparams: Record<string, unknown> = {};
        for (const r of byKind('hparams')) { assert.ok(r.data && r.data.kind === 'hparams'); hparams[r.tag] = r.data.json; }
        assert.deepEqual(hparams, exp.hparams ?? {}, `${ref.sourceId} hparams`);
        // Every tag is accounted for: as a series or as a listed rich value, as often as TensorBoard counts it.
        const counts: Record<string, number> = {};
        for (const [tag, s] of delta.series) counts[tag] = s.steps.length;
        for (const r of delta.rich) counts[r.tag] = (counts[r.tag] ?? 0) + 1;
        assert.deepEqual(counts, Object.fromEntries(Object.entries(exp.tags).map(([k, v]) => [k, v.count])), `${ref.sourceId} tags`);
        // The session's hparams are the run's params.
        if (exp.hparams) {
          const start = (exp.hparams['_hparams_/session_start_info'] as { session_start_info: { hparams: Record<string, unknown> } }).session_start_info.hparams;
          assert.deepEqual(Object.fromEntries(delta.meta!.params), start);
        }
      }
    });

    it('imports into the index beside each other, without writing into the logdir; a re-scan adds nothing', async () => {
      const before = treeChecksums(root);
      const ws = mkdtempSync(join(tmpdir(), 'trialbook-peers-'));
      try {
        const trialbookDir = join(ws, '.trialbook');
        const log = captureLog();
        const first = await mirrorSource(new TensorBoardReader(root), join(trialbookDir, 'runs'), log);
        assert.deepEqual(first.problems, []);
        assert.equal(first.changed.length, Object.keys(want).length);
        const index = await openRunIndex({ trialbookDir, wasmPath: WASM_PATH, log, saveDelayMs: 60_000 });
        try {
          assert.deepEqual((await index.sync()).problems, []);
          const rows = index.listRuns();
          assert.deepEqual(rows.map((r) => r.name).sort(), Object.keys(want).sort());
          const runB = rows.find((r) => r.name === 'run-b')!;
          assert.equal(runB.status, 'finished');
          assert.equal(runB.experiment, writer);
          const [line] = index.series({ runIds: [runB.id], keys: ['train/loss'], xAxis: 'step', maxPoints: 100_000 });
          assert.deepEqual(line!.y, want['run-b']!.scalars!['train/loss']!.map((p) => p[1]));
          const runA = index.getRun(rows.find((r) => r.name === 'run-a')!.id)!;
          assert.ok(Number.isNaN(index.series({ runIds: [runA.id], keys: ['edge/nan_at_step_2'], xAxis: 'step', maxPoints: 100 })[0]!.y[2]));
          // Histograms, images and text are media of the run (docs/event-format.md, "Media"), as the SDK logs them.
          const media = new MediaCatalog().read(runA.id, runA.dir);
          assert.deepEqual(media.problems, []);
          const expA = want['run-a']!;
          const histo = media.keys.get('weights/layer1');
          assert.equal(histo?.type, 'histogram');
          for (const h of expA.histograms?.['weights/layer1'] ?? []) {
            const [item] = (histo?.byStep.get(h.step) ?? []) as HistogramItem[];
            assert.ok(item && item.edges, `histogram at step ${h.step}`);
            assert.equal(item.counts.reduce((a, b) => a + b, 0), h.num, 'every value counted');
            assert.ok(item.counts.length <= 512);
            assert.ok(item.edges[0]! <= h.min && item.edges[item.edges.length - 1]! >= h.max, 'the edges span min..max');
          }
          const image = media.keys.get('samples/gradient');
          assert.equal(image?.type, 'image');
          const [img] = (image?.byStep.get(0) ?? []) as ImageItem[];
          assert.deepEqual([img?.width, img?.height], [32, 16]);
          const png = readFileSync(join(runA.dir, 'media', img!.file));
          assert.equal(png.length, expA.images?.['samples/gradient']?.[0]?.bytes);
          assert.equal(img!.file, `${createHash('sha256').update(png).digest('hex')}.png`);
          const text = media.keys.get('notes/text_summary');
          assert.deepEqual([0, 1].map((step) => ((text?.byStep.get(step) ?? []) as TextItem[])[0]?.markdown), expA.text?.['notes/text_summary']?.map((t) => t[1]));
          assert.deepEqual(runA.warnings ?? [], [], 'nothing left listed only');
          const hp = rows.find((r) => r.name === 'run-a/hparams')!;
          assert.equal(hp.params.optimizer, 'adam');
          assert.equal(hp.params.lr, 0.01);
          const again = await mirrorSource(new TensorBoardReader(root), join(trialbookDir, 'runs'), log);
          assert.deepEqual(again.changed, []);
          assert.equal(readdirSync(join(trialbookDir, 'runs')).length, Object.keys(want).length);
        } finally {
          await index.close();
        }
      } finally {
        rmSync(ws, { recursive: true, force: true });
      }
      assert.deepEqual(treeChecksums(root), before);
    });
  });
}
