// Sync out to an MLflow server: against the stand-in (test/fixtures/mlflow), or a real MLflow server when
// TRIALBOOK_TEST_MLFLOW_URI is set; then the same assertions run against it, read back through its REST API.
import * as assert from 'node:assert/strict';
import { appendFileSync, existsSync, readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RegistryError } from '../../src/core/registry/errors';
import { SyncApi } from '../../src/core/sync/syncApi';
import { parseSyncTarget } from '../../src/core/sync/syncTarget';
import { syncWorkspace, type SyncOptions } from '../../src/core/sync/workspaceSync';
import type { Credentials } from '../../src/core/registry/types';
import { MlflowStandIn } from '../fixtures/mlflow/mlflowServer';
import { seedExperiment } from '../fixtures/mlflow/seedRuns';
import { editLine, RunLog } from '../fixtures/runLog';
import { tempDir } from './fixtures';
import { findRun, history, runsOf, targetText } from './syncHelpers';

const REAL = process.env['TRIALBOOK_TEST_MLFLOW_URI'];
const unique = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

function envCredentials(): Credentials {
  const token = process.env['MLFLOW_TRACKING_TOKEN'];
  if (token) return { kind: 'token', token };
  const username = process.env['MLFLOW_TRACKING_USERNAME'];
  const password = process.env['MLFLOW_TRACKING_PASSWORD'];
  return username && password !== undefined ? { kind: 'basic', username, password } : { kind: 'anonymous' };
}

const T0 = 1_795_743_612;

describe(`sync out (${REAL ? `real server ${REAL}` : 'stand-in server'})`, () => {
  let server: MlflowStandIn | undefined;
  let uri: string;
  let api: SyncApi;
  const credentials = REAL ? envCredentials() : { kind: 'anonymous' as const };
  const dirs: string[] = [];
  before(async () => {
    if (REAL) uri = REAL.replace(/\/$/, '');
    else { server = await MlflowStandIn.start(); uri = server.uri; }
    api = new SyncApi(uri, { credentials });
  });
  after(async () => {
    await server?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const workspace = (): string => { const d = tempDir('sync'); dirs.push(d); return path.join(d, '.trialbook'); };
  const options = (tb: string, extra: Partial<SyncOptions> = {}): SyncOptions => ({
    trialbookDir: tb, target: parseSyncTarget(targetText(uri), `ts-${unique}/`), credentials, retry: { baseDelayMs: 5, maxDelayMs: 50, budgetMs: 2000 }, ...extra,
  });

  it('mirrors a run: experiment with prefix, name, status, times, params, tags, notes, lineage, summary and every point', async () => {
    const tb = workspace();
    const id = `20261127T024012123-${unique.slice(0, 10).padEnd(10, '0')}`;
    const log = new RunLog(id).start({
      experiment: 'churn', name: 'brave-otter', config: { lr: 0.01, layers: [64, 32], opt: { name: 'adam' } }, tags: ['baseline', 'gpu'], notes: 'why this run',
      lineage: { user: 'ada', host: 'box', script: 'train.py', git: { commit: 'abc123', branch: 'main', remote: 'https://u:secret@example.com/t/r.git', dirty: true } },
    }, T0);
    for (let s = 0; s < 1500; s++) log.metrics(s, { loss: 1 / (s + 1), 'val/acc': s / 1500 }, { ts: T0 + 1 + s * 0.01 });
    log.summary({ best: 0.97 }, T0 + 20).end('finished', undefined, T0 + 30);
    log.writeTo(tb);
    const report = await syncWorkspace(options(tb));
    assert.equal(report.stopped, undefined, report.stopped?.message);
    assert.deepEqual(report.problems, []);
    assert.equal(report.points, 3000);
    const run = await findRun(api, `ts-${unique}/churn`, id);
    assert.equal(run.info.run_name, 'brave-otter');
    assert.equal(run.info.status, 'FINISHED');
    assert.equal(run.info.start_time, T0 * 1000);
    assert.equal(run.info.end_time, (T0 + 30) * 1000);
    const params = new Map(run.data.params?.map((p) => [p.key, p.value]));
    assert.equal(params.get('lr'), '0.01');
    assert.equal(params.get('layers'), '[64,32]');
    assert.equal(params.get('opt'), '{"name":"adam"}');
    const tags = new Map(run.data.tags?.map((t) => [t.key, t.value]));
    assert.equal(tags.get('trialbook.run_id'), id);
    assert.equal(tags.get('mlflow.note.content'), 'why this run');
    assert.equal(tags.get('trialbook.tags'), '["baseline","gpu"]');
    assert.equal(tags.get('mlflow.source.git.commit'), 'abc123');
    assert.equal(tags.get('trialbook.git.remote'), 'https://example.com/t/r.git', 'credentials in the remote are not sent');
    assert.equal(tags.get('trialbook.git.dirty'), 'true');
    assert.equal(tags.get('trialbook.summary.best'), '0.97');
    assert.equal(tags.get('trialbook.status'), 'finished');
    const loss = await history(api, run.info.run_id, 'loss');
    assert.equal(loss.length, 1500);
    assert.deepEqual(loss.map((p) => p.step), Array.from({ length: 1500 }, (_, i) => i));
    assert.equal(loss[10]?.value, 1 / 11);
    assert.equal(loss[10]?.timestamp, Math.round((T0 + 1 + 10 * 0.01) * 1000), 'each point keeps the time it was logged');
    assert.equal((await history(api, run.info.run_id, 'val/acc')).length, 1500);
  });
  const runId = (n: number): string => `20261127T0240121${String(n).padStart(2, '0')}-${unique.slice(0, 10).padEnd(10, '0')}`;
  const countBatchMetrics = (): number => server ? server.tracking.pointsReceived : 0;

  it('is incremental: a second sync sends only the new points, and nothing at all when nothing changed; the state lives under .trialbook/sync and survives a rebuild of the index', async () => {
    const tb = workspace();
    const id = runId(2);
    const log = new RunLog(id).start({ experiment: 'inc', name: 'live' }, T0);
    for (let s = 0; s < 100; s++) log.metrics(s, { loss: s }, { ts: T0 + 1 + s });
    log.writeTo(tb);
    const first = await syncWorkspace(options(tb, { now: () => (T0 + 110) * 1000 }));
    assert.equal(first.points, 100);
    assert.ok(existsSync(path.join(tb, 'sync')) && readdirSync(path.join(tb, 'sync')).length === 1, 'one state folder for the target');
    rmSync(path.join(tb, 'trialbook.db'), { force: true });
    for (let s = 100; s < 130; s++) log.metrics(s, { loss: s }, { ts: T0 + 1 + s });
    log.writeTo(tb);
    const before = countBatchMetrics();
    const second = await syncWorkspace(options(tb, { now: () => (T0 + 140) * 1000 }));
    assert.equal(second.points, 30, 'only the appended points');
    if (server) assert.equal(countBatchMetrics() - before, 30, 'the server received 30 points, not 130');
    const third = await syncWorkspace(options(tb, { now: () => (T0 + 141) * 1000 }));
    assert.equal(third.points, 0);
    assert.equal(third.runsChanged, 0);
    assert.equal(third.requests, 0, 'nothing changed: no request at all');
    const run = await findRun(api, `ts-${unique}/inc`, id);
    assert.equal(run.info.status, 'RUNNING');
    assert.deepEqual((await history(api, run.info.run_id, 'loss')).map((p) => p.step), Array.from({ length: 130 }, (_, i) => i));
  });

  it('stays within log-batch limits and maps bad input by recorded rules: 2,500 metrics in one step, 250 params, a 7,000-character param, names MLflow rejects', async () => {
    const tb = workspace();
    const id = runId(3);
    const config: Record<string, unknown> = { long: 'x'.repeat(7000) };
    for (let i = 0; i < 250; i++) config[`p${i}`] = i;
    const wide: Record<string, number> = {};
    for (let i = 0; i < 2500; i++) wide[`m/${i}`] = i;
    new RunLog(id).start({ experiment: 'limits', name: 'wide', config }, T0)
      .metrics(0, wide, { ts: T0 + 1 })
      .metrics(1, { 'acc@top1': 0.5, 'a//b': 1, 'x/': 2, 'acc#top1': 0.25, 'ok name-1.2': 3 }, { ts: T0 + 2 })
      .end('finished', undefined, T0 + 3).writeTo(tb);
    const report = await syncWorkspace(options(tb));
    assert.equal(report.stopped, undefined, report.stopped?.message);
    assert.deepEqual(report.problems, []);
    const run = await findRun(api, `ts-${unique}/limits`, id);
    const params = new Map(run.data.params?.map((p) => [p.key, p.value]));
    assert.equal(params.size, 251);
    assert.equal(params.get('long')?.length, 6000);
    assert.ok(params.get('long')?.endsWith('…[truncated]'));
    const tags = new Map(run.data.tags?.map((t) => [t.key, t.value]));
    assert.match(tags.get('trialbook.truncated_param.long') ?? '', /cut from 7000 to 6000/);
    const mapped = [...tags].filter(([k]) => k.startsWith('trialbook.metric_key.')).map(([k, v]) => [k.slice('trialbook.metric_key.'.length), v]);
    assert.deepEqual(mapped.map(([, v]) => v).sort(), ['a//b', 'acc#top1', 'acc@top1', 'x/']);
    const keys = new Set(mapped.map(([k]) => k));
    assert.equal(keys.size, 4, 'acc@top1 and acc#top1 map to distinct keys');
    for (const [key, name] of mapped) assert.equal((await history(api, run.info.run_id, key ?? '')).length, 1, `${name} → ${key}`);
    assert.equal((await history(api, run.info.run_id, 'ok name-1.2')).length, 1, 'a valid name is kept as it is');
    assert.equal((await history(api, run.info.run_id, 'm/2499')).length, 1);
    if (server) {
      const batches = server.calls.filter((c) => c.path.endsWith('runs/log-batch'));
      assert.ok(batches.every((c) => c.status === 200), 'no batch was refused');
    }
  });

  it('after the state is lost, finds its MLflow run by the trialbook.run_id tag instead of creating a second one, and the re-sent points are not stored twice', async () => {
    const tb = workspace();
    const id = runId(4);
    const log = new RunLog(id).start({ experiment: 'lost', name: 'again' }, T0);
    for (let s = 0; s < 50; s++) log.metrics(s, { loss: s }, { ts: T0 + 1 + s });
    log.end('finished', undefined, T0 + 60).writeTo(tb);
    await syncWorkspace(options(tb));
    rmSync(path.join(tb, 'sync'), { recursive: true });
    const again = await syncWorkspace(options(tb));
    assert.equal(again.stopped, undefined);
    assert.equal((await runsOf(api, `ts-${unique}/lost`, id)).length, 1, 'one MLflow run');
    const run = await findRun(api, `ts-${unique}/lost`, id);
    assert.equal((await history(api, run.info.run_id, 'loss')).length, 50, 'every point once');
  });

  it('a first sync into an experiment it creates looks for no earlier runs there (there can be none): one create per run, no runs/search', async () => {
    const tb = workspace();
    const ids = [40, 41, 42].map(runId);
    for (const [i, id] of ids.entries()) new RunLog(id).start({ experiment: 'fresh', name: `fresh-${i}` }, T0).metrics(0, { loss: i }, { ts: T0 + 1 }).end('finished', undefined, T0 + 2).writeTo(tb);
    const searches = (): number => server?.calls.filter((c) => c.path.endsWith('/runs/search')).length ?? 0;
    const before = searches();
    const report = await syncWorkspace(options(tb));
    assert.equal(report.stopped, undefined, report.stopped?.message);
    assert.equal(report.points, 3);
    if (server) assert.equal(searches() - before, 0, 'no runs/search in a new experiment');
    for (const id of ids) assert.equal((await runsOf(api, `ts-${unique}/fresh`, id)).length, 1, `one MLflow run for ${id}`);
    // The same runs again with their state lost: the experiment exists now, so each run is looked for (and found).
    rmSync(path.join(tb, 'sync'), { recursive: true });
    const again = await syncWorkspace(options(tb));
    assert.equal(again.stopped, undefined, again.stopped?.message);
    if (server) assert.ok(searches() - before >= 3, 'each run looked for by its tag');
    for (const id of ids) assert.equal((await runsOf(api, `ts-${unique}/fresh`, id)).length, 1, `still one MLflow run for ${id}`);
  });

  it('a pass with nothing new reads no run (the editor syncs every 2 s): only runs whose log, edits or state changed are read, and a running run again once it counts as crashed', async () => {
    const tb = workspace();
    const a = runId(50);
    const b = runId(51);
    const live = runId(52);
    for (const id of [a, b]) new RunLog(id).start({ experiment: 'quiet', name: id.slice(-6) }, T0).metrics(0, { loss: 1 }, { ts: T0 + 1 }).end('finished', undefined, T0 + 2).writeTo(tb);
    const liveLog = new RunLog(live).start({ experiment: 'quiet', name: 'live' }, T0);
    liveLog.metrics(0, { loss: 1 }, { ts: T0 + 5 }).writeTo(tb);
    const at = (seconds: number): Partial<SyncOptions> => ({ now: () => (T0 + seconds) * 1000 });
    const first = await syncWorkspace(options(tb, at(10)));
    assert.equal(first.stopped, undefined, first.stopped?.message);
    assert.equal(first.unchanged, 0);
    const second = await syncWorkspace(options(tb, at(20)));
    assert.deepEqual([second.unchanged, second.requests, second.points], [3, 0, 0], 'nothing read, nothing sent');
    // A new point, a rename in the editor: those two runs are read again, the third is not.
    liveLog.metrics(1, { loss: 0.5 }, { ts: T0 + 15 }).writeTo(tb);
    appendFileSync(path.join(tb, 'runs', a, 'edits.jsonl'), editLine({ t: 'name', name: 'renamed-quietly' }));
    const third = await syncWorkspace(options(tb, at(21)));
    assert.equal(third.unchanged, 1);
    assert.equal(third.points, 1);
    assert.equal((await findRun(api, `ts-${unique}/quiet`, a)).info.run_name, 'renamed-quietly');
    assert.equal((await syncWorkspace(options(tb, at(30)))).unchanged, 3);
    // The live run's last event was at T0 + 15: past 30 s of silence it is read again and marked crashed.
    const late = await syncWorkspace(options(tb, at(50)));
    assert.equal(late.unchanged, 2);
    assert.equal((await findRun(api, `ts-${unique}/quiet`, live)).info.status, 'FAILED');
    assert.equal((await syncWorkspace(options(tb, at(60)))).unchanged, 3);
    // Its state removed (to sync again from scratch): read again, found by its tag, nothing twice.
    rmSync(path.join(tb, 'sync'), { recursive: true });
    const again = await syncWorkspace(options(tb, at(61)));
    assert.equal(again.unchanged, 0);
    for (const id of [a, b, live]) assert.equal((await runsOf(api, `ts-${unique}/quiet`, id)).length, 1);
    assert.equal((await history(api, (await findRun(api, `ts-${unique}/quiet`, live)).info.run_id, 'loss')).length, 2);
  });

  it('follows later changes: a resumed run runs again and ends again, an editor rename and notes reach the run, a param changed after it was sent goes to a tag (MLflow params are immutable)', async () => {
    const tb = workspace();
    const id = runId(5);
    const log = new RunLog(id).start({ experiment: 'later', name: 'first-name', config: { lr: 0.1 } }, T0).metrics(0, { loss: 1 }, { ts: T0 + 1 }).end('finished', undefined, T0 + 2);
    log.writeTo(tb);
    await syncWorkspace(options(tb));
    assert.equal((await findRun(api, `ts-${unique}/later`, id)).info.status, 'FINISHED');
    log.start({ experiment: 'later', name: 'first-name', resumed: true }, T0 + 100).params({ lr: 0.2 }, T0 + 101).metrics(1, { loss: 0.5 }, { ts: T0 + 102 });
    log.writeTo(tb);
    await syncWorkspace(options(tb, { now: () => (T0 + 103) * 1000 }));
    const resumed = await findRun(api, `ts-${unique}/later`, id);
    assert.equal(resumed.info.status, 'RUNNING');
    const tags = new Map(resumed.data.tags?.map((t) => [t.key, t.value]));
    assert.equal(tags.get('trialbook.param_changed.lr'), '0.2');
    assert.equal(new Map(resumed.data.params?.map((p) => [p.key, p.value])).get('lr'), '0.1', 'the first value stays');
    log.end('failed', 'CUDA out of memory', T0 + 110).writeTo(tb);
    appendFileSync(path.join(tb, 'runs', id, 'edits.jsonl'), editLine({ t: 'name', name: 'renamed' }) + editLine({ t: 'notes', notes: 'edited notes' }));
    await syncWorkspace(options(tb));
    const ended = await findRun(api, `ts-${unique}/later`, id);
    assert.equal(ended.info.status, 'FAILED');
    assert.equal(ended.info.end_time, (T0 + 110) * 1000);
    assert.equal(ended.info.run_name, 'renamed');
    const endTags = new Map(ended.data.tags?.map((t) => [t.key, t.value]));
    assert.equal(endTags.get('mlflow.note.content'), 'edited notes');
    assert.equal(endTags.get('trialbook.error'), 'CUDA out of memory');
    assert.deepEqual((await history(api, ended.info.run_id, 'loss')).map((p) => p.value), [1, 0.5]);
  });

  it('clock skew: points keep the writer\'s times, points logged after a clock stepped back are still sent (the cursor is a byte offset, not a time), an end before the start is clamped', async () => {
    const tb = workspace();
    const id = runId(6);
    // The writer's clock is an hour ahead of this machine's (now = T0 + 60 here).
    const ahead = T0 + 3600;
    const log = new RunLog(id).start({ experiment: 'skew', name: 'skewed' }, ahead);
    for (let s = 0; s < 50; s++) log.metrics(s, { loss: s }, { ts: ahead + 1 + s });
    log.writeTo(tb);
    const first = await syncWorkspace(options(tb, { now: () => (T0 + 60) * 1000 }));
    assert.equal(first.points, 50);
    const running = await findRun(api, `ts-${unique}/skew`, id);
    assert.equal(running.info.status, 'RUNNING', 'a last event in this machine\'s future is not a silence');
    assert.equal(running.info.start_time, ahead * 1000, 'the writer\'s time, not this machine\'s');
    // Its clock is then corrected two hours back (NTP, or the run resumed on a machine behind): the new points are
    // older than the ones already sent, and the run ends "before" it started.
    const behind = T0 - 3600;
    for (let s = 50; s < 80; s++) log.metrics(s, { loss: s }, { ts: behind + s });
    log.end('finished', undefined, behind + 100).writeTo(tb);
    const second = await syncWorkspace(options(tb, { now: () => (T0 + 70) * 1000 }));
    assert.equal(second.stopped, undefined, second.stopped?.message);
    assert.equal(second.points, 30, 'every point logged after the step back');
    const ended = await findRun(api, `ts-${unique}/skew`, id);
    assert.equal(ended.info.status, 'FINISHED');
    assert.equal(ended.info.end_time, ahead * 1000, 'an end before the start is clamped to the start');
    const loss = await history(api, ended.info.run_id, 'loss');
    assert.deepEqual(loss.map((p) => p.step).sort((a, b) => a - b), Array.from({ length: 80 }, (_, i) => i), 'each point once');
    assert.equal(loss.find((p) => p.step === 10)?.timestamp, (ahead + 11) * 1000);
    assert.equal(loss.find((p) => p.step === 60)?.timestamp, (behind + 60) * 1000);
    assert.equal((await syncWorkspace(options(tb, { now: () => (T0 + 80) * 1000 }))).points, 0);
  });
});

describe('sync out: credentials and older servers (stand-in)', () => {
  const dirs: string[] = [];
  after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
  const workspaceWithRun = (id: string, dataset = false): string => {
    const d = tempDir('sync-auth'); dirs.push(d);
    const tb = path.join(d, '.trialbook');
    const log = new RunLog(id).start({ experiment: 'auth', name: 'x' }, T0).metrics(0, { loss: 1 }, { ts: T0 + 1 });
    if (dataset) log.dataset({ key: 'train', name: 'train.csv', source: '/data/train.csv', kind: 'file', status: 'complete', sha256: 'a'.repeat(64), size: 10, context: 'training' }, T0 + 1.5);
    log.end('finished', undefined, T0 + 2).writeTo(tb);
    return tb;
  };

  it('wrong credentials: a clear error after one request, nothing retried', async () => {
    const server = await MlflowStandIn.start({ auth: { kind: 'basic', username: 'ada', password: 'right' } });
    try {
      const tb = workspaceWithRun('20261127T024012123-aaaaaaaaaa');
      const report = await syncWorkspace({ trialbookDir: tb, target: parseSyncTarget(targetText(server.uri)), credentials: { kind: 'basic', username: 'ada', password: 'wrong' }, retry: { baseDelayMs: 5, budgetMs: 60_000 } });
      assert.ok(report.stopped instanceof RegistryError);
      assert.equal(report.stopped.code, 'auth');
      assert.match(report.stopped.message, /rejected the credentials \(HTTP 401\)/);
      assert.doesNotMatch(report.stopped.message, /wrong/, 'the password is not in the message');
      assert.equal(server.calls.length, 1, 'one request, no retries');
      assert.equal(report.retries, 0);
    } finally { await server.stop(); }
  });

  it('a server without runs/log-inputs (MLflow before 2.4): datasets become tags, with one warning, and the sync succeeds', async () => {
    const server = await MlflowStandIn.start({ missingEndpoints: ['runs/log-inputs'] });
    try {
      const id = '20261127T024012123-bbbbbbbbbb';
      const tb = workspaceWithRun(id, true);
      const warnings: string[] = [];
      const report = await syncWorkspace({ trialbookDir: tb, target: parseSyncTarget(targetText(server.uri)), credentials: { kind: 'anonymous' }, onWarning: (w) => warnings.push(w) });
      assert.equal(report.stopped, undefined);
      assert.equal(warnings.length, 1);
      assert.match(warnings[0] ?? '', /has no runs\/log-inputs endpoint .*trialbook\.dataset\.\* tags/);
      const run = [...server.runs.values()].find((r) => r.tags.get('trialbook.run_id') === id);
      assert.match(run?.tags.get('trialbook.dataset.train') ?? '', /"digest":"aaaa/);
    } finally { await server.stop(); }
  });

  it('a server without runs/search: runs are created without looking for an earlier one, with one warning, and the sync succeeds', async () => {
    const server = await MlflowStandIn.start({ missingEndpoints: ['runs/search'] });
    try {
      seedExperiment(server, 'auth'); // an experiment that exists: a first sync would search it for earlier runs
      const ids = ['20261127T024012123-dddddddddd', '20261127T024012124-eeeeeeeeee'];
      const d = tempDir('sync-old'); dirs.push(d);
      const tb = path.join(d, '.trialbook');
      for (const id of ids) new RunLog(id).start({ experiment: 'auth', name: id.slice(-4) }, T0).metrics(0, { loss: 1 }, { ts: T0 + 1 }).end('finished', undefined, T0 + 2).writeTo(tb);
      const warnings: string[] = [];
      const report = await syncWorkspace({ trialbookDir: tb, target: parseSyncTarget(targetText(server.uri)), credentials: { kind: 'anonymous' }, onWarning: (w) => warnings.push(w) });
      assert.equal(report.stopped, undefined, report.stopped?.message);
      assert.deepEqual(report.problems, []);
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.match(warnings[0] ?? '', /has no runs\/search endpoint .*created without first looking/);
      for (const id of ids) assert.equal([...server.runs.values()].filter((r) => r.tags.get('trialbook.run_id') === id && r.metrics.length === 1).length, 1);
      assert.ok(server.calls.filter((c) => c.path.endsWith('/runs/search')).length <= ids.length, 'asked at most once per run (runs sync four at a time), never retried');
    } finally { await server.stop(); }
  });

  it('a server with runs/log-inputs gets the datasets as dataset inputs, once', async () => {
    const server = await MlflowStandIn.start();
    try {
      const id = '20261127T024012123-cccccccccc';
      const tb = workspaceWithRun(id, true);
      await syncWorkspace({ trialbookDir: tb, target: parseSyncTarget(targetText(server.uri)), credentials: { kind: 'anonymous' } });
      await syncWorkspace({ trialbookDir: tb, target: parseSyncTarget(targetText(server.uri)), credentials: { kind: 'anonymous' } });
      const run = [...server.runs.values()].find((r) => r.tags.get('trialbook.run_id') === id);
      assert.equal(run?.inputs.length, 1);
      assert.equal(run?.inputs[0]?.dataset['name'], 'train.csv');
      assert.equal(server.calls.filter((c) => c.path.endsWith('runs/log-inputs')).length, 1);
    } finally { await server.stop(); }
  });
});
