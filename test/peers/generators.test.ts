// The project's own writers of TensorBoard and MLflow files (test/fixtures/sourceWriters.ts, used by the benchmarks
// and the tests that need bad or large files) give the same bytes as the real tools for the same content.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseMetaYaml } from '../../src/core/sources/metaYaml';
import { tensorboardTypes } from '../../src/core/sources/tensorboardProto';
import { readRecords } from '../../src/core/sources/tfRecord';
import { frameWandbRecords, readWandbLog, wandbFileHeader } from '../../src/core/sources/wandbLog';
import { TB_WRITER, tbEventFile, writeMlflowExperiment, writeMlflowRegisteredModel, writeMlflowRun, type TbScalar } from '../fixtures/sourceWriters';
import { peerPath } from './peerFixtures';

describe('peers: the project\'s generators against the real files', () => {
  for (const writer of ['torch', 'tensorboardX']) {
    it(`a scalar event file written again from its decoded content is byte-for-byte ${writer}'s`, () => {
      const dir = peerPath('tensorboard', writer, 'run-b');
      const name = readdirSync(dir).find((n) => n.startsWith('events.out.tfevents.'))!;
      const file = join(dir, name);
      const { event } = tensorboardTypes();
      let createdAt = 0;
      let sourceWriter: string | undefined;
      const scalars: TbScalar[] = [];
      readRecords(file, 0, (data) => {
        const e = event.toObject(event.decode(data), { longs: Number }) as { wall_time: number; step?: number; file_version?: string; source_metadata?: { writer: string }; summary?: { value: { tag: string; simple_value: number }[] } };
        if (e.file_version !== undefined) { createdAt = e.wall_time; sourceWriter = e.source_metadata?.writer; return; }
        for (const v of e.summary?.value ?? []) scalars.push({ tag: v.tag, step: e.step ?? 0, wallTime: e.wall_time, value: v.simple_value });
      });
      assert.equal(scalars.length, 3000);
      assert.equal(sourceWriter, writer === 'torch' ? TB_WRITER : undefined);
      assert.ok(tbEventFile(createdAt, scalars, sourceWriter).equals(readFileSync(file)));
    });
  }

  it('an MLflow run written by the generator has the FileStore\'s meta.yaml fields and metric lines', () => {
    const real = peerPath('mlflow', 'mlruns', '753698333998006129', '2cd79386d8ee4dbfb6570f6a6db8a387');
    const tmp = mkdtempSync(join(tmpdir(), 'trialbook-gen-'));
    try {
      const exp = writeMlflowExperiment(tmp, '753698333998006129', 'fixture-exp-a');
      const lines = readFileSync(join(real, 'metrics', 'loss'), 'utf8').trim().split('\n').map((l) => l.split(' '));
      const points = lines.map(([t, v, s]) => [Number(t), v === 'nan' ? Number.NaN : Number(v), Number(s)] as [number, number, number]);
      const dir = writeMlflowRun(exp, '753698333998006129', { runId: '2cd79386d8ee4dbfb6570f6a6db8a387', name: 'baseline', startTime: 1, metrics: { loss: points } });
      assert.equal(readFileSync(join(dir, 'metrics', 'loss'), 'utf8'), readFileSync(join(real, 'metrics', 'loss'), 'utf8'));
      const keys = (f: string): string[] => [...parseMetaYaml(readFileSync(f, 'utf8')).values.keys()].sort();
      assert.deepEqual(keys(join(dir, 'meta.yaml')), keys(join(real, 'meta.yaml')));
      assert.deepEqual(keys(join(exp, 'meta.yaml')), keys(join(real, '..', 'meta.yaml')));
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('a W&B run log framed again from its records is byte-for-byte wandb 0.16.6\'s (blocks, chunk types, padding, checksums)', () => {
    const dir = peerPath('wandb', 'offline-run-20261130_044350-hshrkve4');
    const file = join(dir, 'run-hshrkve4.wandb');
    const records: Uint8Array[] = [];
    readWandbLog(file, 0, (data) => { records.push(Uint8Array.from(data)); });
    assert.equal(records.length, 330);
    assert.ok(Buffer.concat([wandbFileHeader(), frameWandbRecords(records)]).equals(readFileSync(file)));
  });

  it('a registered model written by the generator has the FileStore registry\'s files and meta.yaml fields', () => {
    const real = peerPath('mlflow', 'mlruns', 'models', 'fixture-model');
    const tmp = mkdtempSync(join(tmpdir(), 'trialbook-gen-'));
    try {
      const dir = writeMlflowRegisteredModel(tmp, {
        name: 'fixture-model', description: 'fixture', tags: { owner: 'peers' }, aliases: { champion: 1 },
        versions: [{ version: 1, runId: '41c6f47abded44b49e551f986aefb555', source: 'file:///x/artifacts/model' }],
      });
      const keys = (f: string): string[] => [...parseMetaYaml(readFileSync(f, 'utf8')).values.keys()].sort();
      assert.deepEqual(keys(join(dir, 'meta.yaml')), keys(join(real, 'meta.yaml')));
      assert.deepEqual(keys(join(dir, 'version-1', 'meta.yaml')), keys(join(real, 'version-1', 'meta.yaml')));
      for (const f of ['meta.yaml', 'tags/owner', 'aliases/champion']) {
        const text = (root: string): string => readFileSync(join(root, f), 'utf8').replace(/^(creation|last_updated)_timestamp: \d+$/gm, '$1_timestamp: T');
        assert.equal(text(dir), text(real), f);
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
