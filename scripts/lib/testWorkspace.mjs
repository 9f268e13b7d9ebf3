// A fresh copy of the fixture workspace per run, so tests can write into it without touching the clone.
import { cpSync, existsSync, mkdirSync, mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** @param {string} root repo root @param {string} prefix */
export function freshWorkspace(root, prefix) {
  // realpath: /tmp may be a symlink, and VS Code reports the resolved path of the folder.
  const parent = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  const workspace = join(parent, 'workspace');
  const fixture = join(root, 'test', 'fixtures', 'workspace');
  if (existsSync(fixture)) cpSync(fixture, workspace, { recursive: true });
  else mkdirSync(workspace);
  return { parent, workspace };
}
