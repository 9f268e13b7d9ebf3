// The demo workspace of `npm start`: the example training script, run a few times with different params
// by the real Python SDK, so that there is something to look at and compare.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const demoRuns = [
  ['--lr', '0.01', '--optimizer', 'sgd', '--seed', '1'],
  ['--lr', '0.05', '--optimizer', 'sgd', '--seed', '2'],
  ['--lr', '0.05', '--optimizer', 'adam', '--seed', '3'],
  ['--lr', '0.2', '--optimizer', 'adam', '--seed', '4'],
];

/** @param {string} root @param {string} dir @param {(line: string) => void} log */
export function ensureDemoWorkspace(root, dir, log) {
  const runsDir = join(dir, '.trialbook', 'runs');
  if (existsSync(runsDir) && readdirSync(runsDir).length >= demoRuns.length) {
    return dir;
  }
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(root, 'examples', 'train.py'), join(dir, 'train.py'));
  writeFileSync(join(dir, 'README.md'), [
    '# Trialbook demo workspace',
    '',
    'The runs in the Trialbook view (activity bar, flask icon) were logged by `train.py`.',
    'Open a terminal (Ctrl+`) and run another one — it appears in the view while it trains:',
    '',
    '    python3 train.py --lr 0.1 --optimizer adam --delay 0.01',
    '',
    'Then "Trialbook: Compare Runs…" from the command palette (F1).',
    '',
  ].join('\n'));
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  log(`Preparing the demo workspace: running train.py ${demoRuns.length} times with the real SDK…`);
  for (const args of demoRuns) {
    const result = spawnSync(python, ['train.py', ...args], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, PYTHONPATH: join(root, 'sdk', 'python'), TRIALBOOK_DIR: join(dir, '.trialbook'), TRIALBOOK_CAPTURE: '' },
    });
    if (result.status !== 0) {
      throw new Error(`The demo run \`python3 train.py ${args.join(' ')}\` failed:\n${result.stderr || result.stdout}`);
    }
  }
  return dir;
}
