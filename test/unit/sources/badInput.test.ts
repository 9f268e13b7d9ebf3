// Damaged and unusual source files (written by the project's own writers, then damaged on purpose): a clear message
// with file and offset or line, every valid point kept, nothing written into the source.
import { strict as assert } from 'node:assert';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { MlflowFileStoreReader } from '../../../src/core/sources/mlflowFileStore';
import { describeProblem, mirrorSource } from '../../../src/core/sources/sourceMirror';
import { TensorBoardReader } from '../../../src/core/sources/tensorboardLogdir';
import { readRecords } from '../../../src/core/sources/tfRecord';
import { tbEvent, writeMlflowExperiment, writeMlflowRun, writeTbEventFile, type TbScalar } from '../../fixtures/sourceWriters';
import { treeChecksums } from '../../peers/peerFixtures';
import { captureLog } from '../workspaceFixture';

function scalars(n: number, tag = 'loss'): TbScalar[] {
  return Array.from({ length: n }, (_, step) => ({ tag, step, wallTime: 1_700_000_000 + step, value: 1 / (step + 1) }));
}

/** Byte offsets where each record of a framed buffer starts. */
function recordStarts(bytes: Buffer): number[] {
  const out: number[] = [];
  for (let at = 0; at < bytes.length;) { out.push(at); at += 12 + bytes.readUInt32LE(at) + 4; }
  return out;
}

describe('sources: bad input', () => {
  let tmp: string;
  beforeEach(() => { tmp = mkdtempSync(join(tmpdir(), 'trialbook-src-')); });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('a TensorBoard record cut in half is waited for, not reported; the rest arrives and is read from where it stopped', async () => {
    const logdir = join(tmp, 'logs');
    const file = writeTbEventFile(join(logdir, 'run'), 1_700_000_000, scalars(5));
    const whole = readFileSync(file);
    const starts = recordStarts(whole);
    const cut = starts[4]! + 7; // inside the header of step 3's record (records: version, steps 0-4)
    truncateSync(file, cut);
    const reader = new TensorBoardReader(logdir, () => 0);
    const [ref] = (await reader.listRuns()).runs;
    const first = await reader.readRun(ref!, undefined);
    assert.deepEqual(first.problems, []);
    assert.deepEqual(first.series.get('loss')!.steps, [0, 1, 2]);
    appendFileSync(file, whole.subarray(cut, starts[4]! + 20));
    const second = await reader.readRun(ref!, first.cursor);
    assert.deepEqual(second.problems, []);
    assert.equal(second.series.get('loss'), undefined, 'still incomplete');
    appendFileSync(file, whole.subarray(starts[4]! + 20));
    const third = await reader.readRun(ref!, second.cursor);
    assert.deepEqual(third.series.get('loss')!.steps, [3, 4]);
    assert.deepEqual(third.problems, []);
  });

  it('a record whose data CRC is wrong is skipped and reported with file and offset; the others are kept', async () => {
    const logdir = join(tmp, 'logs');
    const file = writeTbEventFile(join(logdir, 'run'), 1_700_000_000, scalars(6));
    const bytes = readFileSync(file);
    const starts = recordStarts(bytes);
    bytes[starts[3]! + 14] = (bytes[starts[3]! + 14]! ^ 0xff) & 0xff; // a data byte of step 2's record
    writeFileSync(file, bytes);
    const before = treeChecksums(logdir);
    const reader = new TensorBoardReader(logdir, () => 0);
    const [ref] = (await reader.listRuns()).runs;
    const delta = await reader.readRun(ref!, undefined);
    assert.deepEqual(delta.series.get('loss')!.steps, [0, 1, 3, 4, 5]);
    assert.equal(delta.problems.length, 1);
    assert.equal(delta.problems[0]!.file, file);
    assert.equal(delta.problems[0]!.offset, starts[3]);
    assert.match(describeProblem(delta.problems[0]!), new RegExp(`events\\.out\\.tfevents\\.1700000000\\.vm at byte ${starts[3]}: record data checksum wrong \\(\\d+ bytes\\); record skipped`));
    // Through the mirror: the log says it, and the source is not touched.
    const log = captureLog();
    const report = await mirrorSource(new TensorBoardReader(logdir, () => 0), join(tmp, '.trialbook', 'runs'), log);
    assert.equal(report.problems.length, 1);
    assert.match(log.warnings.join('\n'), /TensorBoard logdir .*record data checksum wrong/);
    assert.deepEqual(treeChecksums(logdir), before);
  });

  it('a damaged length is reported where the damage starts, and reading resumes at the next valid record', () => {
    const file = writeTbEventFile(join(tmp, 'run'), 1_700_000_000, scalars(6));
    const bytes = readFileSync(file);
    const starts = recordStarts(bytes);
    bytes[starts[2]!] = (bytes[starts[2]!]! + 1) & 0xff; // the length of step 1's record
    writeFileSync(file, bytes);
    const steps: number[] = [];
    const r = readRecords(file, 0, () => { steps.push(steps.length); });
    assert.equal(r.records, 6, 'the version record and steps 0, 2, 3, 4, 5');
    assert.equal(r.problems.length, 1);
    assert.equal(r.problems[0]!.offset, starts[2]);
    assert.match(r.problems[0]!.reason, new RegExp(`damaged record header.*reading resumed at byte ${starts[3]}`));
    assert.equal(r.offset, bytes.length);
  });

  it('unknown protobuf fields (a newer writer) are skipped and the known ones read', async () => {
    const logdir = join(tmp, 'logs');
    const dir = join(logdir, 'run');
    writeTbEventFile(dir, 1_700_000_000, scalars(2));
    // Event field 99 (varint) before the known fields: a field this reader has never heard of.
    const file = join(dir, 'events.out.tfevents.1700000000.vm');
    const ev = tbEvent({ wallTime: 1_700_000_005, step: 5, scalars: [{ tag: 'loss', value: 0.25 }] });
    const data = Buffer.concat([Buffer.from([0x98, 0x06, 0x2a]), ev.subarray(12, ev.length - 4)]);
    const { frameRecord } = await import('../../../src/core/sources/tfRecord');
    appendFileSync(file, frameRecord(data));
    const reader = new TensorBoardReader(logdir, () => 0);
    const delta = await reader.readRun((await reader.listRuns()).runs[0]!, undefined);
    assert.deepEqual(delta.problems, []);
    assert.deepEqual(delta.series.get('loss')!.steps, [0, 1, 5]);
    assert.deepEqual(delta.series.get('loss')!.values, [1, 0.5, 0.25]);
  });

  it('an MLflow metric file with a malformed line: the line is reported with its number, the other points kept', async () => {
    const mlruns = join(tmp, 'mlruns');
    const exp = writeMlflowExperiment(mlruns, '1', 'exp');
    const dir = writeMlflowRun(exp, '1', { runId: 'a'.repeat(32), name: 'r', startTime: 1_700_000_000_000, metrics: { loss: [[1_700_000_000_000, 1, 0]] } });
    appendFileSync(join(dir, 'metrics', 'loss'), '1700000001000 not-a-number 1\n1700000002000 0.5 2\n');
    const reader = new MlflowFileStoreReader(mlruns);
    const delta = await reader.readRun((await reader.listRuns()).runs[0]!, undefined);
    assert.deepEqual(delta.series.get('loss')!.steps, [0, 2]);
    assert.equal(delta.problems.length, 1);
    assert.equal(delta.problems[0]!.line, 2);
    assert.match(describeProblem(delta.problems[0]!), /metrics\/loss:2: value "not-a-number" is not a number; line skipped/);
  });

  it('a meta.yaml missing fields: said which, the run imported with defaults', async () => {
    const mlruns = join(tmp, 'mlruns');
    const exp = writeMlflowExperiment(mlruns, '1', 'exp');
    const dir = writeMlflowRun(exp, '1', { runId: 'b'.repeat(32), name: 'named-by-tag', startTime: 1_700_000_000_000, metrics: { loss: [[1_700_000_000_000, 1, 0]] } });
    writeFileSync(join(dir, 'meta.yaml'), `run_id: ${'b'.repeat(32)}\nexperiment_id: '1'\n`);
    const log = captureLog();
    const report = await mirrorSource(new MlflowFileStoreReader(mlruns), join(tmp, '.trialbook', 'runs'), log);
    assert.deepEqual(report.changed, [`mlflow-${'b'.repeat(32)}`]);
    assert.equal(report.problems.length, 1);
    assert.match(report.problems[0]!.reason, /meta\.yaml lacks status, start_time; defaults are used for them/);
    const events = readFileSync(join(tmp, '.trialbook', 'runs', `mlflow-${'b'.repeat(32)}`, 'events.jsonl'), 'utf8');
    assert.match(events, /"name":"named-by-tag"/);
    assert.match(events, /"values":\{"loss":1\}/);
  });

  it('a logdir of 50,000 empty sub-directories lists quickly, finds the one run, and reports nothing wrong', async () => {
    const logdir = join(tmp, 'logs');
    for (let i = 0; i < 500; i++) for (let j = 0; j < 100; j++) mkdirSync(join(logdir, `d${i}`, `e${j}`), { recursive: true });
    writeTbEventFile(join(logdir, 'd7', 'e3'), 1_700_000_000, scalars(3));
    const started = performance.now();
    const listing = await new TensorBoardReader(logdir).listRuns();
    const ms = performance.now() - started;
    assert.deepEqual(listing.problems, []);
    assert.deepEqual(listing.runs.map((r) => r.sourceId), ['d7/e3']);
    assert.ok(ms < 20_000, `listed in ${ms.toFixed(0)} ms`);
  });
});
