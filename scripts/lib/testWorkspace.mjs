// A fresh copy of the fixture workspace per run, so tests can write into it without touching the clone.
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from './tempDirs.mjs';

/** @param {string} root repo root @param {string} prefix @param {{ empty?: boolean }} [options] */
export function freshWorkspace(root, prefix, options = {}) {
  const parent = makeTempDir(prefix);
  const workspace = join(parent, 'workspace');
  const fixture = join(root, 'test', 'fixtures', 'workspace');
  if (!options.empty && existsSync(fixture)) cpSync(fixture, workspace, { recursive: true });
  else mkdirSync(workspace);
  return { parent, workspace };
}
