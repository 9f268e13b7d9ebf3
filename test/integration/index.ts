// Test entry loaded by VS Code's extension host (extensionTestsPath): runs every compiled
// `*.test.js` beside this file with mocha (TDD interface) and reports the outcome. Under
// scripts/run-integration.mjs, TRIALBOOK_TEST_RESULT names a JSON result file (and a `.progress`
// JSON-lines file beside it) that the runner reads, because the web workbench's own exit signal
// carries no per-test detail. Without it (desktop @vscode/test-cli), mocha's reporter output suffices.
import { appendFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export interface TestOutcome {
  fullTitle: string;
  durationMs?: number;
  message?: string;
  stack?: string;
}

export interface SuiteResult {
  total: number;
  passes: TestOutcome[];
  failures: TestOutcome[];
  pending: TestOutcome[];
}

function testFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.js'))
    .sort()
    .map((file) => join(dir, file));
}

/** Runs every `*.test.js` under `dir` (the empty-workspace suite reuses this with its own folder). */
export function runMochaIn(dir: string): Promise<void> {
  const resultFile = process.env.TRIALBOOK_TEST_RESULT;
  const progressFile = resultFile ? `${resultFile}.progress` : undefined;
  // forbidOnly/forbidPending: a focused or skipped test fails the suite instead of hiding others.
  // TRIALBOOK_INTEGRATION_GREP runs only the tests whose full title matches (a targeted run while others share the machine).
  const grep = process.env.TRIALBOOK_INTEGRATION_GREP;
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 30_000, reporter: 'spec', forbidOnly: true, forbidPending: true, ...(grep ? { grep } : {}) });
  const files = testFiles(dir);
  for (const file of files) mocha.addFile(file);

  const result: SuiteResult = { total: 0, passes: [], failures: [], pending: [] };
  const progress = (state: string, outcome: TestOutcome): void => {
    if (progressFile) appendFileSync(progressFile, `${JSON.stringify({ state, ...outcome })}\n`);
  };

  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      result.total = result.passes.length + result.failures.length + result.pending.length;
      if (resultFile) writeFileSync(resultFile, JSON.stringify(result, null, 2));
      if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
      else if (result.total === 0) reject(new Error(`no integration tests ran (looked for *.test.js under ${dir})`));
      else resolve();
    });
    runner.on('pass', (test) => {
      const outcome = { fullTitle: test.fullTitle(), durationMs: test.duration ?? 0 };
      result.passes.push(outcome);
      progress('pass', outcome);
    });
    // Hook failures arrive here too, so a broken `suiteSetup` is never a silent pass.
    runner.on('fail', (test, error: Error) => {
      const outcome = { fullTitle: test.fullTitle(), message: error.message, stack: error.stack };
      result.failures.push(outcome);
      progress('fail', outcome);
    });
    runner.on('pending', (test) => {
      result.pending.push({ fullTitle: test.fullTitle() });
    });
  });
}

export function run(): Promise<void> {
  return runMochaIn(__dirname);
}
