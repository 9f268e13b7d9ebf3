// The CLI push end to end: a workspace with a logged run, a real registry, the push recorded in the index;
// a failed push records nothing; credentials come from the docker config and never show in output.
import * as assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openRunIndex } from '../../src/core/openRunIndex';
import { dockerConfigCredentials } from '../../src/core/registry/credentials';
import { MlflowStandIn } from '../fixtures/mlflow/mlflowServer';
import { RunLog } from '../fixtures/runLog';
import { RegistryServer } from './registryServer';
import { fileSha256, skopeoInspect, tempDir } from './fixtures';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'out', 'src', 'cli.js');
const RUN_ID = '20261127T024012123-3f9a1c7b2e';
const PASSWORD = 'cli-pa55word';

function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

function writeRun(workspace: string): string {
  const modelDir = path.join(workspace, 'out', 'model');
  mkdirSync(modelDir, { recursive: true });
  writeFileSync(path.join(modelDir, 'model.safetensors'), Buffer.alloc(50_000, 9));
  writeFileSync(path.join(modelDir, 'config.json'), '{"layers":2}');
  const ts = 1795743612;
  new RunLog(RUN_ID)
    .start({ experiment: 'churn', name: 'brave-otter', config: { lr: 0.01 }, tags: [], notes: 'cli test run', lineage: { user: 'ada', git: { commit: 'abc123', remote: 'https://example.com/team/repo.git' } } }, ts)
    .metrics(0, { loss: 0.5 }, { ts: ts + 1 })
    .metrics(1, { loss: 0.25 }, { ts: ts + 1.5 })
    .artifact({ name: 'model', path: 'out/model', type: 'model', size: 50_012, sha256: 'f'.repeat(64), files: 2 }, ts + 2)
    .end('finished', undefined, ts + 3)
    .writeTo(path.join(workspace, '.trialbook'));
  return modelDir;
}

async function pushesOf(workspace: string): Promise<{ reference: string; registry: string; digest?: string; version?: string }[]> {
  const index = await openRunIndex({ trialbookDir: path.join(workspace, '.trialbook'), wasmPath: path.join(ROOT, 'node_modules', 'sql.js', 'dist', 'sql-wasm.wasm'), log: { info: () => undefined, warn: () => undefined, error: () => undefined } });
  try {
    await index.sync();
    return index.getRun(RUN_ID)?.pushes ?? [];
  } finally {
    await index.close();
  }
}

describe('trialbook push (CLI)', () => {
  let registry: RegistryServer;
  let work: string;
  let workspace: string;
  let modelDir: string;
  let dockerConfig: string;
  before(async () => {
    work = tempDir('push-cli');
    workspace = path.join(work, 'ws');
    modelDir = writeRun(workspace);
    const htpasswd = path.join(work, 'htpasswd');
    execFileSync('htpasswd', ['-Bbc', htpasswd, 'ci-bot', PASSWORD], { stdio: 'ignore' });
    registry = await RegistryServer.start({ kind: 'htpasswd', htpasswdPath: htpasswd });
    dockerConfig = path.join(work, 'docker');
    mkdirSync(dockerConfig);
    writeFileSync(path.join(dockerConfig, 'config.json'), JSON.stringify({ auths: { [`http://${registry.host}`]: { auth: Buffer.from(`ci-bot:${PASSWORD}`).toString('base64') } } }));
  });
  after(async () => {
    await registry.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('reads docker config auths for a registry host', async () => {
    assert.deepEqual(await dockerConfigCredentials(registry.host, path.join(dockerConfig, 'config.json')), { kind: 'basic', username: 'ci-bot', password: PASSWORD });
    assert.equal(await dockerConfigCredentials('other.example:5000', path.join(dockerConfig, 'config.json')), undefined);
  });

  it('pushes a logged model artifact with docker-config credentials and records the push', async () => {
    const to = `oci://${registry.host}/team/churn:1.2.0`;
    const dry = await cli(['push', '--dir', workspace, '--run', RUN_ID, '--model', 'model', '--to', to, '--dry-run', '--json'], { DOCKER_CONFIG: dockerConfig });
    assert.equal(dry.code, 0, dry.stderr);
    const plan = JSON.parse(dry.stdout) as { files: { filepath: string; size: number; sha256: string }[]; lineage: Record<string, string> };
    assert.deepEqual(plan.files.map((f) => f.filepath), ['config.json', 'model.safetensors']);
    assert.equal(plan.files[1]?.sha256, await fileSha256(path.join(modelDir, 'model.safetensors')));
    assert.equal(plan.lineage['dev.trialbook.run.id'], RUN_ID);
    assert.deepEqual(await pushesOf(workspace), [], 'a dry run records nothing');

    const res = await cli(['push', '--dir', workspace, '--run', RUN_ID, '--model', 'model', '--to', to, '--alias', 'staging'], { DOCKER_CONFIG: dockerConfig });
    assert.equal(res.code, 0, res.stderr);
    assert.ok(!`${res.stdout}${res.stderr}`.includes(PASSWORD));
    const { raw } = await skopeoInspect(registry.host, 'team/churn:staging', `ci-bot:${PASSWORD}`);
    const digest = `sha256:${createHash('sha256').update(raw).digest('hex')}`;
    assert.equal(res.stdout.trim(), `${registry.host}/team/churn:1.2.0@${digest}`);
    const pushes = await pushesOf(workspace);
    assert.equal(pushes.length, 1);
    assert.equal(pushes[0]?.reference, `${registry.host}/team/churn:1.2.0@${digest}`);
    assert.equal(pushes[0]?.digest, digest);
    assert.equal(pushes[0]?.version, '1.2.0');
    assert.equal(pushes[0]?.registry, `oci://${registry.host}/team/churn`);

    const again = await cli(['push', '--dir', workspace, '--run', RUN_ID, '--model', 'model', '--to', to, '--alias', 'staging'], { DOCKER_CONFIG: dockerConfig });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /already up to date/);
    const cache = JSON.parse(readFileSync(path.join(workspace, '.trialbook', 'cache', 'registry-digests.json'), 'utf8')) as Record<string, { sha256: string }>;
    assert.ok(Object.values(cache).some((v) => v.sha256 === plan.files[1]?.sha256), 'digests are kept for the next process');

    const verify = await cli(['push', '--dir', workspace, '--run', RUN_ID, '--model', 'model', '--to', to, '--verify'], { DOCKER_CONFIG: dockerConfig });
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /^Matches /);

    // A new process pushing to another repository of the same registry mounts the blobs the earlier push recorded.
    const other = await cli(['push', '--dir', workspace, '--run', RUN_ID, '--model', 'model', '--to', `oci://${registry.host}/team/churn-prod:1.2.0`], { DOCKER_CONFIG: dockerConfig });
    assert.equal(other.code, 0, other.stderr);
    // Both layers are mounted; the config differs (its descriptor names the repository) and is uploaded.
    assert.equal((other.stderr.match(/mounted into/g) ?? []).length, 2, other.stderr);
  });

  it('fails with a clear message and records nothing for wrong credentials and a refused connection', async () => {
    const before = (await pushesOf(workspace)).length;
    const bad = await cli(['push', '--dir', workspace, '--run', RUN_ID, '--model', 'model', '--to', `oci://${registry.host}/team/churn:9`], { TRIALBOOK_REGISTRY_USERNAME: 'ci-bot', TRIALBOOK_REGISTRY_PASSWORD: 'wrong-secret-xyz' });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /rejected the credentials/);
    assert.ok(!bad.stderr.includes('wrong-secret-xyz'));
    // Port 1 (tcpmux) has no listener here; a just-freed ephemeral port could be taken by another process meanwhile.
    const port = 1;
    const refused = await cli(['push', '--dir', workspace, '--run', RUN_ID, '--model', 'model', '--to', `oci://127.0.0.1:${port}/team/churn:9`]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /connection refused/);
    assert.equal((await pushesOf(workspace)).length, before);
    const usage = await cli(['push', '--dir', workspace, '--run', RUN_ID, '--model', 'nope', '--to', `oci://${registry.host}/team/churn:9`]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /has no artifact "nope".*artifacts: model/);
    assert.ok(existsSync(path.join(workspace, '.trialbook')));
    assert.ok(readFileSync(path.join(workspace, '.trialbook', 'runs', RUN_ID, 'events.jsonl'), 'utf8').includes('run_end'), 'the run log is untouched');
  });

  it('answers malformed targets and options with a clear message and exit code 2, before any network traffic', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--to', 'oci://127.0.0.1:99999/team/churn:1'], /port 99999 .*out of range/],
      [['--to', 'oci://127.0.0.1:5000/:1'], /has no repository/],
      [['--to', 'oci://127.0.0.1:5000/team/churn:bad tag'], /not a valid tag/],
      [['--to', 'oci://bot:s3cr3t@127.0.0.1:5000/team/churn:1'], /credentials do not belong in the target/],
      [['--to', 'ftp://127.0.0.1/team/churn:1'], /is not a push target/],
      [['--to', 'mlflow://127.0.0.1:70000/churn'], /port 70000 .*out of range/],
      [['--to', 'oci://127.0.0.1:5000/team/churn:1', '--alias', 'not a tag'], /alias "not a tag" is not a valid tag/i],
      [['--to', 'mlflow+http://127.0.0.1:5000/churn', '--alias', 'latest'], /reserves the alias "latest"/],
    ];
    for (const [args, pattern] of cases) {
      const res = await cli(['push', '--dir', workspace, '--run', RUN_ID, '--model', 'model', ...args]);
      assert.equal(res.code, 2, `${args.join(' ')}: ${res.stderr}`);
      assert.match(res.stderr, pattern, args.join(' '));
      assert.doesNotMatch(res.stderr, /Invalid URL|TypeError|\n\s+at /, 'no raw exception');
      assert.ok(!res.stderr.includes('s3cr3t'));
    }
  });

  it('lists links in --dry-run, stops at a link outside the model unless --follow-outside-links, and escapes control characters', async () => {
    const link = path.join(modelDir, 'passwd');
    const odd = path.join(modelDir, 'evil\x1b]0;owned\x07.bin');
    symlinkSync('/etc/passwd', link);
    writeFileSync(odd, 'x');
    try {
      const to = `oci://${registry.host}/team/linked:1`;
      const before = (await pushesOf(workspace)).length;
      const dry = await cli(['push', '--dir', workspace, '--run', RUN_ID, '--model', 'model', '--to', to, '--dry-run']);
      assert.equal(dry.code, 1, dry.stderr);
      assert.match(dry.stderr, /passwd -> \/etc\/passwd {2}\(file, OUTSIDE the model folder: not sent \(the push stops\)\)/);
      assert.match(dry.stderr, /the push would stop: 1 link\(s\) point outside the model folder.*--follow-outside-links/);
      assert.ok(dry.stderr.includes('evil\\x1b]0;owned\\x07.bin'), `the file name is shown escaped: ${dry.stderr}`);
      assert.ok(!dry.stderr.includes('\x1b') && !dry.stdout.includes('\x1b'), 'no raw escape reaches the terminal');

      const refused = await cli(['push', '--dir', workspace, '--run', RUN_ID, '--model', 'model', '--to', to], { DOCKER_CONFIG: dockerConfig });
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /trialbook: The model has a link that points outside its folder: passwd → \/etc\/passwd\. Nothing was sent\..*--follow-outside-links/);
      assert.equal((await pushesOf(workspace)).length, before);

      const followedDry = await cli(['push', '--dir', workspace, '--run', RUN_ID, '--model', 'model', '--to', to, '--dry-run', '--follow-outside-links', '--json']);
      assert.equal(followedDry.code, 0, followedDry.stderr);
      const plan = JSON.parse(followedDry.stdout) as { files: { filepath: string; source: string }[]; links: { filepath: string; sentAs: string }[] };
      assert.deepEqual(plan.links, [{ filepath: 'passwd', target: '/etc/passwd', outside: true, type: 'file', size: readFileSync('/etc/passwd').length, sentAs: 'copy' }]);
      assert.ok(plan.files.some((f) => f.filepath === 'passwd' && f.source === '/etc/passwd'), 'the copy is listed among the files');
      assert.match(followedDry.stderr, /passwd -> \/etc\/passwd {2}\(file, OUTSIDE the model folder: sent as a copy\)/);
    } finally {
      rmSync(link);
      rmSync(odd);
    }
  });

  it('pushes to MLflow with MLFLOW_TRACKING_TOKEN and records models:/<name>/<version>', async () => {
    const mlflow = await MlflowStandIn.start({ auth: { kind: 'token', token: 'tok-secret-77' }, registrationDelayMs: 100 });
    try {
      const port = new URL(mlflow.uri).port;
      const res = await cli(['push', '--dir', workspace, '--run', RUN_ID, '--model', 'model', '--to', `mlflow+http://127.0.0.1:${port}/churn-model?experiment=ci`, '--alias', 'champion'], { MLFLOW_TRACKING_TOKEN: 'tok-secret-77' });
      assert.equal(res.code, 0, res.stderr);
      assert.equal(res.stdout.trim(), 'models:/churn-model/1');
      assert.ok(!`${res.stdout}${res.stderr}`.includes('tok-secret-77'));
      assert.equal(mlflow.models.get('churn-model')?.aliases.get('champion'), '1');
      assert.ok([...mlflow.experiments.values()].some((e) => e.name === 'ci'));
      const mirrored = [...mlflow.runs.values()].find((r) => r.tags.get('trialbook.run_id') === RUN_ID);
      assert.deepEqual(mirrored?.metrics.map((m) => [m.key, m.step, m.value]), [['loss', 0, 0.5], ['loss', 1, 0.25]], 'the whole loss curve, from the index');
      const pushes = await pushesOf(workspace);
      const last = pushes[pushes.length - 1];
      assert.equal(last?.reference, 'models:/churn-model/1');
      assert.equal(last?.registry, `mlflow:http://127.0.0.1:${port}`);
      assert.equal(last?.version, '1');
    } finally {
      await mlflow.stop();
    }
  });
});
