// Temporary folders that are removed when the process exits, Ctrl-C included, so aborted test
// runs don't pile up copies of workspaces and VS Code profiles in /tmp.
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dirs = new Set();

/** A fresh folder under the system temp dir, as its real path (VS Code reports resolved paths). */
export function makeTempDir(prefix) {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  dirs.add(dir);
  return dir;
}

/** Synchronous, so it can run in an 'exit' handler. */
export function removeTempDirs() {
  for (const dir of dirs) {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
    } catch {
      // a process that still writes there may race us; the OS cleans /tmp eventually
    }
    dirs.delete(dir);
  }
}
