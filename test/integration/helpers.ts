// Shared helpers for the integration suite: the extension's test API, the workspace the runner
// opened, run logs written as a tracking client would (by the schema-checked test-log builder,
// test/fixtures/runLog.ts), and the real Python SDK in a child process.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import * as vscode from 'vscode';
import type { TrialbookApi, RunsTreeExperimentItem, RunsTreeRunItem } from '../../src/vscode/testApi';
import { eventLine, RunLog } from '../fixtures/runLog';

export const EXTENSION_ID = 'trialbook.trialbook';

export async function activateTrialbook(): Promise<{ extension: vscode.Extension<TrialbookApi>; api: TrialbookApi }> {
  const extension = vscode.extensions.getExtension<TrialbookApi>(EXTENSION_ID);
  if (!extension) throw new Error(`extension ${EXTENSION_ID} is not loaded in this VS Code`);
  const api = await extension.activate();
  return { extension, api };
}

export function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder is open; the runner opens a copy of test/fixtures/workspace');
  return folder.uri.fsPath;
}

/** The repo root: given by the runner, else derived from this file's place in out/test/integration. */
export function repoRoot(): string {
  return process.env.TRIALBOOK_REPO ?? resolve(__dirname, '..', '..', '..');
}

/** A run id in the documented format, unique per call. */
export function newRunId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('.', '').replace('Z', '');
  return `${stamp}-${randomBytes(5).toString('hex')}`;
}

export interface FixtureRun {
  id: string;
  experiment: string;
  name: string;
  logFile: string;
}

/** More events for `run`, timed now (as a client logging them now would), for `appendToLog(run, log.text())`. */
export function moreEvents(run: FixtureRun): RunLog {
  return new RunLog(run.id, { t0: Date.now() / 1000, tick: 0 });
}

/** Writes a log aside and renames it into place: the watcher never sees a half-written fixture. */
function writeInPlace(log: RunLog): string {
  const logFile = join(workspaceDir(), '.trialbook', 'runs', log.runId, 'events.jsonl');
  mkdirSync(dirname(logFile), { recursive: true });
  writeFileSync(`${logFile}.tmp`, log.text());
  renameSync(`${logFile}.tmp`, logFile);
  return logFile;
}

/** Writes `run_start`, `points` loss values and (unless `finished` is false) `run_end`, as one client would. */
export function writeFixtureRun(options: {
  experiment: string;
  name: string;
  points: number;
  finished?: boolean;
  config?: Record<string, unknown>;
}): FixtureRun {
  const id = newRunId();
  // Every event timed now, as a client that logged them all at once.
  const log = new RunLog(id, { t0: Date.now() / 1000, tick: 0 })
    .start({ experiment: options.experiment, name: options.name, config: options.config ?? {}, tags: [] })
    .series(options.points, (step) => ({ loss: 1 / (step + 1) }));
  if (options.finished !== false) log.end('finished');
  return { id, experiment: options.experiment, name: options.name, logFile: writeInPlace(log) };
}

/**
 * Writes a run log with chosen metric values per step (and optionally lineage, notes, notebook cell links),
 * its last event `lastEventAgeSeconds` in the past; written aside and renamed into place like writeFixtureRun.
 */
export function writeRunLog(options: {
  experiment: string;
  name: string;
  steps: Array<Record<string, number>>;
  finished?: boolean;
  lastEventAgeSeconds?: number;
  script?: string;
  /** The whole `lineage` object (wins over `script`). */
  lineage?: Record<string, unknown>;
  notes?: string;
  cell?: { exec: number; hash: string; notebook: string };
}): FixtureRun {
  const id = newRunId();
  const end = Date.now() / 1000 - (options.lastEventAgeSeconds ?? 0);
  const start = end - options.steps.length - 1;
  const log = new RunLog(id).start({
    experiment: options.experiment, name: options.name, config: {}, tags: [], notes: options.notes,
    lineage: options.lineage ?? (options.script !== undefined ? { script: options.script } : undefined),
  }, start);
  options.steps.forEach((values, step) => { log.metrics(step, values, { ts: start + step + 1, cell: options.cell }); });
  if (options.finished !== false) log.end('finished', undefined, end);
  return { id, experiment: options.experiment, name: options.name, logFile: writeInPlace(log) };
}

/** Sets a `trialbook.*` setting in the workspace's settings, as a user editing settings.json would; undefined removes it. */
export async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('trialbook').update(key, value, vscode.ConfigurationTarget.Workspace);
}

/** Runs a command with arguments, dismissing any prompt it opens (see runDismissingPrompts). */
export async function runWithArgsDismissingPrompts(command: string, args: unknown[], timeoutMs = 15_000): Promise<void> {
  let settled = false;
  const running = Promise.resolve(vscode.commands.executeCommand(command, ...args)).finally(() => { settled = true; });
  const deadline = Date.now() + timeoutMs;
  while (!settled) {
    if (Date.now() > deadline) throw new Error(`${command} did not finish within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 150));
    if (!settled) await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  }
  await running;
}

/** Appends text to a run's log as is: builder text (`moreEvents(run)….text()`), or lines a test means to be bad. */
export function appendToLog(run: FixtureRun, text: string): void {
  appendFileSync(run.logFile, text);
}

/** A run_end line timed now. */
export function endEvent(status: 'finished' | 'failed' | 'killed'): string {
  return eventLine('run_end', Date.now() / 1000, { status });
}

export function findRun(tree: RunsTreeExperimentItem[], runId: string): { experiment: string; run: RunsTreeRunItem } | undefined {
  for (const experiment of tree) {
    const run = experiment.runs.find((r) => r.id === runId);
    if (run) return { experiment: experiment.experiment, run };
  }
  return undefined;
}

/**
 * Polls `probe` until it returns a value, or fails with `what`; `explain` adds what was seen instead (a flaky wait
 * in CI should say why it waited).
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 5000, explain?: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${explain ? `; seen: ${explain()}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * How long a test waits for a new webview page to say ready. In code-server a page's file request can get no answer
 * and the webview service worker gives up only after its 30 s timeout (seen: ready after 31 s, the extension host and
 * the workbench both responsive); a wait shorter than that fails on VS Code's stall, not on ours.
 */
export const PAGE_START_MS = 45_000;

/** What a compare wait saw: every webview panel, each comparison's state, and the extension's last log lines. */
export function compareState(api: TrialbookApi): string {
  const compares = api.comparePanels().map((p) => ({ runs: p.runIds.length, ready: p.ready, lines: Object.keys(p.pointsSent).length, updates: p.updatesSent }));
  return JSON.stringify({ panels: api.webviewPanels(), compares, log: api.logLines().slice(-12) });
}

export const WALKING_SKELETON_SCRIPT = [
  'import trialbook',
  'run = trialbook.init(experiment="demo", config={"lr": 0.01})',
  'for step in range(100):',
  '    run.log({"loss": 1 / (step + 1)})',
  'run.finish()',
  'print(run.id)',
].join('\n');

/** Debian's interpreter on CI machines (the pyenv one first on PATH lacks Jupyter); elsewhere whatever `python3` is. */
function pythonExecutable(): string {
  if (process.env.TRIALBOOK_PYTHON) return process.env.TRIALBOOK_PYTHON;
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

/** Runs a Python script with the repo's SDK on PYTHONPATH; resolves with its stdout. */
export function runPython(script: string, cwd: string): Promise<string> {
  const env = {
    ...process.env,
    PYTHONPATH: join(repoRoot(), 'sdk', 'python'),
    TRIALBOOK_DIR: join(cwd, '.trialbook'),
  };
  return new Promise((resolvePython, reject) => {
    execFile(pythonExecutable(), ['-c', script], { cwd, env, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`python3 failed: ${error.message}\n${stderr}`));
      else resolvePython(stdout);
    });
  });
}

/**
 * Runs a command as a user would from the palette: any quick pick or input box it opens is dismissed
 * (Escape), as a user changing their mind would. Resolves when the command's promise settles.
 */
export async function runDismissingPrompts(command: string, timeoutMs = 15_000): Promise<void> {
  await runWithArgsDismissingPrompts(command, [], timeoutMs);
}
