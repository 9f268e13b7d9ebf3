// UI tier: drives the real VS Code workbench (code-server) in headless Chromium with Playwright,
// with the extension installed unpacked and a workspace holding runs logged by the real Python
// SDK. Runs the tests exported by out/test/ui/*.test.js in order, screenshots each step under
// test-results/ui/, and fails on any failure, zero tests, or a timeout.
//
// Usage: node scripts/run-ui.mjs [--skip-build]
//   --extension-path <dir>  install another extension (only to test this harness)
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureSetup } from './setup.mjs';
import { CODE_SERVER_VERSION, vscodeVersion } from './lib/codeServerInstall.mjs';
import { startCodeServer, stopAllCodeServers } from './lib/codeServer.mjs';
import { launchBrowser } from './lib/browser.mjs';
import { buildExtension, compileTypeScript } from './lib/build.mjs';
import { runMain } from './lib/runnerMain.mjs';
import { freshWorkspace } from './lib/testWorkspace.mjs';
import { installExtension } from './lib/installExtension.mjs';
import { logDemoRuns } from './lib/demoRuns.mjs';
import { makeTempDir, removeTempDirs } from './lib/tempDirs.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TOTAL_TIMEOUT_MS = Number(process.env.TRIALBOOK_UI_TIMEOUT_MS || 15 * 60_000);
const DEFAULT_TEST_TIMEOUT_MS = 60_000;
const WORKBENCH_TIMEOUT_MS = 120_000;
const testsDir = join(root, 'out', 'test', 'ui');
const screenshotDir = join(root, 'test-results', 'ui');

const { values: options } = parseArgs({
  options: { 'skip-build': { type: 'boolean', default: false }, 'extension-path': { type: 'string' } },
});

/** @param {string} message */
function fail(message) {
  console.error(`ui: ${message}`);
  console.log('ui: 0 passed, 1 failed');
  stopAllCodeServers();
  process.exit(1);
}

/** @template T @param {Promise<T>} promise @param {number} ms @param {string} what @returns {Promise<T>} */
function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** @returns {Promise<{ file: string, name: string, timeoutMs?: number, run: (ctx: unknown) => Promise<void> }[]>} */
async function loadTests() {
  if (!existsSync(testsDir)) return [];
  const files = readdirSync(testsDir).filter((f) => f.endsWith('.test.js')).sort();
  const tests = [];
  for (const file of files) {
    const mod = await import(pathToFileURL(join(testsDir, file)).href);
    const exported = mod.tests ?? mod.default?.tests;
    if (!Array.isArray(exported)) throw new Error(`${file} exports no \`tests\` array`);
    for (const test of exported) tests.push({ file, ...test });
  }
  return tests;
}

async function main() {
  const started = Date.now();
  const { codeServerDir } = await ensureSetup({ quiet: false });
  if (!options['skip-build'] && !options['extension-path']) {
    console.log('ui: building the extension and compiling the tests');
    buildExtension(root);
    compileTypeScript(root, ['out/test/ui'], console.log);
  }
  // TRIALBOOK_UI_GREP runs only the tests whose file or name contains it (a targeted run while others share the machine).
  const grep = process.env.TRIALBOOK_UI_GREP;
  const tests = (await loadTests()).filter((t) => !grep || t.file.includes(grep) || t.name.includes(grep));
  if (tests.length === 0) fail(`no UI tests found (expected compiled *.test.js in ${testsDir}${grep ? ` matching TRIALBOOK_UI_GREP=${grep}` : ''})`);

  const { workspace } = freshWorkspace(root, 'trialbook-ui-');
  const runs = logDemoRuns(root, workspace);
  rmSync(screenshotDir, { recursive: true, force: true });
  mkdirSync(screenshotDir, { recursive: true });

  // The extension is installed like a user's (no development payload), so activation is the real one.
  const extensionsDir = makeTempDir('trialbook-ui-extensions-');
  installExtension(options['extension-path'] ? resolve(options['extension-path']) : root, extensionsDir);
  const server = await startCodeServer({ codeServerDir, workspace, extensionsDir, env: { TRIALBOOK_REPO: root } });
  console.log(`ui: code-server ${CODE_SERVER_VERSION} (VS Code ${vscodeVersion}) at ${server.baseUrl}, workspace ${workspace} with ${runs.length} runs`);
  const browser = await launchBrowser();
  /** @type {string[]} */
  const browserErrors = [];
  browser.page.on('pageerror', (error) => browserErrors.push(`[page error] ${error.message}`));
  browser.page.on('console', (message) => {
    if (message.type() === 'error') browserErrors.push(`[console error] ${message.text()}`);
  });

  let shot = 0;
  let currentTest = '';
  /** @param {string} step */
  const screenshot = async (step) => {
    shot += 1;
    const safe = `${String(shot).padStart(2, '0')}-${step.replace(/[^a-z0-9-]+/gi, '-').toLowerCase()}.png`;
    const path = join(screenshotDir, safe);
    await browser.page.screenshot({ path });
    return path;
  };

  let passed = 0;
  let failed = 0;
  const deadline = started + TOTAL_TIMEOUT_MS;
  try {
    await browser.page.goto(`${server.baseUrl}/?folder=${encodeURIComponent(workspace)}`);
    const loaded = await browser.page
      .waitForSelector('div.monaco-workbench', { timeout: WORKBENCH_TIMEOUT_MS })
      .then(() => true, () => false);
    if (!loaded) {
      const path = await screenshot('FAILED-workbench-never-loaded').catch(() => '(screenshot failed)');
      console.log(`ui: the VS Code workbench never loaded within ${WORKBENCH_TIMEOUT_MS / 1000} s; screenshot: ${path}`);
      console.log(`--- last lines of code-server's output ---\n${server.outputTail(25)}`);
      if (browserErrors.length > 0) console.log(`--- last browser errors ---\n${browserErrors.slice(-10).join('\n')}`);
      failed = tests.length;
      return 1;
    }
    for (const test of tests) {
      currentTest = test.name;
      const testStarted = Date.now();
      const budget = Math.min(test.timeoutMs ?? DEFAULT_TEST_TIMEOUT_MS, deadline - Date.now());
      try {
        if (budget <= 0) throw new Error(`the tier's overall ${TOTAL_TIMEOUT_MS / 1000} s timeout was reached before this test`);
        await withTimeout(test.run({ page: browser.page, runs, workspace, screenshot }), budget, `"${test.name}"`);
        passed += 1;
        console.log(`  ✓ ${test.name} (${Date.now() - testStarted} ms)`);
      } catch (error) {
        failed += 1;
        const message = error instanceof Error ? error.message : String(error);
        console.log(`  ✗ ${test.name}\n      ${message.split('\n').join('\n      ')}`);
        const path = await screenshot(`FAILED-${currentTest}`).catch(() => '(screenshot failed)');
        console.log(`      screenshot: ${path}`);
        console.log(`      --- last lines of code-server's output ---\n${server.outputTail(25).replace(/^/gm, '      ')}`);
        if (browserErrors.length > 0) console.log(`      --- last browser errors ---\n${browserErrors.slice(-10).join('\n').replace(/^/gm, '      ')}`);
      }
    }
  } finally {
    await browser.close();
    server.stop();
    removeTempDirs();
    console.log(`ui: ${passed} passed, ${failed} failed`);
    console.log(`ui: took ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${screenshotDir}`);
  }
  return failed > 0 || passed === 0 ? 1 : 0;
}

runMain(main, fail);
