import * as vscode from 'vscode';
import * as path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFile } from 'node:fs/promises';
import { applyFilePatch, parseUnifiedDiff } from '../core/unifiedDiff';
import type { RunDetail } from '../core/model';
import { errorMessage } from '../shared/errorMessage';
import { inertText } from '../shared/untrustedText';

const run = promisify(execFile);
export const gitScheme = 'trialbook-git';

interface GitDocRef {
  root: string;
  commit: string;
  /** Path relative to the repository root, with forward slashes. */
  file: string;
  /** `commit`: the file at the commit; `ran`: that plus the run's stored uncommitted diff. */
  side: 'commit' | 'ran';
  patch?: string;
}

/**
 * A commit id as git prints it. Anything else is refused before it reaches git: a run log is untrusted, and a
 * "commit" such as `--output=/path` would be read by `git show` as an option (and write that file).
 */
const COMMIT_ID = /^[0-9a-f]{4,64}$/i;

/** The document reference in a `trialbook-git:` URI; URIs can come from anywhere, so every field is checked. */
function parseGitDocRef(query: string): GitDocRef {
  let value: unknown;
  try {
    value = JSON.parse(query);
  } catch {
    value = undefined;
  }
  const o = typeof value === 'object' && value !== null ? value as Record<string, unknown> : {};
  const text = (key: string): string | undefined => (Object.prototype.hasOwnProperty.call(o, key) && typeof o[key] === 'string' ? o[key] : undefined);
  const root = text('root');
  const commit = text('commit');
  const file = text('file');
  const side = text('side');
  const patch = text('patch');
  if (!root || !commit || !COMMIT_ID.test(commit) || !file || (side !== 'commit' && side !== 'ran')) {
    throw new Error('this trialbook-git document reference is not one Trialbook made (it needs a repository, a commit id, a file and a side).');
  }
  return { root, commit, file, side, ...(patch !== undefined ? { patch } : {}) };
}

function toUri(ref: GitDocRef): vscode.Uri {
  return vscode.Uri.from({ scheme: gitScheme, path: `/${ref.file}`, query: JSON.stringify(ref) });
}

async function fileAtCommit(root: string, commit: string, file: string): Promise<string> {
  try {
    const { stdout } = await run('git', ['show', `${commit}:${file}`], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const message = errorMessage(err);
    if (/does not exist|exists on disk, but not in|invalid object name|bad revision|unknown revision/i.test(message)) return '';
    throw new Error(`git could not show ${file} at ${commit.slice(0, 12)} in ${root}: ${message.split('\n')[0]}`);
  }
}

/** Read-only documents: a file as it was at a run's commit, and as it ran (commit + stored diff). */
export class GitDocumentProvider implements vscode.TextDocumentContentProvider {
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const ref = parseGitDocRef(uri.query);
    const committed = await fileAtCommit(ref.root, ref.commit, ref.file);
    if (ref.side === 'commit' || !ref.patch) return committed;
    const patchText = await readFile(ref.patch, 'utf8');
    const filePatch = parseUnifiedDiff(patchText).find((p) => p.newPath === ref.file || p.oldPath === ref.file);
    return filePatch ? applyFilePatch(committed, filePatch) : committed;
  }
}

function gitInfo(detail: RunDetail): { root: string; commit: string } {
  const git = detail.lineage.git;
  if (!git?.commit || !git.root) {
    throw new Error(`run "${detail.name}" has no git commit recorded (it ran outside a git repository, or git capture was off).`);
  }
  checkCommitId(detail, git.commit);
  return { root: git.root, commit: git.commit };
}

function checkCommitId(detail: RunDetail, commit: string): void {
  if (!COMMIT_ID.test(commit)) {
    throw new Error(`run "${detail.name}" records ${JSON.stringify(commit.slice(0, 80))} as its git commit, which is not a commit id; its log may be damaged or forged.`);
  }
}

function relativeTo(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}

/** "Open at Commit": the run's script or notebook as it was at the run's commit. */
export async function openAtCommit(detail: RunDetail): Promise<void> {
  const { root, commit } = gitInfo(detail);
  const source = detail.lineage.script ?? detail.lineage.notebook?.path;
  if (!source) throw new Error(`run "${detail.name}" has no script or notebook recorded.`);
  const uri = toUri({ root, commit, file: relativeTo(root, source), side: 'commit' });
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true });
}

/** "Show Code Diff": each changed file, committed ↔ as it ran, in the diff editor. */
export async function showCodeDiff(detail: RunDetail): Promise<void> {
  const git = detail.lineage.git;
  if (!git?.diff) {
    void vscode.window.showInformationMessage(`Trialbook: run "${inertText(detail.name)}" ran from a clean working tree (no uncommitted diff stored).`);
    return;
  }
  const patchPath = path.join(detail.dir, git.diff);
  const patchText = await readFile(patchPath, 'utf8').catch(() => {
    throw new Error(`the stored diff of run "${detail.name}" is missing (${patchPath}).`);
  });
  const files = parseUnifiedDiff(patchText).filter((f) => !f.binary && (f.newPath ?? f.oldPath));
  const showPatch = async (): Promise<void> => {
    const doc = await vscode.workspace.openTextDocument({ language: 'diff', content: patchText });
    await vscode.window.showTextDocument(doc, { preview: true });
  };
  if (git.commit) checkCommitId(detail, git.commit);
  if (!git.commit || !git.root || files.length === 0) {
    await showPatch();
    return;
  }
  const script = detail.lineage.script ? relativeTo(git.root, detail.lineage.script) : undefined;
  let chosen = files.find((f) => f.newPath === script) ?? files[0];
  if (files.length > 1) {
    const pick = await vscode.window.showQuickPick(
      [...files.map((f) => ({ label: inertText(f.newPath ?? f.oldPath ?? '?'), file: f })), { label: '$(file-code) Whole patch', file: undefined }],
      { title: `Uncommitted changes of run "${inertText(detail.name)}"`, placeHolder: 'File to compare with its commit' },
    );
    if (!pick) return;
    if (!pick.file) {
      await showPatch();
      return;
    }
    chosen = pick.file;
  }
  const file = chosen?.newPath ?? chosen?.oldPath ?? '';
  const left = toUri({ root: git.root, commit: git.commit, file, side: 'commit' });
  const right = toUri({ root: git.root, commit: git.commit, file, side: 'ran', patch: patchPath });
  await vscode.commands.executeCommand('vscode.diff', left, right, `${inertText(file)} (${git.commit.slice(0, 8)} ↔ as run ${inertText(detail.name)})`, { preview: true });
}
