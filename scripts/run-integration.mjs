// Integration tier: runs the compiled mocha suite (out/test/integration) inside the real extension
// host of the bundled VS Code (code-server, see lib/codeServerInstall.mjs), driven by headless Chromium. Fails loudly: any failing
// test, zero tests, a missing result file, a workbench that never loads, or a timeout.
//
// Usage: node scripts/run-integration.mjs [--skip-build]
//   --skip-build            don't run `npm run build` and tsc first (the caller just did)
//   --extension-path <dir>  load another extension (only to test this harness)
//   --tests-path <file>     another test entry exporting run() (only to test this harness)
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureSetup } from './setup.mjs';
import { CODE_SERVER_VERSION, vscodeVersion } from './lib/codeServerInstall.mjs';
import { startCodeServer, stopAllCodeServers } from './lib/codeServer.mjs';
import { launchBrowser } from './lib/browser.mjs';
import { buildExtension, compileTypeScript } from './lib/build.mjs';
import { runMain } from './lib/runnerMain.mjs';
import { freshWorkspace } from './lib/testWorkspace.mjs';
import { ProgressTail } from './lib/progressTail.mjs';
import { makeTempDir, removeTempDirs } from './lib/tempDirs.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TOTAL_TIMEOUT_MS = Number(process.env.TRIALBOOK_INTEGRATION_TIMEOUT_MS || 6 * 60_000);
const WORKBENCH_TIMEOUT_MS = 120_000;

const { values: options } = parseArgs({
  options: {
    'skip-build': { type: 'boolean', default: false },
    'extension-path': { type: 'string' },
    'tests-path': { type: 'string' },
    // Opens an empty folder (no .trialbook, no files) instead of the fixture workspace.
    'empty-workspace': { type: 'boolean', default: false },
  },
});

/** @param {string} message */
function fail(message) {
  console.error(`integration: ${message}`);
  console.log('integration: 0 passed, 1 failed');
  stopAllCodeServers();
  process.exit(1);
}

async function main() {
  const started = Date.now();
  const { codeServerDir } = await ensureSetup({ quiet: false });
  const extensionPath = options['extension-path'] ? resolve(options['extension-path']) : root;
  const testsPath = options['tests-path'] ? resolve(options['tests-path']) : join(root, 'out', 'test', 'integration', 'index.js');
  if (!options['skip-build'] && !options['extension-path']) {
    console.log('integration: building the extension and compiling the tests');
    buildExtension(root);
    compileTypeScript(root, ['out/test/integration/index.js'], console.log);
  }
  if (!existsSync(testsPath)) fail(`the test entry ${testsPath} does not exist (compile with \`npx tsc -p tsconfig.json\`)`);
  if (!existsSync(join(extensionPath, 'package.json'))) fail(`no extension manifest at ${extensionPath}/package.json`);

  const { workspace } = freshWorkspace(root, 'trialbook-integration-', { empty: options['empty-workspace'] });
  const resultDir = makeTempDir('trialbook-integration-result-');
  const resultFile = join(resultDir, 'result.json');
  const server = await startCodeServer({
    codeServerDir,
    workspace,
    env: { TRIALBOOK_TEST_RESULT: resultFile, TRIALBOOK_REPO: root },
  });
  console.log(`integration: code-server ${CODE_SERVER_VERSION} (VS Code ${vscodeVersion}) at ${server.baseUrl}, workspace ${workspace}`);
  const browser = await launchBrowser();
  const cleanup = async () => {
    await browser.close();
    server.stop();
    removeTempDirs();
  };

  /** @type {string[]} */
  const hostLog = [];
  /** @type {(code: number) => void} */
  let onExit = () => {};
  const exitCode = new Promise((resolveExit) => (onExit = resolveExit));
  await browser.page.exposeFunction('codeAutomationExit', (/** @type {number} */ code) => onExit(code));
  await browser.page.exposeFunction('codeAutomationLog', (/** @type {string} */ type, /** @type {unknown[]} */ args) => {
    hostLog.push(`[${type}] ${Array.isArray(args) ? args.map(String).join(' ') : String(args)}`);
  });
  browser.page.on('console', (message) => {
    if (message.type() === 'error') hostLog.push(`[browser error] ${message.text()}`);
  });

  const remote = (/** @type {string} */ path) => `vscode-remote://localhost:${server.port}${path}`;
  const payload = JSON.stringify([
    ['extensionDevelopmentPath', remote(extensionPath)],
    ['extensionTestsPath', remote(testsPath)],
  ]);
  const url = `${server.baseUrl}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`;

  const seen = { passed: 0, failed: 0 };
  const progress = new ProgressTail(`${resultFile}.progress`, (event) => {
    if (event.state === 'pass') seen.passed += 1;
    else seen.failed += 1;
    const mark = event.state === 'pass' ? '✓' : '✗';
    console.log(`  ${mark} ${event.fullTitle}${event.state === 'pass' ? ` (${event.durationMs} ms)` : ''}`);
    if (event.state === 'fail') console.log(`      ${String(event.message).split('\n').join('\n      ')}`);
  });

  /** Fails the tier without a result file: what the progress file showed, plus one failure for the harness. */
  const abort = (/** @type {string} */ reason) => {
    diagnose(reason);
    console.log(`integration: ${seen.passed} passed, ${seen.failed + 1} failed`);
    return 1;
  };
  /** @param {string} reason */
  const diagnose = (reason) => {
    console.error(`integration: ${reason}`);
    console.error(`--- last lines of code-server's output ---\n${server.outputTail(30)}`);
    if (hostLog.length > 0) console.error(`--- last workbench log lines ---\n${hostLog.slice(-30).join('\n')}`);
  };

  let timer;
  const timeout = new Promise((resolveTimeout) => {
    timer = setTimeout(() => resolveTimeout('timeout'), TOTAL_TIMEOUT_MS - (Date.now() - started));
  });
  try {
    await browser.page.goto(url);
    const workbench = await Promise.race([
      browser.page.waitForSelector('div.monaco-workbench', { timeout: WORKBENCH_TIMEOUT_MS }).then(() => 'loaded', () => 'never'),
      exitCode.then(() => 'loaded'),
    ]);
    if (workbench === 'never') {
      return abort(`the VS Code workbench never loaded within ${WORKBENCH_TIMEOUT_MS / 1000} s`);
    }
    const outcome = await Promise.race([exitCode, timeout]);
    progress.flush();
    if (outcome === 'timeout') {
      return abort(`timed out after ${TOTAL_TIMEOUT_MS / 1000} s (the suite never reported back)`);
    }
    if (!existsSync(resultFile)) {
      return abort(`the suite exited with code ${outcome} but wrote no result file (${resultFile})`);
    }
    /** @type {{ total: number, passes: unknown[], failures: { fullTitle: string, message: string }[] }} */
    const result = JSON.parse(readFileSync(resultFile, 'utf8'));
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`integration: ${result.passes.length} passed, ${result.failures.length} failed`);
    console.log(`integration: took ${seconds} s`);
    if (result.failures.length > 0) {
      diagnose(`failed: ${result.failures.map((failure) => failure.fullTitle).join('; ')}`);
      return 1;
    }
    if (result.total === 0 || result.passes.length === 0) {
      diagnose('zero tests ran — is out/test/integration/**/*.test.js compiled?');
      return 1;
    }
    if (outcome !== 0) {
      diagnose(`the suite reported success but the extension host exited with code ${outcome}`);
      return 1;
    }
    return 0;
  } finally {
    clearTimeout(timer);
    progress.stop();
    await cleanup();
  }
}

runMain(main, fail);
