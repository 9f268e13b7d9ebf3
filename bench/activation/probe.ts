// Loaded by bench/activation.mjs as the extension tests entry inside a real VS Code: reads the extension's own
// timings, then waits for the Runs view's data, and writes what it saw to TRIALBOOK_TEST_RESULT.
import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { TrialbookApi } from '../../src/vscode/testApi';

export async function run(): Promise<void> {
  const extension = vscode.extensions.getExtension<TrialbookApi>('trialbook.trialbook');
  if (!extension) throw new Error('the Trialbook extension is not loaded');
  const api = await extension.activate();
  const started = Date.now();
  const tree = await api.runsTree();
  const treeMs = Date.now() - started;
  const runs = tree.reduce((n, e) => n + e.runs.length, 0);
  const result = { ...api.timings(), treeMs, runs };
  const file = process.env.TRIALBOOK_TEST_RESULT;
  if (!file) throw new Error('TRIALBOOK_TEST_RESULT is not set');
  writeFileSync(file, JSON.stringify(result));
}
