// The contract between scripts/run-ui.mjs and the UI tests: each `*.test.ts` here exports `tests`,
// run in order against one workbench page (later tests may rely on what earlier ones opened).
import type { Page } from 'playwright-core';

export interface DemoRun {
  id: string;
  name: string;
  lr: number;
}

export interface UiTestContext {
  page: Page;
  /** Runs logged with the real SDK before code-server started, oldest first. */
  runs: DemoRun[];
  workspace: string;
  /** Saves a screenshot of this step under test-results/ui/ and returns its path. */
  screenshot(step: string): Promise<string>;
}

export interface UiTest {
  name: string;
  /** Milliseconds before the runner fails the test; defaults to 60 s. */
  timeoutMs?: number;
  run(ctx: UiTestContext): Promise<void>;
}
