// Logs a few runs with the real Python SDK (Debian's /usr/bin/python3, the repo's sdk/python on
// PYTHONPATH), so a workspace has something to show and compare.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const SCRIPT = `
import json, math, sys, trialbook
out = []
for lr in json.loads(sys.argv[1]):
    run = trialbook.init(experiment="demo", config={"lr": lr, "epochs": 100})
    for step in range(100):
        # A loss curve whose speed depends on lr, with a little deterministic wiggle.
        run.log({"loss": 2.0 * math.exp(-lr * 4 * step) + 0.05 * math.sin(step / 3) + 0.1,
                 "accuracy": 1 - math.exp(-lr * 3 * step)})
    run.finish()
    out.append({"id": run.id, "name": run.name, "lr": lr})
print(json.dumps(out))
`;

/**
 * @param {string} root repo root
 * @param {string} workspace folder whose `.trialbook/` receives the runs
 * @param {number[]} [learningRates]
 * @returns {{ id: string, name: string, lr: number }[]} in the order they were logged
 */
export function logDemoRuns(root, workspace, learningRates = [0.1, 0.03, 0.01]) {
  const stdout = execFileSync('/usr/bin/python3', ['-c', SCRIPT, JSON.stringify(learningRates)], {
    cwd: workspace,
    encoding: 'utf8',
    env: { ...process.env, PYTHONPATH: join(root, 'sdk', 'python'), TRIALBOOK_DIR: join(workspace, '.trialbook') },
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '[]');
}
