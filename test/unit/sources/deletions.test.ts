// Deleting an imported run (its folder under .trialbook/runs, as the Delete command does) keeps it deleted: the next
// passes over its source do not import it again, until the user asks for deleted runs to be imported again.
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { SourceFollower } from '../../../src/core/sources/sourceFollower';
import { deletedImports, forgetDeletedImports } from '../../../src/core/sources/importLedger';
import { writeMlflowExperiment, writeMlflowRun, writeWandbRun } from '../../fixtures/sourceWriters';
import { captureLog } from '../workspaceFixture';

describe('sources: deleted imported runs', () => {
  let tmp: string;
  beforeEach(() => { tmp = mkdtempSync(join(tmpdir(), 'trialbook-deleted-')); });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('a deleted imported run stays deleted over later passes (and a new follower), and comes back when asked for', async () => {
    const mlruns = join(tmp, 'mlruns');
    const exp = writeMlflowExperiment(mlruns, '7', 'exp');
    writeMlflowRun(exp, '7', { runId: 'a'.repeat(32), name: 'keep', startTime: 1_700_000_000_000 });
    writeMlflowRun(exp, '7', { runId: 'b'.repeat(32), name: 'drop', startTime: 1_700_000_001_000 });
    writeWandbRun(join(tmp, 'wandb'), { id: 'wb1', start: 1_700_000_000, rows: [{ loss: 1 }], exitCode: 0 });
    const trialbookDir = join(tmp, '.trialbook');
    const runsDir = join(trialbookDir, 'runs');
    const follower = new SourceFollower(runsDir, captureLog());
    follower.setSources([{ path: mlruns }, { path: join(tmp, 'wandb') }], tmp);
    const first = await follower.pass();
    assert.deepEqual(first.changed.sort(), [`mlflow-${'a'.repeat(32)}`, `mlflow-${'b'.repeat(32)}`, 'wandb-wb1']);
    // The Delete command removes the run's folder.
    rmSync(join(runsDir, `mlflow-${'b'.repeat(32)}`), { recursive: true });
    rmSync(join(runsDir, 'wandb-wb1'), { recursive: true });
    assert.deepEqual((await follower.pass()).changed, [], 'not imported again');
    follower.close();
    const again = new SourceFollower(runsDir, captureLog());
    again.setSources([{ path: mlruns }, { path: join(tmp, 'wandb') }], tmp);
    assert.deepEqual((await again.pass()).changed, [], 'not imported again by a new session either');
    assert.ok(!existsSync(join(runsDir, 'wandb-wb1')));
    assert.deepEqual(deletedImports(trialbookDir).map((d) => d.runId).sort(), [`mlflow-${'b'.repeat(32)}`, 'wandb-wb1']);
    // Asked for: imported again on the next pass.
    assert.deepEqual(forgetDeletedImports(trialbookDir).sort(), [`mlflow-${'b'.repeat(32)}`, 'wandb-wb1']);
    assert.deepEqual((await again.pass()).changed.sort(), [`mlflow-${'b'.repeat(32)}`, 'wandb-wb1']);
    assert.deepEqual(deletedImports(trialbookDir), []);
    again.close();
  });
});
