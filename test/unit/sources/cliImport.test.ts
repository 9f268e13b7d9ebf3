// `trialbook import` and `trialbook runs --source`, for CI: the same follower as the editor, from a terminal.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { writeMlflowExperiment, writeMlflowRun, writeTbEventFile } from '../../fixtures/sourceWriters';
import { treeChecksums } from '../../peers/peerFixtures';
import { REPO_ROOT } from '../workspaceFixture';

const CLI = join(REPO_ROOT, 'out', 'src', 'cli.js');

function cli(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('command line: sources', () => {
  let tmp: string;
  let mlruns: string;
  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'trialbook-cli-src-'));
    mlruns = join(tmp, 'mlruns');
    const exp = writeMlflowExperiment(mlruns, '3', 'ci-exp');
    writeMlflowRun(exp, '3', { runId: 'e'.repeat(32), name: 'ci-run', startTime: 1_700_000_000_000, params: { lr: '0.1' }, metrics: { acc: [[1_700_000_000_000, 0.5, 0], [1_700_000_001_000, 0.75, 1]] } });
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('runs --source lists a store\'s runs without a workspace and writes nothing anywhere', () => {
    const before = treeChecksums(tmp);
    const r = cli('runs', '--source', mlruns, '--columns', 'acc,lr');
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, new RegExp(`^mlflow-${'e'.repeat(32)}\\s+ci-exp\\s+ci-run\\s+finished\\s+.*\\s0\\.75\\s+0\\.1$`, 'm'));
    assert.deepEqual(treeChecksums(tmp), before);
    const json = JSON.parse(cli('runs', '--source', mlruns, '--json').out) as { name: string }[];
    assert.deepEqual(json.map((x) => x.name), ['ci-run']);
  });

  it('import reads a source into the workspace; run again, it adds nothing; an unreadable source exits 1', () => {
    const ws = join(tmp, 'ws');
    const first = cli('import', mlruns, '--dir', ws);
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, /\(MLflow FileStore\): 1 runs, 1 new or changed; 0 problems\./);
    assert.ok(existsSync(join(ws, '.trialbook', 'runs', `mlflow-${'e'.repeat(32)}`, 'events.jsonl')));
    const again = cli('import', mlruns, '--dir', ws);
    assert.match(again.out, /1 runs, 0 new or changed/);
    writeTbEventFile(join(tmp, 'tb', 'r1'), 1_700_000_000, [{ tag: 'loss', step: 0, wallTime: 1_700_000_000, value: 1 }]);
    assert.equal(cli('import', join(tmp, 'tb'), '--dir', ws).code, 0);
    const rows = JSON.parse(cli('runs', '--dir', ws, '--json').out) as { name: string; experiment: string }[];
    assert.deepEqual(rows.map((x) => `${x.experiment}/${x.name}`).sort(), ['ci-exp/ci-run', 'tb/r1']);
    const bad = cli('import', join(tmp, 'nothing-here'), '--dir', ws);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /nothing-here does not exist or cannot be read/);
    assert.equal(cli('import', mlruns, '--kind', 'comet', '--dir', ws).code, 2);
  });
});
