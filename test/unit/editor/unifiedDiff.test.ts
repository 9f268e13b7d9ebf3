import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyFilePatch, parseUnifiedDiff } from '../../../src/core/unifiedDiff';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } });
}

test('a real git diff applied to the committed text gives the working-tree text', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tb-diff-'));
  git(dir, 'init', '-q');
  const before = Array.from({ length: 40 }, (_, i) => `line ${i}`).join('\n') + '\n';
  writeFileSync(join(dir, 'train.py'), before);
  writeFileSync(join(dir, 'other.py'), 'a\nb\n');
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'init');
  const lines = before.split('\n');
  lines[2] = 'changed 2';
  lines.splice(20, 1);
  lines.splice(30, 0, 'inserted', 'inserted too');
  const after = lines.join('\n');
  writeFileSync(join(dir, 'train.py'), after);
  writeFileSync(join(dir, 'other.py'), 'a\nb\nc');
  const patches = parseUnifiedDiff(git(dir, 'diff', 'HEAD'));
  assert.deepEqual(patches.map((p) => p.newPath).sort(), ['other.py', 'train.py']);
  const train = patches.find((p) => p.newPath === 'train.py');
  assert.ok(train);
  assert.equal(applyFilePatch(before, train), after);
  const other = patches.find((p) => p.newPath === 'other.py');
  assert.ok(other);
  assert.equal(applyFilePatch('a\nb\n', other), 'a\nb\nc');
});

test('a patch that does not match the text says where', () => {
  const [patch] = parseUnifiedDiff('diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n');
  assert.ok(patch);
  assert.throws(() => applyFilePatch('a\nzzz\n', patch), /does not apply at line 2 of x/);
});
