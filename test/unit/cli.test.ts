import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { IndexChild } from './processes';
import { REPO_ROOT, runId, Workspace } from './workspaceFixture';

const CLI = join(REPO_ROOT, 'out', 'src', 'cli.js');

function cli(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('command line', () => {
  let ws: Workspace;
  const a = runId(50);
  const b = runId(51);
  beforeEach(() => {
    ws = new Workspace();
    ws.writeRun(a, { name: 'brave-otter', steps: 10, config: { lr: 0.001, optimizer: 'adam' }, metrics: (s) => ({ val_acc: 0.5 + s / 20 }) });
    ws.writeRun(b, { name: 'calm-heron', steps: 10, config: { lr: 0.1, optimizer: 'sgd' }, t0: 1_795_743_700, metrics: (s) => ({ val_acc: s / 100 }) });
    ws.appendRaw(b, 'not json\n');
  });
  afterEach(() => ws.dispose());

  it('lists runs as JSON with a filter and sort, and as a table', () => {
    const r = cli('runs', '--dir', ws.root, '--filter', 'val_acc > 0.9', '--sort', '-val_acc', '--json');
    assert.equal(r.code, 0, r.err);
    const rows = JSON.parse(r.out) as Array<{ id: string; params: Record<string, unknown>; metrics: Record<string, { last: number }> }>;
    assert.deepEqual(rows.map((x) => x.id), [a]);
    assert.equal(rows[0]!.metrics.val_acc!.last, 0.5 + 9 / 20);
    assert.match(r.err, /events\.jsonl:13: invalid JSON/, 'bad log lines are reported on stderr');
    assert.ok(existsSync(join(ws.trialbookDir, 'trialbook.db')), 'without another writer the CLI saves the index');
    const table = cli('runs', '--dir', ws.root, '--sort', 'name', '--columns', 'lr', '--quiet');
    assert.equal(table.code, 0);
    const lines = table.out.trim().split('\n');
    assert.match(lines[0]!, /^ID\s+EXPERIMENT\s+NAME\s+STATUS\s+STARTED\s+DURATION\s+LR$/);
    assert.match(lines[1]!, new RegExp(`^${a}\\s+demo\\s+brave-otter\\s+finished\\s+.*\\s0\\.001$`));
    assert.match(lines[2]!, /calm-heron/);
    assert.equal(table.err, '');
  });

  it('explains a bad filter with its column and exits with 2; unknown commands and options too', () => {
    const r = cli('runs', '--dir', ws.root, '--filter', 'lr < and x', '--quiet');
    assert.equal(r.code, 2);
    assert.equal(r.err, 'trialbook: Invalid filter at column 6: expected a value, found "and" (quote it if you mean the word)\n  lr < and x\n       ^\n');
    assert.equal(cli('frobnicate').code, 2);
    assert.match(cli('runs', '--bogus').err, /unknown option --bogus/);
    assert.match(cli('--help').out, /Commands:\n\s+runs/);
  });

  it('prints series as CSV, downsampled to --points', () => {
    const r = cli('series', '--dir', ws.root, '--run', a, '--metric', 'val_acc', '--points', '4', '--quiet');
    assert.equal(r.code, 0, r.err);
    const rows = r.out.trim().split('\n');
    assert.equal(rows[0], 'run,metric,x,y');
    assert.equal(rows.length, 5);
    assert.equal(rows[1], `${a},val_acc,0,0.5`, 'RFC 4180: a name without comma, quote or line break is not quoted');
    assert.equal(rows[4], `${a},val_acc,9,${0.5 + 9 / 20}`);
  });

  it('reads without writing and refuses to rebuild while another process holds the writer lock', async () => {
    const holder = new IndexChild(ws.trialbookDir);
    try {
      assert.deepEqual(await holder.next(), { ready: true, isWriter: true });
      const c = runId(52);
      ws.writeRun(c, { steps: 2, t0: 1_795_743_800 });
      const r = cli('runs', '--dir', ws.root, '--json', '--quiet');
      assert.equal(r.code, 0, r.err);
      assert.equal((JSON.parse(r.out) as unknown[]).length, 3, 'the run the writer has not indexed yet is listed');
      const rebuild = cli('rebuild', '--dir', ws.root);
      assert.equal(rebuild.code, 1);
      assert.match(rebuild.err, /another process holds the database writer lock/);
    } finally {
      await holder.kill();
    }
    const rebuild = cli('rebuild', '--dir', ws.root, '--quiet');
    assert.equal(rebuild.code, 0, rebuild.err);
    assert.match(rebuild.out, /Rebuilt the index: 3 runs in (\d+ ms|\d+s|\d+m \d\ds), 1 unusable log lines skipped\./);
  });
});
