// `npm test`: every test tier, in order, each with its own summary, then one closing line.
// Usage: node scripts/test.mjs [tier ...]   tiers: lint unit peers registry python integration integration-empty ui (default: all)
// Fails on any failure, on a tier that runs zero tests, and on a tier that cannot start.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSetup } from './setup.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const allTiers = ['lint', 'unit', 'peers', 'registry', 'python', 'integration', 'integration-empty', 'ui'];
const asked = process.argv.slice(2);
const unknown = asked.filter((t) => !allTiers.includes(t));
if (unknown.length) {
  console.error(`Unknown test tier(s): ${unknown.join(', ')}. Tiers: ${allTiers.join(', ')}.`);
  process.exit(2);
}
const tiers = asked.length ? asked : allTiers;
const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** Runs a command, streaming its output, and returns the exit code and the output for counting. */
function run(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const onData = (stream) => (chunk) => {
      output += chunk;
      stream.write(chunk);
    };
    child.stdout.on('data', onData(process.stdout));
    child.stderr.on('data', onData(process.stderr));
    child.on('error', (err) => resolve({ code: 127, output: `${output}\n${err.message}` }));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

function last(output, regex) {
  const all = [...output.matchAll(regex)];
  return all.length ? all[all.length - 1] : undefined;
}

/** Test counts from the runners' own summaries. */
const counters = {
  node(output) {
    const pass = last(output, /^(?:ℹ|#) pass (\d+)/gm);
    const fail = last(output, /^(?:ℹ|#) fail (\d+)/gm);
    return pass && fail ? { passed: Number(pass[1]), failed: Number(fail[1]) } : undefined;
  },
  unittest(output) {
    const ran = last(output, /^Ran (\d+) tests? in/gm);
    if (!ran) return undefined;
    const failed = last(output, /^FAILED \((.*)\)$/gm);
    const bad = failed ? [...failed[1].matchAll(/(?:failures|errors)=(\d+)/g)].reduce((s, m) => s + Number(m[1]), 0) : 0;
    return { passed: Number(ran[1]) - bad, failed: bad };
  },
  summary(tier) {
    return (output) => {
      const m = last(output, new RegExp(`^${tier}: (\\d+) passed, (\\d+) failed`, 'gm'));
      return m ? { passed: Number(m[1]), failed: Number(m[2]) } : undefined;
    };
  },
};

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...testFiles(path));
    else if (name.endsWith('.test.js')) found.push(path);
  }
  return found.sort();
}

const tierCommands = {
  // Layers, no `any`, no default exports; with a self-check that each rule still refuses a deliberate violation.
  lint: () => [process.execPath, [join(root, 'scripts/lint.mjs')], counters.summary('lint')],
  unit: () => [process.execPath, ['--test', '--test-reporter=spec', ...testFiles(join(root, 'out/test/unit'))], counters.node],
  // The importers against files written by MLflow, TensorBoard and W&B themselves (../shared/fixtures/peers, read in place).
  peers: () => [process.execPath, ['--test', '--test-reporter=spec', ...testFiles(join(root, 'out/test/peers'))], counters.node],
  registry: () => [process.execPath, ['--test', '--test-reporter=spec', '--test-concurrency=1', ...testFiles(join(root, 'out/test/registry'))], counters.node],
  python: () => [python, ['-m', 'unittest', 'discover', '-s', 'sdk/python/tests', '-t', 'sdk/python', '-v'], counters.unittest],
  integration: () => [process.execPath, [join(root, 'scripts/run-integration.mjs'), '--skip-build'], counters.summary('integration')],
  // The same real VS Code, opened on an empty folder: what a first-time user sees.
  'integration-empty': () => [process.execPath, [join(root, 'scripts/run-integration.mjs'), '--skip-build', '--empty-workspace', '--tests-path', join(root, 'out/test/integrationEmpty/index.js')], counters.summary('integration')],
  ui: () => [process.execPath, [join(root, 'scripts/run-ui.mjs'), '--skip-build'], counters.summary('ui')],
};

function step(title, command, args) {
  console.log(`\n▶ ${title}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`✖ ${title} failed (exit ${result.status}).`);
    process.exit(1);
  }
}

await ensureSetup({ quiet: false });
step('build (esbuild: extension, CLI, webviews)', process.execPath, ['scripts/build.mjs']);
step('typecheck and compile tests (tsc, strict)', process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json']);
step('typecheck webviews (tsc, strict, DOM)', process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.webview.json']);

const results = [];
// The peer tools' files exist only beside the project (CI always has them); a clone on its own says so and goes on.
const peersDir = join(root, '..', 'shared', 'fixtures', 'peers');
for (const tier of tiers) {
  if (tier === 'peers' && !existsSync(peersDir)) {
    console.log(`\n▶ tier: peers — NOT RUN: ${peersDir} does not exist (the importers' tests against real MLflow, TensorBoard and W&B files need it)`);
    results.push({ tier, verdict: 'not run', why: `no ${peersDir}`, seconds: 0, passed: 0, failed: 0 });
    continue;
  }
  const [command, args, count] = tierCommands[tier]();
  console.log(`\n▶ tier: ${tier}`);
  const started = Date.now();
  const noFiles = (tier === 'unit' || tier === 'registry' || tier === 'peers') && args.filter((a) => a.endsWith('.test.js')).length === 0;
  const { code, output } = noFiles ? { code: 1, output: '' } : await run(command, args, { env: tier === 'python' ? { PYTHONDONTWRITEBYTECODE: '1' } : {} });
  const counts = count(output);
  const seconds = (Date.now() - started) / 1000;
  let verdict = code === 0 && counts && counts.passed > 0 && counts.failed === 0 ? 'passed' : 'FAILED';
  let why = '';
  if (noFiles) why = 'no compiled test files found';
  else if (!counts) why = 'could not read the runner\'s summary';
  else if (counts.passed + counts.failed === 0) why = 'zero tests ran';
  else if (code !== 0 && counts.failed === 0) why = `runner exited with ${code}`;
  if (why) verdict = 'FAILED';
  // A tier that failed without a failing test (crash, zero tests, unreadable summary) still counts as one failure.
  const failedCount = Math.max(counts?.failed ?? 0, verdict === 'FAILED' ? 1 : 0);
  results.push({ tier, verdict, why, seconds, passed: counts?.passed ?? 0, failed: failedCount });
}

console.log('\nTest tiers:');
for (const r of results) {
  console.log(`  ${r.verdict === 'passed' ? '✔' : r.verdict === 'not run' ? '–' : '✖'} ${r.tier.padEnd(12)} ${String(r.passed).padStart(4)} passed, ${r.failed} failed  (${r.seconds.toFixed(1)} s)${r.why ? `  — ${r.why}` : ''}`);
}
const passed = results.reduce((s, r) => s + r.passed, 0);
const failed = results.reduce((s, r) => s + r.failed, 0);
const tiersFailed = results.filter((r) => r.verdict !== 'passed' && r.verdict !== 'not run').length;
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(tiersFailed ? 1 : 0);
