// Loaded by bench/activation.mjs as the extension tests entry inside a real VS Code: opens the Trialbook view
// as a user would after the editor starts, waits until every log is indexed, and writes the extension's own
// timings (epoch ms: activation, runs first given to the Runs view, first sync done) to TRIALBOOK_TEST_RESULT,
// with the host's longest stall over that stretch (hostStalls.ts; named from a CPU profile when
// TRIALBOOK_BENCH_PROFILE is set) and a baseline taken in the same editor: VS Code's own search listing the logs.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { StallWatch } from './hostStalls';
import type { TrialbookApi, TrialbookTimings } from '../../src/vscode/testApi';

async function until(what: string, done: (t: TrialbookTimings) => boolean, api: TrialbookApi): Promise<void> {
  const limit = Date.now() + 280_000;
  while (!done(api.timings())) {
    if (Date.now() > limit) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function run(): Promise<void> {
  const extension = vscode.extensions.getExtension<TrialbookApi>('trialbook.trialbook');
  if (!extension) throw new Error('the Trialbook extension is not loaded');
  const api = await extension.activate();
  // The Runs view asks for its runs once it is visible: the user opens it. (The harness starts this probe seconds
  // after activation on a loaded machine: the bench also reports from this moment.)
  const watch = new StallWatch(process.env.TRIALBOOK_BENCH_PROFILE !== undefined);
  const viewAskedAt = Date.now();
  await vscode.commands.executeCommand('workbench.view.extension.trialbook');
  const dir = api.trialbookDir();
  if (dir && existsSync(join(dir, 'runs'))) await until('the runs to be listed', (t) => t.listedAt !== undefined, api);
  // Rows drawn: VS Code asked for the runs' items under an expanded experiment (builds before it was reported: the
  // end of indexing instead).
  if (dir && existsSync(join(dir, 'runs'))) await until('the rows to be drawn', (t) => t.shownAt !== undefined || t.indexedAt !== undefined, api);
  if (dir && existsSync(join(dir, 'runs'))) await until('the first sync to end', (t) => t.indexedAt !== undefined, api);
  const host = await watch.stop();
  if (host.profile && process.env.TRIALBOOK_BENCH_PROFILE) writeFileSync(process.env.TRIALBOOK_BENCH_PROFILE, JSON.stringify(host.profile));
  const timings = api.timings();
  // The baseline: the editor's own file search listing every run's log, in the same editor, now that it is idle.
  const t = Date.now();
  const logs = await vscode.workspace.findFiles('.trialbook/runs/*/events.jsonl');
  const findFilesMs = Date.now() - t;
  const tree = await api.runsTree();
  const runs = tree.reduce((n, e) => n + e.runs.length, 0);
  const file = process.env.TRIALBOOK_TEST_RESULT;
  if (!file) throw new Error('TRIALBOOK_TEST_RESULT is not set');
  writeFileSync(file, JSON.stringify({ ...timings, viewAskedAt, runs, longestStallMs: host.longestMs, stalls: host.stalls, findFilesMs, logsFound: logs.length, log: api.logLines().filter((l) => /Index|Indexed|room|run list/.test(l)) }));
}
