// `trialbook gate` as a CI pipeline runs it: exit codes and the readable report.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ModelLifecycle } from '../../../src/core/lifecycle/modelLifecycle';
import type { RunDetail } from '../../../src/core/model';
import { REPO_ROOT, runId, Workspace } from '../workspaceFixture';

const CLI = join(REPO_ROOT, 'out', 'src', 'cli.js');

function cli(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('command line: gate', () => {
  let ws: Workspace;
  const id = runId(70);

  before(async () => {
    ws = new Workspace();
    const log = ws.writeRun(id, { name: 'gated', steps: 4, status: null, config: { latency_ms: 31 }, metrics: (s) => ({ 'val/acc': 0.9 + s / 100, 'train/loss': 5 - s }) });
    log.artifact({ name: 'model.pt', path: 'model.pt', type: 'model', size: 3, sha256: 'a'.repeat(64) });
    log.end('finished');
    ws.append(log);
    // The run as the index would give it, for registering through the core (the CLI has no register command).
    const run = { id, artifacts: [{ name: 'model.pt', path: 'model.pt', type: 'model', size: 3, sha256: 'a'.repeat(64) }] } as unknown as RunDetail;
    const lc = new ModelLifecycle(ws.trialbookDir, { run: (r) => (r === id ? run : undefined), who: async () => ({ user: 'ci' }) });
    await lc.register({ model: 'churn', runId: id, artifact: 'model.pt', reason: 'first' });
  });
  after(() => ws.dispose());

  it('exits 0 when every gate passes, with each gate and the values it read', () => {
    writeFileSync(join(ws.trialbookDir, 'gates.json'), JSON.stringify({ churn: { accuracy: 'val/acc >= 0.92', loss: 'max(train/loss) < 6 and latency_ms < 40' } }));
    const r = cli('gate', '--dir', ws.root, '--model', 'churn', '--version', '1', '--quiet');
    assert.equal(r.code, 0, r.err + r.out);
    assert.match(r.out, new RegExp(`^churn v1 \\(run ${id}, stage candidate\\): 2 gates, all passed\\n`));
    assert.match(r.out, /PASS\s+accuracy\s+passed: val\/acc >= 0\.92 with val\/acc = 0\.93\n/);
    assert.match(r.out, /PASS\s+loss\s+passed: max\(train\/loss\) < 6 and latency_ms < 40 with max\(train\/loss\) = 5, latency_ms = 31\n/);
  });

  it('exits 1 when a gate fails or names a value the run lacks; --json says the same', () => {
    writeFileSync(join(ws.trialbookDir, 'gates.json'), JSON.stringify({ churn: { accuracy: 'val/acc >= 0.95' }, '*': { f1: 'summary.f1 > 0.5' } }));
    const r = cli('gate', '--dir', ws.root, '--model', 'churn', '--version', 'v1', '--quiet');
    assert.equal(r.code, 1, r.err);
    assert.match(r.out, /2 gates, 2 failed/);
    assert.match(r.out, /FAIL\s+accuracy\s+failed: val\/acc >= 0\.95 with val\/acc = 0\.93/);
    assert.match(r.out, /MISSING\s+f1\s+missing: the run has no summary\.f1/);
    const json = cli('gate', '--dir', ws.root, '--model', 'churn', '--version', '1', '--json', '--quiet');
    assert.equal(json.code, 1);
    const parsed = JSON.parse(json.out) as { passed: boolean; gates: Array<{ name: string; status: string; actual: Array<{ missing: boolean }> }> };
    assert.equal(parsed.passed, false);
    assert.deepEqual(parsed.gates.map((g) => [g.name, g.status, g.actual[0]?.missing]), [['accuracy', 'fail', false], ['f1', 'missing', true]]);
  });

  it('a rule with a syntax error is reported at its line and column in the gates file, and fails', () => {
    writeFileSync(join(ws.trialbookDir, 'gates.json'), '{\n  "churn": {\n    "accuracy": "val/acc >= and x"\n  }\n}\n');
    const r = cli('gate', '--dir', ws.root, '--model', 'churn', '--version', '1', '--quiet');
    assert.equal(r.code, 1);
    assert.match(r.err, /^gates\.json:3:29: gate "accuracy": invalid rule at column 12: expected a value, found "and"/m);
    assert.match(r.out, /ERROR\s+accuracy/);
  });

  it('exits 2 on bad usage: unknown version, no gates, bad --version', () => {
    writeFileSync(join(ws.trialbookDir, 'gates.json'), JSON.stringify({ other: { a: 'x > 1' } }));
    assert.equal(cli('gate', '--dir', ws.root, '--model', 'churn', '--version', '1', '--quiet').code, 2);
    const missing = cli('gate', '--dir', ws.root, '--model', 'churn', '--version', '9', '--quiet');
    assert.equal(missing.code, 2);
    assert.match(missing.err, /No model "churn" v9/);
    assert.match(cli('gate', '--dir', ws.root, '--model', 'churn', '--version', 'three').err, /--version needs a version number/);
  });
});
