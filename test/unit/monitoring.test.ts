// Monitoring runs as the core reads them and the CLI reports them: the real drift scenario written by the real
// Python SDK (examples/monitoring/scenario.py in a child process), and hand-built logs for the edge cases.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { firstLine, MonitoringScanner, scanMonitoringRuns } from '../../src/core/monitoring/monitorScan';
import { Slicer } from '../../src/core/slices';
import { describeFinding, monitoredVersions } from '../../src/core/monitoring/monitorStatus';
import { RunLog } from '../fixtures/runLog';
import { REPO_ROOT, runId } from './workspaceFixture';

const CLI = join(REPO_ROOT, 'out', 'src', 'cli.js');
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

function cli(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function batch(index: number, timestamp: number, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { index, timestamp, rows: 500, reliable: true, status: 'ok', alerts: [], metrics: {}, features: [], ...fields };
}

const psiAlert = { level: 'alert', kind: 'drift', feature: 'age', statistic: 'psi', value: 0.5, threshold: 0.2 };

describe('monitoring: the drift scenario from the real SDK', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'trialbook-monitor-'));
    const done = spawnSync(PYTHON, [join(REPO_ROOT, 'examples', 'monitoring', 'scenario.py'), '--seed', '3', '--json', '--dir', root],
      { encoding: 'utf8', timeout: 120_000 });
    assert.equal(done.status, 0, done.stderr);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('finds the monitoring run with its reference, batches in time order and the link to its training run', () => {
    const scan = scanMonitoringRuns(join(root, '.trialbook'));
    assert.deepEqual(scan.problems, []);
    assert.equal(scan.runs.length, 1);
    const run = scan.runs[0]!;
    assert.equal(run.model, 'churn-classifier');
    assert.equal(run.version, '1');
    assert.match(run.trainingRun ?? '', /^\d{8}T\d{9}-[0-9a-f]{10}$/);
    assert.deepEqual(run.reference?.map((c) => c.name), ['tenure', 'monthly_spend', 'usage', 'support_calls', 'plan']);
    assert.equal(run.batches.length, 30);
    assert.ok(run.batches.every((b, i) => i === 0 || b.timestamp > run.batches[i - 1]!.timestamp));
    const tenure = run.reference?.find((c) => c.name === 'tenure');
    assert.equal(tenure?.histEdges?.length, 21);
    assert.equal(run.batches[0]!.features.find((f) => f.name === 'tenure')?.histCounts?.length, 22);
    assert.ok(run.baseline.some(([name, value]) => name === 'accuracy' && value > 0.8));
  });

  it('says the version is in alert, with the shifted feature and the performance drop named', () => {
    const [version] = monitoredVersions(scanMonitoringRuns(join(root, '.trialbook')).runs);
    assert.equal(version?.status, 'alert');
    const lines = version?.latest?.alerts.map(describeFinding) ?? [];
    assert.ok(lines.some((l) => /^tenure: PSI \d/.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => /^accuracy: drop from baseline .* \(.* vs baseline .*\)$/.test(l)), lines.join('\n'));
  });

  it('the CLI prints the status and exits 1 on an alert; --json for machines', () => {
    const table = cli('monitor', '--model', 'churn-classifier', '--dir', root);
    assert.equal(table.code, 1, table.err);
    assert.match(table.out, /^MODEL\s+VERSION\s+STATUS/m);
    assert.match(table.out, /churn-classifier\s+1\s+ALERT\s/);
    assert.match(table.out, /alert {2}tenure: PSI/);
    const json = cli('monitor', '--model', 'churn-classifier', '--dir', root, '--json');
    assert.equal(json.code, 1);
    const parsed = JSON.parse(json.out) as { versions: Array<{ status: string; batches: number; latest: { alerts: unknown[] } }> };
    assert.equal(parsed.versions[0]?.status, 'alert');
    assert.equal(parsed.versions[0]?.batches, 30);
    assert.ok((parsed.versions[0]?.latest.alerts.length ?? 0) > 0);
  });
});

describe('monitoring: edge cases read from hand-built logs', () => {
  let root: string;
  let trialbook: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'trialbook-monitor-'));
    trialbook = join(root, '.trialbook');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  function monitoring(n: number, model: string, version: string, t0: number, extra: Record<string, unknown> = {}): RunLog {
    return new RunLog(runId(n), { t0 }).start({ experiment: 'monitoring', name: `${model} v${version}`, kind: 'monitoring',
      monitor: { model, version, reference: false, thresholds: {}, baseline: {}, ...extra } });
  }

  it('a quiet model exits 0; a one-row batch after an alert neither clears it nor raises one', () => {
    monitoring(1, 'quiet', '2', 1_795_700_000).event('monitor_batch', batch(0, 1_795_700_000)).writeTo(trialbook);
    monitoring(2, 'fraud', '7', 1_795_700_000)
      .event('monitor_batch', batch(0, 1_795_700_000, { status: 'alert', alerts: [psiAlert] }))
      .event('monitor_batch', batch(1, 1_795_786_400, { rows: 1, reliable: false }))
      .writeTo(trialbook);
    new RunLog(runId(3)).start({ experiment: 'train' }).metrics(0, { loss: 1 }).writeTo(trialbook); // not monitoring
    assert.equal(cli('monitor', '--model', 'quiet', '--dir', root).code, 0);
    const versions = monitoredVersions(scanMonitoringRuns(trialbook).runs);
    assert.deepEqual(versions.map((v) => [v.model, v.version, v.status]), [['fraud', '7', 'alert'], ['quiet', '2', 'ok']]);
    assert.equal(versions[0]?.latest?.index, 0);
    const all = cli('monitor', '--dir', root);
    assert.equal(all.code, 1, 'any alert among all versions');
    assert.match(all.out, /performance only/);
  });

  it('the newest monitoring run of a version is the one judged; batches out of order are sorted by time', () => {
    monitoring(10, 'churn', '3', 1_795_000_000).event('monitor_batch', batch(0, 1_795_000_000, { status: 'alert', alerts: [psiAlert] })).writeTo(trialbook);
    monitoring(11, 'churn', '3', 1_795_600_000)
      .event('monitor_batch', batch(0, 1_795_700_000, { status: 'warning' }))
      .event('monitor_batch', batch(1, 1_795_600_000, { out_of_order: true }))
      .writeTo(trialbook);
    const churn = monitoredVersions(scanMonitoringRuns(trialbook).runs).find((v) => v.model === 'churn');
    assert.equal(churn?.runs.length, 2);
    assert.equal(churn?.run.runId, runId(11));
    assert.deepEqual(churn?.run.batches.map((b) => b.index), [1, 0]);
    assert.equal(churn?.status, 'warning');
    assert.equal(cli('monitor', '--model', 'churn', '--version', '3', '--dir', root).code, 0);
  });

  it('bad lines and a missing reference file are reported, the rest is read; run-supplied names stay data', () => {
    const log = monitoring(20, '__proto__', '1', 1_795_700_000, { reference: true, baseline: { constructor: 0.9 } })
      .event('profile', { name: 'reference', path: '.trialbook/runs/gone/profiles/reference.json', rows: 10, columns: 1, role: 'reference' })
      .event('monitor_batch', batch(0, 1_795_700_000, { metrics: JSON.parse('{"__proto__": 0.5, "toString": null}') as unknown,
        features: [{ name: 'constructor', type: 'numeric', count: 10, missing_rate: 0, status: 'ok', psi: 0.01 }] }));
    log.raw('{"v":1,"t":"monitor_batch","ts":1795700001,"index":"one"}\n'); // deliberately bad: index is not a number
    log.raw('not json\n'); // deliberately bad
    log.writeTo(trialbook);
    const run = scanMonitoringRuns(trialbook).runs.find((r) => r.runId === runId(20));
    assert.equal(run?.model, '__proto__');
    assert.deepEqual(run?.baseline, [['constructor', 0.9]]);
    assert.match(run?.referenceProblem ?? '', /reference profile .*gone.* cannot be read/);
    assert.equal(run?.batches.length, 1);
    assert.deepEqual(run?.batches[0]?.metrics, [['__proto__', 0.5], ['toString', null]]);
    assert.equal(run?.batches[0]?.features[0]?.name, 'constructor');
    assert.deepEqual(run?.problems, ['line 4: a monitor_batch event without index, timestamp or rows', 'line 5 is not JSON']);
  });

  it('a first line is read whole at any length up to the bound, across the chunks it is read in', () => {
    const dir = join(root, 'lines');
    mkdirSync(dir, { recursive: true });
    // Lengths around the 4 KB chunk and its growth (16 KB), and the 256 KB bound.
    for (const length of [0, 1, 4095, 4096, 4097, 16_383, 16_384, 16_385, 100_000, 256 * 1024 - 1]) {
      const line = 'x'.repeat(length);
      writeFileSync(join(dir, 'log'), `${line}\n{"second":1}\n`);
      assert.equal(firstLine(join(dir, 'log')), line, `a first line of ${length} bytes`);
    }
    writeFileSync(join(dir, 'log'), 'x'.repeat(256 * 1024));
    assert.equal(firstLine(join(dir, 'log')), undefined, 'no line end within the bound');
    writeFileSync(join(dir, 'log'), '{"unfinished":');
    assert.equal(firstLine(join(dir, 'log')), undefined, 'a line not yet ended');
    assert.equal(firstLine(join(dir, 'missing')), undefined);
  });

  it('the scan in slices finds what the whole scan finds (a long run_start too), giving the thread back between runs', async () => {
    // A run_start of ~40 KB: over the first chunk read.
    const baseline = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`feature_${i}`, i / 2000]));
    monitoring(30, 'wide', '1', 1_795_700_000, { baseline }).event('monitor_batch', batch(0, 1_795_700_000)).writeTo(trialbook);
    const whole = scanMonitoringRuns(trialbook);
    const slicer = new Slicer(() => performance.now(), -1);
    const sliced = await new MonitoringScanner(trialbook).scanInSlices(slicer);
    assert.deepEqual(sliced.runs.map((r) => r.runId), whole.runs.map((r) => r.runId));
    assert.ok(whole.runs.some((r) => r.model === 'wide' && r.baseline.length === 2000));
    assert.ok(slicer.yields >= whole.runs.length, `gave the thread back ${slicer.yields} times over ${whole.runs.length}+ runs`);
  });

  it('says clearly when nothing is monitored, and refuses --version without --model', () => {
    const empty = mkdtempSync(join(tmpdir(), 'trialbook-monitor-empty-'));
    try {
      mkdirSync(join(empty, '.trialbook', 'runs'), { recursive: true });
      writeFileSync(join(empty, '.trialbook', 'runs', 'README'), 'not a run folder');
      const none = cli('monitor', '--model', 'churn', '--dir', empty);
      assert.equal(none.code, 1);
      assert.match(none.err, /no monitoring runs for model "churn"; start one with trialbook\.monitor/);
      assert.equal(cli('monitor', '--version', '3', '--dir', empty).code, 2);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
