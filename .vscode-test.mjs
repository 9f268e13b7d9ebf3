// For people with internet access: runs the same compiled mocha suite as the integration tier
// (out/test/integration/**/*.test.js) in desktop VS Code via @vscode/test-cli + test-electron,
// which downloads VS Code. CI cannot download it and runs scripts/run-integration.mjs instead.
// Build first: `npm run build && npx tsc -p tsconfig.json`, then `npx vscode-test`.
import { defineConfig } from '@vscode/test-cli';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(fileURLToPath(import.meta.url));
// The tests write runs into the workspace, so they get a fresh copy of the fixture.
const workspace = join(mkdtempSync(join(tmpdir(), 'trialbook-vscode-test-')), 'workspace');
cpSync(join(root, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });

export default defineConfig({
  label: 'integration',
  files: 'out/test/integration/**/*.test.js',
  version: '1.103.2',
  extensionDevelopmentPath: root,
  workspaceFolder: workspace,
  env: { TRIALBOOK_REPO: root },
  mocha: { ui: 'tdd', timeout: 30000, forbidOnly: true, forbidPending: true },
});
