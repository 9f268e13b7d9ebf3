// W&B run logs written by the project's own writer (byte-for-byte wandb 0.16.6's framing, see
// test/peers/generators.test.ts), then damaged, cut, grown or left without an exit record on purpose.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { openRunIndex } from '../../../src/core/openRunIndex';
import { SourceFollower } from '../../../src/core/sources/sourceFollower';
import { BLOCK, readWandbLog } from '../../../src/core/sources/wandbLog';
import { WandbReader } from '../../../src/core/sources/wandbRuns';
import { parsePythonJson } from '../../../src/core/sources/wandbValues';
import { appendWandbRecords, wandbHistory, wandbRecord, writeWandbRun } from '../../fixtures/sourceWriters';
import { treeChecksums } from '../../peers/peerFixtures';
import { captureLog, WASM_PATH } from '../workspaceFixture';

const T0 = 1_700_000_000;
const rows = (n: number): Record<string, number>[] => Array.from({ length: n }, (_, i) => ({ loss: 1 / (i + 1), acc: i / n }));

/** Offsets of the records of a log, as the reader finds them. */
function recordOffsets(file: string): number[] {
  const out: number[] = [];
  readWandbLog(file, 0, (_d, offset) => { out.push(offset); });
  return out;
}

describe('sources: W&B run logs', () => {
  let tmp: string;
  let wandbDir: string;
  beforeEach(() => { tmp = mkdtempSync(join(tmpdir(), 'trialbook-wandb-')); wandbDir = join(tmp, 'wandb'); });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  const readOnce = async (now = Date.now()): Promise<Awaited<ReturnType<WandbReader['readRun']>>> => {
    const reader = new WandbReader(wandbDir, () => now);
    const [ref] = (await reader.listRuns()).runs;
    assert.ok(ref);
    return reader.readRun(ref, undefined);
  };

  it('Python JSON: NaN and ±Infinity tokens are numbers, the same words inside strings stay text', () => {
    assert.ok(Number.isNaN(parsePythonJson('NaN') as number));
    assert.deepEqual(parsePythonJson('[Infinity, -Infinity, "NaN", "a NaN b"]'), [Infinity, -Infinity, 'NaN', 'a NaN b']);
    assert.equal(parsePythonJson('{not json'), undefined);
  });

  it('a chunk with a wrong checksum: its record is skipped and reported with file and offset, the rows around it are kept', async () => {
    const file = writeWandbRun(wandbDir, { id: 'abc123', start: T0, rows: rows(10), exitCode: 0 });
    const offsets = recordOffsets(file);
    const bytes = readFileSync(file);
    const bad = offsets[2 + 4]!; // header, run, then rows 0-9: row 4
    bytes[bad + 10] = (bytes[bad + 10]! ^ 0xff) & 0xff;
    writeFileSync(file, bytes);
    const before = treeChecksums(wandbDir);
    const delta = await readOnce();
    assert.deepEqual(delta.series.get('loss')!.steps, [0, 1, 2, 3, 5, 6, 7, 8, 9]);
    assert.equal(delta.problems.length, 1);
    assert.equal(delta.problems[0]!.offset, bad);
    assert.equal(delta.problems[0]!.file, file);
    assert.match(delta.problems[0]!.reason, /checksum wrong.*skipped/);
    assert.equal(delta.meta!.status, 'finished', 'the exit record after the damage is read');
    assert.deepEqual(treeChecksums(wandbDir), before, 'nothing written into the source');
  });

  it('a chunk whose length is damaged: the rest of its block is skipped (reported), the records of the next blocks are kept', async () => {
    const file = writeWandbRun(wandbDir, { id: 'abc123', start: T0, rows: rows(800), exitCode: 0 });
    assert.ok(statSync(file).size > 2 * BLOCK);
    const offsets = recordOffsets(file);
    const bytes = readFileSync(file);
    const bad = offsets.find((o) => o > 100)!;
    bytes.writeUInt16LE(0xfff0, bad + 4); // a length that runs past the block
    writeFileSync(file, bytes);
    const delta = await readOnce();
    const steps = delta.series.get('loss')!.steps;
    const lost = offsets.filter((o) => o >= bad && o < BLOCK).length;
    assert.equal(steps.length, 800 - lost);
    assert.equal(steps[steps.length - 1], 799);
    assert.equal(delta.problems[0]!.offset, bad);
    assert.match(delta.problems[0]!.reason, /damaged chunk header.*next block/);
    // The record that crossed into the next block lost its first part: its last part is reported and skipped.
    assert.equal(delta.problems.length, 2);
    assert.equal(delta.problems[1]!.offset, BLOCK);
    assert.match(delta.problems[1]!.reason, /first part is missing/);
  });

  it('a record larger than a block (FIRST, MIDDLE…, LAST chunks) is read whole', async () => {
    const big = 'x'.repeat(3 * BLOCK);
    writeWandbRun(wandbDir, { id: 'abc123', start: T0, config: { big, lr: 0.1 }, rows: rows(3), exitCode: 0 });
    const delta = await readOnce();
    assert.deepEqual(delta.problems, []);
    assert.equal(delta.meta!.params.get('big'), big);
    assert.equal(delta.meta!.params.get('lr'), 0.1);
    assert.deepEqual(delta.series.get('loss')!.steps, [0, 1, 2]);
  });

  it('a record cut short at the end is waited for (no problem, not read twice); it is read when the rest arrives', async () => {
    const file = writeWandbRun(wandbDir, { id: 'abc123', start: T0, rows: rows(5) });
    const whole = readFileSync(file);
    const last = recordOffsets(file).pop()!;
    truncateSync(file, last + 9);
    const reader = new WandbReader(wandbDir, () => Date.now());
    const [ref] = (await reader.listRuns()).runs;
    const first = await reader.readRun(ref!, undefined);
    assert.deepEqual(first.problems, []);
    assert.deepEqual(first.series.get('loss')!.steps, [0, 1, 2, 3]);
    assert.equal(first.meta!.status, 'running');
    writeFileSync(file, whole);
    const second = await reader.readRun(ref!, first.cursor);
    assert.deepEqual(second.problems, []);
    assert.deepEqual(second.series.get('loss')!.steps, [4]);
  });

  it('a run without an exit record: running while written, failed (crashed) once its log has been still for a minute; a non-zero exit code is failed', async () => {
    const file = writeWandbRun(wandbDir, { id: 'abc123', start: T0, rows: rows(2) });
    const mtime = statSync(file).mtimeMs;
    assert.equal((await readOnce(mtime + 1_000)).meta!.status, 'running');
    const crashed = await readOnce(mtime + 120_000);
    assert.equal(crashed.meta!.status, 'failed');
    assert.equal(crashed.meta!.endedAt, (T0 + 2) * 1000, 'ended at its last row');
    rmSync(wandbDir, { recursive: true });
    writeWandbRun(wandbDir, { id: 'abc123', start: T0, rows: rows(2), exitCode: 1 });
    assert.equal((await readOnce()).meta!.status, 'failed');
  });

  it('system stats become system/<W&B key> metrics stepped by whole seconds since the start; nested dicts and nested keys are dotted names', async () => {
    const file = writeWandbRun(wandbDir, { id: 'abc123', start: T0, rows: [{ eval: { top1: 0.5, top5: 0.9 } }] });
    appendWandbRecords(file, statSync(file).size, [
      wandbRecord({ num: 10, stats: { timestamp: { seconds: T0 + 30, nanos: 0 }, item: [{ key: 'cpu', value_json: '12.5' }, { key: 'gpu.0.memory', value_json: '40' }] } }),
      wandbRecord({ num: 11, history: { item: [{ nested_key: ['opt', 'lr'], value_json: '0.001' }, { key: '_step', value_json: '1' }, { key: '_timestamp', value_json: String(T0 + 31) }] } }),
      wandbHistory(12, 2, T0 + 32, 32, { note: 'epoch done', flag: 1 }),
    ]);
    const delta = await readOnce();
    assert.deepEqual(delta.problems, []);
    assert.deepEqual([...delta.series.keys()].sort(), ['eval.top1', 'eval.top5', 'flag', 'opt.lr', 'system/cpu', 'system/gpu.0.memory']);
    assert.deepEqual(delta.series.get('system/cpu'), { steps: [30], times: [(T0 + 30) * 1000], values: [12.5] });
    assert.deepEqual(delta.series.get('opt.lr')!.steps, [1]);
    assert.deepEqual(delta.rich.map((r) => [r.kind, r.tag, r.step]), [['text', 'note', 2]]);
  });

  it('a file that is not a W&B log says so and is skipped', async () => {
    const file = writeWandbRun(wandbDir, { id: 'abc123', start: T0 });
    writeFileSync(file, 'not a wandb file at all');
    const delta = await readOnce();
    assert.equal(delta.meta, undefined);
    assert.match(delta.problems[0]!.reason, /not a W&B run log/);
  });

  it('following: rows appended by a running W&B run reach the index in one pass and one sync, nothing read twice; the exit record ends it', async () => {
    const file = writeWandbRun(wandbDir, { id: 'live01', start: Date.now() / 1000 - 10, rows: rows(300), config: { lr: 0.01 } });
    const trialbookDir = join(tmp, '.trialbook');
    const log = captureLog();
    const follower = new SourceFollower(join(trialbookDir, 'runs'), log);
    follower.setSources([{ path: wandbDir }], tmp);
    const first = await follower.pass();
    assert.deepEqual(first.changed, ['wandb-live01']);
    const index = await openRunIndex({ trialbookDir, wasmPath: WASM_PATH, log, saveDelayMs: 60_000, readerWorker: false });
    try {
      await index.sync();
      assert.equal(index.getRun('wandb-live01')!.status, 'running');
      assert.equal(index.getRun('wandb-live01')!.metrics.loss!.count, 300);
      appendWandbRecords(file, statSync(file).size, [wandbHistory(400, 300, Date.now() / 1000, 10, { loss: 0.001 })]);
      const started = performance.now();
      const second = await follower.pass();
      await index.sync();
      const ms = performance.now() - started;
      assert.deepEqual(second.changed, ['wandb-live01']);
      assert.ok(second.bytes < 300, `only the new row was written (${second.bytes} bytes)`);
      assert.equal(index.getRun('wandb-live01')!.metrics.loss!.count, 301);
      assert.ok(ms < 1000, `visible after ${ms.toFixed(0)} ms`);
      appendWandbRecords(file, statSync(file).size, [wandbRecord({ num: 401, exit: { exit_code: 0, runtime: 11 } })]);
      await follower.pass();
      await index.sync();
      assert.equal(index.getRun('wandb-live01')!.status, 'finished');
      assert.deepEqual((await follower.pass()).changed, [], 'nothing new, nothing written');
    } finally {
      await index.close();
      follower.close();
    }
  });
});
