import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { entryFile, planOpenAtCommit } from '../../src/core/codeAtRun';
import type { RunDetail } from '../../src/core/model';

const SHA = 'e'.repeat(64);

function detail(lineage: RunDetail['lineage']): RunDetail {
  return {
    id: 'r1', experiment: 'e', name: 'brave-otter', status: 'finished', startedAt: 1, lastEventAt: 2, notes: '', tags: [], params: {},
    metrics: {}, skippedLines: 0, lineage, summary: {}, artifacts: [], pushes: [], dir: '/w/.trialbook/runs/r1',
  };
}

describe('which code a run ran (Open at Commit)', () => {
  const untracked = detail({
    script: '/w/proj/train.py',
    git: { commit: 'abcdef0123', root: '/w', path: 'proj/train.py', untracked: ['proj/train.py'] },
    sources: [{ path: '/w/proj/train.py', state: 'untracked', sha256: SHA, size: 3, stored: `sources/${SHA}` }],
  });

  it('opens the commit when the file is in it', async () => {
    assert.deepEqual(await planOpenAtCommit(untracked, async () => true), { kind: 'commit', root: '/w', commit: 'abcdef0123', rel: 'proj/train.py' });
  });

  it('opens the captured source, saying why, when the commit did not have the file', async () => {
    const plan = await planOpenAtCommit(untracked, async () => false);
    assert.deepEqual(plan, {
      kind: 'captured', file: `/w/.trialbook/sources/${SHA}`, name: 'proj/train.py',
      message: 'proj/train.py did not exist at commit abcdef01 (it was untracked when run "brave-otter" started): showing the source captured when the run started.',
    });
  });

  it('says so, instead of showing an empty file, when the commit did not have it and nothing was captured', async () => {
    const plan = await planOpenAtCommit(detail({ script: '/w/train.py', git: { commit: 'abcdef0123', root: '/w' } }), async () => false);
    assert.equal(plan.kind, 'error');
    assert.match(plan.kind === 'error' ? plan.message : '', /^train\.py did not exist at commit abcdef01 in \/w, and run "brave-otter" has no captured source/);
  });

  it('opens the captured source of a run outside any repository', async () => {
    const plan = await planOpenAtCommit(detail({ script: '/tmp/t.py', sources: [{ path: '/tmp/t.py', state: 'no-repository', sha256: SHA, size: 1, stored: `sources/${SHA}` }] }), async () => true);
    assert.equal(plan.kind, 'captured');
  });

  it('never reads a stored path other than sources/<its sha256> (a run log is untrusted)', () => {
    const forged = detail({ script: '/w/t.py', sources: [{ path: '/w/t.py', state: 'untracked', sha256: SHA, size: 1, stored: '../../../etc/passwd' }] });
    assert.equal(entryFile(forged)?.captured, undefined);
  });

  it('refuses a recorded commit that is not a commit id', async () => {
    await assert.rejects(planOpenAtCommit(detail({ script: '/w/t.py', git: { commit: '--output=/tmp/x', root: '/w' } }), async () => true), /which is not a commit id/);
  });
});
