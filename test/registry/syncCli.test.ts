// `trialbook sync` end to end: the CLI process against the stand-in, credentials from the environment.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MlflowStandIn } from '../fixtures/mlflow/mlflowServer';
import { RunLog } from '../fixtures/runLog';
import { tempDir } from './fixtures';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'out', 'src', 'cli.js');
const RUN_ID = '20261127T024012123-5c11000001';
const T0 = 1_795_743_612;

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('trialbook sync (CLI)', () => {
  let server: MlflowStandIn;
  let work: string;
  before(async () => {
    server = await MlflowStandIn.start({ auth: { kind: 'basic', username: 'ada', password: 'cli-secret' } });
    work = tempDir('sync-cli');
    const log = new RunLog(RUN_ID).start({ experiment: 'churn', name: 'brave-otter', config: { lr: 0.01 } }, T0);
    for (let s = 0; s < 300; s++) log.metrics(s, { loss: 1 / (s + 1) }, { ts: T0 + 1 + s * 0.01 });
    log.end('finished', undefined, T0 + 5).writeTo(path.join(work, '.trialbook'));
  });
  after(async () => { await server.stop(); rmSync(work, { recursive: true, force: true }); });
  const to = (): string => `mlflow+http://${new URL(server.uri).host}/`;
  const creds = { MLFLOW_TRACKING_USERNAME: 'ada', MLFLOW_TRACKING_PASSWORD: 'cli-secret' };

  it('syncs the workspace into PREFIX + experiment, then has nothing left to send', async () => {
    const first = await cli(['sync', '--dir', work, '--to', to(), '--experiment-prefix', 'team/'], creds);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /Synced 300 points of 1 changed run\(s\) of 1/);
    assert.ok([...server.experiments.values()].some((e) => e.name === 'team/churn'));
    const run = [...server.runs.values()].find((r) => r.tags.get('trialbook.run_id') === RUN_ID);
    assert.equal(run?.metrics.length, 300);
    const again = await cli(['sync', '--dir', work, '--to', to(), '--experiment-prefix', 'team/', '--json'], creds);
    assert.equal(again.code, 0, again.stderr);
    const report = JSON.parse(again.stdout) as { points: number; requests: number };
    assert.equal(report.points, 0);
    assert.equal(report.requests, 0);
  });

  it('wrong credentials: exit 1 with what to set, the password never printed', async () => {
    const res = await cli(['sync', '--dir', work, '--to', to(), '--experiment-prefix', 'other/'], { MLFLOW_TRACKING_USERNAME: 'ada', MLFLOW_TRACKING_PASSWORD: 'not-it' });
    assert.equal(res.code, 1);
    assert.match(res.stderr, /rejected the credentials \(HTTP 401\).*MLFLOW_TRACKING_USERNAME/);
    assert.doesNotMatch(res.stderr + res.stdout, /not-it/);
  });

  it('--artifact-max-bytes 1M also sends the runs\' artifact files (byte-identical); a size it cannot read is a usage error', async () => {
    const bytes = randomBytes(70_000);
    mkdirSync(path.join(work, 'out'), { recursive: true });
    writeFileSync(path.join(work, 'out', 'weights.bin'), bytes);
    const id = '20261127T024012123-5c11000002';
    new RunLog(id).start({ experiment: 'churn', name: 'with-artifact' }, T0)
      .artifact({ name: 'model', path: 'out/weights.bin', type: 'model', size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }, T0 + 1)
      .end('finished', undefined, T0 + 2).writeTo(path.join(work, '.trialbook'));
    const bad = await cli(['sync', '--dir', work, '--to', to(), '--artifact-max-bytes', 'lots'], creds);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--artifact-max-bytes: "lots" is not a size/);
    const res = await cli(['sync', '--dir', work, '--to', to(), '--experiment-prefix', 'art/', '--artifact-max-bytes', '1M'], creds);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stderr, /and 1 artifact file\(s\) \(70,000 bytes\)/);
    const run = [...server.runs.values()].find((r) => r.tags.get('trialbook.run_id') === id && r.info.artifact_uri !== undefined && server.artifacts.has(`${r.info.artifact_uri.replace(/^mlflow-artifacts:\//, '')}/model/weights.bin`));
    assert.ok(run, 'the file is on the server under <root>/model/weights.bin');
    assert.ok(server.artifacts.get(`${run.info.artifact_uri.replace(/^mlflow-artifacts:\//, '')}/model/weights.bin`)?.equals(bytes));
  });

  it('a bad target is a usage error (exit 2) that says how to write it, without echoing credentials', async () => {
    const res = await cli(['sync', '--dir', work, '--to', 'mlflow+http://bob:hunter2@example.com/']);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /MLFLOW_TRACKING_USERNAME/);
    assert.doesNotMatch(res.stderr, /hunter2/);
    const other = await cli(['sync', '--dir', work, '--to', 'https://example.com/']);
    assert.equal(other.code, 2);
    assert.match(other.stderr, /mlflow\+https:\/\//);
  });
});
