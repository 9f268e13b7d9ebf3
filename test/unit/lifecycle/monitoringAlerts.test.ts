// Monitoring alerts in the model lifecycle: recorded once per alerting batch in the transition log, answered by
// later transitions ("retrained because of the alert on line N"), and anchored in Problems on the model's own files.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LifecycleError, ModelLifecycle } from '../../../src/core/lifecycle/modelLifecycle';
import { readGatesText } from '../../../src/core/lifecycle/gatesFile';
import { GENESIS, hashLine, logPath, readLogText, serializeEntry, type AlertRecord } from '../../../src/core/lifecycle/transitionLog';
import { describeTransition } from '../../../src/core/lifecycle/transitionText';
import { alertRecord, problemAnchor } from '../../../src/core/monitoring/alertLink';
import { scanMonitoringRuns } from '../../../src/core/monitoring/monitorScan';
import { monitoredVersions, type MonitoredVersion } from '../../../src/core/monitoring/monitorStatus';
import type { RunDetail } from '../../../src/core/model';
import { RunLog } from '../../fixtures/runLog';
import { REPO_ROOT, runId } from '../workspaceFixture';

const CLI = join(REPO_ROOT, 'out', 'src', 'cli.js');

function trainingRun(id: string): RunDetail {
  return {
    id, experiment: 'e', name: `run ${id}`, status: 'finished', startedAt: 1, lastEventAt: 2, notes: '', tags: [], skippedLines: 0,
    params: {}, metrics: {}, summary: {}, lineage: {}, artifacts: [{ name: 'model.pkl', path: 'model.pkl', type: 'model', size: 3, sha256: 'cafe' }], pushes: [], dir: '',
  };
}

function workspace(): { root: string; trialbookDir: string; lc: ModelLifecycle } {
  const root = mkdtempSync(join(tmpdir(), 'trialbook-alerts-'));
  const trialbookDir = join(root, '.trialbook');
  const lc = new ModelLifecycle(trialbookDir, {
    run: (id) => (id.startsWith('train') ? trainingRun(id) : undefined),
    who: async () => ({ user: 'monitor-bot' }),
    now: () => new Date('2026-11-30T10:00:00Z'),
  });
  return { root, trialbookDir, lc };
}

const psi = { level: 'alert', kind: 'drift', feature: 'tenure', statistic: 'psi', value: 0.91, threshold: 0.2 };
const drop = { level: 'warning', kind: 'performance', metric: 'accuracy', statistic: 'relative_drop', value: 0.06, threshold: 0.05, observed: 0.88, baseline: 0.94 };

/** A monitoring run of `model` v`version` whose batches are alert (true) or ok (false), one a day. */
function monitoringRun(trialbookDir: string, n: number, model: string, version: string, alerting: boolean[]): void {
  const log = new RunLog(runId(n), { t0: 1_795_700_000 }).start({ experiment: 'monitoring', name: `${model} v${version}`, kind: 'monitoring',
    monitor: { model, version, reference: false, thresholds: {}, baseline: {} } });
  alerting.forEach((alert, i) => log.event('monitor_batch', { index: i, timestamp: 1_795_700_000 + i * 86_400, rows: 500, reliable: true,
    status: alert ? 'alert' : 'ok', alerts: alert ? [psi, drop] : [], metrics: {}, features: [] }));
  log.writeTo(trialbookDir);
}

function versionOf(trialbookDir: string, model: string): MonitoredVersion {
  const v = monitoredVersions(scanMonitoringRuns(trialbookDir).runs).find((x) => x.model === model);
  assert.ok(v, `${model} is monitored`);
  return v;
}

test('an alert of a registered version is recorded once per alerting batch; it changes neither stage nor latest reason', async () => {
  const { trialbookDir, lc } = workspace();
  await lc.register({ model: 'churn', runId: 'train-1', artifact: 'model.pkl', reason: 'first', stage: 'production' });
  monitoringRun(trialbookDir, 1, 'churn', '1', [false, true]);
  const record = alertRecord(versionOf(trialbookDir, 'churn'));
  assert.deepEqual(record, { run: runId(1), batch: 1, timestamp: 1_795_786_400, findings: ['tenure: PSI 0.91 > 0.2'] });
  const first = await lc.recordAlert('churn', 1, record);
  assert.equal(first?.action, 'alert');
  assert.equal(first?.reason, 'monitoring alert: tenure: PSI 0.91 > 0.2');
  assert.equal(first?.stage, 'production');
  assert.equal(await lc.recordAlert('churn', 1, record), undefined, 'the same batch is not recorded twice');
  const next: AlertRecord = { ...record, batch: 2, timestamp: record.timestamp + 86_400 };
  assert.equal((await lc.recordAlert('churn', 1, next))?.alert?.batch, 2);
  const registry = await lc.registry();
  assert.deepEqual(registry.problems, []);
  const v = registry.models[0]?.versions[0];
  assert.deepEqual(v?.alerts.map((h) => [h.line, h.entry.alert?.batch]), [[2, 1], [3, 2]]);
  assert.equal(v?.stage, 'production');
  assert.equal(v?.latestReason, 'first');
  assert.equal(describeTransition(v?.alerts[0]?.entry ?? first!), `alert from monitoring (batch 1 of run ${runId(1)})`);
  // The entries are chained like every other line.
  const read = readLogText(readFileSync(logPath(trialbookDir), 'utf8'));
  assert.deepEqual(read.problems, []);
  assert.equal(read.entries[1]?.entry.prev, hashLine(readFileSync(logPath(trialbookDir), 'utf8').split('\n')[0] ?? ''));
  await assert.rejects(lc.recordAlert('churn', 9, record), /No model "churn" v9/);
});

test('a retraining and a stage change can answer an alert by its line; a line that is no alert of the model is refused', async () => {
  const { lc } = workspace();
  await lc.register({ model: 'churn', runId: 'train-1', artifact: 'model.pkl', reason: 'first' });
  await lc.register({ model: 'fraud', runId: 'train-9', artifact: 'model.pkl', reason: 'other model' });
  const alert = await lc.recordAlert('churn', 1, { run: 'mon', batch: 14, timestamp: 1_795_700_000, findings: ['tenure: PSI 0.91 > 0.2'] });
  assert.ok(alert);
  const fraudAlert = await lc.recordAlert('fraud', 1, { run: 'mon2', batch: 0, timestamp: 1_795_700_000, findings: [] });
  assert.equal(fraudAlert?.reason, 'monitoring alert: threshold crossed');
  const alerts = await lc.alerts('churn');
  assert.deepEqual(alerts.map((a) => a.line), [3]);
  const retrain = await lc.register({ model: 'churn', runId: 'train-2', artifact: 'model.pkl', reason: 'retrained on November data', replaces: 1, becauseOfAlert: 3 });
  assert.equal(retrain.becauseOfAlert, 3);
  assert.equal(describeTransition(retrain), 'retrain (replaces v1) as candidate because of the alert on line 3');
  const demote = await lc.setStage({ model: 'churn', version: 1, stage: 'archived', reason: 'drifted', becauseOfAlert: 3 });
  assert.equal(demote.becauseOfAlert, 3);
  for (const line of [1, 4, 99]) {
    await assert.rejects(lc.register({ model: 'churn', runId: 'train-3', artifact: 'model.pkl', reason: 'x', replaces: 2, becauseOfAlert: line }),
      (err: unknown) => err instanceof LifecycleError && new RegExp(`Line ${line} of .* is not an alert of "churn"`).test(err.message), `line ${line}`);
  }
  assert.deepEqual((await lc.registry()).problems, []);
});

test('reading the log: an alert without its record is skipped with a message; a hand-written link to a non-alert is reported, the transition kept', async () => {
  const { trialbookDir, lc } = workspace();
  await lc.register({ model: 'churn', runId: 'train-1', artifact: 'model.pkl', reason: 'first' });
  const text = readFileSync(logPath(trialbookDir), 'utf8');
  const bare = serializeEntry({ action: 'alert', model: 'churn', version: 1, at: '2026-11-30T11:00:00Z', who: {}, reason: 'r', prev: hashLine(text.trimEnd()) });
  appendFileSync(logPath(trialbookDir), `${bare}\n`);
  const linked = serializeEntry({ action: 'promote', model: 'churn', version: 1, from: 'candidate', stage: 'staging', at: '2026-11-30T12:00:00Z', who: {}, reason: 'ok', becauseOfAlert: 1, prev: hashLine(bare) });
  appendFileSync(logPath(trialbookDir), `${linked}\n`);
  const registry = await lc.registry();
  assert.deepEqual(registry.problems.map((p) => p.message), [
    'line 2 is not a transition (an alert without its "alert" record); it was skipped',
    'line 3 answers an alert on line 1, which is no alert of churn; the transition was kept, the link ignored',
  ]);
  assert.equal(registry.models[0]?.versions[0]?.stage, 'staging');
  assert.notEqual(GENESIS, hashLine(bare));
});

test('Problems anchor: the model\'s gate, else the gates for every model, else its alert in the log, else the batch line', async () => {
  const { trialbookDir, lc } = workspace();
  monitoringRun(trialbookDir, 2, 'churn', '1', [true]);
  monitoringRun(trialbookDir, 3, 'fraud', 'v2-canary', [true]);
  const churn = versionOf(trialbookDir, 'churn');
  const gatesText = '{\n  "*": { "size": "artifact_mb < 50" },\n  "churn": {\n    "accuracy": "val/acc >= 0.9"\n  }\n}\n';
  const gates = readGatesText(gatesText).gates;
  const own = problemAnchor(churn, await lc.registry(), gates);
  assert.equal(own.file, 'gates');
  assert.equal(own.file === 'gates' ? gatesText.slice(own.offset, own.offset + 16) : '', '"val/acc >= 0.9"');
  const star = problemAnchor(versionOf(trialbookDir, 'fraud'), await lc.registry(), gates);
  assert.equal(star.file === 'gates' ? gatesText.slice(star.offset, star.offset + 8) : '', '"artifac');
  // Without gates: the registered version's alert entry (after recording), or its latest line before that.
  await lc.register({ model: 'churn', runId: 'train-1', artifact: 'model.pkl', reason: 'first' });
  await lc.setStage({ model: 'churn', version: 1, stage: 'staging', reason: 'ok' });
  assert.deepEqual(problemAnchor(churn, await lc.registry(), []), { file: 'models', line: 1, column: 0 });
  const record = alertRecord(churn);
  assert.ok(record);
  await lc.recordAlert('churn', 1, record);
  assert.deepEqual(problemAnchor(churn, await lc.registry(), []), { file: 'models', line: 2, column: 0 });
  // A version name the log cannot hold (monitoring names versions freely): the batch in the monitoring run's log.
  const fraud = versionOf(trialbookDir, 'fraud');
  assert.deepEqual(problemAnchor(fraud, await lc.registry(), []), { file: 'run', line: (fraud.latest?.line ?? 0) - 1, column: 0 });
});

test('the CLI records alerts with --record (once per batch) and says on which line; without it the log is untouched', async () => {
  const { root, trialbookDir, lc } = workspace();
  await lc.register({ model: 'churn', runId: 'train-1', artifact: 'model.pkl', reason: 'first' });
  monitoringRun(trialbookDir, 4, 'churn', '1', [false, true]);
  const call = (...args: string[]): { code: number | null; out: string; err: string } => {
    const r = spawnSync(process.execPath, [CLI, 'monitor', '--model', 'churn', '--dir', root, ...args], { encoding: 'utf8' });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const lines = (): number => readFileSync(logPath(trialbookDir), 'utf8').trimEnd().split('\n').length;
  assert.equal(call().code, 1);
  assert.equal(lines(), 1, 'no --record: nothing written');
  const recorded = call('--record');
  assert.equal(recorded.code, 1, recorded.err);
  assert.match(recorded.out, /churn v1: \(recorded on line 2 of \.trialbook\/models\.jsonl\)/);
  const json = call('--record', '--json');
  assert.equal((JSON.parse(json.out) as { versions: Array<{ alert_line: number | null }> }).versions[0]?.alert_line, 2);
  assert.equal(lines(), 2, 'the same batch is recorded once');
  const entry = (await lc.registry()).models[0]?.versions[0]?.alerts[0]?.entry;
  assert.deepEqual(entry?.alert, { run: runId(4), batch: 1, timestamp: 1_795_786_400, findings: ['tenure: PSI 0.91 > 0.2'] });
});
