// Opens the workspace index for a CLI command: same database, same single-writer rule as the extension.
import { existsSync } from 'node:fs';
import type { Logger } from '../core/model';
import { openRunIndex } from '../core/openRunIndex';
import type { RunIndex } from '../core/runIndex';
import { findTrialbookDir, findWasm } from './workspaceLocation';
import { escapeControls } from '../shared/untrustedText';
import { UsageError } from './cliArgs';

/** The index's warnings on stderr; they quote run-supplied text (metric names, paths), shown escaped. */
export function stderrLogger(quiet: boolean): Logger {
  return {
    info: () => undefined,
    warn: (m) => { if (!quiet) process.stderr.write(`warning: ${escapeControls(m)}\n`); },
    error: (m) => { process.stderr.write(`error: ${escapeControls(m)}\n`); },
  };
}

export async function openForCli(dir: string | undefined, quiet: boolean): Promise<RunIndex> {
  const trialbookDir = findTrialbookDir(dir);
  if (!existsSync(trialbookDir)) throw new UsageError(`no .trialbook folder at ${trialbookDir}; pass --dir <workspace>`);
  // Saves happen on close; a short CLI never needs the debounce.
  return openRunIndex({ trialbookDir, wasmPath: findWasm(), log: stderrLogger(quiet), saveDelayMs: 60_000 });
}
