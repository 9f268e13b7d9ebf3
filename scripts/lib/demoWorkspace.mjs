// The workspace `npm start` opens: the example training script, run a few times with different
// params by the real Python SDK, so a new user has runs to look at and compare straight away.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';

const DEMO_ARGS = [
  ['--lr', '0.01', '--optimizer', 'sgd', '--seed', '1'],
  ['--lr', '0.05', '--optimizer', 'sgd', '--seed', '2'],
  ['--lr', '0.05', '--optimizer', 'adam', '--seed', '3'],
];

/** @param {string} dir */
function hasRuns(dir) {
  const runs = join(dir, '.trialbook', 'runs');
  return existsSync(runs) && readdirSync(runs).length > 0;
}

/**
 * Creates `dir` with examples/train.py and three runs of it, unless it already has runs.
 * @param {string} root repo root
 * @param {string} dir
 * @param {(line: string) => void} log
 * @returns {string} the workspace's real path
 */
export function ensureDemoWorkspace(root, dir, log) {
  mkdirSync(dir, { recursive: true });
  const script = join(dir, 'train.py');
  if (!existsSync(script)) copyFileSync(join(root, 'examples', 'train.py'), script);
  if (!hasRuns(dir)) {
    log(`Preparing the demo workspace ${dir}: running train.py ${DEMO_ARGS.length} times with different params…`);
    const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
    for (const args of DEMO_ARGS) {
      execFileSync(python, [script, ...args], {
        cwd: dir,
        stdio: ['ignore', 'ignore', 'inherit'],
        env: { ...process.env, PYTHONPATH: join(root, 'sdk', 'python'), TRIALBOOK_DIR: join(dir, '.trialbook') },
        timeout: 120_000,
      });
    }
  }
  return realpathSync(dir);
}
