// Extension activation with a large .trialbook, in a real VS Code (code-server), against the same
// activation in an empty folder measured in the same run. Not a test: prints figures and ratios.
//   node bench/activation.mjs     (after `npm run build` and `npx tsc -p tsconfig.json`)
//   TRIALBOOK_BENCH_RUNS=1000 TRIALBOOK_BENCH_METRICS=10 TRIALBOOK_BENCH_STEPS=1000
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSetup } from '../scripts/setup.mjs';
import { startCodeServer, stopAllCodeServers } from '../scripts/lib/codeServer.mjs';
import { launchBrowser } from '../scripts/lib/browser.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const env = (name, def) => Number(process.env[`TRIALBOOK_BENCH_${name}`] ?? def);
const RUNS = env('RUNS', 1000);
const METRICS = env('METRICS', 10);
const STEPS = env('STEPS', 1000);
const probe = join(root, 'out', 'bench', 'activation', 'probe.js');
if (!existsSync(probe) || !existsSync(join(root, 'dist', 'extension.js'))) {
  console.error('Build first: npm run build && npx tsc -p tsconfig.json');
  process.exit(2);
}

/** Logs as the SDK writes them, then the index built once, as a workspace that has been opened before. */
async function largeWorkspace(dir) {
  const runsDir = join(dir, '.trialbook', 'runs');
  for (let r = 0; r < RUNS; r++) {
    const id = `20260101T0000${String(Math.floor(r / 1000)).padStart(2, '0')}${String(r % 1000).padStart(3, '0')}-${r.toString(16).padStart(10, '0')}`;
    mkdirSync(join(runsDir, id), { recursive: true });
    const lines = [JSON.stringify({ v: 1, t: 'run_start', ts: 1.7e9 + r, run_id: id, experiment: `exp-${r % 10}`, name: `run-${r}`, config: { lr: 10 ** -(1 + (r % 4)), batch: 32 } })];
    for (let s = 0; s < STEPS; s++) {
      const values = {};
      for (let m = 0; m < METRICS; m++) values[`m${m}`] = Math.sin(s / 50 + m + r) + s / STEPS;
      lines.push(JSON.stringify({ v: 1, t: 'metrics', ts: 1.7e9 + r + s / 100, step: s, values }));
    }
    lines.push(JSON.stringify({ v: 1, t: 'run_end', ts: 1.7e9 + r + STEPS / 100, status: 'finished' }));
    writeFileSync(join(runsDir, id, 'events.jsonl'), `${lines.join('\n')}\n`);
  }
  const { openRunIndex } = require(join(root, 'out', 'src', 'core', 'openRunIndex.js'));
  const quiet = { info() {}, warn() {}, error() {} };
  const index = await openRunIndex({ trialbookDir: join(dir, '.trialbook'), wasmPath: join(root, 'node_modules', 'sql.js', 'dist', 'sql-wasm.wasm'), log: quiet });
  await index.sync();
  await index.close();
}

async function measure(codeServerDir, workspace) {
  const resultFile = join(mkdtempSync(join(tmpdir(), 'trialbook-activation-')), 'result.json');
  const server = await startCodeServer({ codeServerDir, workspace, env: { TRIALBOOK_TEST_RESULT: resultFile } });
  const browser = await launchBrowser();
  try {
    let done;
    const exited = new Promise((r) => (done = r));
    await browser.page.exposeFunction('codeAutomationExit', (code) => done(code));
    await browser.page.exposeFunction('codeAutomationLog', () => undefined);
    const remote = (p) => `vscode-remote://localhost:${server.port}${p}`;
    const payload = JSON.stringify([['extensionDevelopmentPath', remote(root)], ['extensionTestsPath', remote(probe)]]);
    await browser.page.goto(`${server.baseUrl}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`);
    const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 300_000))]);
    if (code !== 0 || !existsSync(resultFile)) throw new Error(`the probe did not finish (${code})`);
    return JSON.parse(readFileSync(resultFile, 'utf8'));
  } finally {
    await browser.close();
    server.stop();
  }
}

const { codeServerDir } = await ensureSetup({ quiet: true });
const base = mkdtempSync(join(tmpdir(), 'trialbook-bench-activation-'));
try {
  const empty = join(base, 'empty');
  mkdirSync(empty);
  const large = join(base, 'large');
  let t = performance.now();
  await largeWorkspace(large);
  console.log(`large workspace: ${RUNS} runs × ${METRICS} metrics × ${STEPS} steps (${(RUNS * METRICS * STEPS).toLocaleString('en')} points), logs and index written in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  t = performance.now();
  readFileSync(join(large, '.trialbook', 'trialbook.db'));
  const readDbMs = performance.now() - t;
  const e = await measure(codeServerDir, empty);
  const l = await measure(codeServerDir, large);
  console.log(`activate() with an empty folder:  ${e.activateMs.toFixed(1)} ms`);
  console.log(`activate() with the large one:    ${l.activateMs.toFixed(1)} ms → ratio ${(l.activateMs / e.activateMs).toFixed(2)} (the index is not opened on the activation path)`);
  console.log(`index open + first sync, lazily after activation: ${l.indexOpenMs} ms (${l.runs} runs in the tree ${l.treeMs} ms after the probe asked); bare read of the ${(readFileSync(join(large, '.trialbook', 'trialbook.db')).length / 1048576).toFixed(1)} MiB database file: ${readDbMs.toFixed(0)} ms → ratio ${(l.indexOpenMs / readDbMs).toFixed(1)}`);
} finally {
  stopAllCodeServers();
  rmSync(base, { recursive: true, force: true });
}
