// Artifacts synced out (trialbook.sync.artifactMaxBytes / --artifact-max-bytes) against the stand-in, uploaded with
// PUT api/2.0/mlflow-artifacts/artifacts/<exp>/<run>/artifacts/<name>/<file> and read back through the same proxy:
// byte-identical files, nothing sent twice across a restart, files over the limit and links escaping the artifact
// folder not sent (and tagged), and faults mid-upload (through the fault proxy) ending with every file there once.
import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { SyncApi } from '../../src/core/sync/syncApi';
import { parseSyncTarget } from '../../src/core/sync/syncTarget';
import { memoOfTarget, syncWorkspace, type SyncOptions } from '../../src/core/sync/workspaceSync';
import { MlflowStandIn } from '../fixtures/mlflow/mlflowServer';
import { RunLog } from '../fixtures/runLog';
import { FaultProxy, type Fault } from './faultProxy';
import { tempDir } from './fixtures';
import { findRun, targetText } from './syncHelpers';

const T0 = 1_795_743_612;
const RUN = '20261127T024012123-a7f0000001';
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('sync out: artifacts (stand-in)', () => {
  const dirs: string[] = [];
  let server: MlflowStandIn;
  let work: string;
  let tb: string;
  let api: SyncApi;
  beforeEach(async () => {
    server = await MlflowStandIn.start();
    api = new SyncApi(server.uri, { credentials: { kind: 'anonymous' } });
    work = tempDir('sync-artifacts'); dirs.push(work);
    tb = path.join(work, '.trialbook');
  });
  afterEach(async () => { await server.stop(); });
  after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

  const options = (extra: Partial<SyncOptions> = {}, host = new URL(server.uri).host): SyncOptions => ({
    trialbookDir: tb, target: parseSyncTarget(targetText(`http://${host}`)), credentials: { kind: 'anonymous' },
    retry: { baseDelayMs: 5, maxDelayMs: 40, budgetMs: 5000, timeoutMs: 2000 }, ...extra,
  });
  /** A new process: nothing remembered but the sync state on disk. */
  const restart = (host = new URL(server.uri).host): void => { memoOfTarget(tb, parseSyncTarget(targetText(`http://${host}`))).runs.clear(); };
  const write = (rel: string, data: Buffer): Buffer => {
    const file = path.join(work, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, data);
    return data;
  };
  /** A run that logged these artifacts (relative paths: relative to the folder holding .trialbook). */
  const logRun = (artifacts: Array<{ name: string; path: string }>, log = new RunLog(RUN).start({ experiment: 'arts', name: 'otter' }, T0)): RunLog => {
    log.metrics(0, { loss: 1 }, { ts: T0 + 1 });
    for (const a of artifacts) log.artifact({ name: a.name, path: a.path, type: 'model', size: 1, sha256: sha(Buffer.from(`${a.path}${Math.random()}`)) }, T0 + 2);
    log.end('finished', undefined, T0 + 3).writeTo(tb);
    return log;
  };
  const puts = (suffix = ''): string[] => server.calls.filter((c) => c.method === 'PUT' && c.status === 200 && c.path.endsWith(suffix)).map((c) => c.path);
  const remoteRoot = async (): Promise<string> => {
    const run = await findRun(api, 'arts', RUN);
    const root = /^mlflow-artifacts:(?:\/\/[^/]*)?\/(.*)$/.exec(run.info.artifact_uri ?? '')?.[1];
    assert.ok(root, run.info.artifact_uri);
    return root;
  };
  const remoteFile = async (rel: string): Promise<Buffer> => api.getArtifact(`${await remoteRoot()}/${rel}`, 64 * 1024 * 1024);
  const tagsOf = async (): Promise<Map<string, string>> => new Map((await findRun(api, 'arts', RUN)).data.tags?.map((t) => [t.key, t.value]));

  it('off unless a limit is set; then every file of a folder and a single-file artifact arrives byte-identical through the proxy path', async () => {
    const weights = write('out/model/weights.bin', randomBytes(300_000));
    const config = write('out/model/config.json', Buffer.from('{"layers": [64, 32]}\n'));
    const vocab = write('out/model/sub/vocab.txt', Buffer.from('a\nb\nc\n'));
    symlinkSync('weights.bin', path.join(work, 'out/model/latest.bin'));
    const report = write('report.html', Buffer.from('<h1>ok</h1>'));
    const notes = write('notes.txt', Buffer.from('a file logged under its own name'));
    logRun([{ name: 'model', path: 'out/model' }, { name: 'report', path: path.join(work, 'report.html') }, { name: 'notes.txt', path: 'notes.txt' }]);

    const off = await syncWorkspace(options());
    assert.equal(off.stopped, undefined, off.stopped?.message);
    assert.equal(off.artifactFiles, 0);
    assert.deepEqual(puts(), [], 'no limit set: no artifact sent');

    const on = await syncWorkspace(options({ artifactMaxBytes: 1024 * 1024 }));
    assert.equal(on.stopped, undefined, on.stopped?.message);
    assert.deepEqual(on.problems, []);
    assert.equal(on.artifactFiles, 6);
    const root = await remoteRoot();
    assert.match(root, /^\d+\/[0-9a-z]+\/artifacts$/, 'the root is <experiment id>/<run id>/artifacts');
    assert.deepEqual(puts().sort(), ['model/config.json', 'model/latest.bin', 'model/sub/vocab.txt', 'model/weights.bin', 'notes.txt', 'report/report.html'].map((p) => `/api/2.0/mlflow-artifacts/artifacts/${root}/${p}`));
    assert.ok((await remoteFile('model/weights.bin')).equals(weights));
    assert.ok((await remoteFile('model/latest.bin')).equals(weights), 'a link inside the folder is sent as a copy');
    assert.ok((await remoteFile('model/config.json')).equals(config));
    assert.ok((await remoteFile('model/sub/vocab.txt')).equals(vocab));
    assert.ok((await remoteFile('report/report.html')).equals(report));
    assert.ok((await remoteFile('notes.txt')).equals(notes), 'a file logged under its own name is at <name>');
  });

  it('a restart sends nothing again; a file changed and logged again is the only one sent again', async () => {
    write('out/ckpt/a.bin', randomBytes(1000));
    write('out/ckpt/b.bin', randomBytes(1000));
    const log = logRun([{ name: 'ckpt', path: 'out/ckpt' }]);
    const first = await syncWorkspace(options({ artifactMaxBytes: 10_000 }));
    assert.equal(first.artifactFiles, 2);
    assert.equal(puts().length, 2);

    restart();
    log.metrics(1, { loss: 0.5 }, { ts: T0 + 4 }).writeTo(tb);
    const second = await syncWorkspace(options({ artifactMaxBytes: 10_000 }));
    assert.equal(second.stopped, undefined, second.stopped?.message);
    assert.equal(second.points, 1, 'the run was synced again (its new point)');
    assert.equal(second.artifactFiles, 0);
    assert.equal(puts().length, 2, 'no artifact sent again after the restart');

    restart();
    const b2 = write('out/ckpt/b.bin', randomBytes(1200));
    log.artifact({ name: 'ckpt', path: 'out/ckpt', type: 'model', size: 2200, sha256: sha(b2) }, T0 + 5).writeTo(tb);
    const third = await syncWorkspace(options({ artifactMaxBytes: 10_000 }));
    assert.equal(third.artifactFiles, 1);
    assert.equal(puts('/b.bin').length, 2);
    assert.equal(puts('/a.bin').length, 1, 'the unchanged file is not sent again');
    assert.ok((await remoteFile('ckpt/b.bin')).equals(b2));
  });

  it('a file over the limit is not sent and the run is tagged so; a higher limit sends it then, and only it', async () => {
    const small = write('out/m/small.bin', randomBytes(500));
    const big = write('out/m/big.bin', randomBytes(3000));
    logRun([{ name: 'm', path: 'out/m' }]);
    const first = await syncWorkspace(options({ artifactMaxBytes: 1000 }));
    assert.equal(first.stopped, undefined, first.stopped?.message);
    assert.equal(first.artifactFiles, 1);
    assert.ok((await remoteFile('m/small.bin')).equals(small));
    await assert.rejects(remoteFile('m/big.bin'), /not found|RESOURCE_DOES_NOT_EXIST/i);
    assert.match((await tagsOf()).get('trialbook.artifact_not_sent.m/big.bin') ?? '', /3000 bytes, over the sync's limit of 1000 bytes/);

    restart();
    const again = await syncWorkspace(options({ artifactMaxBytes: 1000 }));
    assert.equal(again.artifactFiles, 0);
    assert.equal(again.requests, 0, 'the same limit: nothing asked again');

    const raised = await syncWorkspace(options({ artifactMaxBytes: 10_000 }));
    assert.equal(raised.artifactFiles, 1, 'a new limit in the same process: the run is looked at again');
    assert.ok((await remoteFile('m/big.bin')).equals(big));
    assert.equal(puts('/small.bin').length, 1);
    assert.match((await tagsOf()).get('trialbook.artifact_not_sent.m/big.bin') ?? '', /^sent after all \(3000 bytes\)/, 'the tag no longer says it is missing');
  });

  it('a symbolic link escaping the artifact folder is refused (not sent, tagged, warned); the rest is sent', async () => {
    write('secret.txt', Buffer.from('do not send'));
    mkdirSync(path.join(work, 'elsewhere'));
    write('elsewhere/inner.txt', Buffer.from('nor this'));
    const ok = write('out/art/ok.txt', Buffer.from('fine'));
    symlinkSync(path.join('..', '..', 'secret.txt'), path.join(work, 'out/art/leak.txt'));
    symlinkSync(path.join(work, 'elsewhere'), path.join(work, 'out/art/dir'));
    logRun([{ name: 'art', path: 'out/art' }]);
    const report = await syncWorkspace(options({ artifactMaxBytes: 10_000 }));
    assert.equal(report.stopped, undefined, report.stopped?.message);
    assert.equal(report.artifactFiles, 1);
    assert.ok((await remoteFile('art/ok.txt')).equals(ok));
    assert.deepEqual(puts().map((p) => p.split('/').slice(-2).join('/')), ['art/ok.txt']);
    for (const body of server.artifacts.values()) assert.ok(!body.toString().includes('do not send') && !body.toString().includes('nor this'));
    const tags = await tagsOf();
    assert.match(tags.get('trialbook.artifact_not_sent.art/leak.txt') ?? '', /outside the artifact folder/);
    assert.match(tags.get('trialbook.artifact_not_sent.art/dir') ?? '', /outside the artifact folder/);
    assert.ok(report.warnings.some((w) => /art\/leak\.txt.*outside the artifact folder/.test(w)), report.warnings.join('\n'));
  });

  it('faults mid-upload (a connection cut mid-body, a 503, an answer lost after the server stored the file): retried, then every file there byte-identical', async () => {
    const files = Array.from({ length: 6 }, (_, i) => write(`out/f/part${i}.bin`, randomBytes(200_000 + i)));
    logRun([{ name: 'f', path: 'out/f' }]);
    const proxy = await FaultProxy.start(server.port, (req, seen): Fault => {
      if (req.method !== 'PUT') return 'forward';
      const n = seen.filter((r) => r.method === 'PUT').length;
      return n === 1 ? 'cut-mid-body' : n === 3 ? { status: 503, body: '{"error_code":"TEMPORARILY_UNAVAILABLE","message":"busy"}' } : n === 5 ? 'cut-after-upstream' : 'forward';
    });
    try {
      const report = await syncWorkspace(options({ artifactMaxBytes: 1024 * 1024 }, proxy.host));
      assert.equal(report.stopped, undefined, report.stopped?.message);
      assert.deepEqual(report.problems, []);
      assert.ok(report.retries >= 3, `retried ${report.retries} times`);
      assert.equal(report.artifactFiles, 6);
      for (let i = 0; i < files.length; i++) assert.ok((await remoteFile(`f/part${i}.bin`)).equals(files[i]!), `part${i}`);
      // The server stored one file twice (its answer was lost, so it was sent again: the same bytes at the same path).
      assert.equal(puts().length, 7);
      assert.equal(new Set(puts()).size, 6);
    } finally { await proxy.stop(); }
  });

  it('the server goes away mid-upload for longer than the retry budget: the sync stops with the reason; the next one sends only the files not acknowledged', async () => {
    const files = Array.from({ length: 5 }, (_, i) => write(`out/g/part${i}.bin`, randomBytes(50_000)));
    logRun([{ name: 'g', path: 'out/g' }]);
    let down = false;
    const proxy = await FaultProxy.start(server.port, (req, seen): Fault => {
      if (down) return 'reset';
      if (req.method === 'PUT' && seen.filter((r) => r.method === 'PUT').length === 2) { down = true; return 'cut-mid-body'; }
      return 'forward';
    });
    try {
      const first = await syncWorkspace(options({ artifactMaxBytes: 1024 * 1024, retry: { baseDelayMs: 5, maxDelayMs: 20, budgetMs: 300, timeoutMs: 2000 } }, proxy.host));
      assert.equal(first.stopped?.code, 'unreachable');
      assert.match(first.stopped?.message ?? '', /resumes where it stopped/);
      assert.equal(puts().length, 2, 'two files stored before the outage');
      down = false;
      restart(proxy.host);
      const second = await syncWorkspace(options({ artifactMaxBytes: 1024 * 1024 }, proxy.host));
      assert.equal(second.stopped, undefined, second.stopped?.message);
      assert.equal(second.artifactFiles, 3);
      assert.equal(puts().length, 5, 'each file stored once');
      for (let i = 0; i < files.length; i++) assert.ok((await remoteFile(`g/part${i}.bin`)).equals(files[i]!));
    } finally { await proxy.stop(); }
  });

  it('the tags of an artifact dealt with are on the server even when the sync stops at a later artifact', async () => {
    write('out/a/big.bin', randomBytes(3000));
    const b = write('out/b/ok.bin', randomBytes(100));
    logRun([{ name: 'a', path: 'out/a' }, { name: 'b', path: 'out/b' }]);
    let down = true;
    const proxy = await FaultProxy.start(server.port, (req): Fault => (down && req.method === 'PUT' ? 'reset' : 'forward'));
    try {
      const first = await syncWorkspace(options({ artifactMaxBytes: 1000, retry: { baseDelayMs: 5, maxDelayMs: 20, budgetMs: 200, timeoutMs: 2000 } }, proxy.host));
      assert.equal(first.stopped?.code, 'unreachable');
      down = false;
      restart(proxy.host);
      const second = await syncWorkspace(options({ artifactMaxBytes: 1000 }, proxy.host));
      assert.equal(second.stopped, undefined, second.stopped?.message);
      assert.ok((await remoteFile('b/ok.bin')).equals(b));
      assert.match((await tagsOf()).get('trialbook.artifact_not_sent.a/big.bin') ?? '', /over the sync's limit/);
    } finally { await proxy.stop(); }
  });

  it('413 from the server (or a proxy): that file is not sent, the run tagged, not retried; the others are sent', async () => {
    write('out/h/huge.bin', randomBytes(5000));
    const fine = write('out/h/fine.bin', randomBytes(100));
    logRun([{ name: 'h', path: 'out/h' }]);
    const proxy = await FaultProxy.start(server.port, (req): Fault => (req.method === 'PUT' && req.url?.endsWith('/huge.bin')
      ? { status: 413, body: '<html>Request Entity Too Large</html>', contentType: 'text/html' } : 'forward'));
    try {
      const report = await syncWorkspace(options({ artifactMaxBytes: 1024 * 1024 }, proxy.host));
      assert.equal(report.stopped, undefined, report.stopped?.message);
      assert.deepEqual(report.problems, []);
      assert.equal(report.artifactFiles, 1);
      assert.ok((await remoteFile('h/fine.bin')).equals(fine));
      assert.match((await tagsOf()).get('trialbook.artifact_not_sent.h/huge.bin') ?? '', /HTTP 413/);
      restart(proxy.host);
      const again = await syncWorkspace(options({ artifactMaxBytes: 1024 * 1024 }, proxy.host));
      assert.equal(again.unchanged, 0, 'the run was looked at again');
      assert.equal(proxy.seen.filter((r) => r.url.endsWith('/huge.bin')).length, 1, 'not retried');
    } finally { await proxy.stop(); }
  });

  it('a run synced before artifacts were (its state holds no artifact fields): the artifacts logged before the cursor are found and sent', async () => {
    const a = write('out/old/a.txt', Buffer.from('logged long ago'));
    logRun([{ name: 'old', path: 'out/old' }]);
    await syncWorkspace(options());
    const stateDir = path.join(tb, 'sync', readDirOne(path.join(tb, 'sync')));
    const file = path.join(stateDir, `${RUN}.json`);
    const json = JSON.parse(readFileSync(file, 'utf8')) as { facts: Record<string, unknown>; sent: Record<string, unknown> };
    delete json.facts['artifacts']; delete json.sent['artifacts']; delete json.sent['artifactsDone'];
    writeFileSync(file, JSON.stringify(json));
    restart();
    const report = await syncWorkspace(options({ artifactMaxBytes: 1000 }));
    assert.equal(report.stopped, undefined, report.stopped?.message);
    assert.equal(report.artifactFiles, 1);
    assert.ok((await remoteFile('old/a.txt')).equals(a));
  });
});

function readDirOne(dir: string): string {
  const names = readdirSync(dir);
  assert.equal(names.length, 1);
  return names[0]!;
}
