// `trialbook import <path>`: reads another tool's runs (MLflow FileStore or SQLite store, TensorBoard logdir, W&B
// offline runs) into the workspace's index, for CI; `trialbook runs --source <path>` lists a source's runs without a
// workspace. Both use the same follower as the editor; the source's files are only read.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { RunIndex } from '../core/runIndex';
import { openRunIndex } from '../core/openRunIndex';
import { SourceFollower, runsDirOf, type PassReport } from '../core/sources/sourceFollower';
import { isSourceKind } from '../core/sources/sourceKinds';
import { describeProblem } from '../core/sources/sourceMirror';
import type { SourceKind } from '../core/sources/sourceModel';
import { SOURCE_KINDS } from '../core/sources/sourceModel';
import { escapeControls } from '../shared/untrustedText';
import { parseArgs, UsageError } from './cliArgs';
import { stderrLogger } from './openForCli';
import { printError } from './terminalOutput';
import { findTrialbookDir, findWasm } from './workspaceLocation';

export const IMPORT_HELP = `Usage: trialbook import <path> [--kind KIND] [--dir <workspace>] [--quiet]

  Reads the runs at <path> into the workspace's index (.trialbook/), as the editor's trialbook.sources do:
  an MLflow FileStore (mlruns), an MLflow SQLite store (mlflow.db), a TensorBoard logdir or a wandb folder.
  Run again to take in what was written since; nothing is imported twice and the source is never written.
  --kind KIND   ${SOURCE_KINDS.join(', ')} (detected when left out)
  Exit codes: 0 imported (problems, if any, are listed on stderr), 1 the source cannot be read, 2 bad usage.
`;

export function sourceKindOption(value: string | undefined): SourceKind | undefined {
  if (value === undefined) return undefined;
  if (!isSourceKind(value)) throw new UsageError(`--kind must be one of ${SOURCE_KINDS.join(', ')}`);
  return value;
}

/**
 * One pass over one source into `trialbookDir`; problems printed to stderr. Undefined when it cannot be read at all.
 * `index` (open on the same folder) takes what the pass writes as columns instead of reading it back.
 */
export async function importOnce(trialbookDir: string, path: string, kind: SourceKind | undefined, quiet: boolean, index?: RunIndex): Promise<PassReport | undefined> {
  const log = stderrLogger(quiet);
  mkdirSync(runsDirOf(trialbookDir), { recursive: true });
  const follower = new SourceFollower(runsDirOf(trialbookDir), { ...log, warn: () => undefined }, { wasmPath: findWasm() });
  if (index) follower.setSink((append) => index.ingestImported(append));
  try {
    follower.setSources([kind ? { path, kind } : { path }], process.cwd());
    const report = await follower.pass();
    const status = report.sources[0];
    if (!status || status.error) { printError(`${escapeControls(resolve(path))}: ${escapeControls(status?.error ?? 'not read')}`); return undefined; }
    if (!quiet) for (const p of status.problems) process.stderr.write(`warning: ${escapeControls(describeProblem(p))}\n`);
    return report;
  } finally {
    follower.close();
  }
}

export async function runImportCommand(args: string[]): Promise<number> {
  const parsed = parseArgs(args, ['dir', 'kind'], ['quiet', 'help']);
  if (parsed.flags.has('help')) { process.stdout.write(IMPORT_HELP); return 0; }
  const [path, extra] = parsed.positional;
  if (path === undefined) throw new UsageError('import needs the path of a source');
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}"`);
  const kind = sourceKindOption(parsed.options.get('kind'));
  const quiet = parsed.flags.has('quiet');
  const trialbookDir = findTrialbookDir(parsed.options.get('dir'));
  mkdirSync(trialbookDir, { recursive: true });
  const index = await openRunIndex({ trialbookDir, wasmPath: findWasm(), log: stderrLogger(quiet), saveDelayMs: 60_000 });
  try {
    const report = await importOnce(trialbookDir, path, kind, quiet, index);
    if (!report) return 1;
    const status = report.sources[0];
    await index.sync();
    process.stdout.write(`${escapeControls(resolve(path))} (${status?.kind ?? 'source'}): ${status?.runs ?? 0} runs, ${report.changed.length} new or changed; `
      + `${status?.problems.length ?? 0} problems${index.isWriter ? '' : `; the index is not written here (${escapeControls(index.readOnlyReason ?? 'read-only')}), the editor picks the runs up`}.\n`);
  } finally {
    await index.close();
  }
  return 0;
}

/** `runs --source`: the source read into a throwaway index; closing it removes the folder. Undefined (said on stderr): unreadable. */
export async function openSourceForCli(path: string, kind: SourceKind | undefined, quiet: boolean): Promise<RunIndex | undefined> {
  const tmp = mkdtempSync(join(tmpdir(), 'trialbook-source-'));
  const trialbookDir = join(tmp, '.trialbook');
  mkdirSync(trialbookDir, { recursive: true });
  const index = await openRunIndex({ trialbookDir, wasmPath: findWasm(), log: stderrLogger(quiet), saveDelayMs: 60_000 });
  const report = await importOnce(trialbookDir, path, kind, quiet, index);
  if (!report) { await index.close(); rmSync(tmp, { recursive: true, force: true }); return undefined; }
  const close = index.close.bind(index);
  index.close = async () => { try { await close(); } finally { rmSync(tmp, { recursive: true, force: true }); } };
  return index;
}
