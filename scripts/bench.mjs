// Runs the benchmarks in bench/ (not tests: each prints figures as ratios against a baseline measured in the
// same run). Builds first. `npm run bench` runs them all; `npm run bench -- store push` runs the ones named.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const benches = {
  store: [process.execPath, ['--expose-gc', 'out/bench/store.js']],
  sdk: ['/usr/bin/python3', ['bench/sdk_log.py']],
  'sdk-torch': ['/usr/bin/python3', ['bench/sdk_torch.py']],
  push: [process.execPath, ['out/bench/push.js']],
  sources: [process.execPath, ['out/bench/sources.js']],
  sync: [process.execPath, ['--max-old-space-size=4096', 'out/bench/sync.js']],
  'sync-live': [process.execPath, ['out/bench/syncLive.js']],
  browse: [process.execPath, ['out/bench/browse.js']],
  compare: [process.execPath, ['bench/compare.mjs']],
  analysis: [process.execPath, ['bench/analysis.mjs']],
  activation: [process.execPath, ['bench/activation.mjs']],
  'editor-compare': [process.execPath, ['bench/editorCompare.mjs']],
  media: [process.execPath, ['bench/media.mjs']],
  'compare-wire': [process.execPath, ['bench/compareWire.mjs']],
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in benches));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')}; choose from ${Object.keys(benches).join(', ')}`);
  process.exit(2);
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

// Benchmarks measure what `npm start` ships: the minified production build. A profile wants readable names, so
// TRIALBOOK_BENCH_PROFILE=1 measures the development build instead.
const buildArgs = process.env.TRIALBOOK_BENCH_PROFILE ? ['scripts/build.mjs'] : ['scripts/build.mjs', '--production'];
for (const [command, args] of [[process.execPath, buildArgs], [process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json']]]) {
  if (run(command, args) !== 0) process.exit(1);
}
let failed = 0;
for (const name of wanted.length > 0 ? wanted : Object.keys(benches)) {
  console.log(`\n▶ bench: ${name}`);
  const [command, args] = benches[name];
  if (run(command, args) !== 0) {
    console.error(`bench ${name} failed`);
    failed++;
  }
}
process.exit(failed > 0 ? 1 : 0);
