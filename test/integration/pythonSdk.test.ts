import * as assert from 'node:assert/strict';
import { activateTrialbook, findRun, runPython, waitFor, WALKING_SKELETON_SCRIPT, workspaceDir } from './helpers';

suite('Python SDK', () => {
  test('a run logged by the real SDK in a child process appears, finished', async function () {
    this.timeout(60_000);
    const { api } = await activateTrialbook();
    const runId = (await runPython(WALKING_SKELETON_SCRIPT, workspaceDir())).trim().split('\n').pop() ?? '';
    assert.match(runId, /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, `the script printed no run id: ${runId}`);
    const found = await waitFor('the SDK run to appear finished', async () => {
      const hit = findRun(await api.runsTree(), runId);
      return hit?.run.status === 'finished' ? hit : undefined;
    }, 5000);
    assert.equal(found.experiment, 'demo');
    // The last of 100 points is 1/100.
    assert.match(found.run.description, /loss 0\.01\b/);
  });
});
